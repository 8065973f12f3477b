#include "publish/writer.h"

#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "core/hash.h"
#include "helpers.h"
#include "memory_disk.h"
#include "publish/output_folder.h"
#include "store/sqlite.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {
FileHashes publish(const fs::path& out, const std::map<std::string, std::string>& files,
                   WriteStats* stats = nullptr, std::vector<std::string>* repairs = nullptr) {
  OutputFolder folder(out, {});
  Writer w(folder, "site");
  if (repairs) *repairs = w.repairs();
  for (const auto& [p, b] : files) w.put(p, b);
  auto s = w.commit();
  if (stats) *stats = s;
  return w.state();
}

/// Leaves a commit as a run killed right after its commit point would: the plan in the
/// state, the staged files and the pack in place, nothing carried out.
void leave_pending(const fs::path& out, const std::string& plan, const std::string& pack) {
  OutputFolder folder(out, {});
  Stmt(folder.state()->handle(), "INSERT INTO pending(output, plan, pack) VALUES('site', ?, ?)")
      .bind_text(1, plan)
      .bind_text(2, pack)
      .run();
}

std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    files[fs::relative(e.path(), root).string()] = e.is_symlink()     ? "link"
                                                   : e.is_directory() ? "dir"
                                                                      : slurp(e.path());
  return files;
}
}  // namespace

TEST_CASE("writer: a cold build appears whole; a rebuild touches only what changed") {
  auto out = temp_path("writer-cold");
  WriteStats s;
  publish(out, {{"index.html", "root"}, {"f/a/index.html", "A"}, {"f/a/x.html", "X"}}, &s);
  CHECK(s.written == 3);
  CHECK(slurp(out / "site/f/a/x.html") == "X");
  CHECK(fs::is_empty(out / ".journalpress/") == false);
  for (const auto& e : fs::directory_iterator(out / ".journalpress"))
    CHECK(e.path().filename().string().rfind("staging-", 0) != 0);
  auto mtime = fs::last_write_time(out / "site/f/a/index.html");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Same bytes: nothing written; one page changed, one new area, one page gone.
  publish(out, {{"index.html", "root"}, {"f/a/index.html", "A"}, {"f/b/index.html", "B"}}, &s);
  CHECK(s.written == 1);
  CHECK(s.unchanged == 2);
  CHECK(s.deleted == 1);
  CHECK(s.repaired == 0);
  CHECK(fs::last_write_time(out / "site/f/a/index.html") == mtime);
  CHECK_FALSE(fs::exists(out / "site/f/a/x.html"));
  CHECK(slurp(out / "site/f/b/index.html") == "B");
  // A whole area removed: its folder goes too.
  publish(out, {{"index.html", "root"}, {"f/b/index.html", "B"}}, &s);
  CHECK(s.deleted == 1);
  CHECK_FALSE(fs::exists(out / "site/f/a"));
  fs::remove_all(out);
}

TEST_CASE("writer: a dry run counts what a build would write, and writes nothing") {
  auto out = temp_path("writer-dry");
  auto dry = [&](const std::map<std::string, std::string>& files) {
    OutputFolder folder(out, {}, /*dry_run=*/true);
    Writer w(folder, "site");
    for (const auto& [p, b] : files) w.put(p, b);
    return w.commit();
  };
  // Never built: everything would be written (nothing to compare with, so nothing hashed).
  WriteStats s = dry({{"index.html", "root"}, {"f/a/x.html", "X"}});
  CHECK(s.written == 2);
  CHECK(s.unchanged == 0);
  CHECK_FALSE(fs::exists(out / "site"));
  publish(out, {{"index.html", "root"}, {"f/a/x.html", "X"}, {"f/a/y.html", "Y"}});
  auto before = tree(out);
  // Built: the same bytes are unchanged, changed and new files would be written, a file
  // no longer offered would be deleted; the dry run compares by hash, never by luck.
  s = dry({{"index.html", "root"}, {"f/a/x.html", "X2"}, {"f/b/z.html", "Z"}});
  CHECK(s.unchanged == 1);
  CHECK(s.written == 2);
  CHECK(s.deleted == 1);
  CHECK(tree(out) == before);
  fs::remove_all(out);
}

TEST_CASE("writer: a state of version 1 (SHA-256 rows) is taken over without rewriting a file") {
  auto out = temp_path("writer-v1");
  const std::map<std::string, std::string> files = {
      {"index.html", "root"}, {"f/a/x.html", "X"}, {"f/a/y.html", "Y"}};
  publish(out, files);
  // As version 1 left it: SHA-256 of each file's bytes, no key, user_version 1.
  {
    Db db((out / ".journalpress/state.db").string(), false);
    for (const auto& [p, b] : files)
      Stmt(db.handle(), "UPDATE files SET hash = ? WHERE output = 'site' AND path = ?")
          .bind_text(1, sha256_hex(b))
          .bind(2, p)
          .run();
    db.exec("DROP TABLE secrets; PRAGMA user_version = 1");
  }
  auto stat_of = [&](const std::string& p) {
    struct stat st {};
    REQUIRE(::stat((out / "site" / p).c_str(), &st) == 0);
    return std::pair<long long, long long>(st.st_ino, st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
  };
  const auto index_before = stat_of("index.html"), y_before = stat_of("f/a/y.html");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  auto offer = [&](Writer& w) {
    w.put("index.html", "root");
    w.put("f/a/x.html", "X2");
    w.put_many({"f/a/y.html"}, "Y", "fp-y");  // the same bytes, a fingerprint new to the row
  };
  // A dry run reads the old state as it is (no key in it yet): the same counts.
  {
    OutputFolder folder(out, {}, /*dry_run=*/true);
    Writer w(folder, "site");
    offer(w);
    WriteStats s = w.commit();
    CHECK(s.written == 1);
    CHECK(s.unchanged == 2);
  }
  auto rows = [&] {
    Db db((out / ".journalpress/state.db").string(), false);
    Stmt st(db.handle(), "SELECT path, hash, fingerprint FROM files WHERE output = 'site' ORDER BY path");
    std::map<std::string, std::pair<std::string, std::string>> r;
    while (st.step()) r[st.text(0)] = {st.text(1), st.is_null(2) ? "" : st.text(2)};
    return r;
  };
  WriteStats s;
  {
    OutputFolder folder(out, {});
    Writer w(folder, "site");
    offer(w);
    s = w.commit();
    // Every row the build offered now holds the folder's content hash of the file's bytes.
    for (const auto& [p, row] : rows()) {
      INFO(p);
      CHECK(row.first == folder.content_hash().hex(slurp(out / "site" / p)));
    }
  }
  CHECK(s.written == 1);
  CHECK(s.unchanged == 2);
  CHECK(s.repaired == 0);
  CHECK(slurp(out / "site/f/a/x.html") == "X2");
  CHECK(stat_of("index.html") == index_before);
  CHECK(stat_of("f/a/y.html") == y_before);
  CHECK(rows()["f/a/y.html"].second == "fp-y");
  {
    Db db((out / ".journalpress/state.db").string(), false);
    Stmt v(db.handle(), "PRAGMA user_version");
    REQUIRE(v.step());
    CHECK(v.integer(0) == kOutputStateVersion);
  }
  // And the next build finds everything as published.
  {
    OutputFolder folder(out, {});
    Writer w(folder, "site");
    offer(w);
    s = w.commit();
  }
  CHECK(s.written == 0);
  CHECK(s.unchanged == 3);
  fs::remove_all(out);
}

TEST_CASE("writer: an output that asks for SHA-256 records it, and takes rows of the other hash over") {
  auto out = temp_path("writer-sha");
  WriterOptions sha;
  sha.sha256 = true;
  auto build = [&](const std::string& bytes, WriteStats* stats = nullptr) {
    OutputFolder folder(out, {});
    Writer w(folder, "archive/y", sha);
    w.put("a.pdf", bytes);
    WriteStats s = w.commit();
    if (stats) *stats = s;
    Db& db = *folder.state();
    Stmt st(db.handle(), "SELECT hash FROM files WHERE output = 'archive/y' AND path = 'a.pdf'");
    REQUIRE(st.step());
    return std::pair<std::string, std::string>(st.text(0), folder.content_hash().hex(bytes));
  };
  CHECK(build("PDF-1").first == sha256_hex("PDF-1"));
  // A row of the content hash (a folder written while the archive recorded it): the same
  // bytes are found unchanged, not written, and the row takes SHA-256.
  {
    OutputFolder folder(out, {});
    Stmt(folder.state()->handle(), "UPDATE files SET hash = ? WHERE output = 'archive/y'")
        .bind_text(1, folder.content_hash().hex("PDF-1"))
        .run();
  }
  const auto mtime = fs::last_write_time(out / "archive/y/a.pdf");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  WriteStats s;
  CHECK(build("PDF-1", &s).first == sha256_hex("PDF-1"));
  CHECK(s.written == 0);
  CHECK(s.unchanged == 1);
  CHECK(fs::last_write_time(out / "archive/y/a.pdf") == mtime);
  // Changed bytes are written, under either kind of row.
  CHECK(build("PDF-2", &s).first == sha256_hex("PDF-2"));
  CHECK(s.written == 1);
  CHECK(slurp(out / "archive/y/a.pdf") == "PDF-2");
  fs::remove_all(out);
}

TEST_CASE("writer: a state that cannot be opened but is not damaged is left as it is") {
  // A full disk or a lock says nothing of the file: setting it aside would lose the record
  // of what was published (seen on a full tmpfs: a healthy state.db became state.db.damaged).
  // Here the state is a folder, which SQLite cannot open and does not call damaged.
  auto out = temp_path("writer-state-dir");
  fs::create_directories(out / ".journalpress/state.db");
  std::ofstream(out / ".journalpress/state.db/keep") << "x";
  try {
    OutputFolder folder(out, {});
    FAIL("opened");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).find("could not be opened") != std::string::npos);
    CHECK(std::string(e.what()).find("it is left as it is") != std::string::npos);
  }
  CHECK(fs::is_directory(out / ".journalpress/state.db"));
  CHECK(fs::exists(out / ".journalpress/state.db/keep"));
  CHECK_FALSE(fs::exists(out / ".journalpress/state.db.damaged"));
  fs::remove_all(out);
}

TEST_CASE("writer: a folder's content hash is its own, kept in its state") {
  auto a = temp_path("writer-key-a"), b = temp_path("writer-key-b");
  publish(a, {{"index.html", "root"}});
  publish(b, {{"index.html", "root"}});
  std::string ha, hb, ha2;
  {
    OutputFolder fa(a, {});
    ha = fa.content_hash().hex("root");
  }
  {
    OutputFolder fb(b, {});
    hb = fb.content_hash().hex("root");
  }
  {
    OutputFolder fa(a, {}, /*dry_run=*/true);
    ha2 = fa.content_hash().hex("root");
  }
  CHECK(ha == ha2);  // the same key at every build of the folder, a dry run too
  CHECK(ha != hb);   // and another folder's is another
  CHECK(ha.size() == ContentHash::kHexDigits);
  fs::remove_all(a);
  fs::remove_all(b);
}

TEST_CASE("writer: a build that never commits leaves the published site and state as they were") {
  auto out = temp_path("writer-abort");
  publish(out, {{"index.html", "v1"}, {"f/a/index.html", "A1"}});
  {
    OutputFolder folder(out, {});
    Writer w(folder, "site");
    w.put("index.html", "v2");
    w.put("f/c/index.html", "C");
    // ... and then the build fails: no commit.
  }
  CHECK(slurp(out / "site/index.html") == "v1");
  CHECK_FALSE(fs::exists(out / "site/f/c"));
  CHECK_FALSE(fs::exists(out / ".journalpress/staging-site"));
  CHECK_FALSE(fs::exists(out / ".journalpress/pack-site"));
  WriteStats s;
  publish(out, {{"index.html", "v1"}, {"f/a/index.html", "A1"}}, &s);
  CHECK(s.written == 0);
  CHECK(s.repaired == 0);
  fs::remove_all(out);
}

TEST_CASE("writer: a commit past its commit point is finished when the folder is next opened") {
  auto out = temp_path("writer-recover");
  publish(out, {{"index.html", "v1"}, {"old.html", "old"}});
  leave_pending(out,
                "M 644 755\nR .journalpress/staging-site/index.html\tsite/index.html\n"
                "R .journalpress/staging-site/f\tsite/f\nD site/old.html\n",
                ".journalpress/pack-site");
  fs::create_directories(out / ".journalpress/staging-site/f/n");
  std::ofstream(out / ".journalpress/staging-site/index.html") << "v2";
  std::ofstream(out / ".journalpress/staging-site/f/n/index.html") << "N";
  { OutputFolder folder(out, {}); }
  CHECK(slurp(out / "site/index.html") == "v2");
  CHECK(slurp(out / "site/f/n/index.html") == "N");
  CHECK_FALSE(fs::exists(out / "site/old.html"));
  CHECK_FALSE(fs::exists(out / ".journalpress/staging-site"));
  {
    OutputFolder folder(out, {});
    Stmt n(folder.state()->handle(), "SELECT count(*) FROM pending");
    n.step();
    CHECK(n.integer(0) == 0);
  }
  // Staging with no pending plan is what a run killed before its commit point left:
  // nothing moves, the staging goes.
  fs::create_directories(out / ".journalpress/staging-site");
  std::ofstream(out / ".journalpress/staging-site/index.html") << "v3";
  { OutputFolder folder(out, {}); }
  CHECK(slurp(out / "site/index.html") == "v2");
  CHECK_FALSE(fs::exists(out / ".journalpress/staging-site"));
  fs::remove_all(out);
}

TEST_CASE("writer: a changed file is written over in place, longer or shorter, exactly") {
  auto out = temp_path("writer-inplace");
  std::string long_text(10000, 'a'), short_text = "short";
  publish(out, {{"f/a/p.html", long_text}, {"f/a/q.html", "q1"}});
  auto inode = [&](const char* rel) {
    struct stat st {};
    ::stat((out / "site" / rel).c_str(), &st);
    return st.st_ino;
  };
  auto before = inode("f/a/p.html");
  WriteStats s;
  publish(out, {{"f/a/p.html", short_text}, {"f/a/q.html", "q1"}}, &s);
  CHECK(s.written == 1);
  CHECK(slurp(out / "site/f/a/p.html") == short_text);  // the old tail is cut
  CHECK(inode("f/a/p.html") == before);                 // the same file, not a new one
  publish(out, {{"f/a/p.html", long_text + "b"}, {"f/a/q.html", "q2"}}, &s);
  CHECK(s.written == 2);
  CHECK(slurp(out / "site/f/a/p.html") == long_text + "b");
  CHECK(slurp(out / "site/f/a/q.html") == "q2");
  CHECK_FALSE(fs::exists(out / ".journalpress/pack-site"));
  // The stat of a file written over is recorded: the next build finds nothing in doubt.
  std::vector<std::string> repairs;
  publish(out, {{"f/a/p.html", long_text + "b"}, {"f/a/q.html", "q2"}}, &s, &repairs);
  CHECK(repairs.empty());
  CHECK(s.written == 0);
  // The same bytes offered for several paths are packed once and land in each.
  {
    OutputFolder folder(out, {});
    Writer w(folder, "site");
    w.put_many({"f/a/p.html", "f/a/q.html"}, "both");
    w.commit();
  }
  CHECK(slurp(out / "site/f/a/p.html") == "both");
  CHECK(slurp(out / "site/f/a/q.html") == "both");
  fs::remove_all(out);
}

TEST_CASE("writer: overwrites of a commit cut short are finished from the pack") {
  auto out = temp_path("writer-recover-pack");
  publish(out, {{"a.html", "old a, longer than the new one"}, {"b.html", "old b"}});
  leave_pending(out, "M 644 755\nP 0 5\tsite/a.html\nP 5 5\tsite/b.html\n",
                ".journalpress/pack-site");
  std::ofstream(out / ".journalpress/pack-site", std::ios::binary) << "NEW-ANEW-B";
  { OutputFolder folder(out, {}); }
  CHECK(slurp(out / "site/a.html") == "NEW-A");
  CHECK(slurp(out / "site/b.html") == "NEW-B");
  CHECK_FALSE(fs::exists(out / ".journalpress/pack-site"));
  fs::remove_all(out);
}

TEST_CASE("writer: offering a path twice is a bug, reported") {
  auto out = temp_path("writer-twice");
  OutputFolder folder(out, {});
  Writer w(folder, "site");
  w.put("a.html", "1");
  // A new path offered twice is found when the offers end (not looked up at each offer),
  // or at once within one offer; a published one at its second offer.
  w.put("a.html", "2");
  CHECK_THROWS_WITH(w.commit(), "the build offered a.html twice");
  CHECK_THROWS_WITH(w.commit(), "the build offered a.html twice");  // and stays refused
  CHECK_FALSE(fs::exists(out / "site/a.html"));
  {
    Writer again(folder, "site");
    CHECK_THROWS_WITH(again.put_many({"b.html", "c.html", "b.html"}, "3"),
                      "the build offered b.html twice");
  }
  {
    Writer w2(folder, "site");
    w2.put("a.html", "1");
    w2.commit();
  }
  Writer w3(folder, "site");
  w3.put("a.html", "1");
  CHECK_THROWS_WITH(w3.put("a.html", "2"), "the build offered a.html twice");
  fs::remove_all(out);
}

TEST_CASE("writer: many overwrites, spread over the cores, each land whole in its own file") {
  auto out = temp_path("writer-many");
  std::map<std::string, std::string> first, second;
  for (int i = 0; i < 400; ++i) {
    std::string rel = "f/" + std::to_string(i % 17) + "/p" + std::to_string(i) + ".html";
    first[rel] = std::string(size_t(100 + i * 7), char('a' + i % 26));
    second[rel] = "changed " + std::to_string(i) + std::string(size_t(i % 5) * 900, 'z');
  }
  publish(out, first);
  WriteStats s;
  publish(out, second, &s);
  CHECK(s.written == 400);
  for (const auto& [rel, bytes] : second) REQUIRE(slurp(out / "site" / rel) == bytes);
  fs::remove_all(out);
}

TEST_CASE("writer: a recovered overwrite whose folder was removed makes the folder again") {
  auto out = temp_path("writer-recover-folder");
  publish(out, {{"index.html", "i"}});
  leave_pending(out, "M 644 755\nP 0 5\tsite/f/gone/a.html\n", ".journalpress/pack-site");
  std::ofstream(out / ".journalpress/pack-site", std::ios::binary) << "BYTES";
  { OutputFolder folder(out, {}); }
  CHECK(slurp(out / "site/f/gone/a.html") == "BYTES");
  // A pack removed by hand does not wedge the folder: the plan is finished without it,
  // the files it would have written are left in doubt (the next build compares them).
  leave_pending(out, "M 644 755\nP 0 5\tsite/index.html\n", ".journalpress/pack-site");
  { OutputFolder folder(out, {}); }
  CHECK(slurp(out / "site/index.html") == "i");
  std::vector<std::string> repairs;
  WriteStats s;
  publish(out, {{"index.html", "i"}, {"f/gone/a.html", "BYTES"}}, &s, &repairs);
  CHECK(repairs == std::vector<std::string>{"site/f/gone/a.html: not written by journalpress",
                                            "site/index.html: changed since it was published"});
  fs::remove_all(out);
}

TEST_CASE("writer: after close_offers the removed paths are known and no offer is taken") {
  auto out = temp_path("writer-close");
  publish(out, {{"a.html", "a"}, {"b.html", "b"}});
  OutputFolder folder(out, {});
  Writer w(folder, "site");
  w.put("a.html", "a2");
  w.close_offers();
  CHECK(w.removed() == std::vector<std::string>{"b.html"});
  CHECK(w.changed() == std::vector<std::string>{"a.html"});
  CHECK_THROWS_WITH(w.put("c.html", "c"), "the build offered c.html after the commit");
  auto s = w.commit();
  CHECK(s.written == 1);
  CHECK(s.deleted == 1);
  CHECK_FALSE(fs::exists(out / "site/b.html"));
  CHECK(slurp(out / "site/a.html") == "a2");
  fs::remove_all(out);
}

TEST_CASE("writer: the disk is checked; hand edits, added files and links are put right") {
  auto out = temp_path("writer-disk");
  auto outside = temp_path("writer-disk-outside");
  std::ofstream(outside) << "outside";
  std::map<std::string, std::string> files = {{"index.html", "root"},
                                              {"f/a/index.html", "A"},
                                              {"f/a/p.html", "P"},
                                              {"f/a/q.html", "Q"},
                                              {"f/b/index.html", "B"}};
  publish(out, files);
  auto clean = tree(out / "site");
  fs::remove(out / "site/f/a/p.html");
  std::ofstream(out / "site/f/a/q.html", std::ios::app) << " edited";
  std::ofstream(out / "site/f/a/added.html") << "added";
  fs::create_symlink(outside, out / "site/f/a/link.html");
  fs::remove(out / "site/f/b/index.html");
  fs::create_symlink(outside, out / "site/f/b/index.html");  // a published page made a link
  fs::create_directories(out / "site/f/empty/deeper");
  fs::create_directory_symlink(outside.parent_path(), out / "site/f/dirlink");
  REQUIRE(::link(outside.c_str(), (out / "site/hard.html").c_str()) == 0);
  ::mkfifo((out / "site/f/a/fifo.html").c_str(), 0644);
  std::vector<std::string> repairs;
  WriteStats s;
  publish(out, files, &s, &repairs);
  CHECK(repairs == std::vector<std::string>{
                       "site/f/a/added.html: not written by journalpress",
                       "site/f/a/fifo.html: a FIFO, removed",
                       "site/f/a/link.html: a symbolic link, removed",
                       "site/f/a/p.html: deleted by hand",
                       "site/f/a/q.html: changed since it was published",
                       "site/f/b/index.html: a symbolic link, removed",
                       "site/f/dirlink: a symbolic link, removed",
                       "site/hard.html: a hard link, removed",
                   });
  CHECK(s.written == 3);  // p, q and b/index written again
  CHECK(s.deleted == 2);  // added.html, and hard.html's name (the file outside stays)
  CHECK(tree(out / "site") == clean);
  CHECK(slurp(outside) == "outside");
  // Touched but not changed: compared by content, kept as it is, and the state learns it.
  auto t = fs::last_write_time(out / "site/f/a/q.html");
  fs::last_write_time(out / "site/f/a/q.html", t + std::chrono::seconds(5));
  publish(out, files, &s, &repairs);
  CHECK(repairs == std::vector<std::string>{"site/f/a/q.html: changed since it was published"});
  CHECK(s.written == 0);
  CHECK(fs::last_write_time(out / "site/f/a/q.html") == t + std::chrono::seconds(5));
  publish(out, files, &s, &repairs);
  CHECK(repairs.empty());
  fs::remove_all(out);
  fs::remove(outside);
}

TEST_CASE("writer: a published folder that is a link is refused, never followed") {
  auto out = temp_path("writer-link-root");
  auto elsewhere = temp_path("writer-link-root-target");
  fs::create_directories(out);
  fs::create_directories(elsewhere);
  fs::create_directory_symlink(elsewhere, out / "site");
  OutputFolder folder(out, {});
  CHECK_THROWS_WITH(Writer(folder, "site"),
                    out.string() +
                        "/site is a symbolic link, not a folder: journalpress "
                        "publishes into a folder of its own and does not write through "
                        "links; move it away (or build into another --out)");
  CHECK(fs::is_empty(elsewhere));
  fs::remove_all(out);
  fs::remove_all(elsewhere);
}

TEST_CASE("writer: one run at a time per output folder") {
  auto out = temp_path("writer-lock");
  LockOptions mine;
  mine.command = "journalpress build --out x";
  OutputFolder first(out, mine);
  auto tries = [&] { OutputFolder second(out, {}); };
  try {
    tries();
    FAIL("a second run got the lock");
  } catch (const std::runtime_error& e) {
    std::string msg = e.what();
    CHECK_THAT(msg,
               Catch::StartsWith(out.string() + " is in use by another journalpress run (pid " +
                                 std::to_string(::getpid()) + ", started "));
    CHECK_THAT(msg, Catch::EndsWith(" UTC: journalpress build --out x); try again later, or give "
                                    "--wait SECONDS"));
  }
  LockOptions wait;
  wait.wait_seconds = 0.3;
  auto t0 = std::chrono::steady_clock::now();
  CHECK_THROWS_WITH(OutputFolder(out, wait), Catch::Contains("still after 0.3 s"));
  CHECK(std::chrono::steady_clock::now() - t0 >= std::chrono::milliseconds(300));
  fs::remove_all(out);
}

TEST_CASE("writer: private outputs are owner-only; a scope leaves other files alone") {
  auto out = temp_path("writer-private");
  {
    OutputFolder folder(out, {});
    WriterOptions o;
    o.private_files = true;
    Writer w(folder, "letters", o);
    w.put("5a.pdf", "A");
    w.put("sub/5b.pdf", "B");
    w.commit();
  }
  CHECK((fs::status(out / "letters").permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK((fs::status(out / "letters/sub").permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK((fs::status(out / "letters/5a.pdf").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  // Loosened by hand: tightened again.
  fs::permissions(out / "letters", fs::perms::all);
  fs::permissions(out / "letters/5a.pdf", fs::perms::all);
  {
    OutputFolder folder(out, {});
    WriterOptions o;
    o.private_files = true;
    o.in_scope = [](const std::string& f) { return f == "5a.pdf"; };
    Writer w(folder, "letters", o);
    w.put("5a.pdf", "A2");
    auto s = w.commit();
    CHECK(s.deleted == 0);  // sub/5b.pdf is outside this run's scope
  }
  CHECK((fs::status(out / "letters").permissions() & fs::perms::all) == fs::perms::owner_all);
  CHECK((fs::status(out / "letters/5a.pdf").permissions() & fs::perms::all) ==
        (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(slurp(out / "letters/5a.pdf") == "A2");
  CHECK(slurp(out / "letters/sub/5b.pdf") == "B");
  fs::remove_all(out);
}

// The same protocol on a tree in memory (memory_disk.h): the disk check, the staging, the
// commit and the recovery of a cut one, without the kernel. The folder's lock and state
// stay on the real disk (a temporary folder); every file of the output, its staging and
// its pack live only in memory.
namespace {

struct MemoryOutput {
  fs::path out;
  jp::test::MemoryDisk disk;
  explicit MemoryOutput(const std::string& name) : out(temp_path(name)) {
    disk.dirs[out.string()] = 0755;
    disk.dirs[(out / ".journalpress").string()] = 0700;
  }
  ~MemoryOutput() {
    std::error_code ec;
    fs::remove_all(out, ec);
  }
  MemoryOutput(const MemoryOutput&) = delete;
  MemoryOutput& operator=(const MemoryOutput&) = delete;

  /// One build of `site` offering `files`.
  WriteStats publish(const std::map<std::string, std::string>& files,
                     std::vector<std::string>* repairs = nullptr, WriterOptions o = {}) {
    OutputFolder folder(out, {}, false, nullptr, &disk);
    Writer w(folder, "site", o);
    if (repairs) *repairs = w.repairs();
    for (const auto& [p, b] : files) w.put(p, b);
    return w.commit();
  }
  /// One build of `site` offering each page's bytes under all its paths at once (put_many,
  /// as a child's page goes into each guardian's area).
  using Pages = std::vector<std::pair<std::vector<std::string>, std::string>>;
  WriteStats publish_pages(const Pages& pages, std::vector<std::string>* repairs = nullptr) {
    OutputFolder folder(out, {}, false, nullptr, &disk);
    Writer w(folder, "site");
    if (repairs) *repairs = w.repairs();
    for (const auto& [paths, b] : pages) w.put_many(paths, b);
    return w.commit();
  }
  /// The inode of a file under site/.
  long long inode(const std::string& rel) const { return disk.stats.at(path(rel)).inode; }
  std::string path(const std::string& rel) const { return (out / "site" / rel).string(); }
  /// What is under site/ in memory: a file's bytes, "dir", or the kind of an odd entry.
  std::map<std::string, std::string> tree() const {
    std::map<std::string, std::string> t;
    std::string prefix = path("");
    auto under = [&](const std::string& p) { return p.rfind(prefix, 0) == 0 && p != prefix; };
    for (const auto& [p, b] : disk.files)
      if (under(p)) t[p.substr(prefix.size())] = b;
    for (const auto& [p, m] : disk.dirs)
      if (under(p)) t[p.substr(prefix.size())] = "dir";
    for (const auto& [p, k] : disk.odd)
      if (under(p)) t[p.substr(prefix.size())] = "odd " + std::to_string(int(k));
    return t;
  }
  /// Everything in memory under .journalpress/ (staging areas, packs).
  size_t leftovers() const {
    std::string prefix = (out / ".journalpress").string() + "/";
    size_t n = 0;
    for (const auto& [p, b] : disk.files) n += p.rfind(prefix, 0) == 0;
    for (const auto& [p, m] : disk.dirs) n += p.rfind(prefix, 0) == 0;
    return n;
  }
};

}  // namespace

TEST_CASE("writer (in memory): a cold build, then a rebuild that writes only what changed",
          "[writer][memory]") {
  MemoryOutput m("writer-memory-cold");
  WriteStats s = m.publish({{"index.html", "root"}, {"f/a/index.html", "A"}, {"f/a/x.html", "X"}});
  CHECK(s.written == 3);
  CHECK(m.tree() == std::map<std::string, std::string>{{"f", "dir"},
                                                       {"f/a", "dir"},
                                                       {"f/a/index.html", "A"},
                                                       {"f/a/x.html", "X"},
                                                       {"index.html", "root"}});
  CHECK(m.leftovers() == 0);                // the staging and the pack are gone
  CHECK_FALSE(fs::exists(m.out / "site"));  // nothing reached the kernel's disk
  const FileStat a = m.disk.stats.at(m.path("f/a/index.html"));
  const FileStat root = m.disk.stats.at(m.path("index.html"));
  // Same bytes: nothing written, not even the mtime; one page changed (in place: the same
  // inode), one new area, one page gone.
  s = m.publish({{"index.html", "root2"}, {"f/a/index.html", "A"}, {"f/b/index.html", "B"}});
  CHECK(s.written == 2);
  CHECK(s.unchanged == 1);
  CHECK(s.deleted == 1);
  CHECK(s.repaired == 0);
  CHECK(m.disk.stats.at(m.path("f/a/index.html")) == a);
  CHECK(m.disk.stats.at(m.path("index.html")).inode == root.inode);
  CHECK(m.tree() == std::map<std::string, std::string>{{"f", "dir"},
                                                       {"f/a", "dir"},
                                                       {"f/a/index.html", "A"},
                                                       {"f/b", "dir"},
                                                       {"f/b/index.html", "B"},
                                                       {"index.html", "root2"}});
  // The state recorded the stat the memory disk gave: the next check finds all as published.
  std::vector<std::string> repairs;
  s = m.publish({{"index.html", "root2"}, {"f/b/index.html", "B"}}, &repairs);
  CHECK(repairs.empty());
  CHECK(s.written == 0);
  CHECK(s.deleted == 1);
  CHECK_FALSE(m.tree().count("f/a"));  // its last file gone, the folder too
  CHECK(m.leftovers() == 0);
}

TEST_CASE("writer (in memory): hand edits, deletions, strays and odd entries are put right",
          "[writer][memory]") {
  MemoryOutput m("writer-memory-check");
  const std::map<std::string, std::string> files = {{"index.html", "root"},
                                                    {"f/a/index.html", "A"},
                                                    {"f/a/p.html", "P"},
                                                    {"f/a/q.html", "Q"},
                                                    {"f/b/index.html", "B"}};
  m.publish(files);
  const auto clean = m.tree();
  m.disk.files.erase(m.path("f/a/p.html"));         // deleted by hand
  m.disk.edit(m.path("f/a/q.html"), "Q edited");    // changed by hand
  m.disk.edit(m.path("f/a/added.html"), "added");   // a stray file
  m.disk.odd[m.path("f/a/link.html")] = Disk::Entry::link;
  m.disk.files.erase(m.path("f/b/index.html"));     // a published page made a link
  m.disk.odd[m.path("f/b/index.html")] = Disk::Entry::link;
  m.disk.dirs[m.path("f/empty")] = 0755;             // folders holding no file
  m.disk.dirs[m.path("f/empty/deeper")] = 0755;
  m.disk.edit(m.path("hard.html"), "outside");      // a hard link to a file elsewhere
  m.disk.links[m.path("hard.html")] = 2;
  m.disk.odd[m.path("f/a/fifo.html")] = Disk::Entry::fifo;
  std::vector<std::string> repairs;
  WriteStats s = m.publish(files, &repairs);
  CHECK(repairs == std::vector<std::string>{
                       "site/f/a/added.html: not written by journalpress",
                       "site/f/a/fifo.html: a FIFO, removed",
                       "site/f/a/link.html: a symbolic link, removed",
                       "site/f/a/p.html: deleted by hand",
                       "site/f/a/q.html: changed since it was published",
                       "site/f/b/index.html: a symbolic link, removed",
                       "site/hard.html: a hard link, removed",
                   });
  CHECK(s.repaired == 7);
  CHECK(s.written == 3);  // p, q and b/index written again
  CHECK(s.deleted == 2);  // added.html, and hard.html's name (the file outside stays)
  CHECK(m.tree() == clean);
  CHECK(m.disk.odd.empty());
  CHECK(m.leftovers() == 0);
  // Touched but not changed: compared by content, kept as it is (its mtime too), and the
  // state learns its stat.
  m.disk.edit(m.path("f/a/q.html"), "Q");
  const FileStat touched = m.disk.stats.at(m.path("f/a/q.html"));
  s = m.publish(files, &repairs);
  CHECK(repairs == std::vector<std::string>{"site/f/a/q.html: changed since it was published"});
  CHECK(s.written == 0);
  CHECK(m.disk.stats.at(m.path("f/a/q.html")) == touched);
  s = m.publish(files, &repairs);
  CHECK(repairs.empty());
  CHECK(s.repaired == 0);
}

TEST_CASE("writer (in memory): --full compares every file by content", "[writer][memory]") {
  MemoryOutput m("writer-memory-full");
  m.publish({{"a.html", "A"}, {"b.html", "B"}});
  // Changed behind the check's back: the same size and stat (a power loss that lost the
  // bytes but not the metadata); only a comparison by content finds it.
  m.disk.files[m.path("a.html")] = "Z";
  WriteStats s = m.publish({{"a.html", "A"}, {"b.html", "B"}});
  CHECK(s.written == 0);
  CHECK(m.disk.files.at(m.path("a.html")) == "Z");
  WriterOptions full;
  full.compare_content = true;
  std::vector<std::string> repairs;
  s = m.publish({{"a.html", "A"}, {"b.html", "B"}}, &repairs, full);
  CHECK(repairs.empty());  // not a repair: a check asked for
  CHECK(s.written == 1);
  CHECK(s.unchanged == 1);
  CHECK(m.disk.files.at(m.path("a.html")) == "A");
}

TEST_CASE("writer (in memory): private outputs are owner-only, loosened modes tightened",
          "[writer][memory]") {
  MemoryOutput m("writer-memory-private");
  WriterOptions priv;
  priv.private_files = true;
  m.publish({{"5a.pdf", "A"}, {"sub/5b.pdf", "B"}}, nullptr, priv);
  CHECK(m.disk.dirs.at((m.out / "site").string()) == 0700);
  CHECK(m.disk.dirs.at(m.path("sub")) == 0700);
  CHECK(m.disk.modes.at(m.path("5a.pdf")) == 0600);
  CHECK(m.disk.modes.at(m.path("sub/5b.pdf")) == 0600);
  m.disk.modes[m.path("5a.pdf")] = 0644;
  m.disk.dirs[m.path("sub")] = 0755;
  std::vector<std::string> repairs;
  WriteStats s = m.publish({{"5a.pdf", "A"}, {"sub/5b.pdf", "B"}}, &repairs, priv);
  CHECK(repairs.empty());  // a mode is not content: tightened, not repaired
  CHECK(s.written == 0);
  CHECK(m.disk.modes.at(m.path("5a.pdf")) == 0600);
  CHECK(m.disk.dirs.at(m.path("sub")) == 0700);
}

TEST_CASE("writer (in memory): an output folder that is a link or a file is refused",
          "[writer][memory]") {
  MemoryOutput m("writer-memory-link");
  m.disk.odd[(m.out / "site").string()] = Disk::Entry::link;
  OutputFolder folder(m.out, {}, false, nullptr, &m.disk);
  CHECK_THROWS_WITH(Writer(folder, "site"),
                    m.out.string() +
                        "/site is a symbolic link, not a folder: journalpress "
                        "publishes into a folder of its own and does not write through "
                        "links; move it away (or build into another --out)");
  m.disk.odd.clear();
  m.disk.edit((m.out / "site").string(), "a file");
  CHECK_THROWS_WITH(Writer(folder, "site"), Catch::Contains("/site is a file, not a folder"));
}

TEST_CASE("writer (in memory): a build that never commits leaves the output as it was",
          "[writer][memory]") {
  MemoryOutput m("writer-memory-abort");
  m.publish({{"a.html", "A"}});
  const auto before = m.tree();
  {
    OutputFolder folder(m.out, {}, false, nullptr, &m.disk);
    Writer w(folder, "site");
    w.put("a.html", "A2");
    w.put("new.html", "N");
    CHECK(m.leftovers() > 0);  // staged and packed
  }
  CHECK(m.tree() == before);
  CHECK(m.leftovers() == 0);
}

namespace {
MemoryOutput::Pages pages_of(const std::map<std::string, std::string>& files) {
  MemoryOutput::Pages pages;
  for (const auto& [p, b] : files) pages.push_back({{p}, b});
  return pages;
}

/// Kills a build of `new_pages` over `old_pages` after each of its changes to the disk in
/// turn: the next run leaves the old output or the new one, and the build after it finds
/// nothing out of place. `more` checks each output after that build.
void kill_at_every_step(const MemoryOutput::Pages& old_pages, const MemoryOutput::Pages& new_pages,
                        const std::function<void(MemoryOutput&)>& more = {}) {
  std::map<std::string, std::string> old_tree, new_tree;
  long steps = 0;
  {
    MemoryOutput whole("writer-memory-whole");
    whole.publish_pages(old_pages);
    old_tree = whole.tree();
    const long before = whole.disk.changes;
    whole.publish_pages(new_pages);
    steps = whole.disk.changes - before;
    new_tree = whole.tree();
  }
  REQUIRE(steps > 10);
  int cut_old = 0, cut_new = 0;
  for (long budget = 0; budget < steps; ++budget) {
    INFO("killed after " << budget << " of " << steps << " changes");
    MemoryOutput m("writer-memory-kill");
    m.publish_pages(old_pages);
    m.disk.budget = budget;
    CHECK_THROWS_AS(m.publish_pages(new_pages), jp::test::Killed);
    m.disk.budget = -1;  // the next run
    { OutputFolder recovering(m.out, {}, false, nullptr, &m.disk); }
    const auto after = m.tree();
    CHECK((after == old_tree || after == new_tree));
    cut_old += after == old_tree, cut_new += after == new_tree;
    CHECK(m.leftovers() == 0);  // staging and pack dropped or used up
    // And the state agrees with the disk: the next build finds nothing out of place.
    std::vector<std::string> repairs;
    WriteStats s = m.publish_pages(new_pages, &repairs);
    CHECK(repairs.empty());
    CHECK(m.tree() == new_tree);
    if (after == new_tree) CHECK(s.written == 0);
    if (more) more(m);
  }
  CHECK(cut_old > 0);  // killed before the commit point
  CHECK(cut_new > 0);  // after it: finished by the recovery
}
}  // namespace

TEST_CASE("writer (in memory): a build killed at any step leaves the old output or the new one",
          "[writer][memory]") {
  // Every step of a build that changes the disk (staging, packing, the plan's renames,
  // overwrites, deletions, the clean-up) is a cut point. The state is real SQLite: a
  // transaction not committed when the kill comes is rolled back, as after a kill -9.
  kill_at_every_step(pages_of({{"index.html", "old index"},
                               {"f/a/week.html", "old week, longer"},
                               {"f/gone/page.html", "revoked"},
                               {"f/gone/index.html", "revoked index"}}),
                     pages_of({{"index.html", "new index"},
                               {"f/a/week.html", "new week"},
                               {"new.html", "a new shared page"},
                               {"f/b/week.html", "a new family"}}));
}

TEST_CASE("writer (in memory): a page offered under several paths is one file with a name each",
          "[writer][memory]") {
  // A cold site links a child's page into its second guardian's area rather than writing a
  // copy. The links are the writer's own: a rebuild accepts them; a name is written over
  // in place only when every name of the file gets the same bytes.
  MemoryOutput m("writer-memory-links");
  // The root page; p in two areas; q in three.
  auto pages = [](const char* p, const char* q) -> MemoryOutput::Pages {
    return {{{"index.html"}, "root"},
            {{"f/a/p.html", "f/b/p.html"}, p},
            {{"f/a/q.html", "f/b/q.html", "f/c/q.html"}, q}};
  };
  WriteStats s = m.publish_pages(pages("P1", "Q1"));
  CHECK(s.written == 6);
  CHECK(m.inode("f/a/p.html") == m.inode("f/b/p.html"));
  CHECK(m.inode("f/a/q.html") == m.inode("f/c/q.html"));
  CHECK(m.inode("f/a/p.html") != m.inode("f/a/q.html"));
  CHECK(m.tree().at("f/b/p.html") == "P1");
  CHECK(m.leftovers() == 0);
  std::vector<std::string> repairs;
  s = m.publish_pages(pages("P1", "Q1"),
                      &repairs);
  CHECK(repairs.empty());
  CHECK(s.written == 0);
  CHECK(s.unchanged == 6);

  SECTION("every name gets the same new bytes: written over once, in place") {
    const long long p = m.inode("f/a/p.html");
    const long before = m.disk.changes;
    s = m.publish_pages(pages("P2, longer", "Q1"));
    CHECK(s.written == 2);
    CHECK(m.tree().at("f/a/p.html") == "P2, longer");
    CHECK(m.tree().at("f/b/p.html") == "P2, longer");
    CHECK(m.inode("f/b/p.html") == p);
    CHECK(m.inode("f/a/p.html") == p);
    // The pack made and written, one overwrite, the pack removed (the staging area's
    // making and removal besides): one overwrite, not two.
    CHECK(m.disk.changes - before == 6);
    s = m.publish_pages(pages("P2, longer", "Q1"),
                        &repairs);
    CHECK(repairs.empty());
    CHECK(s.written == 0);
  }
  SECTION("on a file system keeping whole seconds, every name is recorded as the disk has it") {
    // The commit's mtime is set through one name; the disk keeps another one (cut to the
    // second): each name's stat is read back, or the next build finds them all in doubt.
    m.disk.whole_seconds = true;
    s = m.publish_pages(pages("P2", "Q2"));
    CHECK(s.written == 5);
    s = m.publish_pages(pages("P2", "Q2"),
                        &repairs);
    CHECK(repairs.empty());
    CHECK(s.written == 0);
  }
  SECTION("one name changed, the other not: the changed one gets a file of its own") {
    s = m.publish_pages({{{"index.html"}, "root"},
                         {{"f/a/p.html"}, "P2"},
                         {{"f/b/p.html"}, "P1"},
                         {{"f/a/q.html", "f/b/q.html"}, "Q2"},
                         {{"f/c/q.html"}, "Q3"}});
    CHECK(s.written == 4);
    const auto t = m.tree();
    CHECK(t.at("f/a/p.html") == "P2");
    CHECK(t.at("f/b/p.html") == "P1");
    CHECK(t.at("f/a/q.html") == "Q2");
    CHECK(t.at("f/b/q.html") == "Q2");
    CHECK(t.at("f/c/q.html") == "Q3");
    CHECK(m.inode("f/a/p.html") != m.inode("f/b/p.html"));
    CHECK(m.inode("f/a/q.html") != m.inode("f/c/q.html"));
    // And the next build finds every file as it recorded it.
    s = m.publish_pages({{{"index.html"}, "root"},
                         {{"f/a/p.html"}, "P2"},
                         {{"f/b/p.html"}, "P1"},
                         {{"f/a/q.html", "f/b/q.html"}, "Q2"},
                         {{"f/c/q.html"}, "Q3"}},
                        &repairs);
    CHECK(repairs.empty());
    CHECK(s.written == 0);
  }
  SECTION("a name no longer offered goes; the others are written over in place") {
    const long long q = m.inode("f/a/q.html");
    s = m.publish_pages({{{"index.html"}, "root"},
                         {{"f/a/p.html", "f/b/p.html"}, "P1"},
                         {{"f/a/q.html", "f/c/q.html"}, "Q2"}});
    CHECK(s.deleted == 1);
    CHECK_FALSE(m.tree().count("f/b/q.html"));
    CHECK(m.tree().at("f/c/q.html") == "Q2");
    CHECK(m.inode("f/c/q.html") == q);
    s = m.publish_pages({{{"index.html"}, "root"},
                         {{"f/a/p.html", "f/b/p.html"}, "P1"},
                         {{"f/a/q.html", "f/c/q.html"}, "Q2"}},
                        &repairs);
    CHECK(repairs.empty());
    CHECK(s.written == 0);
  }
  SECTION("a name of a published file made by hand outside the output: never written through") {
    const std::string outside = (m.out / "outside.html").string();
    REQUIRE(m.disk.link(m.path("f/a/p.html"), outside, 0755));
    for (const char* bytes : {"P1", "P2"}) {  // offered unchanged, then changed
      s = m.publish_pages({{{"index.html"}, "root"},
                           {{"f/a/p.html", "f/b/p.html"}, bytes},
                           {{"f/a/q.html", "f/b/q.html", "f/c/q.html"}, "Q1"}},
                          &repairs);
      if (std::string(bytes) == "P1")
        CHECK(repairs == std::vector<std::string>{"site/f/a/p.html: a hard link, removed",
                                                  "site/f/b/p.html: a hard link, removed"});
      CHECK(m.disk.files.at(outside) == "P1");
      CHECK(m.tree().at("f/a/p.html") == bytes);
      CHECK(m.tree().at("f/b/p.html") == bytes);
      CHECK(m.disk.names_of(outside).size() == 1);
    }
    s = m.publish_pages(pages("P2", "Q1"),
                        &repairs);
    CHECK(repairs.empty());
    CHECK(s.written == 0);
  }
  SECTION("a page edited by hand through one name is put right in all") {
    m.disk.edit(m.path("f/b/q.html"), "edited");
    CHECK(m.tree().at("f/a/q.html") == "edited");  // one file
    s = m.publish_pages(pages("P1", "Q1"),
                        &repairs);
    CHECK(repairs.size() == 3);  // each name: changed since it was published
    for (const char* q : {"f/a/q.html", "f/b/q.html", "f/c/q.html"}) CHECK(m.tree().at(q) == "Q1");
  }
}

TEST_CASE("writer (in memory): on a file system without hard links each path gets a copy",
          "[writer][memory]") {
  MemoryOutput m("writer-memory-nolinks");
  m.disk.can_link = false;
  MemoryOutput::Pages pages = {{{"f/a/p.html", "f/b/p.html"}, "P1"}};
  m.publish_pages(pages);
  CHECK(m.tree().at("f/b/p.html") == "P1");
  CHECK(m.inode("f/a/p.html") != m.inode("f/b/p.html"));
  std::vector<std::string> repairs;
  WriteStats s = m.publish_pages({{{"f/a/p.html", "f/b/p.html"}, "P2"}}, &repairs);
  CHECK(repairs.empty());
  CHECK(s.written == 2);
  CHECK(m.tree().at("f/a/p.html") == "P2");
  CHECK(m.tree().at("f/b/p.html") == "P2");
}

TEST_CASE("writer (in memory): a build of linked pages killed at any step leaves the old output "
          "or the new one",
          "[writer][memory]") {
  // Linked pages (see above) whose names part ways, change together, go or come.
  using Pages = MemoryOutput::Pages;
  const Pages old_pages = {{{"f/a/p.html", "f/b/p.html"}, "P1"},
                           {{"f/a/q.html", "f/b/q.html"}, "Q1"},
                           {{"f/a/r.html", "f/b/r.html", "f/c/r.html"}, "R1"}};
  const Pages new_pages = {{{"f/a/p.html"}, "P2"},
                           {{"f/b/p.html"}, "P3, longer"},
                           {{"f/a/q.html", "f/b/q.html"}, "Q2"},
                           {{"f/a/r.html", "f/b/r.html"}, "R1"},
                           {{"f/c/r.html"}, "R2"},
                           {{"f/d/s.html", "f/e/s.html"}, "S1"}};
  kill_at_every_step(old_pages, new_pages, [](MemoryOutput& m) {
    // The names that parted ways no longer share a file: a later change of one leaves the other.
    CHECK(m.inode("f/a/p.html") != m.inode("f/b/p.html"));
    CHECK(m.inode("f/c/r.html") != m.inode("f/a/r.html"));
    CHECK(m.inode("f/a/q.html") == m.inode("f/b/q.html"));
  });
}

TEST_CASE("writer: a page under several paths is one file on the kernel's disk, linked safely") {
  auto out = temp_path("writer-links");
  auto links = [&](const char* rel) {
    struct stat st {};
    ::stat((out / "site" / rel).c_str(), &st);
    return st.st_nlink;
  };
  auto offer = [&](const std::vector<std::pair<std::vector<std::string>, std::string>>& pages,
                   std::vector<std::string>* repairs = nullptr) {
    OutputFolder folder(out, {});
    Writer w(folder, "site");
    if (repairs) *repairs = w.repairs();
    for (const auto& [paths, b] : pages) w.put_many(paths, b);
    return w.commit();
  };
  offer({{{"f/a/p.html", "f/b/p.html"}, "P1"}});
  CHECK(links("f/a/p.html") == 2);
  std::vector<std::string> repairs;
  WriteStats s = offer({{{"f/a/p.html", "f/b/p.html"}, "P1"}}, &repairs);
  CHECK(repairs.empty());
  CHECK(s.written == 0);
  // A copy of the folder with its links (`cp -a`, a restored backup): every inode differs
  // from the state's, so each file is compared by content; the links stay, nothing is
  // written.
  {
    const fs::path copy = temp_path("writer-links-copy");
    REQUIRE(std::system(("cp -a " + out.string() + " " + copy.string()).c_str()) == 0);
    OutputFolder folder(copy, {});
    Writer w(folder, "site");
    CHECK(w.repairs() == std::vector<std::string>{"site/f/a/p.html: changed since it was published",
                                                  "site/f/b/p.html: changed since it was published"});
    w.put_many({"f/a/p.html", "f/b/p.html"}, "P1");
    CHECK(w.commit().written == 0);
    struct stat st {};
    ::stat((copy / "site/f/b/p.html").c_str(), &st);
    CHECK(st.st_nlink == 2);
    fs::remove_all(copy);
  }
  // A name made by hand outside the output: removed from the output's files, never
  // written through.
  const fs::path outside = out / "outside.html";
  REQUIRE(::link((out / "site/f/a/p.html").c_str(), outside.c_str()) == 0);
  s = offer({{{"f/a/p.html", "f/b/p.html"}, "P2"}}, &repairs);
  CHECK(repairs.size() == 2);
  CHECK(slurp(outside) == "P1");
  CHECK(slurp(out / "site/f/a/p.html") == "P2");
  CHECK(slurp(out / "site/f/b/p.html") == "P2");
  CHECK(links("f/a/p.html") == 1);
  // One name changed, the other not: they part ways.
  offer({{{"f/a/q.html", "f/b/q.html"}, "Q1"}, {{"f/a/p.html", "f/b/p.html"}, "P2"}});
  CHECK(links("f/a/q.html") == 2);
  s = offer({{{"f/a/q.html"}, "Q2"}, {{"f/b/q.html"}, "Q1"}, {{"f/a/p.html", "f/b/p.html"}, "P2"}});
  CHECK(slurp(out / "site/f/a/q.html") == "Q2");
  CHECK(slurp(out / "site/f/b/q.html") == "Q1");
  CHECK(links("f/b/q.html") == 1);
  s = offer({{{"f/a/q.html"}, "Q2"}, {{"f/b/q.html"}, "Q1"}, {{"f/a/p.html", "f/b/p.html"}, "P2"}},
            &repairs);
  CHECK(repairs.empty());
  CHECK(s.written == 0);
  fs::remove_all(out);
}
