// publish/disk: the commit protocol's plans carried out on a tree in memory. A kill can
// come after any step; applying the same plan again (as the next run's recovery does)
// must give the tree one uninterrupted application gives, whatever the cut point. The
// shell tests (tests/publish_test.sh) kill the real binary at each step; these run every
// cut point of every plan shape in milliseconds.
#include <catch2/catch.hpp>

#include <map>
#include <stdexcept>
#include <string>

#include "publish/disk.h"
#include "publish/writer.h"

using namespace jp;
namespace fs = std::filesystem;

namespace {

struct Killed : std::runtime_error {
  Killed() : std::runtime_error("killed") {}
};

/// Files and folders in memory. After `budget` changes it throws Killed, as a kill -9
/// between two system calls would stop the real run.
class MemoryDisk : public Disk {
 public:
  std::map<std::string, std::string> files;  ///< path -> bytes
  std::map<std::string, mode_t> dirs;         ///< path -> mode
  std::map<std::string, mode_t> modes;        ///< file path -> mode
  long budget = -1;                           ///< changes left before the kill; -1: none
  long changes = 0;                           ///< changes made

  bool exists(const fs::path& p) override {
    return files.count(p.string()) || dirs.count(p.string());
  }
  void make_dirs(const fs::path& p, mode_t mode) override {
    if (p.empty() || dirs.count(p.string())) return;
    if (files.count(p.string())) throw std::runtime_error(p.string() + " is a file");
    make_dirs(p.parent_path(), mode);
    change();
    dirs[p.string()] = mode;
  }
  void rename(const fs::path& from, const fs::path& to) override {
    change();
    if (files.count(from.string())) {
      files[to.string()] = files[from.string()], modes[to.string()] = modes[from.string()];
      files.erase(from.string()), modes.erase(from.string());
      return;
    }
    // A folder: everything under it moves.
    std::string f = from.string() + "/", t = to.string() + "/";
    auto move_all = [&](auto& m) {
      std::map<std::string, typename std::decay_t<decltype(m)>::mapped_type> moved;
      for (auto it = m.begin(); it != m.end();) {
        if (it->first == from.string() || it->first.rfind(f, 0) == 0) {
          moved[to.string() + it->first.substr(from.string().size())] = it->second;
          it = m.erase(it);
        } else {
          ++it;
        }
      }
      m.insert(moved.begin(), moved.end());
    };
    move_all(files), move_all(modes), move_all(dirs);
  }
  void remove_file(const fs::path& p) override {
    if (!files.count(p.string())) return;
    change();
    files.erase(p.string()), modes.erase(p.string());
  }
  void remove_if_empty(const fs::path& p) override {
    std::string prefix = p.string() + "/";
    for (const auto& [f, b] : files)
      if (f.rfind(prefix, 0) == 0) return;
    for (const auto& [d, m] : dirs)
      if (d.rfind(prefix, 0) == 0) return;
    if (!dirs.count(p.string())) return;
    change();
    dirs.erase(p.string());
  }
  struct MemoryPack : Pack {
    std::string bytes;
    uint64_t size() override { return bytes.size(); }
    std::string read(uint64_t off, uint64_t len) override {
      if (off + len > bytes.size()) throw std::runtime_error("pack cut short");
      return bytes.substr(off, len);
    }
  };
  std::unique_ptr<Pack> open_pack(const fs::path& p) override {
    if (!files.count(p.string())) return nullptr;
    auto pack = std::make_unique<MemoryPack>();
    pack->bytes = files[p.string()];
    return pack;
  }
  FileStat overwrite(const fs::path& target, std::string_view bytes, mode_t mode, mode_t dir_mode,
                     long long mtime_ns) override {
    make_dirs(target.parent_path(), dir_mode);
    change();
    if (!files.count(target.string())) modes[target.string()] = mode;
    files[target.string()] = std::string(bytes);
    return {static_cast<long long>(bytes.size()), mtime_ns, 1};
  }

  bool operator==(const MemoryDisk& o) const {  // the trees, not the counters
    return files == o.files && dirs == o.dirs && modes == o.modes;
  }

 private:
  void change() {
    if (budget == 0) throw Killed();
    if (budget > 0) --budget;
    ++changes;
  }
};

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
