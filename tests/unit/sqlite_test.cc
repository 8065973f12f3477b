// store/sqlite: a transaction is rolled back unless committed, however its scope is left,
// and its lock goes with it.
#include "store/sqlite.h"

#include <catch2/catch.hpp>
#include <stdexcept>
#include <string>

#include "helpers.h"

using namespace jp;
using jp::test::temp_path;

namespace {

long long rows(Db& db) {
  Stmt st(db.handle(), "SELECT count(*) FROM t");
  REQUIRE(st.step());
  return st.integer(0);
}

}  // namespace

TEST_CASE("sqlite: a committed transaction keeps its writes", "[sqlite]") {
  std::string path = temp_path("jp-sqlite-commit.db").string();
  {
    Db db(path, true);
    db.exec("CREATE TABLE t(x INTEGER)");
    Transaction tx(db, Transaction::immediate);
    db.exec("INSERT INTO t VALUES (1)");
    tx.commit();
  }
  Db again(path, false);
  CHECK(rows(again) == 1);
}

TEST_CASE("sqlite: a transaction not committed is rolled back", "[sqlite]") {
  std::string path = temp_path("jp-sqlite-rollback.db").string();
  Db db(path, true);
  db.exec("CREATE TABLE t(x INTEGER)");
  {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    CHECK(rows(db) == 1);  // seen inside it
  }
  CHECK(rows(db) == 0);
  CHECK(sqlite3_get_autocommit(db.handle()) != 0);  // no transaction left open
}

TEST_CASE("sqlite: an exception leaving a transaction rolls it back and frees the lock",
          "[sqlite]") {
  std::string path = temp_path("jp-sqlite-throw.db").string();
  Db db(path, true);
  db.exec("CREATE TABLE t(x INTEGER)");
  CHECK_THROWS_WITH(
      [&] {
        Transaction tx(db, Transaction::exclusive);
        db.exec("INSERT INTO t VALUES (1)");
        throw std::runtime_error("a write failed half way");
      }(),
      "a write failed half way");
  CHECK(rows(db) == 0);
  CHECK(sqlite3_get_autocommit(db.handle()) != 0);
  // Another connection can take the write lock at once: the exclusive lock went with it.
  Db other(path, false);
  Transaction tx(other, Transaction::immediate);
  other.exec("INSERT INTO t VALUES (2)");
  tx.commit();
  CHECK(rows(db) == 1);
}

TEST_CASE("sqlite: a failing statement inside a transaction throws and rolls back",
          "[sqlite]") {
  std::string path = temp_path("jp-sqlite-fail.db").string();
  Db db(path, true);
  db.exec("CREATE TABLE t(x INTEGER)");
  CHECK_THROWS([&] {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    db.exec("INSERT INTO no_such_table VALUES (1)");
    tx.commit();
  }());
  CHECK(rows(db) == 0);
  CHECK(sqlite3_get_autocommit(db.handle()) != 0);
}
