// A thin RAII seam over SQLite: every failure throws with what was being attempted
// and SQLite's own message (the database is the environment, not the input).
#pragma once

#include <sqlite3.h>

#include <optional>
#include <string>
#include <string_view>

namespace jp {

/// Process-wide settings of SQLite, made before its first use; every opening calls it.
void configure_sqlite();

class Stmt {
 public:
  Stmt(sqlite3* db, std::string_view sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  Stmt& bind(int i, std::string_view s);       ///< empty string binds NULL
  Stmt& bind_text(int i, std::string_view s);  ///< binds '' for empty
  /// As bind(), without SQLite's copy: `s` must stay alive and unchanged until the statement
  /// is stepped and reset (a record's field, bound for the one row it is inserted in).
  Stmt& bind_kept(int i, std::string_view s);
  Stmt& bind(int i, long long v);
  Stmt& bind(int i, int v) { return bind(i, static_cast<long long>(v)); }
  Stmt& bind(int i, double v);
  Stmt& bind_null(int i);
  Stmt& bind_blob(int i, const void* data, size_t n);
  sqlite3_stmt* raw() const { return st_; }
  template <class T>
  Stmt& bind(int i, const std::optional<T>& v) {
    return v ? bind(i, *v) : bind_null(i);
  }
  /// Runs an INSERT/UPDATE/DELETE to completion and resets for the next row.
  void run();
  /// Steps a query: true while there is a row.
  bool step();
  void reset();
  std::string text(int col) const;
  long long integer(int col) const;
  double real(int col) const;
  bool is_null(int col) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* st_ = nullptr;
  std::string sql_;
};

class Db {
 public:
  /// Opens (and with `create`, creates) a database file.
  Db(const std::string& path, bool create);
  ~Db();
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(std::string_view sql);
  sqlite3* handle() { return db_; }
  const std::string& path() const { return path_; }

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

/// A transaction that rolls back unless committed: an exception between BEGIN and COMMIT
/// leaves the database as it was (and its lock released) without a catch at every site.
class Transaction {
 public:
  /// `immediate` takes the write lock now, so that two writers wait at the start instead of
  /// one failing at its first write; `exclusive` keeps readers out too (an import).
  enum Lock { deferred, immediate, exclusive };
  explicit Transaction(Db& db, Lock lock = deferred);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Db& db_;
  bool open_ = true;
};

}  // namespace jp
