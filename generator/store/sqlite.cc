#include "store/sqlite.h"

#include <fmt/format.h>

#include <mutex>
#include <stdexcept>

namespace jp {

Stmt::Stmt(sqlite3* db, std::string_view sql) : db_(db), sql_(sql) {
  if (sqlite3_prepare_v2(db, sql_.c_str(), int(sql_.size()), &st_, nullptr) != SQLITE_OK)
    throw std::runtime_error(
        fmt::format("SQLite could not prepare \"{}\": {}", sql_, sqlite3_errmsg(db)));
}

Stmt::~Stmt() { sqlite3_finalize(st_); }

Stmt& Stmt::bind(int i, std::string_view s) {
  if (s.empty()) return bind_null(i);
  return bind_text(i, s);
}

Stmt& Stmt::bind_text(int i, std::string_view s) {
  sqlite3_bind_text(st_, i, s.data(), int(s.size()), SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_kept(int i, std::string_view s) {
  if (s.empty()) return bind_null(i);
  sqlite3_bind_text(st_, i, s.data(), int(s.size()), SQLITE_STATIC);
  return *this;
}

Stmt& Stmt::bind(int i, long long v) {
  sqlite3_bind_int64(st_, i, v);
  return *this;
}

Stmt& Stmt::bind(int i, double v) {
  sqlite3_bind_double(st_, i, v);
  return *this;
}

Stmt& Stmt::bind_blob(int i, const void* data, size_t n) {
  sqlite3_bind_blob64(st_, i, data, n, SQLITE_TRANSIENT);
  return *this;
}

Stmt& Stmt::bind_null(int i) {
  sqlite3_bind_null(st_, i);
  return *this;
}

void Stmt::run() {
  int rc = sqlite3_step(st_);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    std::string msg = sqlite3_errmsg(db_);
    sqlite3_reset(st_);
    throw std::runtime_error(fmt::format("SQLite failed on \"{}\": {}", sql_, msg));
  }
  sqlite3_reset(st_);
}

bool Stmt::step() {
  int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw std::runtime_error(fmt::format("SQLite failed on \"{}\": {}", sql_, sqlite3_errmsg(db_)));
}

void Stmt::reset() { sqlite3_reset(st_); }

std::string Stmt::text(int col) const {
  auto p = sqlite3_column_text(st_, col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_, col))
           : std::string();
}
long long Stmt::integer(int col) const { return sqlite3_column_int64(st_, col); }
double Stmt::real(int col) const { return sqlite3_column_double(st_, col); }
bool Stmt::is_null(int col) const { return sqlite3_column_type(st_, col) == SQLITE_NULL; }

void configure_sqlite() {
  // SQLite counts its memory under a global mutex by default: two locks per allocation,
  // 3 % of an import (measured); nothing here reads the counts. Only possible before
  // SQLite's first use (a later call fails and changes nothing).
  static std::once_flag configured;
  std::call_once(configured, [] { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); });
}

Db::Db(const std::string& path, bool create) : path_(path) {
  configure_sqlite();
  // One connection per thread of use: SQLite's own locking of the connection is not needed.
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error(fmt::format("cannot open the database {}: {}", path, msg));
  }
  sqlite3_busy_timeout(db_, 10000);
}

Db::~Db() { sqlite3_close(db_); }

void Db::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_, s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db_);
    sqlite3_free(err);
    throw std::runtime_error(fmt::format("SQLite failed on the database {}: {}", path_, msg));
  }
}

Transaction::Transaction(Db& db, Lock lock) : db_(db) {
  db_.exec(lock == exclusive ? "BEGIN EXCLUSIVE" : lock == immediate ? "BEGIN IMMEDIATE" : "BEGIN");
}

Transaction::~Transaction() {
  // Never throws: a failed rollback leaves SQLite to roll back when the connection closes.
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  db_.exec("COMMIT");
  open_ = false;
}

}  // namespace jp
