// The writer: the one module that touches the published files of an output folder.
//
// A build puts every file it wants into the writer. When it opens, the writer checks the
// disk against the folder's state (size, mtime and inode of every published file): a file
// deleted, edited or added by hand, a symbolic link or any other odd entry is noticed, and
// the build repairs it. Files whose bytes did not change are not touched (their mtimes stay,
// so rsync sends nothing). New files are first written under the folder's staging area (the
// same bytes under several paths as one file with a hard link per path), and the new bytes
// of changed files are appended to one pack file; only when the whole build has succeeded
// does `commit` publish them:
//
//   1. the commit point: one SQLite transaction in `DIR/.journalpress/state.db` holds the
//      new state of the output (every path, hash, fingerprint) and the plan of the commit;
//   2. the plan is carried out: new files and folders move into place (a new folder, such
//      as a new family's area or a cold site, moves in one rename), changed files are
//      written over in place from the pack (on ext4 ten times cheaper than a rename or a
//      truncate; a linked file only when all its names get the same bytes, else each
//      changed name is deleted and written anew), files no longer wanted are deleted,
//      emptied folders removed;
//   3. a second transaction records the new files' stat and drops the plan.
//
// A run killed before 1 leaves the previous publication and its state intact; killed after
// it, the next run (or any run that opens the folder) carries the plan out again, which
// gives the same result however often it is applied. Files and state never disagree.
// (Overwriting in place means a reader of the output folder during the commit's few
// hundred milliseconds may see a page half written: publish the folder by copying it,
// e.g. rsync, not by serving it while a build runs.)
#pragma once

#include <atomic>
#include <compare>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <pthread.h>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "publish/disk.h"
#include "publish/output_folder.h"

namespace jp {

class ThreadPool;

/// Path (relative to the output) -> content hash. Unordered: a site has ~100,000 files and
/// every one is looked up each build.
using FileHashes = std::unordered_map<std::string, std::string>;

struct WriteStats {
  size_t written = 0, unchanged = 0, deleted = 0;
  /// Entries the disk check found out of place (deleted, edited or added by hand, links).
  size_t repaired = 0;
};

struct WriterOptions {
  /// Owner-only files (0600) and folders (0700): outputs that carry families' addresses
  /// or their children's marks on paper (private/, letters/, extracts/).
  bool private_files = false;
  /// The files this build answers for (the extracts of `--student` do not touch the class
  /// files); those outside are neither checked nor deleted. Empty: every file.
  std::function<bool(const std::string&)> in_scope;
  /// Compares every file offered with the bytes on disk, not only those whose stat changed
  /// (`build --full`: after a power loss, or to be sure).
  bool compare_content = false;
  /// Records files by SHA-256 instead of the folder's content hash: the archive, whose
  /// signed MANIFEST.sha256 lists the SHA-256 of every file as published (a kept document's
  /// line comes from its row, never from bytes read back from a disk that may have rotted).
  bool sha256 = false;
};

class Writer {
 public:
  /// Manages `folder.dir() / output` (e.g. `site`, `archive/2023-2024`): loads what the
  /// folder's state says was published there and checks the disk against it. Every file
  /// of the output is reached through `folder.disk()`.
  Writer(OutputFolder& folder, std::string output, WriterOptions options = {});
  ~Writer();  ///< without commit: the staging area is removed, nothing published changes
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  /// The folder it manages, relative to the output folder ("site", "archive/2023-2024").
  const std::string& output() const { return output_; }
  /// Offers one file; safe to call from several threads.
  void put(const std::string& rel_path, std::string_view bytes);
  /// Offers the same bytes under several paths (a child's page in each guardian's area).
  void put_many(const std::vector<std::string>& rel_paths, std::string_view bytes);

  /// Keeps files without rendering them: true (and counted as unchanged) when every path
  /// was published with this fingerprint and is on disk as published; false, with nothing
  /// recorded, otherwise (the caller renders and offers the bytes with put_many).
  bool keep(const std::vector<std::string>& rel_paths, const std::string& fingerprint);
  /// The hash a published file was recorded with ("" if none): with `sha256`, what a kept
  /// file holds.
  std::string published_hash(const std::string& rel_path) const;
  /// The bytes of a file this output published, as they are on disk now ("" if it was not
  /// published or is gone): the archive compares a new document with the signed copy.
  std::string published_bytes(const std::string& rel_path) const;
  /// put_many, recording the fingerprint of the inputs the bytes were made from.
  void put_many(const std::vector<std::string>& rel_paths, std::string_view bytes,
                const std::string& fingerprint);

  /// Ends the offers: the published paths not offered this time are listed in removed().
  void close_offers();
  /// Publishes (see above). `in_transaction` runs inside the commit point's transaction on
  /// the folder's state (a build records its fingerprint there).
  WriteStats commit(const std::function<void(Db&)>& in_transaction = {});

  /// True when the disk agreed with the state as the writer opened: nothing missing,
  /// changed, added or out of place.
  bool disk_clean() const { return repairs_.empty(); }
  /// What the disk check found, a line each ("site/f/x/a.html: changed by hand").
  const std::vector<std::string>& repairs() const { return repairs_; }
  /// How many files the state lists (in scope).
  size_t published_count() const { return published_.size(); }
  /// The whole new state (path -> content hash) after commit (tests).
  FileHashes state() const;
  /// Paths whose bytes changed or that were added, in the order offered; paths removed.
  std::vector<std::string> changed() const;
  const std::vector<std::string>& removed() const { return removed_; }

 private:
  struct Published;
  struct Update;
  using Entry = std::pair<const std::string, Published>;
  void load_state();
  void check_disk();
  /// Checks the entries of `dir` and below; returns the regular files found there.
  size_t walk(Disk::Folder& dir, const std::string& rel_dir);
  /// After the walk: a file with several names is the writer's own when every name is a
  /// path the state recorded with its inode; the others are foreign links.
  void check_links();
  /// Puts `p` in doubt when its stat is not the one the state recorded.
  void check_stat(const std::string& rel, Published& p);
  /// Writes `bytes` as new files under the staging area: the first path, and the others
  /// as hard links to it (copies where the file system cannot link).
  void stage(const std::vector<Update*>& files, std::string_view bytes);
  /// `fingerprint`: null when the caller gave none.
  void put_hashed(const std::vector<std::string>& rel_paths, std::string_view bytes,
                  const std::string& hash, const std::string* fingerprint);
  /// Throws when an offer comes after close_offers (a bug of the caller).
  void check_open(const std::string& rel) const;
  /// The hash of `bytes` (the folder's ContentHash, or SHA-256 with `sha256`), or "" in a
  /// dry run where no path was published before.
  std::string hash_for(const std::vector<std::string>& rel_paths, std::string_view bytes);
  bool in_scope(const std::string& rel) const;
  /// Whether `bytes` (whose hash is `hash`) are those `p` was published with, whichever of
  /// the two hashes its row holds. `other`: `bytes` by the other hash, made when needed.
  bool same_as_published(const Published& p, std::string_view bytes, const std::string& hash,
                         std::string& other) const;
  /// The hash of `bytes` that a row of `size` hex digits holds.
  std::string hash_of_kind(size_t size, std::string_view bytes) const;

  OutputFolder& folder_;
  std::string output_;
  WriterOptions options_;
  Disk& disk_;
  std::filesystem::path target_, staging_, pack_;
  bool dry_run_;

  /// A file the state lists (or one found on disk that it does not). Built when the
  /// writer opens, then only read (no lock), except `offered`.
  struct Published {
    std::string hash, fingerprint;  ///< hash "": content unknown (found on disk only)
    FileStat saved, disk;           ///< as the state recorded it; as found now
    bool on_disk = false;
    bool doubt = false;  ///< on disk, but not as recorded: compared by content when offered
    /// A hard link shared with a name outside the output (or not the writer's): deleted at
    /// commit, never written through; written anew if offered.
    bool foreign_link = false;
    unsigned links = 1;  ///< the names of its inode, as found
    unsigned long long device = 0;  ///< the file system it was found on
    std::atomic<bool> offered{false};
    Update* update = nullptr;  ///< its row to save, set by the offer that took it
  };
  std::unordered_map<std::string, Published> published_;
  Published* published(const std::string& rel);
  /// A file: its file system and inode (a folder mounted inside the output has inodes of
  /// its own numbering).
  struct FileId {
    unsigned long long device;
    long long inode;
    auto operator<=>(const FileId&) const = default;
  };
  /// The names of files found with several names: (file, entry), sorted by file by
  /// check_links. A changed file is written over in place only when every name gets the
  /// same bytes (commit).
  std::vector<std::pair<FileId, Entry*>> linked_;
  /// The duplicate offer close_offers found ("" none): every later close_offers or commit
  /// fails with it too.
  std::string offered_twice_;
  std::unordered_set<std::string> disk_dirs_;  ///< folders found on disk (relative)
  std::vector<std::string> empty_dirs_;        ///< of them, those holding no file at all
  std::vector<std::string> repairs_;

  /// A row the commit saves: a path written (new or changed), found equal on disk, or
  /// with a new fingerprint only. Made under the lock (a deque: it never moves), then
  /// filled by the offer that made it alone; read by the commit. A published path points
  /// to its own, so no offer looks a path up in a shared map.
  struct Update {
    const std::string* rel = nullptr;  ///< the key of `pub` in published_, or `own_rel`
    std::string own_rel, hash, fingerprint;
    Published* pub = nullptr;  ///< null: a new path (staged)
    FileStat stat;             ///< when `has_stat`: as staged, found, or to be written
    bool has_hash = false, has_fingerprint = false, has_stat = false;
    bool written = false;  ///< staged or packed (else: found equal, or a fingerprint only)
    bool packed = false;   ///< new bytes at `offset` in the pack, `length` long
    uint64_t offset = 0, length = 0;
  };
  std::deque<Update> updates_;
  std::vector<Update*> packed_;
  /// The new paths, sorted by close_offers (which finds one offered twice).
  std::vector<const Update*> staged_;
  std::unique_ptr<Disk::PackWriter> pack_out_;
  uint64_t pack_size_ = 0;
  std::vector<std::string> removed_;
  bool committed_ = false;
  std::atomic<bool> closed_{false};  ///< read by offers without the lock
  /// Taken by every offer for a microsecond or two: a waiter spins a little before it
  /// sleeps (glibc's adaptive mutex), where std::mutex went to the kernel on each clash.
  class SpinThenSleep {
   public:
    SpinThenSleep() {
      pthread_mutexattr_t a;
      pthread_mutexattr_init(&a);
      pthread_mutexattr_settype(&a, PTHREAD_MUTEX_ADAPTIVE_NP);
      pthread_mutex_init(&m_, &a);
      pthread_mutexattr_destroy(&a);
    }
    ~SpinThenSleep() { pthread_mutex_destroy(&m_); }
    void lock() { pthread_mutex_lock(&m_); }
    void unlock() { pthread_mutex_unlock(&m_); }

   private:
    pthread_mutex_t m_;
  };
  SpinThenSleep mu_;
  std::atomic<size_t> written_{0}, unchanged_{0};
};

/// Carries out a commit plan (see writer.cc) in `dir`, with the changed files' bytes in
/// `pack`; returns the stat of every file written over (unknown for those `recovering`
/// could not write: a pack removed by hand). Idempotent.
std::vector<std::pair<std::string, FileStat>> apply_plan(const std::filesystem::path& dir,
                                                         const std::string& plan,
                                                         const std::filesystem::path& pack,
                                                         bool recovering, ThreadPool* pool,
                                                         Disk& disk);

}  // namespace jp
