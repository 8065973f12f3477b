#include "writer.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "parallel.h"
#include "secrets.h"

namespace jp {
namespace fs = std::filesystem;

namespace {

void write_all(const fs::path& p, std::string_view bytes, bool sync, mode_t mode = 0644) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot create {}: {}", p.string(), std::strerror(errno)));
  const char* d = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, d, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      int e = errno;
      ::close(fd);
      throw std::runtime_error(fmt::format("cannot write {}: {}", p.string(), std::strerror(e)));
    }
    d += n;
    left -= size_t(n);
  }
  if (sync && ::fsync(fd) != 0) {
    int e = errno;
    ::close(fd);
    throw std::runtime_error(fmt::format("cannot sync {}: {}", p.string(), std::strerror(e)));
  }
  ::close(fd);
}

void rename_or_throw(const fs::path& a, const fs::path& b) {
  if (std::rename(a.c_str(), b.c_str()) != 0)
    throw std::runtime_error(
        fmt::format("cannot move {} to {}: {}", a.string(), b.string(), std::strerror(errno)));
}

/// Writes all of `bytes` at `offset` of `fd`; false (errno set) on failure.
bool pwrite_all(int fd, std::string_view bytes, uint64_t offset) {
  for (size_t done = 0; done < bytes.size();) {
    ssize_t n = ::pwrite(fd, bytes.data() + done, bytes.size() - done, off_t(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += size_t(n);
  }
  return true;
}

/// Writes `len` bytes at `off` of the pack (open as `pack_fd`) over `target` in place.
void overwrite_from_pack(int pack_fd, const fs::path& pack, uint64_t off, uint64_t len,
                         const fs::path& target) {
  std::string bytes(len, '\0');
  for (uint64_t got = 0; got < len;) {
    ssize_t n = ::pread(pack_fd, bytes.data() + got, len - got, off_t(off + got));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0)
      throw std::runtime_error(fmt::format(
          "{} is cut short (a commit interrupted while it was written?)", pack.string()));
    got += uint64_t(n);
  }
  // No O_TRUNC: on ext4, truncating and rewriting a file costs ~0.4 ms, writing over it
  // ~0.03 ms (measured here); the tail is cut only when the file got shorter. The folder
  // is made only when the open says it is missing (a stat per file costs as much as the
  // write).
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 && errno == ENOENT) {
    fs::create_directories(target.parent_path());
    fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  }
  if (fd < 0)
    throw std::runtime_error(
        fmt::format("cannot write {}: {}", target.string(), std::strerror(errno)));
  struct stat st {};
  bool ok = ::fstat(fd, &st) == 0 && pwrite_all(fd, bytes, 0);
  if (ok && uint64_t(st.st_size) > len) ok = ::ftruncate(fd, off_t(len)) == 0;
  int e = errno;
  ::close(fd);
  if (!ok)
    throw std::runtime_error(fmt::format("cannot write {}: {}", target.string(), std::strerror(e)));
}

/// Journal lines: `R <from>\t<to>` (rename if `from` still exists), `P <offset> <length>\t<path>`
/// (the bytes at offset in the pack, written over the file in place: see Writer::commit for
/// why not a rename), `D <path>` (delete), `E <dir>` (remove if empty). Paths are relative to
/// the output folder. Applying a journal twice gives the same result, so an interrupted
/// commit is finished by applying it again.
void apply_journal(const fs::path& out, const std::string& text, const fs::path& pack) {
  struct Overwrite {
    uint64_t off = 0, len = 0;
    fs::path target;
  };
  std::vector<Overwrite> overwrites;
  std::set<fs::path, std::greater<>> dirs;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 2) continue;
    std::string arg = line.substr(2);
    std::error_code ec;
    if (line[0] == 'P') {
      auto tab = line.find('\t');
      std::istringstream nums(line.substr(2, tab - 2));
      Overwrite o;
      nums >> o.off >> o.len;
      o.target = out / line.substr(tab + 1);
      overwrites.push_back(std::move(o));
    } else if (line[0] == 'R') {
      auto tab = arg.find('\t');
      fs::path from = out / arg.substr(0, tab), to = out / arg.substr(tab + 1);
      if (fs::exists(from, ec)) {
        fs::create_directories(to.parent_path(), ec);
        rename_or_throw(from, to);
      }
    } else if (line[0] == 'D') {
      fs::remove(out / arg, ec);
    } else if (line[0] == 'E') {
      dirs.insert(out / arg);
    }
  }
  if (!overwrites.empty()) {
    int pack_fd = ::open(pack.c_str(), O_RDONLY | O_CLOEXEC);
    if (pack_fd < 0)
      throw std::runtime_error(
          fmt::format("cannot read {}: {}", pack.string(), std::strerror(errno)));
    struct Close {
      int fd;
      ~Close() { ::close(fd); }
    } close_pack{pack_fd};
    // The writes are independent files: on both cores, the kernel's time per file
    // (~0.03 ms, most of a nightly commit) is spent twice as fast.
    parallel_for(overwrites.size(), 0, [&](size_t i) {
      const Overwrite& o = overwrites[i];
      overwrite_from_pack(pack_fd, pack, o.off, o.len, o.target);
    });
  }
  for (const auto& d : dirs) {  // deepest first
    std::error_code ec;
    if (fs::is_directory(d, ec) && fs::is_empty(d, ec)) fs::remove(d, ec);
  }
}

}  // namespace

void write_file_atomic(const fs::path& path, std::string_view bytes, bool private_file) {
  fs::create_directories(path.parent_path());
  if (private_file)
    fs::permissions(path.parent_path(), fs::perms::owner_all, fs::perm_options::replace);
  fs::path tmp = path;
  tmp += ".tmp";
  write_all(tmp, bytes, true, private_file ? 0600 : 0644);
  rename_or_throw(tmp, path);
}

void Writer::recover(const fs::path& out_dir, const std::string& name) {
  fs::path journal = out_dir / (".jp-commit-" + name);
  std::error_code ec;
  if (!fs::exists(journal, ec)) return;
  std::ifstream in(journal);
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // A journal is complete only with its final line; an incomplete one was never acted on.
  if (text.size() >= 4 && text.compare(text.size() - 4, 4, "END\n") == 0)
    apply_journal(out_dir, text, out_dir / (".jp-pack-" + name));
  fs::remove_all(out_dir / (".jp-staging-" + name), ec);
  fs::remove(out_dir / (".jp-pack-" + name), ec);
  fs::remove(journal, ec);
}

Writer::Writer(fs::path out_dir, std::string name, FileHashes previous, bool dry_run)
    : out_(std::move(out_dir)), name_(std::move(name)), dry_run_(dry_run) {
  published_.reserve(previous.size());
  for (auto& [path, hash] : previous) published_[path].hash = std::move(hash);
  open();
}

Writer::Writer(fs::path out_dir, std::string name, std::vector<PublishedFile> previous,
               bool dry_run)
    : out_(std::move(out_dir)), name_(std::move(name)), dry_run_(dry_run) {
  published_.reserve(previous.size());
  for (auto& f : previous) {
    Published& p = published_[std::move(f.path)];
    p.hash = std::move(f.hash);
    p.fingerprint = std::move(f.fingerprint);
  }
  open();
}

void Writer::open() {
  target_ = out_ / name_;
  staging_ = out_ / (".jp-staging-" + name_);
  journal_ = out_ / (".jp-commit-" + name_);
  pack_ = out_ / (".jp-pack-" + name_);
  if (dry_run_) return;
  fs::create_directories(out_);
  recover(out_, name_);
  std::error_code ec;
  fs::remove_all(staging_, ec);
  fs::create_directories(staging_);
  pack_fd_ = ::open(pack_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (pack_fd_ < 0)
    throw std::runtime_error(
        fmt::format("cannot create {}: {}", pack_.string(), std::strerror(errno)));
}

Writer::~Writer() {
  if (pack_fd_ >= 0) ::close(pack_fd_);
  if (!committed_ && !dry_run_) {
    std::error_code ec;
    fs::remove_all(staging_, ec);
    fs::remove(pack_, ec);
  }
}

void Writer::stage(const std::string& rel, std::string_view bytes) {
  fs::path p = staging_ / rel;
  std::error_code ec;
  if (!fs::exists(p.parent_path(), ec)) fs::create_directories(p.parent_path());
  write_all(p, bytes, false);
}

void Writer::put(const std::string& rel, std::string_view bytes) { put_many({rel}, bytes); }

bool Writer::folder_exists(std::string_view rel_dir) {
  {
    std::shared_lock<std::shared_mutex> lock(folders_mu_);
    auto it = folders_.find(rel_dir);
    if (it != folders_.end()) return it->second;
  }
  std::error_code ec;
  bool there = fs::is_directory(target_ / rel_dir, ec);
  std::unique_lock<std::shared_mutex> lock(folders_mu_);
  folders_.emplace(std::string(rel_dir), there);
  return there;
}

const Writer::Published* Writer::published(const std::string& rel) const {
  auto it = published_.find(rel);
  return it == published_.end() ? nullptr : &it->second;
}

bool Writer::keep(const std::vector<std::string>& rels, const std::string& fingerprint) {
  // One lookup a path, no lock: `published_` is only read while the build runs.
  std::vector<const Published*> ps;
  ps.reserve(rels.size());
  for (const auto& rel : rels) {
    const Published* p = published(rel);
    if (!p || p->fingerprint.empty() || p->fingerprint != fingerprint) return false;
    ps.push_back(p);
  }
  // The folders are checked, once each (a stat per file would cost more than the rest of
  // a nightly rebuild); a family folder or the whole site removed by hand is written again.
  // A single file deleted by hand comes back with `build --full`.
  if (!dry_run_)
    for (const auto& rel : rels) {
      auto slash = rel.rfind('/');
      if (!folder_exists(std::string_view(rel).substr(0, slash == std::string::npos ? 0 : slash)))
        return false;
    }
  for (size_t i = 0; i < rels.size(); ++i)
    if (const_cast<Published*>(ps[i])->offered.exchange(true))
      throw std::logic_error("the build offered " + rels[i] + " twice");
  unchanged_ += rels.size();
  return true;
}

void Writer::put_many(const std::vector<std::string>& rels, std::string_view bytes,
                      const std::string& fingerprint) {
  std::string hash = sha256_hex(bytes);
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& rel : rels) {
      fp_updated_[rel] = fingerprint;
      const Published* p = published(rel);
      // Changed bytes are saved with their fingerprint anyway; this lists the others.
      if (p && p->hash == hash && p->fingerprint != fingerprint) {
        fp_changed_.push_back(rel);
        updated_[rel] = hash;
      }
    }
  }
  put_hashed(rels, bytes, hash);
}

void Writer::put_many(const std::vector<std::string>& rels, std::string_view bytes) {
  put_hashed(rels, bytes, sha256_hex(bytes));
}

void Writer::put_hashed(const std::vector<std::string>& rels, std::string_view bytes,
                        const std::string& hash) {
  std::vector<std::string> fresh;  // not published before: staged as new files
  bool overwrite = false;          // published before, changed: packed
  uint64_t offset = 0;             // where in the pack the bytes go
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (closed_) throw std::logic_error("the build offered " + rels.front() + " after the commit");
    for (const auto& rel : rels) {
      auto* p = const_cast<Published*>(published(rel));
      if (p ? p->offered.exchange(true) : updated_.count(rel) > 0)
        throw std::logic_error("the build offered " + rel + " twice");
      std::error_code ec;
      bool unchanged = p && p->hash == hash && (dry_run_ || fs::exists(target_ / rel, ec));
      if (unchanged) {
        ++unchanged_;
        continue;
      }
      ++written_;
      updated_[rel] = hash;
      changed_.push_back(rel);
      if (p) {
        overwrite = true;
        packed_.push_back({rel, pack_size_, bytes.size()});
      } else {
        staged_.push_back(rel);
        fresh.push_back(rel);
      }
    }
    // The room in the pack is taken under the lock, the bytes written outside it: the
    // other thread renders meanwhile.
    offset = pack_size_;
    if (overwrite) pack_size_ += bytes.size();
  }
  if (dry_run_) return;
  // One copy of the bytes for all the paths just recorded at this offset.
  if (overwrite && !pwrite_all(pack_fd_, bytes, offset))
    throw std::runtime_error(
        fmt::format("cannot write {}: {}", pack_.string(), std::strerror(errno)));
  for (const auto& rel : fresh) stage(rel, bytes);
}

FileHashes Writer::state() const {
  FileHashes r = updated_;
  for (const auto& [path, p] : published_)
    if (p.offered && !r.count(path)) r.emplace(path, p.hash);
  return r;
}

void Writer::close_offers() {
  std::lock_guard<std::mutex> lock(mu_);
  if (closed_) return;
  closed_ = true;
  for (const auto& [path, p] : published_)
    if (!p.offered) removed_.push_back(path);
}

WriteStats Writer::commit() {
  close_offers();
  std::lock_guard<std::mutex> lock(mu_);
  WriteStats stats;
  stats.written = written_, stats.unchanged = unchanged_, stats.deleted = removed_.size();
  if (dry_run_) {
    committed_ = true;
    return stats;
  }
  // Plan the moves: a staged file whose folder does not exist yet moves with the
  // highest missing folder, in one rename.
  std::string journal;
  std::set<std::string> moved_dirs;
  std::error_code ec;
  std::string staging_rel = staging_.filename().string();
  std::sort(staged_.begin(), staged_.end());
  for (const auto& rel : staged_) {
    fs::path r(rel);
    fs::path missing;
    for (fs::path prefix; const auto& part : r.parent_path()) {
      prefix /= part;
      if (!fs::exists(target_ / prefix, ec)) {
        missing = prefix;
        break;
      }
    }
    if (!fs::exists(target_, ec)) missing = ".";
    if (!missing.empty()) {
      std::string key = missing.string();
      if (moved_dirs.insert(key).second) {
        if (key == ".")
          journal += fmt::format("R {}\t{}\n", staging_rel, name_);
        else
          journal += fmt::format("R {}/{}\t{}/{}\n", staging_rel, key, name_, key);
      }
      continue;
    }
    journal += fmt::format("R {}/{}\t{}/{}\n", staging_rel, rel, name_, rel);
  }
  // Files published before and changed now are written over in place from the pack:
  // a rename into place costs as much as creating the file, ten times an overwrite.
  if (pack_fd_ >= 0) {
    ::close(pack_fd_);
    pack_fd_ = -1;
  }
  std::sort(packed_.begin(), packed_.end(),
            [](const Packed& a, const Packed& b) { return a.rel < b.rel; });
  for (const auto& p : packed_)
    journal += fmt::format("P {} {}\t{}/{}\n", p.offset, p.length, name_, p.rel);
  std::set<std::string> emptied;
  for (const auto& rel : removed_) {
    journal += fmt::format("D {}/{}\n", name_, rel);
    for (fs::path p = fs::path(rel).parent_path(); !p.empty(); p = p.parent_path())
      emptied.insert(p.string());
  }
  for (const auto& d : emptied) journal += fmt::format("E {}/{}\n", name_, d);
  journal += "END\n";
  write_file_atomic(journal_, journal);
  apply_journal(out_, journal, pack_);
  fs::remove_all(staging_, ec);
  fs::remove(pack_, ec);
  fs::remove(journal_, ec);
  committed_ = true;
  return stats;
}

}  // namespace jp
