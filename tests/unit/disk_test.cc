// publish/disk: the commit protocol's plans carried out on a tree in memory
// (memory_disk.h). A kill can come after any step; applying the same plan again (as the
// next run's recovery does) must give the tree one uninterrupted application gives,
// whatever the cut point. The
// shell tests (tests/publish_test.sh) kill the real binary at each step; these run every
// cut point of every plan shape in milliseconds.
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>
#include <string>

#include "memory_disk.h"
#include "publish/disk.h"
#include "publish/writer.h"

using namespace jp;
using jp::test::Killed;
using jp::test::MemoryDisk;
namespace fs = std::filesystem;

namespace {

/// A folder as a commit finds it: published files, the staged new ones, the pack of the
/// changed ones.
MemoryDisk before_commit() {
  MemoryDisk d;
  for (const char* dir : {"/o", "/o/site", "/o/site/f", "/o/site/f/a", "/o/site/f/gone",
                          "/o/.journalpress", "/o/.journalpress/staging",
                          "/o/.journalpress/staging/site", "/o/.journalpress/staging/site/f",
                          "/o/.journalpress/staging/site/f/b"})
    d.dirs[dir] = 0755;
  auto file = [&](const std::string& p, const std::string& bytes) {
    d.files[p] = bytes;
    d.modes[p] = 0644;
  };
  file("/o/site/index.html", "old index");
  file("/o/site/f/a/week.html", "old week, longer than the new one");
  file("/o/site/f/gone/page.html", "a revoked family's page");
  file("/o/site/f/gone/index.html", "a revoked family's index");
  file("/o/.journalpress/staging/site/new.html", "a new shared page");
  file("/o/.journalpress/staging/site/f/b/week.html", "a new family's week");
  // The pack: the new bytes of the two changed files, one after the other.
  file("/o/.journalpress/site.pack", "new indexnew week");
  return d;
}

const std::string kPlan =
    "M 644 755 1700000000000000000\n"
    "R .journalpress/staging/site/new.html\tsite/new.html\n"
    "R .journalpress/staging/site/f/b\tsite/f/b\n"
    "P 0 9\tsite/index.html\n"
    "P 9 8\tsite/f/a/week.html\n"
    "D site/f/gone/page.html\n"
    "D site/f/gone/index.html\n"
    "E site/f/gone\n"
    "E site/f\n";

}  // namespace

TEST_CASE("disk: a plan applied once publishes what it says") {
  MemoryDisk d = before_commit();
  apply_plan("/o", kPlan, "/o/.journalpress/site.pack", false, nullptr, d);
  CHECK(d.files.at("/o/site/index.html") == "new index");
  CHECK(d.files.at("/o/site/f/a/week.html") == "new week");  // cut to its new length
  CHECK(d.files.at("/o/site/new.html") == "a new shared page");
  CHECK(d.files.at("/o/site/f/b/week.html") == "a new family's week");
  CHECK_FALSE(d.exists("/o/site/f/gone/page.html"));
  CHECK_FALSE(d.exists("/o/site/f/gone"));  // emptied, so removed
  CHECK(d.exists("/o/site/f"));             // not empty: kept
  CHECK_FALSE(d.exists("/o/.journalpress/staging/site/f/b"));
}

TEST_CASE("disk: applying a plan twice changes nothing more") {
  MemoryDisk once = before_commit();
  apply_plan("/o", kPlan, "/o/.journalpress/site.pack", false, nullptr, once);
  MemoryDisk twice = once;
  apply_plan("/o", kPlan, "/o/.journalpress/site.pack", true, nullptr, twice);
  CHECK(twice == once);
}

TEST_CASE("disk: a commit killed after any step is finished by applying its plan again") {
  MemoryDisk whole = before_commit();
  apply_plan("/o", kPlan, "/o/.journalpress/site.pack", false, nullptr, whole);
  int cut_points = 0;
  for (long budget = 0;; ++budget) {
    MemoryDisk d = before_commit();
    d.budget = budget;
    bool killed = false;
    try {
      apply_plan("/o", kPlan, "/o/.journalpress/site.pack", false, nullptr, d);
    } catch (const Killed&) {
      killed = true;
    }
    if (!killed) break;  // every cut point has been tried
    ++cut_points;
    d.budget = -1;
    apply_plan("/o", kPlan, "/o/.journalpress/site.pack", true, nullptr, d);  // recovery
    INFO("killed after " << budget << " changes");
    CHECK(d == whole);
  }
  // A kill before each change of one whole application: two renames, two overwrites, two
  // deletions, an emptied folder.
  CHECK(cut_points == whole.changes);
  CHECK(whole.changes == 7);
}

TEST_CASE("disk: recovery without the pack keeps the old bytes rather than failing") {
  // The pack removed by hand: the files keep their old bytes (and the next build, finding
  // their stat unknown, compares them by content and writes them again).
  MemoryDisk d = before_commit();
  d.files.erase("/o/.journalpress/site.pack");
  auto stats = apply_plan("/o", kPlan, "/o/.journalpress/site.pack", true, nullptr, d);
  CHECK(d.files.at("/o/site/index.html") == "old index");
  for (const auto& [path, st] : stats) CHECK_FALSE(st.known());
  // Without recovering, a missing pack is an error naming it.
  MemoryDisk e = before_commit();
  e.files.erase("/o/.journalpress/site.pack");
  CHECK_THROWS_WITH(apply_plan("/o", kPlan, "/o/.journalpress/site.pack", false, nullptr, e),
                    Catch::Contains("site.pack"));
}

TEST_CASE("disk: a name parting from its file's other names keeps its bytes without the pack") {
  // F: the name is deleted and written as a file of its own. Recovered without its pack
  // (removed by hand), it keeps the old file, as a P line's file keeps its old bytes; the
  // next build compares it by content.
  MemoryDisk d;
  for (const char* dir : {"/o", "/o/site", "/o/site/a", "/o/site/b", "/o/.journalpress"})
    d.dirs[dir] = 0755;
  d.edit("/o/site/a/p.html", "old");
  REQUIRE(d.link("/o/site/a/p.html", "/o/site/b/p.html", 0755));
  const std::string plan =
      "M 644 755 1700000000000000000\n"
      "F 0 3\tsite/a/p.html\n"
      "A site/b/q.html\tsite/a/q.html\n";
  auto stats = apply_plan("/o", plan, "/o/.journalpress/site.pack", true, nullptr, d);
  CHECK(d.files.at("/o/site/a/p.html") == "old");
  CHECK(d.names_of("/o/site/a/p.html").size() == 2);
  REQUIRE(stats.size() == 2);
  for (const auto& [path, st] : stats) CHECK_FALSE(st.known());
  // With its pack: a file of its own, the other name untouched.
  d.edit("/o/.journalpress/site.pack", "new");
  stats = apply_plan("/o", plan, "/o/.journalpress/site.pack", false, nullptr, d);
  CHECK(d.files.at("/o/site/a/p.html") == "new");
  CHECK(d.files.at("/o/site/b/p.html") == "old");
  CHECK(d.names_of("/o/site/a/p.html").size() == 1);
  CHECK(stats[0].second.known());
  CHECK_FALSE(stats[1].second.known());  // an A line whose name was not written: unknown
}
