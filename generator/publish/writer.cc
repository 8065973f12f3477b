#include "publish/writer.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <memory>
#include <set>
#include <sstream>
#include <stdexcept>

#include "core/hash.h"
#include "core/thread_pool.h"
#include "publish/disk.h"
#include "store/output_state.h"

namespace jp {
namespace fs = std::filesystem;

// The plan of a commit, one line an operation, paths relative to the output folder:
//   M <file mode> <folder mode>     (octal; the modes of what is created)
//   R <from>\t<to>                  rename, if `from` still exists
//   P <offset> <length>\t<path>     the pack's bytes at offset, written over the file in place
//   F <offset> <length>\t<path>     the same as a file of its own: the name is deleted first
//                                   (one of several names of a file, the others unchanged)
//   A <path>\t<path written>        another name of the file a P line writes: its stat is
//                                   read after the write (for the state)
//   D <path>                        delete (a file, or an odd entry)
//   E <folder>                      remove if empty (deepest first)
// Applying a plan twice gives the same result, so a commit cut short is finished by
// applying it again.
std::vector<std::pair<std::string, FileStat>> apply_plan(const fs::path& dir,
                                                         const std::string& plan,
                                                         const fs::path& pack, bool recovering,
                                                         ThreadPool* pool, Disk& disk) {
  struct Overwrite {
    uint64_t off = 0, len = 0;
    std::string rel;
    bool fresh = false;  // F: delete the name first
  };
  std::vector<Overwrite> overwrites;
  std::vector<std::pair<std::string, std::string>> aliases;  // A: name, the name written
  std::set<fs::path, std::greater<>> dirs;
  mode_t file_mode = 0644, dir_mode = 0755;
  long long mtime_ns = -1;
  std::istringstream in(plan);
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() < 2) continue;
    std::string arg = line.substr(2);
    if (line[0] == 'M') {
      std::istringstream modes(arg);
      modes >> std::oct >> file_mode >> dir_mode >> std::dec >> mtime_ns;
    } else if (line[0] == 'P' || line[0] == 'F') {
      auto tab = line.find('\t');
      std::istringstream nums(line.substr(2, tab - 2));
      Overwrite o;
      nums >> o.off >> o.len;
      o.rel = line.substr(tab + 1);
      o.fresh = line[0] == 'F';
      overwrites.push_back(std::move(o));
    } else if (line[0] == 'A') {
      auto tab = arg.find('\t');
      aliases.emplace_back(arg.substr(0, tab), arg.substr(tab + 1));
    } else if (line[0] == 'R') {
      auto tab = arg.find('\t');
      fs::path from = dir / arg.substr(0, tab), to = dir / arg.substr(tab + 1);
      if (disk.exists(from)) {
        disk.make_dirs(to.parent_path(), dir_mode);
        disk.rename(from, to);
        publish_step();
      }
    } else if (line[0] == 'D') {
      disk.remove_file(dir / arg);
      publish_step();
    } else if (line[0] == 'E') {
      dirs.insert(dir / arg);
    }
  }
  // The overwrites' stats in the order of their lines, then the other names' (A lines).
  std::vector<std::pair<std::string, FileStat>> stats(overwrites.size() + aliases.size());
  for (size_t i = 0; i < overwrites.size(); ++i) stats[i].first = overwrites[i].rel;
  for (size_t i = 0; i < aliases.size(); ++i) stats[overwrites.size() + i].first = aliases[i].first;
  if (!overwrites.empty()) {
    std::unique_ptr<Disk::Pack> pack_file = disk.open_pack(pack);
    if (!pack_file && recovering) {
      // The pack is gone (removed by hand): the files keep their old bytes with a stat of
      // unknown, so the next build compares them by content and writes them again.
      return stats;
    }
    if (!pack_file) fail("read", pack, ENOENT);
    const uint64_t pack_size = recovering ? pack_file->size() : 0;
    // The writes are independent files: on both cores, the kernel's time per file
    // (~0.03 ms, most of a nightly commit) is spent twice as fast.
    auto overwrite = [&](size_t i, unsigned) {
      const Overwrite& o = overwrites[i];
      if (recovering && pack_size < o.off + o.len) return;  // cut short: as above
      // A name that parts from the other names of its file: a file of its own (deleted and
      // written again if the plan is applied again).
      if (o.fresh) {
        disk.remove_file(dir / o.rel);
        publish_step();
      }
      stats[i].second =
          disk.overwrite(dir / o.rel, pack_file->read(o.off, o.len), file_mode, dir_mode, mtime_ns);
      publish_step();
    };
    for_each(pool, overwrites.size(), overwrite);
    // A file written through one name has the same stat under the others; read, not
    // assumed (a file system keeping whole seconds stores another mtime than the one set).
    std::unordered_map<std::string, size_t> written;
    for (size_t i = 0; i < overwrites.size(); ++i) written.emplace(overwrites[i].rel, i);
    for (size_t i = 0; i < aliases.size(); ++i) {
      auto w = written.find(aliases[i].second);
      if (w == written.end() || !stats[w->second].second.known()) continue;  // not written
      const Disk::Entry e = disk.lstat(dir / aliases[i].first);
      if (e.kind == Disk::Entry::file && e.stat.inode == stats[w->second].second.inode)
        stats[overwrites.size() + i].second = e.stat;
    }
  }
  for (const auto& d : dirs) disk.remove_if_empty(d);  // deepest first
  return stats;
}

Writer::Writer(OutputFolder& folder, std::string output, WriterOptions options)
    : folder_(folder),
      output_(std::move(output)),
      options_(std::move(options)),
      disk_(folder.disk()),
      target_(folder.dir() / output_),
      staging_(folder.staging_for(output_)),
      pack_(folder.pack_for(output_)),
      dry_run_(folder.dry_run()) {
  load_state();
  if (dry_run_) return;
  // Owner-only outputs inside a folder of their own (extracts/2024-W07): the folders on
  // the way are owner-only too, the folder of all periods included.
  if (options_.private_files)
    for (size_t slash = output_.find('/'); slash != std::string::npos;
         slash = output_.find('/', slash + 1)) {
      fs::path up = folder.dir() / output_.substr(0, slash);
      if (disk_.lstat(up).kind == Disk::Entry::folder) disk_.chmod(up, 0700);
    }
  check_disk();
  disk_.remove_all(staging_);
  disk_.make_dir(staging_, options_.private_files ? 0700 : 0755);
  pack_out_ = disk_.create_pack(pack_);
}

Writer::~Writer() {
  pack_out_.reset();
  if (!committed_ && !dry_run_) {
    disk_.remove_all(staging_);
    disk_.remove_all(pack_);
  }
}

bool Writer::in_scope(const std::string& rel) const {
  return !options_.in_scope || options_.in_scope(rel);
}

void Writer::load_state() {
  Db* db = folder_.state();
  if (!db) return;
  published_.reserve(count_output_files(*db, output_) + 64);
  load_output_files(*db, output_, [&](OutputFileRow& row) {
    if (!in_scope(row.path)) return;
    Published& p = published_[std::move(row.path)];
    p.hash = std::move(row.hash);
    p.fingerprint = std::move(row.fingerprint);
    p.saved = row.stat;
    // A dry run does not look at the disk: it takes the state's word.
    p.on_disk = dry_run_;
  });
}

void Writer::check_disk() {
  const Disk::Entry t = disk_.lstat(target_);
  if (t.error) fail("read", target_, t.error);
  if (t.kind == Disk::Entry::missing) {
  } else if (t.kind != Disk::Entry::folder) {
    throw std::runtime_error(fmt::format(
        "{} is {}, not a folder: journalpress publishes into a folder of its own and does not "
        "write through links; move it away (or build into another --out)",
        target_.string(), t.kind == Disk::Entry::link ? "a symbolic link" : "a file"));
  } else {
    if (options_.private_files && (t.mode & 077)) disk_.chmod(target_, 0700);
    std::unique_ptr<Disk::Folder> dir = disk_.open_folder(target_);
    disk_dirs_.insert("");
    (void)walk(*dir, "");
    check_links();
  }
  for (const auto& [rel, p] : published_)
    if (!p.on_disk && !p.doubt)  // (doubt: an odd entry in its place, reported above)
      repairs_.push_back(fmt::format("{}/{}: deleted by hand", output_, rel));
  std::sort(repairs_.begin(), repairs_.end());
}

size_t Writer::walk(Disk::Folder& dir, const std::string& rel_dir) {
  size_t files = 0;  // regular files in this folder and below
  const mode_t loose = 077;
  std::string name;
  Disk::Entry e;
  while (dir.next(name, e)) {
    std::string rel = rel_dir.empty() ? name : rel_dir + "/" + name;
    if (e.kind == Disk::Entry::folder) {
      std::unique_ptr<Disk::Folder> sub = dir.open(name);
      if (options_.private_files && (sub->mode() & loose)) sub->chmod_self(0700);
      disk_dirs_.insert(rel);
      files += walk(*sub, rel);
      continue;
    }
    const bool regular = e.kind == Disk::Entry::file;
    if (regular) ++files;
    if (!in_scope(rel)) continue;
    auto it = published_.find(rel);
    if (regular && e.links > 1) {
      // A file with several names may be the writer's own (a child's page linked into each
      // guardian's area, see stage), or a restored copy of it (`cp -a`, `rsync -H`): it
      // is, when every name is a path of this output, known once the walk is over
      // (check_links). Until then it is neither touched nor its mode changed (a chmod
      // would reach every name).
      Entry& entry = it != published_.end() ? *it : *published_.try_emplace(rel).first;
      Published& p = entry.second;
      p.on_disk = true;
      p.disk = e.stat;
      p.links = e.links;
      p.device = e.device;
      linked_.emplace_back(FileId{e.device, e.stat.inode}, &entry);
      continue;
    }
    const char* odd = regular                       ? nullptr
                      : e.kind == Disk::Entry::link ? "a symbolic link"
                      : e.kind == Disk::Entry::fifo ? "a FIFO"
                                                    : "not a regular file";
    if (odd) {
      // Never followed, never written through: the entry itself goes (a link's target is
      // left alone), and the file is written anew. Not on disk any more: a published path
      // is written again, an unknown one forgotten.
      dir.remove(name);
      repairs_.push_back(fmt::format("{}/{}: {}, removed", output_, rel, odd));
      if (it != published_.end()) it->second.on_disk = false, it->second.doubt = true;
      continue;
    }
    if (options_.private_files && (e.mode & loose)) dir.chmod(name, 0600);
    if (it == published_.end()) {
      Published& p = published_[rel];
      p.on_disk = p.doubt = true;
      p.disk = e.stat;
      repairs_.push_back(fmt::format("{}/{}: not written by journalpress", output_, rel));
      continue;
    }
    Published& p = it->second;
    p.on_disk = true;
    p.disk = e.stat;
    check_stat(rel, p);
  }
  // A folder holding no file at all (made by hand, or emptied of odd entries) is removed at
  // commit; the others only when their last published file goes.
  if (files == 0 && !rel_dir.empty()) empty_dirs_.push_back(rel_dir);
  return files;
}

void Writer::check_stat(const std::string& rel, Published& p) {
  if (!p.saved.known() || p.saved != p.disk) {
    p.doubt = true;
    repairs_.push_back(fmt::format("{}/{}: changed since it was published", output_, rel));
  } else if (options_.compare_content) {
    p.doubt = true;  // --full: every file is compared by content, not only by stat
  }
}

void Writer::check_links() {
  // The names of one inode side by side (no map of groups: a site has ~46,000 of them).
  std::sort(linked_.begin(), linked_.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second->first < b.second->first;
  });
  for (size_t i = 0, end; i < linked_.size(); i = end) {
    for (end = i + 1; end < linked_.size() && linked_[end].first == linked_[i].first;) ++end;
    // Every name of the inode is in the output: the names are files of the output like
    // any other (each checked against the state; a commit writes through all of them only
    // when all get the same bytes). A name elsewhere (a link made by hand to a file
    // outside, or from outside to a page) would see every write made through one in here:
    // each name in here is deleted at commit (never written through) and, if offered,
    // written anew as a file of its own.
    const bool closed = end - i == linked_[i].second->second.links;
    if (closed && options_.private_files) disk_.chmod(target_ / linked_[i].second->first, 0600);
    for (size_t k = i; k < end; ++k) {
      const std::string& rel = linked_[k].second->first;
      Published& p = linked_[k].second->second;
      if (!closed) {
        p.doubt = p.foreign_link = true;
        repairs_.push_back(fmt::format("{}/{}: a hard link, removed", output_, rel));
      } else if (!p.hash.empty()) {
        check_stat(rel, p);
      } else {  // not in the state
        p.doubt = true;
        repairs_.push_back(fmt::format("{}/{}: not written by journalpress", output_, rel));
      }
    }
  }
}

Writer::Published* Writer::published(const std::string& rel) {
  auto it = published_.find(rel);
  return it == published_.end() ? nullptr : &it->second;
}

std::string Writer::published_hash(const std::string& rel) const {
  auto it = published_.find(rel);
  return it == published_.end() ? "" : it->second.hash;
}

std::string Writer::published_bytes(const std::string& rel) const {
  if (!published_.count(rel)) return "";
  return disk_.read_file(target_ / rel).value_or("");
}

void Writer::stage(const std::vector<Update*>& files, std::string_view bytes) {
  mode_t mode = options_.private_files ? 0600 : 0644;
  mode_t dir_mode = options_.private_files ? 0700 : 0755;
  // One file, and a hard link for each other path (a child's page in its second guardian's
  // area): a cold site has ~40 % such copies, and a link costs the kernel a fraction of a
  // new file and its bytes. The disk check knows these links as the writer's own (walk).
  const fs::path first = staging_ / *files.front()->rel;
  const FileStat st = disk_.write_file(first, bytes, mode, dir_mode);
  for (size_t i = 0; i < files.size(); ++i) {
    Update& u = *files[i];
    u.stat = st;  // (no lock: this offer's own rows)
    u.has_stat = true;
    if (i == 0) continue;
    const fs::path other = staging_ / *u.rel;
    if (!disk_.link(first, other, dir_mode)) u.stat = disk_.write_file(other, bytes, mode, dir_mode);
    publish_step();
  }
  publish_step();
}

void Writer::put(const std::string& rel, std::string_view bytes) { put_many({rel}, bytes); }

bool Writer::keep(const std::vector<std::string>& rels, const std::string& fingerprint) {
  // One lookup a path, no lock: `published_` is only read while the build runs. The disk
  // was checked when the writer opened: a file deleted or changed by hand is in doubt.
  std::vector<Published*> ps;
  ps.reserve(rels.size());
  for (const auto& rel : rels) {
    Published* p = published(rel);
    if (!p || !p->on_disk || p->doubt || p->fingerprint.empty() || p->fingerprint != fingerprint)
      return false;
    ps.push_back(p);
  }
  for (size_t i = 0; i < rels.size(); ++i)
    if (ps[i]->offered.exchange(true))
      throw std::logic_error("the build offered " + rels[i] + " twice");
  check_open(rels.front());
  unchanged_ += rels.size();
  return true;
}

void Writer::check_open(const std::string& rel) const {
  if (closed_) throw std::logic_error("the build offered " + rel + " after the commit");
}

std::string Writer::hash_for(const std::vector<std::string>& rels, std::string_view bytes) {
  // A dry run records nothing: the hash only tells a file published before whether it
  // changed. Hashing every page was a sixth of a dry run's rendering of a new site.
  if (dry_run_ && std::none_of(rels.begin(), rels.end(),
                               [&](const std::string& rel) { return published(rel) != nullptr; }))
    return "";
  return hash_of_kind(options_.sha256 ? 64 : ContentHash::kHexDigits, bytes);
}

std::string Writer::hash_of_kind(size_t size, std::string_view bytes) const {
  return size == 64 ? sha256_hex(bytes) : folder_.content_hash().hex(bytes);
}

bool Writer::same_as_published(const Published& p, std::string_view bytes,
                               const std::string& hash, std::string& other) const {
  if (p.hash.size() == hash.size()) return p.hash == hash;
  // A row made by the other hash: SHA-256 from a state of version 1 (64 hex digits), or the
  // content hash in a folder whose output now asks for SHA-256. Compared as it was made, so
  // that nothing is rewritten for it; the row is then saved again with this writer's hash.
  if (other.empty()) other = hash_of_kind(p.hash.size(), bytes);
  return p.hash == other;
}

void Writer::put_many(const std::vector<std::string>& rels, std::string_view bytes,
                      const std::string& fingerprint) {
  put_hashed(rels, bytes, hash_for(rels, bytes), &fingerprint);
}

void Writer::put_many(const std::vector<std::string>& rels, std::string_view bytes) {
  put_hashed(rels, bytes, hash_for(rels, bytes), nullptr);
}

void Writer::put_hashed(const std::vector<std::string>& rels, std::string_view bytes,
                        const std::string& hash, const std::string* fingerprint) {
  // A file in doubt (changed by hand, or found on disk but not in the state) is compared
  // by content before the lock: equal, it stays as it is (its mtime too).
  std::vector<char> equal_on_disk(rels.size(), 0);
  if (!dry_run_)
    for (size_t i = 0; i < rels.size(); ++i)
      if (const Published* p = published(rels[i]); p && p->on_disk && p->doubt && !p->foreign_link)
        if (auto on_disk = disk_.read_file(target_ / rels[i]))
          equal_on_disk[i] = hash_of_kind(hash.size(), *on_disk) == hash;
  // A path published before is settled without the lock when its bytes are unchanged (its
  // `offered` flag is atomic, `published_` only read): most offers of a rebuild take no lock.
  std::vector<Entry*> ps(rels.size(), nullptr);
  // 0: to record; 1: settled; 2: settled, but its fingerprint changed or its row holds the
  // other hash (a row to save)
  std::vector<char> settled(rels.size(), 0);
  size_t unchanged = 0, to_record = rels.size();
  std::string other;  // `bytes` by the other hash, made only for rows made by it
  for (size_t i = 0; i < rels.size(); ++i) {
    auto it = published_.find(rels[i]);
    if (it == published_.end()) continue;
    Published& p = it->second;
    ps[i] = &*it;
    if (p.offered.exchange(true))
      throw std::logic_error("the build offered " + rels[i] + " twice");
    if (p.on_disk && !p.doubt && same_as_published(p, bytes, hash, other)) {
      ++unchanged;
      // A row made by the other hash is saved again with this writer's.
      const bool new_row =
          (fingerprint && p.fingerprint != *fingerprint) || p.hash.size() != hash.size();
      settled[i] = new_row ? 2 : 1;
      to_record -= !new_row;
    }
  }
  // After the exchanges: close_offers sets `closed_` before it reads the `offered` flags,
  // so an offer racing with it either is seen there or sees `closed_` here.
  check_open(rels.front());
  unchanged_ += unchanged;
  if (to_record == 0) return;
  std::vector<Update*> fresh;  // not published before: staged as new files
  bool overwrite = false;      // published before, changed: packed
  uint64_t offset = 0;         // where in the pack the bytes go
  {
    std::lock_guard lock(mu_);
    check_open(rels.front());
    for (size_t i = 0; i < rels.size(); ++i) {
      if (settled[i] == 1) continue;
      Update& u = updates_.emplace_back();
      if (fingerprint) u.fingerprint = *fingerprint, u.has_fingerprint = true;
      if (Entry* e = ps[i]) {
        u.rel = &e->first;
        u.pub = &e->second;
        u.pub->update = &u;
      } else {
        u.own_rel = rels[i];
        u.rel = &u.own_rel;
      }
      u.hash = hash;
      u.has_hash = true;
      if (settled[i] == 2) {  // the bytes as published, a new fingerprint or an old hash
        u.stat = u.pub->saved;
        u.has_stat = true;
        continue;
      }
      if (u.pub && equal_on_disk[i]) {  // the state learns the file as it is
        u.stat = u.pub->disk;
        u.has_stat = true;
        ++unchanged_;
        continue;
      }
      ++written_;
      u.written = true;
      if (u.pub) {
        overwrite = true;
        u.packed = true;
        u.offset = pack_size_;
        u.length = bytes.size();
        packed_.push_back(&u);
      } else {
        fresh.push_back(&u);
      }
    }
    // The room in the pack is taken under the lock, the bytes written outside it: the
    // other thread renders meanwhile.
    offset = pack_size_;
    if (overwrite) pack_size_ += bytes.size();
  }
  for (size_t i = 1; i < fresh.size(); ++i)  // (one offer's paths: two or three)
    for (size_t j = 0; j < i; ++j)
      if (*fresh[i]->rel == *fresh[j]->rel)
        throw std::logic_error("the build offered " + *fresh[i]->rel + " twice");
  if (dry_run_) return;
  // One copy of the bytes for all the paths just recorded at this offset.
  if (overwrite) {
    pack_out_->write(bytes, offset);
    publish_step();
  }
  if (!fresh.empty()) stage(fresh, bytes);
}

FileHashes Writer::state() const {
  FileHashes r;
  for (const Update& u : updates_)
    if (u.has_hash) r[*u.rel] = u.hash;
  for (const auto& [path, p] : published_)
    if (p.offered && !r.count(path)) r.emplace(path, p.hash);
  return r;
}

std::vector<std::string> Writer::changed() const {
  std::vector<std::string> r;
  for (const Update& u : updates_)
    if (u.written) r.push_back(*u.rel);
  return r;
}

void Writer::close_offers() {
  std::lock_guard lock(mu_);
  if (!offered_twice_.empty()) throw std::logic_error(offered_twice_);
  if (closed_) return;
  closed_ = true;
  for (const auto& [path, p] : published_)
    if (!p.offered) removed_.push_back(path);
  std::sort(removed_.begin(), removed_.end());
  // A new path offered twice is found here, once, rather than looked up at every offer.
  for (const Update& u : updates_)
    if (!u.pub) staged_.push_back(&u);
  // Sorted in two halves on the cores, then merged: a cold site's 111,000 paths took
  // ~0.04 s on one core, with nothing else to do (below a few thousand, one core's sort is
  // shorter than waking the other).
  auto by_rel = [](const Update* a, const Update* b) { return *a->rel < *b->rel; };
  if (staged_.size() < 4096) {
    std::sort(staged_.begin(), staged_.end(), by_rel);
  } else {
    const auto middle = staged_.begin() + ptrdiff_t(staged_.size() / 2);
    for_each(folder_.pool(), 2, [&](size_t half, unsigned) {
      if (half == 0)
        std::sort(staged_.begin(), middle, by_rel);
      else
        std::sort(middle, staged_.end(), by_rel);
    });
    std::inplace_merge(staged_.begin(), middle, staged_.end(), by_rel);
  }
  for (size_t i = 1; i < staged_.size(); ++i)
    if (*staged_[i]->rel == *staged_[i - 1]->rel) {
      offered_twice_ = "the build offered " + *staged_[i]->rel + " twice";
      throw std::logic_error(offered_twice_);
    }
}

WriteStats Writer::commit(const std::function<void(Db&)>& in_transaction) {
  close_offers();
  std::lock_guard lock(mu_);
  WriteStats stats;
  stats.written = written_, stats.unchanged = unchanged_, stats.deleted = removed_.size();
  stats.repaired = repairs_.size();
  if (dry_run_) {
    committed_ = true;
    return stats;
  }
  const mode_t file_mode = options_.private_files ? 0600 : 0644;
  const mode_t dir_mode = options_.private_files ? 0700 : 0755;
  struct timespec now {};
  ::clock_gettime(CLOCK_REALTIME, &now);
  const long long mtime_ns = now.tv_sec * 1000000000LL + now.tv_nsec;
  std::string plan = fmt::format("M {:o} {:o} {}\n", file_mode, dir_mode, mtime_ns);
  // Plan the moves: a staged file whose folder does not exist yet moves with the
  // highest missing folder, in one rename. Paths are relative to the output folder.
  std::string staging_rel = fs::relative(staging_, folder_.dir()).string();
  std::set<std::string> moved_dirs;
  for (const Update* u : staged_) {  // (sorted by close_offers)
    const std::string& rel = *u->rel;
    if (!disk_dirs_.count("")) {
      if (moved_dirs.insert(".").second) plan += fmt::format("R {}\t{}\n", staging_rel, output_);
      continue;
    }
    std::string missing;
    for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1))
      if (!disk_dirs_.count(rel.substr(0, slash))) {
        missing = rel.substr(0, slash);
        break;
      }
    if (!missing.empty()) {
      if (moved_dirs.insert(missing).second)
        plan += fmt::format("R {}/{}\t{}/{}\n", staging_rel, missing, output_, missing);
      continue;
    }
    plan += fmt::format("R {}/{}\t{}/{}\n", staging_rel, rel, output_, rel);
  }
  // Files published before and changed now are written over in place from the pack:
  // a rename into place costs as much as creating the file, ten times an overwrite.
  // Not synced: the protocol is safe against a killed process (the kernel keeps the
  // bytes); after a power loss, `build --full` compares every file by content.
  pack_out_.reset();
  std::sort(packed_.begin(), packed_.end(),
            [](const Update* a, const Update* b) { return *a->rel < *b->rel; });
  std::string pack_rel = fs::relative(pack_, folder_.dir()).string();
  // A file with several names (linked by stage) is written over in place once, through
  // all of them, when each name gets the same new bytes; else each changed name gets a
  // file of its own (deleted, then written anew), and the others keep the old one.
  struct Group {
    bool in_place = true;
    const std::string* written = nullptr;  ///< the name its P line writes
  };
  std::map<FileId, Group> groups;
  std::vector<Update*> written_over, other_names;  // P and F lines; A lines
  std::string aliases;
  for (Update* u : packed_) {
    const Published* pub = u->pub;
    bool fresh = pub->foreign_link;
    if (!fresh && pub->links > 1) {
      // (not foreign: every name of the file is one of linked_'s, in the output)
      const FileId id{pub->device, pub->disk.inode};
      auto [lo, hi] = std::equal_range(linked_.begin(), linked_.end(),
                                       std::pair<FileId, Entry*>(id, nullptr),
                                       [](const auto& a, const auto& b) { return a.first < b.first; });
      if (lo == hi) {
        fresh = true;
      } else {
        auto [at, first] = groups.try_emplace(id);
        Group& g = at->second;
        if (first) {
          g.written = u->rel;
          for (auto m = lo; m != hi; ++m) {
            const Published& name = m->second->second;
            if (!name.offered) continue;  // removed: its name goes first
            const Update* other = name.update;
            if (!other || !other->packed || other->hash != u->hash) g.in_place = false;
          }
        }
        fresh = !g.in_place;
        // The same bytes through every name: the first name's write is the group's, the
        // others' stats are read after it (A).
        if (!fresh && !first) {
          u->stat = {(long long)u->length, mtime_ns, pub->disk.inode};
          u->has_stat = true;
          aliases += fmt::format("A {}/{}\t{}/{}\n", output_, *u->rel, output_, *g.written);
          other_names.push_back(u);
          continue;
        }
      }
    }
    plan += fmt::format("{} {} {}\t{}/{}\n", fresh ? 'F' : 'P', u->offset, u->length, output_,
                        *u->rel);
    written_over.push_back(u);
    // Written over in place: the same inode, the new size, the commit's mtime.
    u->has_stat = !fresh && pub->on_disk && pub->disk.inode >= 0;
    if (u->has_stat) u->stat = {(long long)u->length, mtime_ns, pub->disk.inode};
  }
  plan += aliases;
  written_over.insert(written_over.end(), other_names.begin(), other_names.end());
  // Files no longer offered go, and every folder left without a file: those of removed
  // files, and folders found on disk that hold nothing journalpress published.
  std::set<std::string> emptied;
  for (const auto& rel : removed_) {
    if (published_.at(rel).on_disk) plan += fmt::format("D {}/{}\n", output_, rel);
    for (size_t slash = rel.find('/'); slash != std::string::npos; slash = rel.find('/', slash + 1))
      emptied.insert(rel.substr(0, slash));
  }
  for (const auto& d : empty_dirs_) emptied.insert(d);
  for (const auto& d : emptied) plan += fmt::format("E {}/{}\n", output_, d);

  // The commit point: the new state and the plan in one transaction.
  Db& db = *folder_.state();
  {
    Transaction tx(db, Transaction::immediate);
    OutputFilesWriter rows(db, output_);
    const std::string no_fingerprint;
    // In key order: SQLite then appends to the rows' B-tree instead of splitting pages at
    // random places (the order of the offers follows the render threads). The large
    // school's 111,000 rows: 21.0 MB of state instead of 22.6 MB; inserted by the sqlite3
    // shell, 0.10 s instead of 0.26 s (in the build the gain is inside its noise).
    std::vector<const Update*> by_path;
    by_path.reserve(updates_.size());
    for (const Update& u : updates_)
      if (u.pub) by_path.push_back(&u);
    auto by_rel = [](const Update* a, const Update* b) { return *a->rel < *b->rel; };
    std::sort(by_path.begin(), by_path.end(), by_rel);
    const size_t known = by_path.size();  // paths the state had, then the new ones
    by_path.insert(by_path.end(), staged_.begin(), staged_.end());
    std::inplace_merge(by_path.begin(), by_path.begin() + ptrdiff_t(known), by_path.end(),
                       by_rel);
    for (const Update* up : by_path) {
      const Update& u = *up;
      const Published* p = u.pub;
      const std::string& fingerprint =
          u.has_fingerprint ? u.fingerprint : p ? p->fingerprint : no_fingerprint;
      // The stat: as staged, found equal on disk or to be written in place; as saved when
      // the bytes on disk are the published ones; else unknown until the plan has run.
      const bool same_bytes = p && !p->doubt && (!u.has_hash || u.hash == p->hash);
      const FileStat st = u.has_stat ? u.stat : same_bytes ? p->saved : FileStat{};
      rows.upsert(*u.rel, u.has_hash ? u.hash : p->hash, fingerprint, st);
    }
    for (const auto& rel : removed_) rows.remove(rel);
    record_pending_plan(db, output_, plan, pack_rel);
    if (in_transaction) in_transaction(db);
    tx.commit();
  }
  publish_step();
  publish_mark(output_ + " committed");
  auto overwritten = apply_plan(folder_.dir(), plan, pack_, false, folder_.pool(), disk_);
  publish_step();
  publish_mark(output_ + " carried out");
  {
    Transaction tx(db, Transaction::immediate);
    OutputFilesWriter rows(db, output_);
    // apply_plan answers in the order of the P and F lines, then of the A lines.
    for (size_t i = 0; i < overwritten.size(); ++i) {
      const Update& u = *written_over.at(i);
      if (u.has_stat && u.stat == overwritten[i].second) continue;  // as recorded
      rows.update_stat(*u.rel, overwritten[i].second);
    }
    clear_pending_plan(db, output_);
    tx.commit();
  }
  publish_step();
  disk_.remove_all(staging_);
  disk_.remove_all(pack_);
  committed_ = true;
  return stats;
}

}  // namespace jp
