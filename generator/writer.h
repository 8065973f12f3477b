// The writer: the one module that touches the output folder.
//
// A build puts every file it wants into the writer. Files whose bytes did not change are
// not touched (their mtimes stay, so rsync sends nothing). New files are first written
// under a staging folder, and the new bytes of changed files are appended to one pack
// file; only when the whole build has succeeded does `commit` publish them: new files and
// folders are moved into place (a new folder, such as a new family's area or a cold site,
// moves in one rename), changed files are written over in place from the pack (on ext4
// ten times cheaper than a rename or a truncate), and files no longer wanted are deleted.
// All of it is listed in a commit journal first, so a commit cut short by a kill is
// finished at the next start. A build that fails before `commit` leaves the published
// folder exactly as it was. (Overwriting in place means a reader of the output folder
// during the commit's few hundred milliseconds may see a page half written: publish the
// folder by copying it, e.g. rsync, not by serving it while a build runs.)
#pragma once

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace jp {

/// Path (relative to the managed folder) -> SHA-256 or fingerprint. Unordered: a site
/// has ~100,000 files and every one is looked up each build.
using FileHashes = std::unordered_map<std::string, std::string>;

/// A file the last build published, as the build state stores it.
struct PublishedFile {
  std::string path, hash, fingerprint;
};

struct WriteStats {
  size_t written = 0, unchanged = 0, deleted = 0;
};

class Writer {
 public:
  /// Manages `out_dir/name` (e.g. `output/site`); `previous` maps each file published by
  /// the last build (path relative to it) to its SHA-256. `dry_run`: nothing is written.
  Writer(std::filesystem::path out_dir, std::string name, FileHashes previous,
         bool dry_run = false);
  /// Same, with each file's input fingerprint too (the site).
  Writer(std::filesystem::path out_dir, std::string name, std::vector<PublishedFile> previous,
         bool dry_run = false);
  ~Writer();  ///< without commit: the staging folder is removed, nothing published changes

  /// Offers one file; safe to call from several threads.
  void put(const std::string& rel_path, std::string_view bytes);
  /// Offers the same bytes under several paths (a child's page in each guardian's area).
  void put_many(const std::vector<std::string>& rel_paths, std::string_view bytes);

  /// Keeps files without rendering them: true (and counted as unchanged) when every path
  /// was published with this fingerprint and is still there; false, with nothing
  /// recorded, otherwise (the caller renders and offers the bytes with put_many).
  bool keep(const std::vector<std::string>& rel_paths, const std::string& fingerprint);
  /// put_many, recording the fingerprint of the inputs the bytes were made from.
  void put_many(const std::vector<std::string>& rel_paths, std::string_view bytes,
                const std::string& fingerprint);

  /// Ends the offers: the published paths not offered this time are listed in removed().
  /// Called by commit; called before it, the database update can run during the commit.
  void close_offers();
  /// Publishes: moves staged files into place, deletes files not offered this time.
  WriteStats commit();
  /// The whole new state (path -> SHA-256) after commit (built on demand: tests).
  FileHashes state() const;
  /// For the database update: the SHA-256 of every path written or refingerprinted.
  const FileHashes& updated() const { return updated_; }
  /// Paths whose hash changed or that were added/removed.
  const std::vector<std::string>& changed() const { return changed_; }
  const std::vector<std::string>& removed() const { return removed_; }
  /// New fingerprints (of the paths offered with one), and the unchanged paths whose
  /// fingerprint alone changed.
  const FileHashes& fingerprints() const { return fp_updated_; }
  const std::vector<std::string>& refingerprinted() const { return fp_changed_; }

  /// Finishes a commit that was cut short (a journal left in `out_dir`). Called by the
  /// constructor; public for tests.
  static void recover(const std::filesystem::path& out_dir, const std::string& name);

 private:
  void open();
  void stage(const std::string& rel, std::string_view bytes);
  bool folder_exists(std::string_view rel_dir);
  void put_hashed(const std::vector<std::string>& rel_paths, std::string_view bytes,
                  const std::string& hash);
  /// Folders checked by keep(), looked up by string_view (no copy of a path a page).
  struct ViewHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, bool, ViewHash, std::equal_to<>> folders_;
  std::shared_mutex folders_mu_;

  std::filesystem::path out_, target_, staging_, journal_, pack_;
  /// A changed file published before: its new bytes are at `offset` in the pack.
  struct Packed {
    std::string rel;
    uint64_t offset, length;
  };
  std::vector<Packed> packed_;
  int pack_fd_ = -1;
  uint64_t pack_size_ = 0;
  std::string name_;
  /// A file the last build published. Built once, then only read (no lock): `offered`
  /// marks the paths this build offered, the rest are deleted at commit.
  struct Published {
    std::string hash, fingerprint;
    std::atomic<bool> offered{false};
  };
  std::unordered_map<std::string, Published> published_;
  const Published* published(const std::string& rel) const;
  FileHashes updated_, fp_updated_;  ///< written or refingerprinted paths (under mu_)
  std::vector<std::string> fp_changed_;
  std::vector<std::string> staged_, changed_, removed_;
  bool dry_run_, committed_ = false, closed_ = false;
  std::mutex mu_;
  std::atomic<size_t> written_{0}, unchanged_{0};
};

/// Replaces one file atomically (temp file, fsync, rename), creating its folder.
/// `private_file`: readable by the owner only, in a folder only the owner can enter
/// (access.csv holds every family's secret address).
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                       bool private_file = false);

}  // namespace jp
