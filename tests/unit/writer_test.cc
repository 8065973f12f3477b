#include "writer.h"

#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "helpers.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {
FileHashes publish(const fs::path& out, FileHashes prev,
                   const std::map<std::string, std::string>& files, WriteStats* stats = nullptr) {
  Writer w(out, "site", std::move(prev));
  for (const auto& [p, b] : files) w.put(p, b);
  auto s = w.commit();
  if (stats) *stats = s;
  return w.state();
}
}  // namespace

TEST_CASE("writer: a cold build appears whole; a rebuild touches only what changed") {
  auto out = temp_path("writer-cold");
  WriteStats s;
  auto state =
      publish(out, {}, {{"index.html", "root"}, {"f/a/index.html", "A"}, {"f/a/x.html", "X"}}, &s);
  CHECK(s.written == 3);
  CHECK(slurp(out / "site/f/a/x.html") == "X");
  CHECK_FALSE(fs::exists(out / ".jp-staging-site"));
  CHECK_FALSE(fs::exists(out / ".jp-commit-site"));
  auto mtime = fs::last_write_time(out / "site/f/a/index.html");
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  // Same bytes: nothing written; one page changed, one new area, one page gone.
  state = publish(out, state,
                  {{"index.html", "root"}, {"f/a/index.html", "A"}, {"f/b/index.html", "B"}}, &s);
  CHECK(s.written == 1);
  CHECK(s.unchanged == 2);
  CHECK(s.deleted == 1);
  CHECK(fs::last_write_time(out / "site/f/a/index.html") == mtime);
  CHECK_FALSE(fs::exists(out / "site/f/a/x.html"));
  CHECK(slurp(out / "site/f/b/index.html") == "B");
  // A whole area removed: its folder goes too.
  state = publish(out, state, {{"index.html", "root"}, {"f/b/index.html", "B"}}, &s);
  CHECK(s.deleted == 1);
  CHECK_FALSE(fs::exists(out / "site/f/a"));
  fs::remove_all(out);
}

TEST_CASE("writer: a build that never commits leaves the published site as it was") {
  auto out = temp_path("writer-abort");
  auto state = publish(out, {}, {{"index.html", "v1"}, {"f/a/index.html", "A1"}});
  {
    Writer w(out, "site", state);
    w.put("index.html", "v2");
    w.put("f/c/index.html", "C");
    // ... and then the build fails: no commit.
  }
  CHECK(slurp(out / "site/index.html") == "v1");
  CHECK_FALSE(fs::exists(out / "site/f/c"));
  CHECK_FALSE(fs::exists(out / ".jp-staging-site"));
  fs::remove_all(out);
}

TEST_CASE(
    "writer: a commit cut short is finished at the next start; an unfinished journal is ignored") {
  auto out = temp_path("writer-recover");
  publish(out, {}, {{"index.html", "v1"}, {"old.html", "old"}});
  fs::create_directories(out / ".jp-staging-site/f/n");
  std::ofstream(out / ".jp-staging-site/index.html") << "v2";
  std::ofstream(out / ".jp-staging-site/f/n/index.html") << "N";
  // The journal of a commit killed after it was written, before any move.
  std::ofstream(out / ".jp-commit-site") << "R .jp-staging-site/index.html\tsite/index.html\n"
                                            "R .jp-staging-site/f\tsite/f\nD site/old.html\nEND\n";
  Writer::recover(out, "site");
  CHECK(slurp(out / "site/index.html") == "v2");
  CHECK(slurp(out / "site/f/n/index.html") == "N");
  CHECK_FALSE(fs::exists(out / "site/old.html"));
  CHECK_FALSE(fs::exists(out / ".jp-commit-site"));
  // A journal without its END line was being written when the build died: nothing moves.
  fs::create_directories(out / ".jp-staging-site");
  std::ofstream(out / ".jp-staging-site/index.html") << "v3";
  std::ofstream(out / ".jp-commit-site") << "R .jp-staging-site/index.html\tsite/index.html\n";
  Writer::recover(out, "site");
  CHECK(slurp(out / "site/index.html") == "v2");
  CHECK_FALSE(fs::exists(out / ".jp-staging-site"));
  fs::remove_all(out);
}

TEST_CASE("writer: a changed file is written over in place, longer or shorter, exactly") {
  auto out = temp_path("writer-inplace");
  std::string long_text(10000, 'a'), short_text = "short";
  auto state = publish(out, {}, {{"f/a/p.html", long_text}, {"f/a/q.html", "q1"}});
  auto inode = [&](const char* rel) {
    struct stat st {};
    ::stat((out / "site" / rel).c_str(), &st);
    return st.st_ino;
  };
  auto before = inode("f/a/p.html");
  WriteStats s;
  state = publish(out, state, {{"f/a/p.html", short_text}, {"f/a/q.html", "q1"}}, &s);
  CHECK(s.written == 1);
  CHECK(slurp(out / "site/f/a/p.html") == short_text);  // the old tail is cut
  CHECK(inode("f/a/p.html") == before);                 // the same file, not a new one
  state = publish(out, state, {{"f/a/p.html", long_text + "b"}, {"f/a/q.html", "q2"}}, &s);
  CHECK(s.written == 2);
  CHECK(slurp(out / "site/f/a/p.html") == long_text + "b");
  CHECK(slurp(out / "site/f/a/q.html") == "q2");
  CHECK_FALSE(fs::exists(out / ".jp-pack-site"));
  // The same bytes offered for several paths are packed once and land in each.
  {
    Writer w(out, "site", state);
    w.put_many({"f/a/p.html", "f/a/q.html"}, "both");
    w.commit();
  }
  CHECK(slurp(out / "site/f/a/p.html") == "both");
  CHECK(slurp(out / "site/f/a/q.html") == "both");
  fs::remove_all(out);
}

TEST_CASE("writer: overwrites in a commit cut short are finished from the pack") {
  auto out = temp_path("writer-recover-pack");
  publish(out, {}, {{"a.html", "old a, longer than the new one"}, {"b.html", "old b"}});
  std::ofstream(out / ".jp-pack-site", std::ios::binary) << "NEW-ANEW-B";
  std::ofstream(out / ".jp-commit-site") << "P 0 5\tsite/a.html\nP 5 5\tsite/b.html\nEND\n";
  Writer::recover(out, "site");
  CHECK(slurp(out / "site/a.html") == "NEW-A");
  CHECK(slurp(out / "site/b.html") == "NEW-B");
  CHECK_FALSE(fs::exists(out / ".jp-pack-site"));
  CHECK_FALSE(fs::exists(out / ".jp-commit-site"));
  fs::remove_all(out);
}

TEST_CASE("writer: offering a path twice is a bug, reported") {
  auto out = temp_path("writer-twice");
  Writer w(out, "site", FileHashes{});
  w.put("a.html", "1");
  CHECK_THROWS_WITH(w.put("a.html", "2"), "the build offered a.html twice");
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
  auto state = publish(out, {}, first);
  WriteStats s;
  publish(out, state, second, &s);
  CHECK(s.written == 400);
  for (const auto& [rel, bytes] : second) REQUIRE(slurp(out / "site" / rel) == bytes);
  fs::remove_all(out);
}

TEST_CASE("writer: a recovered overwrite whose folder was removed makes the folder again") {
  auto out = temp_path("writer-recover-folder");
  fs::create_directories(out / "site");
  std::ofstream(out / ".jp-pack-site", std::ios::binary) << "BYTES";
  std::ofstream(out / ".jp-commit-site") << "P 0 5\tsite/f/gone/a.html\nEND\n";
  Writer::recover(out, "site");
  CHECK(slurp(out / "site/f/gone/a.html") == "BYTES");
  fs::remove_all(out);
}

TEST_CASE("writer: after close_offers the removed paths are known and no offer is taken") {
  auto out = temp_path("writer-close");
  auto state = publish(out, {}, {{"a.html", "a"}, {"b.html", "b"}});
  Writer w(out, "site", state);
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
