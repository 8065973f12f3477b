// A file system in memory under the publishing protocol (publish/disk.h), for the unit
// tests of the plans (disk_test.cc) and of the Writer (writer_test.cc). Paths are kept as
// strings; entries other than files and folders (links, FIFOs) are marked, so the Writer's
// disk check can meet them. Every file has a stat: an inode given when it is made, a clock
// ticking at each write (or the commit's own mtime). Names sharing an inode are hard links
// (`link`): a write through one is seen through all; `links` marks a name linked from
// outside the tree.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "publish/disk.h"

namespace jp::test {

struct Killed : std::runtime_error {
  Killed() : std::runtime_error("killed") {}
};

/// Files and folders in memory. After `budget` changes it throws Killed, as a kill -9
/// between two system calls would stop the real run; the disk is then dead (budget -2):
/// it drops every change (the destructors that run as Killed unwinds would otherwise
/// clean up what a killed process leaves) until `budget` is set again. The changes: those
/// of a plan (make_dirs, rename, remove_file, remove_if_empty, overwrite), and the
/// Writer's (write_file, make_dir, remove_all, create_pack, a pack's write, removing an
/// entry in a walk).
class MemoryDisk : public Disk {
 public:
  std::map<std::string, std::string> files;  ///< path -> bytes
  std::map<std::string, mode_t> dirs;         ///< path -> mode
  std::map<std::string, mode_t> modes;        ///< file path -> mode
  std::map<std::string, FileStat> stats;      ///< file path -> size, mtime, inode
  std::map<std::string, Entry::Kind> odd;     ///< links, FIFOs...: path -> kind
  /// file path -> hard links, when more than its names in the tree (linked from outside)
  std::map<std::string, unsigned> links;
  long budget = -1;  ///< changes left before the kill; -1: none; -2: killed, dead
  long changes = 0;                           ///< changes made

  /// A file written as by hand: new bytes, a new mtime, the inode kept (or a new one).
  void edit(const std::string& p, const std::string& bytes, mode_t mode = 0644) {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    bool fresh = !files.count(p);
    files[p] = bytes;
    if (fresh) modes[p] = mode;
    FileStat& s = stats[p];
    s = {(long long)bytes.size(), ++clock_, fresh ? ++inode_ : s.inode};
    if (!fresh) through_links(p);
  }

  /// The names of `p`'s inode (p included), sorted.
  std::vector<std::string> names_of(const std::string& p) const {
    std::vector<std::string> names;
    auto it = stats.find(p);
    if (it == stats.end() || it->second.inode < 0) return {p};  // (a file set by hand)
    for (const auto& [q, st] : stats)
      if (st.inode == it->second.inode && files.count(q)) names.push_back(q);
    return names;
  }

  bool exists(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    return files.count(p.string()) || dirs.count(p.string()) || odd.count(p.string());
  }
  void make_dirs(const std::filesystem::path& p, mode_t mode) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (p.empty() || p == p.parent_path() || dirs.count(p.string())) return;
    if (files.count(p.string()) || odd.count(p.string()))
      throw std::runtime_error(p.string() + " is not a folder");
    make_dirs(p.parent_path(), mode);
    if (live()) dirs[p.string()] = mode;
  }
  void rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!live()) return;
    // A file moves alone; a folder with everything under it.
    std::string f = from.string() + "/";
    auto move_all = [&](auto& m) {
      std::map<std::string, typename std::decay_t<decltype(m)>::mapped_type> moved;
      for (auto it = m.begin(); it != m.end();) {
        if (it->first == from.string() || it->first.rfind(f, 0) == 0) {
          moved[to.string() + it->first.substr(from.string().size())] = it->second;
          it = m.erase(it);
        } else {
          ++it;
        }
      }
      for (auto& [k, v] : moved) m[k] = v;  // over what was there, as rename(2) does
    };
    move_all(files), move_all(modes), move_all(dirs), move_all(stats), move_all(odd),
        move_all(links);
  }
  void remove_file(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!files.count(p.string()) && !odd.count(p.string())) return;
    if (live()) erase_entry(p.string());
  }
  void remove_if_empty(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!dirs.count(p.string()) || !children(p.string()).empty()) return;
    if (live()) dirs.erase(p.string());
  }
  struct MemoryPack : Pack {
    std::string bytes;
    uint64_t size() override { return bytes.size(); }
    std::string read(uint64_t off, uint64_t len) override {
      if (off + len > bytes.size()) throw std::runtime_error("pack cut short");
      return bytes.substr(off, len);
    }
  };
  std::unique_ptr<Pack> open_pack(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!files.count(p.string())) return nullptr;
    auto pack = std::make_unique<MemoryPack>();
    pack->bytes = files[p.string()];
    return pack;
  }
  FileStat overwrite(const std::filesystem::path& target, std::string_view bytes, mode_t mode,
                     mode_t dir_mode, long long mtime_ns) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    make_dirs(target.parent_path(), dir_mode);
    if (!live()) return {};
    long long t = mtime_ns >= 0 ? mtime_ns : ++clock_;
    if (whole_seconds) t -= t % 1000000000LL;
    return put(target.string(), bytes, mode, t);
  }

  Entry lstat(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    return entry(p.string());
  }
  void chmod(const std::filesystem::path& p, mode_t mode) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (budget == -2) return;
    if (dirs.count(p.string())) dirs[p.string()] = mode;
    if (files.count(p.string())) modes[p.string()] = mode;
  }
  std::unique_ptr<Folder> open_folder(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!dirs.count(p.string()))
      throw std::runtime_error("cannot read " + p.string() + ": No such file or directory");
    return std::make_unique<MemoryFolder>(*this, p.string());
  }
  std::optional<std::string> read_file(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    auto it = files.find(p.string());
    if (it == files.end()) return std::nullopt;
    return it->second;
  }
  FileStat write_file(const std::filesystem::path& p, std::string_view bytes, mode_t mode,
                      mode_t dir_mode) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (odd.count(p.string()) || dirs.count(p.string()))
      throw std::runtime_error("cannot write " + p.string());
    make_dirs(p.parent_path(), dir_mode);
    if (!live()) return {};
    return put(p.string(), bytes, mode, ++clock_);
  }
  bool link(const std::filesystem::path& existing, const std::filesystem::path& p,
            mode_t dir_mode) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!files.count(existing.string()) || exists(p))
      throw std::runtime_error("cannot link " + p.string());
    make_dirs(p.parent_path(), dir_mode);
    if (!live()) return true;
    if (!can_link) return false;
    files[p.string()] = files[existing.string()];
    modes[p.string()] = modes[existing.string()];
    stats[p.string()] = stats[existing.string()];
    return true;
  }
  bool can_link = true;  ///< false: a file system without hard links
  /// A file system keeping whole seconds: a time set is stored cut to the second.
  bool whole_seconds = false;
  void make_dir(const std::filesystem::path& p, mode_t mode) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (exists(p) || !dirs.count(p.parent_path().string()))
      throw std::runtime_error("cannot create " + p.string());
    if (live()) dirs[p.string()] = mode;
  }
  void remove_all(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (!exists(p) || !live()) return;
    std::string prefix = p.string() + "/";
    auto drop = [&](auto& m) {
      for (auto it = m.begin(); it != m.end();)
        it = it->first == p.string() || it->first.rfind(prefix, 0) == 0 ? m.erase(it) : ++it;
    };
    drop(files), drop(modes), drop(dirs), drop(stats), drop(odd), drop(links);
  }
  std::unique_ptr<PackWriter> create_pack(const std::filesystem::path& p) override {
    std::lock_guard<std::recursive_mutex> lock(mu_);
    if (live()) put(p.string(), "", 0600, ++clock_);
    return std::make_unique<MemoryPackWriter>(*this, p.string());
  }

  bool operator==(const MemoryDisk& o) const {  // the trees, not the stats or counters
    return files == o.files && dirs == o.dirs && modes == o.modes;
  }

  /// The names in folder `p`, sorted.
  std::vector<std::string> children(const std::string& p) const {
    std::vector<std::string> names;
    std::string prefix = p + "/";
    auto add = [&](const auto& m) {
      for (auto it = m.lower_bound(prefix); it != m.end() && it->first.rfind(prefix, 0) == 0; ++it)
        if (it->first.find('/', prefix.size()) == std::string::npos)
          names.push_back(it->first.substr(prefix.size()));
    };
    add(files), add(dirs), add(odd);
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  /// Counts a change; false when the disk is dead (the change is dropped).
  bool live() {
    if (budget == -2) return false;
    if (budget == 0) {
      budget = -2;
      throw Killed();
    }
    if (budget > 0) --budget;
    ++changes;
    return true;
  }
  FileStat put(const std::string& p, std::string_view bytes, mode_t mode, long long mtime_ns) {
    bool fresh = !files.count(p);
    files[p] = std::string(bytes);
    if (fresh) modes[p] = mode;
    FileStat& s = stats[p];
    s = {(long long)bytes.size(), mtime_ns, fresh ? ++inode_ : s.inode};
    FileStat r = s;
    if (!fresh) through_links(p);
    return r;
  }
  /// A write in place is seen through every name of the inode.
  void through_links(const std::string& p) {
    for (const auto& q : names_of(p))
      if (q != p) files[q] = files[p], stats[q] = stats[p];
  }
  void erase_entry(const std::string& p) {
    files.erase(p), modes.erase(p), stats.erase(p), odd.erase(p), links.erase(p);
  }
  Entry entry(const std::string& p) const {
    Entry e;
    if (auto d = dirs.find(p); d != dirs.end()) {
      e.kind = Entry::folder, e.mode = d->second;
    } else if (auto f = files.find(p); f != files.end()) {
      e.kind = Entry::file;
      if (auto m = modes.find(p); m != modes.end()) e.mode = m->second;
      if (auto s = stats.find(p); s != stats.end()) e.stat = s->second;
      e.links = unsigned(names_of(p).size());
      if (auto l = links.find(p); l != links.end()) e.links = l->second;
    } else if (auto o = odd.find(p); o != odd.end()) {
      e.kind = o->second, e.mode = 0777;
    }
    return e;
  }

  class MemoryFolder : public Folder {
   public:
    MemoryFolder(MemoryDisk& disk, std::string path)
        : disk_(disk), path_(std::move(path)), names_(disk.children(path_)) {}
    bool next(std::string& name, Entry& entry) override {
      std::lock_guard<std::recursive_mutex> lock(disk_.mu_);
      while (at_ < names_.size()) {
        name = names_[at_++];
        entry = disk_.entry(path_ + "/" + name);
        if (entry.kind == Entry::missing) continue;  // gone since the folder was opened
        if (entry.kind == Entry::folder) entry.mode = 0;  // as readdir says: a folder, no stat
        return true;
      }
      return false;
    }
    std::unique_ptr<Folder> open(const std::string& name) override {
      return disk_.open_folder(path_ + "/" + name);
    }
    void remove(const std::string& name) override {
      std::lock_guard<std::recursive_mutex> lock(disk_.mu_);
      if (disk_.live()) disk_.erase_entry(path_ + "/" + name);
    }
    void chmod(const std::string& name, mode_t mode) override { disk_.chmod(path_ + "/" + name, mode); }
    mode_t mode() override {
      std::lock_guard<std::recursive_mutex> lock(disk_.mu_);
      return disk_.dirs.at(path_);
    }
    void chmod_self(mode_t mode) override { disk_.chmod(path_, mode); }

   private:
    MemoryDisk& disk_;
    std::string path_;
    std::vector<std::string> names_;
    size_t at_ = 0;
  };

  class MemoryPackWriter : public PackWriter {
   public:
    MemoryPackWriter(MemoryDisk& disk, std::string path) : disk_(disk), path_(std::move(path)) {}
    void write(std::string_view bytes, uint64_t offset) override {
      std::lock_guard<std::recursive_mutex> lock(disk_.mu_);
      if (!disk_.live()) return;
      std::string& f = disk_.files[path_];
      if (f.size() < offset + bytes.size()) f.resize(offset + bytes.size());
      f.replace(offset, bytes.size(), bytes);
      disk_.stats[path_].size = (long long)f.size();
    }

   private:
    MemoryDisk& disk_;
    std::string path_;
  };

  /// Copied as a new lock: a copy of the tree is a disk of its own.
  struct Lock : std::recursive_mutex {
    Lock() = default;
    Lock(const Lock&) : std::recursive_mutex() {}
    Lock& operator=(const Lock&) { return *this; }
  };
  Lock mu_;
  long long clock_ = 1700000000000000000LL;  ///< mtimes, in ns
  long long inode_ = 1000;
};

}  // namespace jp::test
