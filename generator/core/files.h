// Reading and writing whole files: the one place that knows how to do it safely.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>

namespace jp {

/// Reads a regular file whole into `text`; otherwise returns why not, in words. Opened
/// with O_NONBLOCK and checked with fstat after opening: a FIFO would block for ever and
/// /dev/zero would fill the memory, even if the path was checked before (it may have been
/// replaced since).
std::optional<std::string> try_read_file(const std::string& path, std::string& text);
/// Same, throwing `cannot read the <what> <path>: <why>`.
std::string read_file(const std::string& path, std::string_view what);
/// The content of `path`, or nullopt when there is no such file (other failures throw).
std::optional<std::string> read_file_if_exists(const std::string& path);

/// Writes a file whole: a temporary file next to it, fsync, rename. The temporary file is
/// always new (O_EXCL), never reached through a symbolic link (O_NOFOLLOW) and has `mode`
/// from its first byte: a leftover `.tmp` of a crashed run kept its old mode under O_TRUNC
/// (a 0644 key), and a planted link made a write go wherever it pointed. A leftover is
/// removed first (unlink removes a link, not its target); if one reappears in between,
/// the open fails rather than follow it. Throws naming the file and the cause.
void write_file_atomic(const std::string& path, std::string_view bytes, mode_t mode);

/// `path` made absolute with every symbolic link resolved, also when its last parts do not
/// exist yet (those are appended to the resolved folder that does).
std::string resolve_path(const std::string& path);

/// True when `inner` is `outer` or lies inside it (both resolved; compared by components).
bool path_within(const std::string& inner, const std::string& outer);

}  // namespace jp
