// The output folder's own state, `DIR/.journalpress/state.db` (publish/output_folder.h says
// what lives there and why): its schema and every statement run on it. publish/ decides when
// (the commit protocol, the recovery); this module only says how a row is read or written,
// so that all of the program's SQL is in store/.
//
// The functions run inside the caller's transaction, if any: the commit point's atomicity
// is the protocol's, not this module's.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "store/sqlite.h"

namespace jp {

/// What stat() says of a published file, compared at each build to notice hand edits.
struct FileStat {
  long long size = -1, mtime_ns = -1, inode = -1;  ///< -1: not known (hash on doubt)
  bool known() const { return size >= 0; }
  bool operator==(const FileStat&) const = default;
};

/// The version of the schema this program writes (`PRAGMA user_version`).
/// 2: `files.hash` is the folder's keyed content hash (core/hash.h ContentHash, 32 hex
/// digits, its key in `secrets`); version 1 kept SHA-256 (64 hex digits), which a writer
/// still compares until the file is offered again. An older journalpress refuses a state of
/// version 2 rather than take those hashes for SHA-256 (the archive's manifest did).
constexpr long long kOutputStateVersion = 2;

struct OpenedOutputState {
  std::unique_ptr<Db> db;
  long long version = 0;  ///< the user_version found (0: new, or written before versions)
};

/// Opens (creating) the state file, owner-only, in WAL with synchronous=OFF, and creates the
/// tables unless the file is of a newer version (the caller refuses it then, without
/// touching it). Throws std::runtime_error when the file is not a database.
OpenedOutputState open_output_state(const std::string& file);

/// Whether SQLite finds `file` not a database or damaged (and so to be set aside), as
/// opposed to failing for want of space, permission or a lock, which leave it as it is.
bool output_state_is_damaged(const std::string& file);

/// Stamps the file with kOutputStateVersion (after the caller has accepted its version).
void stamp_output_state(Db& state);

/// One row of `files`: a published file of an output, its path relative to the output.
struct OutputFileRow {
  std::string path, hash;
  std::string fingerprint;  ///< "" when none (stored as NULL)
  FileStat stat;            ///< unknown when stored as NULL
};

/// The number of rows of `output` (to reserve room before loading them).
size_t count_output_files(Db& state, const std::string& output);
/// Calls `row` for each row of `output`, in the database's order.
void load_output_files(Db& state, const std::string& output,
                       const std::function<void(OutputFileRow&)>& row);

/// Writes the rows of one output. Each statement is prepared once, at its first use, and
/// reused for every row (a commit writes up to ~111k of them).
class OutputFilesWriter {
 public:
  OutputFilesWriter(Db& state, std::string output);
  ~OutputFilesWriter();
  OutputFilesWriter(const OutputFilesWriter&) = delete;
  OutputFilesWriter& operator=(const OutputFilesWriter&) = delete;

  /// Inserts or replaces the row of `path` ("" fingerprint and unknown stat: NULL).
  void upsert(const std::string& path, const std::string& hash, const std::string& fingerprint,
              const FileStat& stat);
  void remove(const std::string& path);
  /// Sets the stat of an existing row (unknown: NULL).
  void update_stat(const std::string& path, const FileStat& stat);

 private:
  Db& db_;
  std::string output_;
  std::unique_ptr<Stmt> upsert_, remove_, update_stat_;
};

/// A secret of the folder kept in its state ("" when there is none yet).
std::string read_state_secret(Db& state, const std::string& name);
void write_state_secret(Db& state, const std::string& name, const std::string& value);

/// A commit past its commit point: the plan still to apply and the pack it reads.
struct PendingPlan {
  std::string output, plan, pack;
  bool operator==(const PendingPlan&) const = default;
};
/// Every pending plan, by output.
std::vector<PendingPlan> pending_plans(Db& state);
void record_pending_plan(Db& state, const std::string& output, const std::string& plan,
                         const std::string& pack);
void clear_pending_plan(Db& state, const std::string& output);

/// The fingerprint recorded for `output` ("" if none).
std::string read_build_fingerprint(Db& state, const std::string& output);
/// Records the fingerprint of a build of `output`, when (`built_at`) and for which day.
void write_build_fingerprint(Db& state, const std::string& output, const std::string& fingerprint,
                             const std::string& built_at, const std::string& today);

}  // namespace jp
