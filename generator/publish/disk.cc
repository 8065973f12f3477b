#include "publish/disk.h"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <stdexcept>

#include "core/unique_fd.h"

namespace jp {
namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const fs::path& p, int e) {
  throw std::runtime_error(fmt::format("cannot {} {}: {}", what, p.string(), std::strerror(e)));
}

bool pwrite_all(int fd, std::string_view bytes, uint64_t offset) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    if (n == 0) {
      errno = ENOSPC;
      return false;
    }
    done += size_t(n);
  }
  return true;
}

namespace {

/// Makes `p` and its missing parents with `mode`. A component that is a symbolic link or
/// a file is refused: the writer never writes through links.
void make_real_dirs(const fs::path& p, mode_t mode) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return;
    throw std::runtime_error(
        fmt::format("{} is {}, not a folder: journalpress does not write through it; move it away",
                    p.string(), S_ISLNK(st.st_mode) ? "a symbolic link" : "a file"));
  }
  if (p.has_parent_path() && p.parent_path() != p) make_real_dirs(p.parent_path(), mode);
  if (::mkdir(p.c_str(), mode) != 0 && errno != EEXIST) fail("create the folder", p, errno);
}

}  // namespace

int open_for_write(const fs::path& p, int flags, mode_t mode, mode_t dir_mode) {
  flags |= O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
  int fd = ::open(p.c_str(), flags, mode);
  if (fd < 0 && errno == ENOENT) {
    make_real_dirs(p.parent_path(), dir_mode);
    fd = ::open(p.c_str(), flags, mode);
  }
  if (fd < 0) {
    if (errno == ELOOP)
      throw std::runtime_error(fmt::format(
          "{} is a symbolic link: journalpress does not write through links", p.string()));
    fail("write", p, errno);
  }
  return fd;
}

namespace {

class RealPack : public Disk::Pack {
 public:
  RealPack(fs::path path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  uint64_t size() override {
    struct stat st {};
    return ::fstat(fd_.get(), &st) == 0 ? uint64_t(st.st_size) : 0;
  }
  std::string read(uint64_t off, uint64_t len) override {
    std::string bytes(len, '\0');
    for (uint64_t got = 0; got < len;) {
      ssize_t n = ::pread(fd_.get(), bytes.data() + got, len - got, off_t(off + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0)
        throw std::runtime_error(fmt::format(
            "{} is cut short (a commit interrupted while it was written?)", path_.string()));
      got += uint64_t(n);
    }
    return bytes;
  }

 private:
  fs::path path_;
  UniqueFd fd_;
};

class RealPackWriter : public Disk::PackWriter {
 public:
  RealPackWriter(fs::path path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  void write(std::string_view bytes, uint64_t offset) override {
    if (!pwrite_all(fd_.get(), bytes, offset)) fail("write", path_, errno);
  }

 private:
  fs::path path_;
  UniqueFd fd_;
};

Disk::Entry entry_of(const struct stat& st) {
  Disk::Entry e;
  e.kind = S_ISDIR(st.st_mode)    ? Disk::Entry::folder
           : S_ISREG(st.st_mode)  ? Disk::Entry::file
           : S_ISLNK(st.st_mode)  ? Disk::Entry::link
           : S_ISFIFO(st.st_mode) ? Disk::Entry::fifo
                                  : Disk::Entry::other;
  e.mode = st.st_mode & 07777;
  e.links = unsigned(st.st_nlink);
  e.device = static_cast<unsigned long long>(st.st_dev);
  e.stat = file_stat(st);
  return e;
}

/// Closes a directory stream (and the descriptor it was opened on).
struct CloseDirStream {
  void operator()(DIR* d) const { ::closedir(d); }
};

class RealFolder : public Disk::Folder {
 public:
  /// Takes `fd` (a folder opened O_DIRECTORY).
  RealFolder(fs::path path, UniqueFd fd) : path_(std::move(path)) {
    // The stream owns the descriptor once fdopendir succeeds; until then `fd` closes it.
    dir_.reset(::fdopendir(fd.get()));
    if (!dir_) {
      int e = errno;
      fail("read", path_, e);
    }
    fd_ = fd.release();
  }
  bool next(std::string& name, Disk::Entry& entry) override {
    while (dirent* d = ::readdir(dir_.get())) {
      const char* n = d->d_name;
      if (n[0] == '.' && (n[1] == 0 || (n[1] == '.' && n[2] == 0))) continue;
      name = n;
      if (d->d_type == DT_DIR) {  // no stat needed: a walk only goes into it
        entry = Disk::Entry{};
        entry.kind = Disk::Entry::folder;
        return true;
      }
      struct stat st {};
      if (::fstatat(fd_, n, &st, AT_SYMLINK_NOFOLLOW) != 0) fail("read", path_ / name, errno);
      entry = entry_of(st);  // (a file system without d_type: folders too)
      return true;
    }
    return false;
  }
  std::unique_ptr<Disk::Folder> open(const std::string& name) override {
    UniqueFd sub(::openat(fd_, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!sub) fail("read", path_ / name, errno);
    return std::make_unique<RealFolder>(path_ / name, std::move(sub));
  }
  void remove(const std::string& name) override {
    if (::unlinkat(fd_, name.c_str(), 0) != 0) fail("remove", path_ / name, errno);
  }
  void chmod(const std::string& name, mode_t mode) override {
    (void)::fchmodat(fd_, name.c_str(), mode, 0);
  }
  mode_t mode() override {
    struct stat st {};
    return ::fstat(fd_, &st) == 0 ? st.st_mode & 07777 : 0;
  }
  void chmod_self(mode_t mode) override { (void)::fchmod(fd_, mode); }

 private:
  fs::path path_;
  std::unique_ptr<DIR, CloseDirStream> dir_;
  int fd_ = -1;  ///< the stream's
};

class RealDisk : public Disk {
 public:
  bool exists(const fs::path& p) override {
    struct stat st {};
    return ::lstat(p.c_str(), &st) == 0;
  }
  void make_dirs(const fs::path& p, mode_t mode) override { make_real_dirs(p, mode); }
  void rename(const fs::path& from, const fs::path& to) override {
    if (std::rename(from.c_str(), to.c_str()) != 0)
      throw std::runtime_error(fmt::format("cannot move {} to {}: {}", from.string(), to.string(),
                                           std::strerror(errno)));
  }
  void remove_file(const fs::path& p) override {
    if (::unlink(p.c_str()) != 0 && errno != ENOENT) fail("delete", p, errno);
  }
  void remove_if_empty(const fs::path& p) override { ::rmdir(p.c_str()); }
  std::unique_ptr<Pack> open_pack(const fs::path& p) override {
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
      if (errno == ENOENT) return nullptr;
      fail("read", p, errno);
    }
    return std::make_unique<RealPack>(p, std::move(fd));
  }
  FileStat overwrite(const fs::path& target, std::string_view bytes, mode_t mode,
                     mode_t dir_mode, long long mtime_ns) override {
    // No O_TRUNC: on ext4, truncating and rewriting a file costs ~0.4 ms, writing over it
    // ~0.03 ms (measured here); the tail is cut only when the file got shorter. The folder
    // is made only when the open says it is missing (a stat per file costs as much as the
    // write).
    UniqueFd fd(open_for_write(target, 0, mode, dir_mode));
    struct stat st {};
    bool ok = ::fstat(fd.get(), &st) == 0 && pwrite_all(fd.get(), bytes, 0);
    if (ok && uint64_t(st.st_size) > bytes.size())
      ok = ::ftruncate(fd.get(), off_t(bytes.size())) == 0;
    // The commit's own mtime, known before the commit point: the state records the file's
    // stat (size, this mtime, its inode) with its new hash, and needs no second write.
    if (ok && mtime_ns >= 0) {
      struct timespec times[2] = {{0, UTIME_OMIT},
                                  {time_t(mtime_ns / 1000000000), long(mtime_ns % 1000000000)}};
      ok = ::futimens(fd.get(), times) == 0;
    }
    if (ok) ok = ::fstat(fd.get(), &st) == 0;
    int e = errno;
    fd.reset();
    if (!ok) fail("write", target, e);
    return file_stat(st);
  }
  Entry lstat(const fs::path& p) override {
    struct stat st {};
    if (::lstat(p.c_str(), &st) == 0) return entry_of(st);
    Entry e;
    if (errno != ENOENT) e.error = errno;
    return e;
  }
  void chmod(const fs::path& p, mode_t mode) override { (void)::chmod(p.c_str(), mode); }
  std::unique_ptr<Folder> open_folder(const fs::path& p) override {
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) fail("read", p, errno);
    return std::make_unique<RealFolder>(p, std::move(fd));
  }
  std::optional<std::string> read_file(const fs::path& p) override {
    UniqueFd fd(::open(p.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd) return std::nullopt;
    std::string bytes;
    char buf[65536];
    for (;;) {
      ssize_t n = ::read(fd.get(), buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return std::nullopt;
      if (n == 0) break;
      bytes.append(buf, size_t(n));
    }
    return bytes;
  }
  FileStat write_file(const fs::path& p, std::string_view bytes, mode_t mode,
                      mode_t dir_mode) override {
    UniqueFd fd(open_for_write(p, O_TRUNC, mode, dir_mode));
    struct stat st {};
    bool ok = pwrite_all(fd.get(), bytes, 0) && ::fstat(fd.get(), &st) == 0;
    int e = errno;
    fd.reset();
    if (!ok) fail("write", p, e);
    return file_stat(st);
  }
  bool link(const fs::path& existing, const fs::path& p, mode_t dir_mode) override {
    int r = ::link(existing.c_str(), p.c_str());
    if (r != 0 && errno == ENOENT && ::access(existing.c_str(), F_OK) == 0) {
      make_real_dirs(p.parent_path(), dir_mode);
      r = ::link(existing.c_str(), p.c_str());
    }
    if (r == 0) return true;
    // A file system without hard links (FAT, some network mounts), or a file linked as
    // often as it may be: a copy does as well.
    if (errno == EPERM || errno == EXDEV || errno == EMLINK || errno == EOPNOTSUPP ||
        errno == ENOSYS)
      return false;
    fail("link", p, errno);
  }
  void make_dir(const fs::path& p, mode_t mode) override {
    if (::mkdir(p.c_str(), mode) != 0) fail("create", p, errno);
  }
  void remove_all(const fs::path& p) override {
    std::error_code ec;
    fs::remove_all(p, ec);
  }
  std::unique_ptr<PackWriter> create_pack(const fs::path& p) override {
    UniqueFd fd(::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!fd) fail("create", p, errno);
    return std::make_unique<RealPackWriter>(p, std::move(fd));
  }
};

}  // namespace

Disk& real_disk() {
  static RealDisk disk;
  return disk;
}

}  // namespace jp
