// app/guards, publish/web_root and the export order of app/import: the settings that
// deleted a school's data (a web root over the export or the keys, `out = "/"`, an older
// export over a newer one) are refused with both settings named.
#include "app/guards.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "app/import.h"
#include "core/dates.h"
#include "helpers.h"
#include "publish/web_root.h"

using namespace jp;
using jp::test::temp_path;
namespace fs = std::filesystem;
using Role = PathSetting::Role;

namespace {

std::string refusal(const std::vector<PathSetting>& paths) {
  try {
    check_paths(paths);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return {};
}

void touch(const fs::path& p, const std::string& text = "x") {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
}

/// A school's folders as the example configuration lays them out.
struct Layout {
  fs::path root = temp_path("guards");
  std::string export_dir = (root / "export").string(), db = (root / "out/journal.db").string(),
              out = (root / "out").string(), keys = (root / "secrets").string(),
              site_key = (root / "secrets/site.key").string(),
              config = (root / "school.toml").string(), www = (root / "www").string();
  Layout() {
    touch(root / "export/school.json");
    touch(site_key);
    touch(config);
    fs::create_directories(www);
  }
  ~Layout() { fs::remove_all(root); }
  std::vector<PathSetting> with(const std::string& to, const std::string& output = "") const {
    return {{"input", export_dir, Role::read},
            {"db", db, Role::file},
            {"out", output.empty() ? out : output, Role::output},
            {"site-key", site_key, Role::read},
            {"--config", config, Role::read},
            {"publish.to", to, Role::replaced}};
  }
};

}  // namespace

TEST_CASE("guards: resolve_path follows links and keeps the parts that do not exist", "[guards]") {
  auto dir = temp_path("guards-resolve");
  fs::create_directories(dir / "real");
  fs::create_directory_symlink(dir / "real", dir / "link");
  CHECK(resolve_path((dir / "link/new/x").string()) == (dir / "real/new/x").string());
  CHECK(resolve_path((dir / "link/../real/./").string()) == (dir / "real").string());
  CHECK(path_within("/a/b/c", "/a/b"));
  CHECK(path_within("/a/b", "/a/b"));
  CHECK_FALSE(path_within("/a/bc", "/a/b"));
  CHECK(path_within("/anything", "/"));
  fs::remove_all(dir);
}

TEST_CASE("guards: a sound layout passes; the database may sit in the output folder", "[guards]") {
  Layout s;
  CHECK(refusal(s.with(s.www)) == "");
  // ... but not inside a folder the build writes.
  auto paths = s.with(s.www);
  paths[1].path = s.out + "/site/journal.db";
  CHECK(refusal(paths) ==
        fmt::format("out ({}) contains db ({}): the output folder may not overlap any other path "
                    "of the run (a build writes and deletes its own folders in it); check the two "
                    "settings",
                    s.out, s.out + "/site/journal.db"));
}

TEST_CASE(
    "guards: a web root over the export, the keys, the config's folder or the output is "
    "refused naming both settings",
    "[guards]") {
  Layout s;
  CHECK(refusal(s.with(s.export_dir)) ==
        fmt::format("publish.to ({0}) is the same as input ({0}): the web root may not overlap "
                    "any other path of the run (publishing deletes everything in it that is not "
                    "the site); check the two settings",
                    s.export_dir));
  CHECK(refusal(s.with(s.keys))
            .rfind(fmt::format("publish.to ({}) contains site-key ({}/site.key): the web root",
                               s.keys, s.keys),
                   0) == 0);
  CHECK(
      refusal(s.with(s.root.string()))
          .rfind(fmt::format("publish.to ({}) contains input ({}):", s.root.string(), s.export_dir),
                 0) == 0);
  CHECK(refusal(s.with(s.out))
            .rfind(fmt::format("publish.to ({}) contains db ({}):", s.out, s.db), 0) == 0);
  CHECK(refusal(s.with(s.out + "/site"))
            .rfind(fmt::format("publish.to ({}/site) lies inside out ({}):", s.out, s.out), 0) ==
        0);
  // Through a symbolic link too, with the resolved path shown.
  fs::create_directory_symlink(s.export_dir, s.root / "alias");
  CHECK(refusal(s.with((s.root / "alias").string()))
            .rfind(fmt::format("publish.to ({} = {}) is the same as input",
                               (s.root / "alias").string(), s.export_dir),
                   0) == 0);
}

TEST_CASE("guards: an output folder or web root inside another output folder's own folders is "
          "refused",
          "[guards]") {
  // Seen by hand: `--out OTHER/site/f` built into another output's site; that output's next
  // build deleted it all, state included, and until then its private/access.csv was public.
  Layout s;
  fs::create_directories(fs::path(s.out) / ".journalpress");
  const std::string nested = s.out + "/site/f";
  CHECK(refusal(s.with(s.www, nested)) ==
        fmt::format("out ({}) lies inside {}/site, a folder the journalpress output folder {} "
                    "manages: its next build would delete this output's files and state there; "
                    "choose a folder outside it",
                    nested, s.out, s.out));
  // A web root inside another output folder's private/ (this run's own output folder is
  // checked by the overlap rule, which names both settings).
  const fs::path other = s.root / "other";
  fs::create_directories(other / ".journalpress");
  CHECK(refusal(s.with((other / "private/www").string()))
            .find("lies inside " + (other / "private").string() +
                  ", a folder the journalpress output folder " + other.string() +
                  " manages: its next build would delete the published copy there") !=
        std::string::npos);
  CHECK(refusal(s.with(s.out + "/site")).find("lies inside out (" + s.out + ")") !=
        std::string::npos);
  // Beside its subfolders (as the database may be), or in a folder without .journalpress: fine.
  const std::string beside = s.out + "/other-out";
  CHECK(refusal(s.with(s.www, beside)).find("lies inside") == std::string::npos);
  fs::remove_all(fs::path(s.out) / ".journalpress");
  CHECK(refusal(s.with(s.www, nested)) == "");
}

TEST_CASE("guards: an output folder over the export or the configuration is refused", "[guards]") {
  Layout s;
  CHECK(refusal(s.with(s.www, s.root.string()))
            .rfind(fmt::format("out ({}) contains input ({}):", s.root.string(), s.export_dir),
                   0) == 0);
  CHECK(refusal(s.with(s.www, s.export_dir + "/out"))
            .rfind(fmt::format("out ({}/out) lies inside input ({}):", s.export_dir, s.export_dir),
                   0) == 0);
  // The database may not be another setting's file.
  auto paths = s.with(s.www);
  paths[1].path = s.site_key;
  CHECK(refusal(paths).rfind(
            fmt::format("db ({}) is the same file as site-key ({}): the database would overwrite "
                        "it",
                        s.site_key, s.site_key),
            0) == 0);
}

TEST_CASE("guards: the root, the home folder and system folders are never outputs", "[guards]") {
  CHECK(forbidden_folder("/") == "the root of the disk");
  CHECK(forbidden_folder("/var/www") == "a system folder");
  CHECK(forbidden_folder("/etc/nginx") == "inside the system folder /etc");
  CHECK(forbidden_folder("/usr/share/doc/x") == "inside the system folder /usr");
  CHECK(forbidden_folder("/var/www/journalpress/school-1") == "");
  CHECK(forbidden_folder("/srv/journalpress") == "");
  CHECK(forbidden_folder("/dev/disk") == "inside the system folder /dev");
  CHECK(forbidden_folder("/dev/shm") == "a system folder");
  CHECK(forbidden_folder("/dev/shm/jp/out") == "");
  {
    auto home = temp_path("guards-home");
    fs::create_directories(home);
    const char* was = std::getenv("HOME");
    std::string saved = was ? was : "";
    ::setenv("HOME", home.c_str(), 1);
    CHECK(forbidden_folder(resolve_path(home.string())) == "the home folder");
    CHECK(forbidden_folder(resolve_path((home / "www").string())) == "");
    if (was)
      ::setenv("HOME", saved.c_str(), 1);
    else
      ::unsetenv("HOME");
    fs::remove_all(home);
  }
  CHECK(refusal({{"out", "/", Role::output}}) ==
        "out may not be the output folder: / is the root of the disk; a build would write its "
        "folders into it");
  CHECK(refusal({{"publish.to", "/etc/nginx", Role::replaced}}) ==
        "publish.to may not be the web root: /etc/nginx is inside the system folder /etc; "
        "publishing would delete everything else in it");
  // A remote target is rsync's to check.
  CHECK(refusal({{"publish.to", "web:/etc", Role::replaced}}) == "");
}

TEST_CASE("guards: secrets readable by others are refused, or allowed with a warning", "[guards]") {
  auto dir = temp_path("guards-modes");
  touch(dir / "site.key");
  ::chmod((dir / "site.key").c_str(), 0600);
  std::vector<PathSetting> secrets = {{"site-key", (dir / "site.key").string(), Role::read},
                                      {"pin-file", "", Role::read}};
  CHECK(check_secret_modes(secrets, false).empty());
  ::chmod((dir / "site.key").c_str(), 0644);
  std::string why;
  try {
    check_secret_modes(secrets, false);
  } catch (const std::runtime_error& e) {
    why = e.what();
  }
  std::string key = (dir / "site.key").string();
  CHECK(why == fmt::format("site-key {0} has mode 0644: others than its owner can read it; "
                           "`chmod 600 {0}` (or --allow-shared-keys, where the group must read it)",
                           key));
  ::chmod((dir / "site.key").c_str(), 0640);
  auto warnings = check_secret_modes(secrets, true);
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == fmt::format("warning: site-key {} has mode 0640: others than its owner "
                                   "can read it (allowed by --allow-shared-keys)",
                                   key));
  fs::remove_all(dir);
}

TEST_CASE("import: exports only move forward", "[guards]") {
  int64_t clock = parse_timestamp("2024-07-01T12:00:00Z")->utc;
  CHECK(export_order_refusal("2024-06-30T20:00:00+03:00", "2024-06-30T20:00:00+03:00", clock) ==
        "");
  CHECK(export_order_refusal("2024-06-30T20:00:00+03:00", "2024-07-01T08:00:00+03:00", clock) ==
        "");
  CHECK(export_order_refusal("", "2024-07-01T08:00:00+03:00", clock) == "");
  CHECK(export_order_refusal("", "", clock) == "");
  CHECK(export_order_refusal("2024-06-30T20:00:00+03:00", "2023-11-01T10:00:00+03:00", clock) ==
        "the export was made at 2023-11-01T10:00:00+03:00, 242 days before the stored import's "
        "export (2024-06-30T20:00:00+03:00): importing it would roll the journal back. If "
        "intended (restoring an older export), import with --accept-older");
  // The same moment in another offset is not older.
  CHECK(export_order_refusal("2024-06-30T20:00:00+03:00", "2024-06-30T17:00:00Z", clock) == "");
  CHECK(export_order_refusal("2024-06-30T20:00:00+03:00", "", clock) ==
        "the export has no exported_at, while the stored import was exported at "
        "2024-06-30T20:00:00+03:00: its age cannot be told, and an older export would roll marks "
        "back. If intended, import with --accept-older");
  CHECK(export_order_refusal("2024-06-30T20:00:00+03:00", "2099-01-01T00:00:00Z", clock) ==
        "the export says it was made at 2099-01-01T00:00:00Z, 27211 days after this machine's "
        "clock (2024-07-01T12:00:00Z): a wrong clock on the exporting or this machine would let "
        "the next older export through; put the clock right (an export is not accepted from the "
        "future)");
  // Within the tolerance of two machines' clocks.
  CHECK(export_order_refusal("", "2024-07-01T12:10:00Z", clock) == "");
  CHECK(export_order_refusal("", "2024-07-01T12:20:00Z", clock) != "");
}

TEST_CASE("web root: empty or marked folders are published into; others are refused", "[guards]") {
  auto dir = temp_path("guards-webroot");
  std::string www = (dir / "www").string(), out = (dir / "out").string();
  fs::create_directories(www);
  fs::create_directories(out);
  CHECK_NOTHROW(claim_web_root(www, out));
  CHECK(fs::exists(fs::path(www) / kWebRootMarker));
  touch(fs::path(www) / "stranger.txt");
  CHECK_NOTHROW(check_web_root(www, out));  // marked: the site's, whatever is in it
  // Another output folder may not publish into it.
  std::string other = (dir / "other").string();
  fs::create_directories(other);
  try {
    check_web_root(www, other);
    FAIL("another output folder's web root was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()).rfind(
              fmt::format("publish.to {} is the web root of another output folder ({}, says", www,
                          resolve_path(out)),
              0) == 0);
  }
  // Unmarked and not empty: refused, naming what is there.
  std::string data = (dir / "data").string();
  for (int i = 0; i < 7; ++i) touch(fs::path(data) / fmt::format("f{}.json", i));
  try {
    check_web_root(data, out);
    FAIL("a folder of strangers' files was accepted");
  } catch (const std::runtime_error& e) {
    CHECK(std::string(e.what()) ==
          fmt::format("publish.to {0} is not empty and journalpress did not make it a web root "
                      "(it holds f0.json, f1.json, f2.json, f3.json, f4.json and 2 more; 7 "
                      "entries in all): publishing deletes everything in it that is not the "
                      "site. Point publish.to at an empty folder (e.g. mkdir {0}/journalpress), "
                      "or empty this one",
                      data));
  }
  CHECK_FALSE(fs::exists(fs::path(data) / kWebRootMarker));
  // A site published before the marker existed is taken over.
  std::string old_root = (dir / "old").string();
  touch(fs::path(old_root) / "index.html");
  touch(fs::path(old_root) / "robots.txt");
  touch(fs::path(old_root) / "f/abc/index.html");
  CHECK_NOTHROW(claim_web_root(old_root, out));
  fs::remove_all(dir);
}

TEST_CASE("web root: the space a publish needs, and a failed one put back", "[guards]") {
  auto dir = temp_path("guards-space");
  fs::path site = dir / "site", www = dir / "www";
  touch(site / "index.html", std::string(5000, 'a'));
  touch(site / "f/abc/page.html", std::string(100, 'b'));
  fs::create_directories(www);
  PublishSpace s = publish_space(site.string(), www.string());
  // Two files (8 KiB + 4 KiB in blocks), the new folders f/ and f/abc/ and a .~tmp~ in each
  // of the three folders.
  CHECK(s.needed_bytes == 8192 + 4096 + 2 * 4096 + 3 * 4096);
  CHECK(s.needed_inodes == 2 + 2 + 3);
  CHECK(s.available_bytes > 0);
  s.needed_bytes = 300ull << 20, s.available_bytes = 12ull << 20, s.device = "/dev/sdb1";
  CHECK(no_space_message(s) == "no space left on /dev/sdb1 (needs 300 MB, has 12 MB)");
  // What rsync leaves when it fails: its .~tmp~ folders and new folders, removed again.
  touch(www / "index.html");
  auto before = list_folders(www.string());
  touch(www / ".~tmp~/index.html");
  touch(www / "f/abc/.~tmp~/page.html");
  CHECK(undo_failed_publish(www.string(), before) == "");
  CHECK(list_folders(www.string()) == before);
  CHECK(fs::exists(www / "index.html"));
  fs::remove_all(dir);
}
