// The output folder (`build --out DIR`) owns what is published in it. Its state lives with
// it, in `DIR/.journalpress/` (owner-only), as ninja keeps `.ninja_log` in its build folder:
//
//   lock         flock()ed for the whole run; holds the holder's pid, start time, command
//   state.db     SQLite: every published file of every output (path, content hash, input
//                fingerprint, size, mtime, inode), the pending commit of each output, the
//                fingerprint of the last complete build, the key of the content hash
//   staging-*/   new files of a build in progress (removed at the next start)
//   pack-*       the new bytes of changed files of a build in progress
//
// Whatever database is built into whatever folder, in any order, the folder's own state
// says what is there, and the disk is checked against it at every build (see Writer).
#pragma once

#include <sys/stat.h>

#include <filesystem>
#include <memory>
#include <string>

#include "publish/run_lock.h"
#include "core/hash.h"
#include "store/output_state.h"

namespace jp {

class Disk;
class ThreadPool;

/// FileStat (store/output_state.h) of what stat() says of a file.
FileStat file_stat(const struct stat& st);

/// Makes DIR and `DIR/.journalpress/` (0700) if missing and returns the latter; refuses a
/// `.journalpress` that is a link or a file.
std::filesystem::path make_state_dir(const std::filesystem::path& dir);

class OutputFolder {
 public:
  /// Opens DIR for a build: makes it and `DIR/.journalpress/` (0700), takes the lock (waiting
  /// up to `lock.wait_seconds`), opens the state, finishes any commit a killed run left
  /// (roll forward) and removes stale staging. `dry_run`: nothing is made, locked or
  /// recovered; the state is read if there is one.
  /// `pool`: the threads a commit writes files on (none: this thread).
  /// `disk`: the file system its outputs' files, staging areas and packs live on, which
  /// its writers and the recovery use (null: the kernel's; a tree in memory in the unit
  /// tests). The lock and the state database are always the kernel's.
  OutputFolder(std::filesystem::path dir, const LockOptions& lock, bool dry_run = false,
               ThreadPool* pool = nullptr, Disk* disk = nullptr);
  ~OutputFolder();
  OutputFolder(const OutputFolder&) = delete;
  OutputFolder& operator=(const OutputFolder&) = delete;

  const std::filesystem::path& dir() const { return dir_; }
  /// `DIR/.journalpress`.
  const std::filesystem::path& state_dir() const { return state_dir_; }
  bool dry_run() const { return dry_run_; }
  ThreadPool* pool() const { return pool_; }
  Disk& disk() const;
  /// The state database; null in a dry run of a folder never built.
  Db* state() { return db_.get(); }
  /// The hash its state compares published files by, under the folder's own key (made at
  /// its first build, kept in the state; a dry run of a folder without one uses a key of
  /// its own, having no hash to compare with).
  const ContentHash& content_hash() const { return *content_hash_; }

  /// The fingerprint of the last complete build of `output` ("" if none, or if a build of
  /// it was cut short since).
  std::string build_fingerprint(const std::string& output);

  /// Finishes the pending commits of a run killed during its commit (tests call it on a
  /// folder whose lock they hold).
  void recover();

  /// Where a writer of `output` ("site", "archive/2023-2024") stages its files and packs.
  std::filesystem::path staging_for(const std::string& output) const;
  std::filesystem::path pack_for(const std::string& output) const;

 private:
  std::filesystem::path dir_, state_dir_;
  bool dry_run_;
  ThreadPool* pool_;
  Disk* disk_;
  std::unique_ptr<RunLock> lock_;
  std::unique_ptr<Db> db_;
  std::unique_ptr<ContentHash> content_hash_;
  void open_content_hash();
};

/// Records the fingerprint of a complete build of `output` (inside the caller's
/// transaction); an empty one marks a build of it in progress.
void save_build_fingerprint(Db& state, const std::string& output, const std::string& fingerprint,
                            const std::string& today);

/// Test hook: with JOURNALPRESS_TEST_KILL_AFTER=N in the environment, the N-th step of
/// publishing (a staged file, a packed file, the commit point, an applied line of a commit,
/// ...) kills the process with SIGKILL, as a crash or `kill -9` would. N = 0 counts only,
/// and the count is printed to standard error at exit ("publish steps: N").
void publish_step();
/// In the counting mode above, prints "publish step N: WHAT" (the test places its kills
/// around the commit points with it).
void publish_mark(const std::string& what);

}  // namespace jp
