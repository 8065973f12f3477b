// Zip archives (an .xlsx workbook, a OneRoster bulk set) read with libzip, each member
// whole into memory and held to limits: a member that inflates past kMaxZipMember, or far
// past its compressed size (a zip bomb), and a member named like a path out of the archive
// (`../x`, `/etc/x`) are refused; members are never written to disk.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/diag.h"

namespace jp {

struct ZipLimits {
  uint64_t member = uint64_t(512) << 20;  ///< the most one member may inflate to
  uint64_t total = uint64_t(2) << 30;     ///< the most all members read may inflate to
  uint64_t ratio = 500;                   ///< inflated : compressed, beyond `slack`
  uint64_t slack = 1 << 20;
};

class ZipReader {
 public:
  explicit ZipReader(ZipLimits limits = {});
  ~ZipReader();
  ZipReader(const ZipReader&) = delete;
  ZipReader& operator=(const ZipReader&) = delete;

  /// Opens `path`; false, with an error naming it, if it is not a zip archive or a
  /// member's name is not a plain relative path.
  bool open(const std::string& path, Diagnostics& diag);
  /// The same for an archive held in memory (`name` is used in messages).
  bool open_bytes(const std::string& name, std::string bytes, Diagnostics& diag);
  /// The members' names, in the archive's order.
  const std::vector<std::string>& names() const { return names_; }
  bool has(const std::string& name) const;
  /// A member's bytes; nullopt, with an error naming the archive and the member, when it is
  /// missing, damaged or past the limits.
  std::optional<std::string> read(const std::string& name, Diagnostics& diag);

 private:
  struct Handle;
  std::unique_ptr<Handle> h_;
  ZipLimits limits_;
  uint64_t inflated_ = 0;
  std::string path_;
  std::vector<std::string> names_;
  bool list(Diagnostics& diag);
};

/// Whether `name` is a member name that stays inside the archive: relative, without `..`
/// parts, backslashes or control characters.
bool safe_member_name(const std::string& name);

}  // namespace jp
