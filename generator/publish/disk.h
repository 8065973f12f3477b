// The file system under the publishing protocol, behind a narrow seam (as ninja's
// DiskInterface): the Writer's disk check (the walk of its output's folder), its staging,
// its pack, and carrying out a commit's plan and finishing a cut one (writer.h,
// `apply_plan`) go through a `Disk`, so that the protocol's logic (every step idempotent,
// any cut point finished by applying the plan again; a file changed, deleted or added by
// hand found and repaired) has fast unit tests on a tree in memory
// (tests/unit/disk_test.cc, tests/unit/memory_disk.h) beside the shell tests that kill the
// real thing.
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

  // What the Writer's disk check and staging need.

  /// What an entry is, never following a link.
  struct Entry {
    enum Kind { missing, file, folder, link, fifo, other };
    Kind kind = missing;
    mode_t mode = 0;       ///< permission bits (not known for a folder met in a walk)
    unsigned links = 1;    ///< hard links of a file
    unsigned long long device = 0;  ///< the file system it is on (st_dev)
    FileStat stat;         ///< size, mtime, inode of a file
    int error = 0;         ///< lstat only: the errno when it could not be read (kind missing)
  };
  virtual Entry lstat(const std::filesystem::path& p) = 0;
  /// Sets the permission bits of `p` (never through a link); errors are ignored, as a
  /// folder the writer cannot tighten still works.
  virtual void chmod(const std::filesystem::path& p, mode_t mode) = 0;

  /// A folder open for a walk. The kernel's holds the folder open and reaches its entries
  /// relative to it (openat, fstatat, unlinkat), so a folder swapped for a link during the
  /// walk is never followed.
  class Folder {
   public:
    virtual ~Folder() = default;
    /// The next entry (not `.` or `..`): false at the end. A folder's `mode` and `stat`
    /// are not filled (the kernel's readdir says "a folder" without a stat).
    virtual bool next(std::string& name, Entry& entry) = 0;
    /// A sub-folder, never through a link; throws "cannot read PATH: ..." when it fails.
    virtual std::unique_ptr<Folder> open(const std::string& name) = 0;
    /// Removes an entry that is not a folder (a link itself, never its target).
    virtual void remove(const std::string& name) = 0;
    /// The permission bits of an entry; errors are ignored (see Disk::chmod).
    virtual void chmod(const std::string& name, mode_t mode) = 0;
    /// This folder's own permission bits, and setting them (errors ignored).
    virtual mode_t mode() = 0;
    virtual void chmod_self(mode_t mode) = 0;
  };
  /// Opens a folder for a walk, never through a link; throws "cannot read PATH: ...".
  virtual std::unique_ptr<Folder> open_folder(const std::filesystem::path& p) = 0;

  /// The bytes of a regular file, never through a link; nothing when it cannot be read.
  virtual std::optional<std::string> read_file(const std::filesystem::path& p) = 0;
  /// Writes a new file (or over one, cut to `bytes`), its folder made with `dir_mode` if
  /// missing; returns its stat. Throws "cannot write PATH: ..." (a link: refused).
  virtual FileStat write_file(const std::filesystem::path& p, std::string_view bytes, mode_t mode,
                              mode_t dir_mode) = 0;
  /// Gives the file `existing` a second name `p` (a hard link; `p`'s folder made with
  /// `dir_mode` if missing). False when the file system cannot link (then the caller writes
  /// a copy); throws "cannot link PATH: ..." on any other failure.
  virtual bool link(const std::filesystem::path& existing, const std::filesystem::path& p,
                    mode_t dir_mode) = 0;
  /// Makes one folder; throws "cannot create PATH: ..." if it cannot (or it exists).
  virtual void make_dir(const std::filesystem::path& p, mode_t mode) = 0;
  /// Removes `p` and everything under it (never following links); absent is fine, and
  /// errors are ignored (the staging area is cleared again before the next use).
  virtual void remove_all(const std::filesystem::path& p) = 0;

  /// A commit's pack, open for writing (made empty, owner-only).
  class PackWriter {
   public:
    virtual ~PackWriter() = default;
    /// Writes `bytes` at `offset`; safe from several threads for different ranges.
    /// Throws "cannot write PACK: ...".
    virtual void write(std::string_view bytes, uint64_t offset) = 0;
  };
  /// Throws "cannot create PATH: ...".
  virtual std::unique_ptr<PackWriter> create_pack(const std::filesystem::path& p) = 0;
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
