// store/output_state: the output folder's state database, row by row, as the writer and the
// recovery use it (their protocol is tested in writer_test.cc and publish_test.sh).
#include "store/output_state.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "helpers.h"

using namespace jp;
using jp::test::temp_path;

namespace {

std::map<std::string, OutputFileRow> state_rows(Db& db, const std::string& output) {
  std::map<std::string, OutputFileRow> r;
  load_output_files(db, output, [&](OutputFileRow& row) { r[row.path] = row; });
  return r;
}

long long state_version(Db& db) {
  Stmt v(db.handle(), "PRAGMA user_version");
  REQUIRE(v.step());
  return v.integer(0);
}

}  // namespace

TEST_CASE("output_state: a new state file is owner-only, in WAL, and stamped", "[output_state]") {
  std::string path = temp_path("jp-output-state-new.db").string();
  OpenedOutputState s = open_output_state(path);
  CHECK(s.version == 0);
  struct stat st {};
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  {
    Stmt mode(s.db->handle(), "PRAGMA journal_mode");
    REQUIRE(mode.step());
    CHECK(mode.text(0) == "wal");
  }
  stamp_output_state(*s.db);
  CHECK(state_version(*s.db) == kOutputStateVersion);
  s.db.reset();
  CHECK(open_output_state(path).version == kOutputStateVersion);
}

TEST_CASE("output_state: rows round-trip, NULLs as empty and unknown", "[output_state]") {
  std::string path = temp_path("jp-output-state-rows.db").string();
  auto db = open_output_state(path).db;
  CHECK(count_output_files(*db, "site") == 0);
  {
    Transaction tx(*db, Transaction::immediate);
    OutputFilesWriter rows(*db, "site");
    rows.upsert("index.html", "h1", "f1", {10, 20, 30});
    rows.upsert("a/b.ics", "h2", "", FileStat{});
    rows.upsert("gone.html", "h3", "f3", {1, 2, 3});
    OutputFilesWriter other(*db, "archive/2023-2024");
    other.upsert("index.html", "x", "y", {4, 5, 6});
    tx.commit();
  }
  auto rows = state_rows(*db, "site");
  REQUIRE(rows.size() == 3);
  CHECK(count_output_files(*db, "site") == 3);
  CHECK(count_output_files(*db, "archive/2023-2024") == 1);
  CHECK(rows["index.html"].hash == "h1");
  CHECK(rows["index.html"].fingerprint == "f1");
  CHECK(rows["index.html"].stat == FileStat{10, 20, 30});
  CHECK(rows["a/b.ics"].fingerprint.empty());
  CHECK_FALSE(rows["a/b.ics"].stat.known());
  {
    Stmt nulls(db->handle(),
               "SELECT fingerprint IS NULL AND size IS NULL FROM files WHERE path = 'a/b.ics'");
    REQUIRE(nulls.step());
    CHECK(nulls.integer(0) == 1);
  }

  // A second upsert replaces the row; a removal and a stat update touch only this output.
  {
    Transaction tx(*db, Transaction::immediate);
    OutputFilesWriter w(*db, "site");
    w.upsert("index.html", "h1b", "f1b", FileStat{});
    w.remove("gone.html");
    w.update_stat("a/b.ics", {7, 8, 9});
    w.update_stat("index.html", FileStat{});
    tx.commit();
  }
  rows = state_rows(*db, "site");
  REQUIRE(rows.size() == 2);
  CHECK(rows["index.html"].hash == "h1b");
  CHECK(rows["index.html"].fingerprint == "f1b");
  CHECK_FALSE(rows["index.html"].stat.known());
  CHECK(rows["a/b.ics"].stat == FileStat{7, 8, 9});
  CHECK(state_rows(*db, "archive/2023-2024")["index.html"].stat == FileStat{4, 5, 6});
}

TEST_CASE("output_state: a pending plan is recorded, listed by output, and cleared",
          "[output_state]") {
  std::string path = temp_path("jp-output-state-pending.db").string();
  auto db = open_output_state(path).db;
  CHECK(pending_plans(*db).empty());
  record_pending_plan(*db, "site", "M 644 755 1\nD site/a.html\n", ".journalpress/pack-site");
  record_pending_plan(*db, "archive/2023-2024", "M 644 755 1\n", "");
  record_pending_plan(*db, "site", "M 644 755 2\n", ".journalpress/pack-site");  // replaces
  CHECK(pending_plans(*db) ==
        std::vector<PendingPlan>{{"archive/2023-2024", "M 644 755 1\n", ""},
                                 {"site", "M 644 755 2\n", ".journalpress/pack-site"}});
  clear_pending_plan(*db, "site");
  CHECK(pending_plans(*db) == std::vector<PendingPlan>{{"archive/2023-2024", "M 644 755 1\n", ""}});
  clear_pending_plan(*db, "archive/2023-2024");
  CHECK(pending_plans(*db).empty());
}

TEST_CASE("output_state: a build fingerprint is saved and read back", "[output_state]") {
  std::string path = temp_path("jp-output-state-builds.db").string();
  auto db = open_output_state(path).db;
  CHECK(read_build_fingerprint(*db, "site") == "");
  write_build_fingerprint(*db, "site", "fp1", "2024-02-12 06:00:00 UTC", "2024-02-12");
  write_build_fingerprint(*db, "letters", "fp2", "2024-02-12 06:00:01 UTC", "2024-02-12");
  CHECK(read_build_fingerprint(*db, "site") == "fp1");
  CHECK(read_build_fingerprint(*db, "letters") == "fp2");
  // An empty fingerprint marks a build in progress: read back as none.
  write_build_fingerprint(*db, "site", "", "2024-02-13 06:00:00 UTC", "2024-02-13");
  CHECK(read_build_fingerprint(*db, "site") == "");
  Stmt st(db->handle(), "SELECT built_at, today FROM builds WHERE output = 'letters'");
  REQUIRE(st.step());
  CHECK(st.text(0) == "2024-02-12 06:00:01 UTC");
  CHECK(st.text(1) == "2024-02-12");
}

TEST_CASE("output_state: a state from before versions gains the tables it lacks",
          "[output_state]") {
  std::string path = temp_path("jp-output-state-old.db").string();
  {
    Db old(path, true);
    old.exec(
        "CREATE TABLE files(output TEXT NOT NULL, path TEXT NOT NULL, hash TEXT NOT NULL, "
        "fingerprint TEXT, size INTEGER, mtime_ns INTEGER, inode INTEGER, "
        "PRIMARY KEY(output, path)) WITHOUT ROWID;"
        "INSERT INTO files VALUES('site', 'index.html', 'h', NULL, 1, 2, 3)");
  }
  OpenedOutputState s = open_output_state(path);
  CHECK(s.version == 0);
  auto rows = state_rows(*s.db, "site");
  REQUIRE(rows.size() == 1);
  CHECK(rows["index.html"].stat == FileStat{1, 2, 3});
  record_pending_plan(*s.db, "site", "M 644 755 1\n", "");
  write_build_fingerprint(*s.db, "site", "fp", "2024-02-12 06:00:00 UTC", "2024-02-12");
  CHECK(pending_plans(*s.db).size() == 1);
  stamp_output_state(*s.db);
  CHECK(state_version(*s.db) == kOutputStateVersion);
}

TEST_CASE("output_state: a newer state is opened untouched", "[output_state]") {
  std::string path = temp_path("jp-output-state-newer.db").string();
  {
    Db newer(path, true);
    newer.exec(fmt::format("PRAGMA user_version = {}", kOutputStateVersion + 1));
  }
  OpenedOutputState s = open_output_state(path);
  CHECK(s.version == kOutputStateVersion + 1);
  Stmt tables(s.db->handle(), "SELECT count(*) FROM sqlite_master");
  REQUIRE(tables.step());
  CHECK(tables.integer(0) == 0);  // the caller refuses it; nothing was created in it
}

TEST_CASE("output_state: a file that is not a database is refused", "[output_state]") {
  std::string path = temp_path("jp-output-state-junk.db").string();
  {
    FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs("not a database, only text long enough to be read as a header of one\n", f);
    std::fclose(f);
  }
  CHECK_THROWS_AS(open_output_state(path), std::runtime_error);
  CHECK(output_state_is_damaged(path));
}

TEST_CASE("output_state: only a file SQLite finds damaged counts as damaged", "[output_state]") {
  // What decides whether a state that fails to open is set aside (and the folder's record
  // of what it published learnt again) or left alone with an error (a full disk, a lock,
  // permissions: the file is fine).
  std::string good = temp_path("jp-output-state-good.db").string();
  {
    OpenedOutputState s = open_output_state(good);
    stamp_output_state(*s.db);
  }
  CHECK_FALSE(output_state_is_damaged(good));
  CHECK_FALSE(output_state_is_damaged(good + ".missing"));
  std::string dir = temp_path("jp-output-state-dir.db").string();
  std::filesystem::create_directories(dir);
  CHECK_FALSE(output_state_is_damaged(dir));
  std::filesystem::remove_all(dir);
}
