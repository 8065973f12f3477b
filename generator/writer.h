// The writer: the one module that touches the output folder.
//
// A build puts every file it wants into the writer. Files whose bytes did not change are
// not touched (their mtimes stay, so rsync sends nothing). Changed and new files are first
// written under a staging folder; only when the whole build has succeeded does `commit`
// move them into place (a new folder, such as a new family's area or a cold site, moves
// in one rename) and delete the files that are no longer wanted. The moves are listed in
// a commit journal first, so a commit cut short by a kill is finished at the next start.
// A build that fails before `commit` leaves the published folder exactly as it was.
#pragma once

#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace jp {

struct WriteStats {
  size_t written = 0, unchanged = 0, deleted = 0;
};

class Writer {
 public:
  /// Manages `out_dir/name` (e.g. `output/site`); `previous` maps each file published by
  /// the last build (path relative to it) to its SHA-256. `dry_run`: nothing is written.
  Writer(std::filesystem::path out_dir, std::string name,
         std::map<std::string, std::string> previous, bool dry_run = false);
  ~Writer();  ///< without commit: the staging folder is removed, nothing published changes

  /// Offers one file; safe to call from several threads.
  void put(const std::string& rel_path, std::string_view bytes);
  /// Offers the same bytes under several paths (a child's page in each guardian's area).
  void put_many(const std::vector<std::string>& rel_paths, std::string_view bytes);

  /// Publishes: moves staged files into place, deletes files not offered this time.
  WriteStats commit();
  /// The new state (path -> SHA-256) after commit, for the build state in the database.
  const std::map<std::string, std::string>& state() const { return state_; }
  /// Paths whose hash changed or that were added/removed (for the database update).
  const std::vector<std::string>& changed() const { return changed_; }
  const std::vector<std::string>& removed() const { return removed_; }

  /// Finishes a commit that was cut short (a journal left in `out_dir`). Called by the
  /// constructor; public for tests.
  static void recover(const std::filesystem::path& out_dir, const std::string& name);

 private:
  void stage(const std::string& rel, std::string_view bytes);

  std::filesystem::path out_, target_, staging_, journal_;
  std::string name_;
  std::map<std::string, std::string> previous_, state_;
  std::vector<std::string> staged_, changed_, removed_;
  bool dry_run_, committed_ = false;
  std::mutex mu_;
  WriteStats stats_;
};

/// Replaces one file atomically (temp file, fsync, rename), creating its folder.
/// `private_file`: readable by the owner only, in a folder only the owner can enter
/// (access.csv holds every family's secret address).
void write_file_atomic(const std::filesystem::path& path, std::string_view bytes,
                       bool private_file = false);

}  // namespace jp
