#include "store/store.h"

#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/import.h"
#include "helpers.h"
#include "store/db_file.h"
#include "store/sqlite.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {

/// A temporary directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  TempDir() : path(temp_path("store-" + std::to_string(counter()++))) {
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  static int& counter() {
    static int n = 0;
    return n;
  }
};

std::string corpus(const std::string& rel) {
  return std::string(JP_SOURCE_DIR) + "/tests/corpus/" + rel;
}

int import(const std::vector<std::string>& inputs, const fs::path& db, std::string* err = nullptr) {
  ImportOptions o;
  o.inputs = inputs;
  o.db = db.string();
  o.imported_at = "2024-06-01T00:00:00Z";
  std::ostringstream out, e;
  int rc = run_import(o, out, e);
  if (err) *err = e.str();
  return rc;
}

long long count(const fs::path& db, const std::string& sql) {
  Db d(db.string(), false);
  Stmt st(d.handle(), sql);
  REQUIRE(st.step());
  return st.integer(0);
}

}  // namespace

TEST_CASE("store: import writes every record, tagged with its dataset") {
  TempDir t;
  auto db = t.path / "j.db";
  REQUIRE(import({corpus("base")}, db) == 0);
  auto counts = dataset_counts(db.string(), 1);
  std::map<std::string, long long> m(counts.begin(), counts.end());
  CHECK(m["students"] == 4);
  CHECK(m["enrollments"] == 5);
  CHECK(m["enrollment_groups"] == 2);
  CHECK(m["lessons"] == 6);
  CHECK(m["marks"] == 3);
  CHECK(m["attendance"] == 2);
  CHECK(m["final_marks"] == 2);
  CHECK(m["groups"] == 2);
  CHECK(m["guardian_children"] == 4);
  CHECK(m["event_classes"] == 1);
  CHECK(m["import_warnings"] == 0);
  CHECK(
      count(db,
            "SELECT count(*) FROM datasets WHERE school_id = 's1' AND year_label = '2023/2024'") ==
      1);
  CHECK(count(db, "PRAGMA user_version") == kSchemaVersion);
  CHECK(count(db, "SELECT count(*) FROM lessons WHERE cancelled = 1") == 1);
  CHECK(count(db,
              "SELECT count(*) FROM marks WHERE value = '5' AND work_type = 'answer' AND author = "
              "'t1'") == 1);
}

TEST_CASE("store: importing the same school and year again replaces it; others are kept") {
  TempDir t;
  auto db = t.path / "j.db";
  REQUIRE(import({corpus("base")}, db) == 0);
  REQUIRE(import({corpus("base")}, db) == 0);
  CHECK(count(db, "SELECT count(*) FROM datasets") == 1);
  CHECK(count(db, "SELECT count(*) FROM marks") == 3);
  // A second school in the same database.
  fs::create_directories(t.path / "other");
  for (auto f : {"people.json", "journal.json"})
    fs::copy(corpus("base/") + f, t.path / "other" / f);
  std::string school = slurp(corpus("base/school.json"));
  school.replace(school.find("\"id\": \"s1\""), 10, "\"id\": \"s2\"");
  std::ofstream(t.path / "other" / "school.json") << school;
  REQUIRE(import({(t.path / "other").string()}, db) == 0);
  CHECK(count(db, "SELECT count(*) FROM datasets") == 2);
  CHECK(count(db, "SELECT count(*) FROM marks") == 6);
  CHECK(count(db, "SELECT count(DISTINCT ds) FROM students") == 2);
  // The second school's next export (one mark more) replaces its rows only.
  std::ofstream(t.path / "other" / "more.json")
      << R"({"format": "journalpress/1", "marks": [{"id": "m-new", "student": "s1", "lesson": "l2",
            "value": "4", "work_type": "answer", "created_at": "2023-09-05T15:00:00+03:00",
            "author": "t1"}]})";
  REQUIRE(import({(t.path / "other").string()}, db) == 0);
  CHECK(count(db, "SELECT count(*) FROM marks") == 7);
  CHECK(count(db, "SELECT count(*) FROM marks WHERE ds = 1") == 3);
  CHECK(count(db, "SELECT count(*) FROM marks WHERE ds = 2") == 4);
}

TEST_CASE("store: a database of one journal replaced whole holds what a new one would") {
  TempDir t;
  auto db = t.path / "j.db", fresh = t.path / "fresh.db";
  fs::copy(corpus("base"), t.path / "export", fs::copy_options::recursive);
  REQUIRE(import({(t.path / "export").string()}, db) == 0);
  std::ofstream(t.path / "export" / "more.json")
      << R"({"format": "journalpress/1", "marks": [{"id": "m-new", "student": "s1", "lesson": "l2",
            "value": "4", "work_type": "answer", "created_at": "2023-09-05T15:00:00+03:00",
            "author": "t1"}]})";
  std::string err;
  REQUIRE(import({(t.path / "export").string()}, db, &err) == 0);
  REQUIRE(import({(t.path / "export").string()}, fresh) == 0);
  CHECK(count(db, "SELECT count(*) FROM datasets") == 1);
  CHECK(count(db, "SELECT count(*) FROM marks") == 4);
  // Every table, row for row (the dataset number is 1 in both).
  Db a(db.string(), false);
  a.exec("ATTACH DATABASE '" + fresh.string() + "' AS f");
  for (const std::string table : {"schools", "students", "guardians", "lessons", "marks",
                                  "attendance", "final_marks", "import_warnings", "events"}) {
    INFO(table);
    Stmt diff(a.handle(), "SELECT count(*) FROM (SELECT * FROM main." + table +
                              " EXCEPT SELECT * FROM f." + table + ") UNION ALL " +
                              "SELECT count(*) FROM (SELECT * FROM f." + table +
                              " EXCEPT SELECT * FROM main." + table + ")");
    REQUIRE(diff.step());
    CHECK(diff.integer(0) == 0);
    REQUIRE(diff.step());
    CHECK(diff.integer(0) == 0);
  }
}

TEST_CASE("store: warnings are stored with their code and location") {
  TempDir t;
  auto db = t.path / "j.db";
  REQUIRE(import({corpus("base"), corpus("041_warn_osv/extra.json")}, db) == 0);
  Db d(db.string(), false);
  Stmt st(
      d.handle(),
      "SELECT code, file, pointer, record, message FROM import_warnings WHERE code = 'osv-final'");
  REQUIRE(st.step());
  CHECK(st.text(0) == "osv-final");
  CHECK(st.text(1) == corpus("041_warn_osv/extra.json"));
  CHECK(st.text(2) == "/final_marks/0");
  CHECK(st.text(3) == "student s1, subject pe, period y");
  CHECK_FALSE(st.step());
}

TEST_CASE("store: a refused import leaves an existing database byte for byte") {
  TempDir t;
  auto db = t.path / "j.db";
  REQUIRE(import({corpus("base")}, db) == 0);
  std::string before = slurp(db);
  std::string err;
  CHECK(import({corpus("base"), corpus("013_unknown_references/extra.json")}, db, &err) == 1);
  CHECK(err.find("unknown student \"s77\"") != std::string::npos);
  CHECK(err.find("import refused: 13 errors, 0 warnings; the database") != std::string::npos);
  CHECK(slurp(db) == before);
  CHECK_FALSE(fs::exists(t.path / "j.db-journal"));
}

TEST_CASE("store: a refused import into a new path creates no file") {
  TempDir t;
  auto db = t.path / "new.db";
  CHECK(import({corpus("001_syntax_error/extra.json")}, db) == 1);
  CHECK_FALSE(fs::exists(db));
}

TEST_CASE("store: a database of another schema version is refused with a clear error") {
  TempDir t;
  auto db = t.path / "j.db";
  REQUIRE(import({corpus("base")}, db) == 0);
  {
    Db d(db.string(), false);
    d.exec("PRAGMA user_version = 7");
  }
  std::string before = slurp(db);
  CHECK_THROWS_WITH(check_database(db.string()),
                    db.string() + " has database schema version 7, but this journalpress " +
                        JOURNALPRESS_VERSION + " uses version " + std::to_string(kSchemaVersion) +
                        "; use a newer journalpress");
  CHECK_THROWS_WITH(import({corpus("base")}, db), Catch::Contains("has database schema version 7"));
  CHECK(slurp(db) == before);
}

TEST_CASE("store: a version 2 database is upgraded in place, its data and build state kept") {
  TempDir t;
  auto db = t.path / "j.db";
  REQUIRE(import({corpus("base")}, db) == 0);
  auto plan = [&] {
    Db d(db.string(), false);
    Stmt st(d.handle(), "EXPLAIN QUERY PLAN SELECT id FROM marks WHERE ds = 1 ORDER BY seq");
    std::string r;
    while (st.step()) r += st.text(3) + "\n";
    return r;
  };
  CHECK_THAT(plan(), Catch::Contains("marks_order") && !Catch::Contains("TEMP B-TREE"));
  auto counts = dataset_counts(db.string(), 1);
  {  // What version 2 had: no order indexes; and a build state to keep.
    Db d(db.string(), false);
    d.exec(
        "DROP INDEX marks_order; DROP INDEX attendance_order; DROP INDEX lessons_order; "
        "INSERT INTO guardian_access(school_id, guardian, epoch) VALUES('s1', 'g1', 5); "
        "PRAGMA user_version = 2");
  }
  CHECK_THAT(plan(), Catch::Contains("TEMP B-TREE"));
  CHECK(count(db, "PRAGMA user_version") == 2);
  check_database(db.string());  // upgrades
  CHECK(count(db, "PRAGMA user_version") == kSchemaVersion);
  CHECK(count(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE '%_order'") == 3);
  CHECK(count(db, "SELECT epoch FROM guardian_access WHERE guardian = 'g1'") == 5);
  CHECK(dataset_counts(db.string(), 1) == counts);
  CHECK(counts.size() > 10);
  CHECK_THAT(plan(), !Catch::Contains("TEMP B-TREE"));
}

TEST_CASE("store: a foreign SQLite file is not touched") {
  TempDir t;
  auto db = t.path / "other.db";
  {
    Db d(db.string(), true);
    d.exec("CREATE TABLE x(a)");
  }
  std::string before = slurp(db);
  CHECK_THROWS_WITH(
      import({corpus("base")}, db),
      db.string() + " is an SQLite database of another program, not a journalpress one");
  CHECK(slurp(db) == before);
}

TEST_CASE("store: a first import killed before its commit does not block the next one") {
  TempDir t;
  auto db = t.path / "j.db";
  SECTION("killed right after the file was made: it is empty") {
    create_private_db_file(db.string());
    REQUIRE(fs::file_size(db) == 0);
  }
  SECTION("killed inside the transaction: pages spilled into the file, a hot journal beside it") {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      Db d(db.string(), true);
      d.exec("PRAGMA cache_size = 1; BEGIN EXCLUSIVE; CREATE TABLE x(a); "
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000) "
             "INSERT INTO x SELECT randomblob(200) FROM n;");
      ::_exit(0);  // no commit, no close: as a kill leaves it
    }
    int status = 0;
    ::waitpid(pid, &status, 0);
    REQUIRE(WIFEXITED(status));
    REQUIRE(fs::exists(t.path / "j.db-journal"));
  }
  // A build still says what is wrong; the import goes ahead.
  CHECK_THROWS_WITH(check_database(db.string()),
                    db.string() + " is an empty database; run `journalpress import` first");
  std::string err;
  CHECK(import({corpus("base")}, db, &err) == 0);
  CHECK_THAT(err, !Catch::Contains("empty database"));
  CHECK_NOTHROW(check_database(db.string()));
  CHECK(count(db, "SELECT count(*) FROM datasets") == 1);
}

TEST_CASE("store: the same export again is recognised by its bytes, without parsing it") {
  TempDir t;
  auto db = t.path / "j.db";
  fs::copy(corpus("base"), t.path / "export", fs::copy_options::recursive);
  auto run = [&](std::string* err = nullptr) {
    ImportOptions o;
    o.inputs = {(t.path / "export").string()};
    o.db = db.string();
    o.timings = true;
    ImportReport report;
    o.report = &report;
    std::ostringstream out, e;
    CHECK(run_import(o, out, e) == 0);
    if (err) *err = e.str();
    return std::make_pair(out.str(), report);
  };
  auto [first, r1] = run();
  CHECK_THAT(first, Catch::Contains("read the export") && Catch::Contains("imported "));
  std::string before = slurp(db);
  std::string err;
  auto [second, r2] = run(&err);
  CHECK_THAT(second, Catch::StartsWith("already imported: ") &&
                         Catch::Contains("digest of the export") &&
                         !Catch::Contains("read the export"));
  CHECK(err.empty());
  CHECK(slurp(db) == before);
  // What the nightly's summary says is the same either way.
  CHECK(r2.school == r1.school);
  CHECK(r2.students == r1.students);
  CHECK(r2.marks == r1.marks);
  CHECK(r2.warnings == r1.warnings);
  CHECK(r1.marks > 0);
  // One byte changed (a space added): read, parsed and checked again.
  fs::path some;
  for (const auto& e : fs::directory_iterator(t.path / "export"))
    if (e.path().extension() == ".json") some = e.path();
  REQUIRE(!some.empty());
  {
    std::ofstream(some, std::ios::app) << " ";
  }
  auto [third, r3] = run();
  CHECK_THAT(third, Catch::Contains("read the export"));
  // An unreadable file is not taken for the same export: the import reads and reports it.
  fs::permissions(some, fs::perms::none);
  if (::access(some.c_str(), R_OK) != 0) {  // not as root, who reads anything
    ImportOptions o;
    o.inputs = {(t.path / "export").string()};
    o.db = db.string();
    std::ostringstream out, e;
    CHECK(run_import(o, out, e) == 1);
    CHECK_THAT(e.str(), Catch::Contains(some.string()));
  }
  fs::permissions(some, fs::perms::owner_read | fs::perms::owner_write);
}
