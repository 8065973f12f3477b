// The file system under the publishing protocol, behind a narrow seam (as ninja's
// DiskInterface): carrying out a commit's plan and finishing a cut one (writer.h,
// `apply_plan`) go through a `Disk`, so that the protocol's logic (every step idempotent,
// any cut point finished by applying the plan again) has fast unit tests on a tree in
// memory (tests/unit/disk_test.cc) beside the shell tests that kill the real thing.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "publish/output_folder.h"

namespace jp {

class Disk {
 public:
  virtual ~Disk() = default;
  /// Whether anything (a file, a folder, a link) is at `p`.
  virtual bool exists(const std::filesystem::path& p) = 0;
  /// Makes `p` and its missing parents with `mode`; a component that is a link or a file
  /// is refused (the writer never writes through links).
  virtual void make_dirs(const std::filesystem::path& p, mode_t mode) = 0;
  virtual void rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  /// Removes a file (or a link, never its target); absent is fine.
  virtual void remove_file(const std::filesystem::path& p) = 0;
  /// Removes a folder if it is empty (and leaves it silently otherwise).
  virtual void remove_if_empty(const std::filesystem::path& p) = 0;

  /// A commit's pack, open for reading.
  class Pack {
   public:
    virtual ~Pack() = default;
    virtual uint64_t size() = 0;
    /// `len` bytes at `off`; throws when the pack is shorter.
    virtual std::string read(uint64_t off, uint64_t len) = 0;
  };
  /// Null when there is no pack at `p`.
  virtual std::unique_ptr<Pack> open_pack(const std::filesystem::path& p) = 0;
  /// Writes `bytes` over `target` in place (made with `mode`, its folder with `dir_mode`,
  /// if missing), cut to their length, with the modification time `mtime_ns` (if >= 0);
  /// returns the file's stat after the write.
  virtual FileStat overwrite(const std::filesystem::path& target, std::string_view bytes,
                             mode_t mode, mode_t dir_mode, long long mtime_ns) = 0;
};

/// The kernel's file system. It keeps no state: one is shared by every writer.
Disk& real_disk();

// The system calls the writer's staging shares with the real disk.

/// Throws "cannot WHAT PATH: strerror(e)".
[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p, int e);
/// Writes all of `bytes` at `offset` of `fd`; false (errno set) on failure.
bool pwrite_all(int fd, std::string_view bytes, uint64_t offset);
/// Opens a file to write it, never through a symbolic link, making its folder if needed.
int open_for_write(const std::filesystem::path& p, int flags, mode_t mode, mode_t dir_mode);

}  // namespace jp
