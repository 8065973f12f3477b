#include "store/output_state.h"

#include <fmt/format.h>
#include <sys/stat.h>

namespace jp {

namespace {

// WAL with synchronous=OFF: a commit survives a killed process (the protocol's promise: the
// kernel keeps what was written), and no fsync is paid (a nightly commit point went from
// ~0.2 s to ~0.05 s). The state is only ever a record of the disk, checked against it at
// every build: what a power loss could leave behind (a lost transaction, or a state file
// that SQLite finds damaged, which is then set aside and learnt again from the disk) is put
// right by the next build.
constexpr const char* kOutputStatePragmas =
    "PRAGMA journal_mode = WAL; PRAGMA synchronous = OFF; PRAGMA cache_size = -65536";

constexpr const char* kOutputStateSchema = R"(
CREATE TABLE IF NOT EXISTS files(output TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL,
  fingerprint TEXT, size INTEGER, mtime_ns INTEGER, inode INTEGER,
  PRIMARY KEY(output, path)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS pending(output TEXT PRIMARY KEY, plan TEXT NOT NULL, pack TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS builds(output TEXT PRIMARY KEY, fingerprint TEXT NOT NULL,
  built_at TEXT NOT NULL, today TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS secrets(name TEXT PRIMARY KEY, value BLOB NOT NULL);
)";

void bind_state_file_stat(Stmt& st, int first, const FileStat& s) {
  if (s.known())
    st.bind(first, s.size).bind(first + 1, s.mtime_ns).bind(first + 2, s.inode);
  else
    st.bind_null(first).bind_null(first + 1).bind_null(first + 2);
}

}  // namespace

OpenedOutputState open_output_state(const std::string& file) {
  OpenedOutputState r;
  r.db = std::make_unique<Db>(file, true);
  ::chmod(file.c_str(), 0600);
  r.db->exec(kOutputStatePragmas);
  Stmt v(r.db->handle(), "PRAGMA user_version");
  v.step();
  r.version = v.integer(0);
  if (r.version <= kOutputStateVersion) r.db->exec(kOutputStateSchema);
  return r;
}

bool output_state_is_damaged(const std::string& file) {
  // Opened as an immutable file: no lock, no -shm or -wal made, nothing written, so the
  // answer does not depend on free space or on the folder's permissions. Only what SQLite
  // itself says of the bytes counts as damage.
  sqlite3* db = nullptr;
  std::string uri = "file:" + file + "?immutable=1";
  int rc = sqlite3_open_v2(uri.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", nullptr, nullptr, nullptr);
  if (db) rc = sqlite3_errcode(db) != SQLITE_OK ? sqlite3_errcode(db) : rc;
  sqlite3_close(db);
  return (rc & 0xff) == SQLITE_NOTADB || (rc & 0xff) == SQLITE_CORRUPT;
}

void stamp_output_state(Db& state) {
  state.exec(fmt::format("PRAGMA user_version = {}", kOutputStateVersion));
}

size_t count_output_files(Db& state, const std::string& output) {
  Stmt n(state.handle(), "SELECT count(*) FROM files WHERE output = ?");
  n.bind(1, output);
  return n.step() ? size_t(n.integer(0)) : 0;
}

void load_output_files(Db& state, const std::string& output,
                       const std::function<void(OutputFileRow&)>& row) {
  Stmt st(state.handle(),
          "SELECT path, hash, fingerprint, size, mtime_ns, inode FROM files WHERE output = ?");
  st.bind(1, output);
  OutputFileRow r;
  while (st.step()) {
    r.path = st.text(0);
    r.hash = st.text(1);
    r.fingerprint = st.is_null(2) ? std::string() : st.text(2);
    r.stat = st.is_null(3) ? FileStat{} : FileStat{st.integer(3), st.integer(4), st.integer(5)};
    row(r);
  }
}

OutputFilesWriter::OutputFilesWriter(Db& state, std::string output)
    : db_(state), output_(std::move(output)) {}

OutputFilesWriter::~OutputFilesWriter() = default;

void OutputFilesWriter::upsert(const std::string& path, const std::string& hash,
                               const std::string& fingerprint, const FileStat& stat) {
  if (!upsert_)
    upsert_ = std::make_unique<Stmt>(
        db_.handle(),
        "INSERT INTO files(output, path, hash, fingerprint, size, mtime_ns, inode) "
        "VALUES(?,?,?,?,?,?,?) ON CONFLICT(output, path) DO UPDATE SET hash = excluded.hash, "
        "fingerprint = excluded.fingerprint, size = excluded.size, mtime_ns = "
        "excluded.mtime_ns, inode = excluded.inode");
  // bind() stores "" as NULL: a file without a fingerprint.
  upsert_->bind(1, output_).bind(2, path).bind_text(3, hash).bind(4, fingerprint);
  bind_state_file_stat(*upsert_, 5, stat);
  upsert_->run();
}

void OutputFilesWriter::remove(const std::string& path) {
  if (!remove_)
    remove_ = std::make_unique<Stmt>(db_.handle(), "DELETE FROM files WHERE output = ? AND path = ?");
  remove_->bind(1, output_).bind(2, path).run();
}

void OutputFilesWriter::update_stat(const std::string& path, const FileStat& stat) {
  if (!update_stat_)
    update_stat_ = std::make_unique<Stmt>(
        db_.handle(), "UPDATE files SET size = ?, mtime_ns = ?, inode = ? WHERE output = ? AND path = ?");
  bind_state_file_stat(*update_stat_, 1, stat);
  update_stat_->bind(4, output_).bind(5, path).run();
}

std::string read_state_secret(Db& state, const std::string& name) {
  // (A state of version 1 opened by a dry run, which creates nothing, has no such table.)
  Stmt has(state.handle(), "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'secrets'");
  if (!has.step() || has.integer(0) == 0) return "";
  Stmt st(state.handle(), "SELECT value FROM secrets WHERE name = ?");
  st.bind(1, name);
  return st.step() ? st.text(0) : "";  // (text() gives a blob's bytes as they are)
}

void write_state_secret(Db& state, const std::string& name, const std::string& value) {
  Stmt(state.handle(), "INSERT OR REPLACE INTO secrets(name, value) VALUES(?,?)")
      .bind(1, name)
      .bind_blob(2, value.data(), value.size())
      .run();
}

std::vector<PendingPlan> pending_plans(Db& state) {
  std::vector<PendingPlan> r;
  Stmt st(state.handle(), "SELECT output, plan, pack FROM pending ORDER BY output");
  while (st.step()) r.push_back({st.text(0), st.text(1), st.text(2)});
  return r;
}

void record_pending_plan(Db& state, const std::string& output, const std::string& plan,
                         const std::string& pack) {
  Stmt(state.handle(), "INSERT OR REPLACE INTO pending(output, plan, pack) VALUES(?,?,?)")
      .bind(1, output)
      .bind_text(2, plan)
      .bind_text(3, pack)
      .run();
}

void clear_pending_plan(Db& state, const std::string& output) {
  Stmt(state.handle(), "DELETE FROM pending WHERE output = ?").bind(1, output).run();
}

std::string read_build_fingerprint(Db& state, const std::string& output) {
  Stmt st(state.handle(), "SELECT fingerprint FROM builds WHERE output = ?");
  st.bind(1, output);
  return st.step() ? st.text(0) : "";
}

void write_build_fingerprint(Db& state, const std::string& output, const std::string& fingerprint,
                             const std::string& built_at, const std::string& today) {
  Stmt(state.handle(),
       "INSERT OR REPLACE INTO builds(output, fingerprint, built_at, today) VALUES(?,?,?,?)")
      .bind_text(1, output)
      .bind_text(2, fingerprint)
      .bind_text(3, built_at)
      .bind_text(4, today)
      .run();
}

}  // namespace jp
