// An incremental site build (pages whose input fingerprints did not change are kept)
// must publish exactly what a full build publishes: after more school days, and after
// changes to the school-wide tables (a teacher renamed).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/build.h"
#include "app/import.h"
#include "core/keys.h"
#include "helpers.h"
#include "sample/sample.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> tree(const fs::path& root) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.is_regular_file()) files[fs::relative(e.path(), root).string()] = slurp(e.path());
  return files;
}

}  // namespace

TEST_CASE("site: an incremental build publishes exactly what a full build does", "[e2e]") {
  auto dir = temp_path("incremental");
  fs::create_directories(dir);
  std::ostringstream out, err;
  for (const char* day : {"2024-02-12", "2024-02-13", "2024-02-19"}) {
    SampleOptions so;
    so.out = (dir / day).string();
    so.students = 60;
    so.seed = 3;
    so.until = day;
    REQUIRE(run_sample(so, out) == 0);
  }
  // The third export also renames a teacher: every page naming them must change.
  {
    fs::path staff = dir / "2024-02-19/staff.json";
    std::string text = slurp(staff);
    std::smatch m;
    REQUIRE(std::regex_search(text, m, std::regex("\"last_name\":\"([^\"]+)\"")));
    text = std::regex_replace(text, std::regex("\"last_name\":\"" + m[1].str() + "\""),
                              "\"last_name\":\"Переименованная\"",
                              std::regex_constants::format_first_only);
    std::ofstream(staff, std::ios::binary) << text;
  }
  write_site_key((dir / "site.key").string(), false);
  ImportOptions io;
  io.db = (dir / "j.db").string();
  BuildOptions bo;
  bo.db = io.db;
  bo.site_key = (dir / "site.key").string();
  bo.site = true;
  bo.out = (dir / "out").string();
  size_t kept_somewhere = 0;
  for (const char* day : {"2024-02-12", "2024-02-13", "2024-02-19"}) {
    io.inputs = {(dir / day).string()};
    REQUIRE(run_import(io, out, err) == 0);
    // The reference: the same database state, built into an empty folder (all rendered).
    fs::copy_file(dir / "j.db", dir / "ref.db", fs::copy_options::overwrite_existing);
    BuildOptions ref = bo;
    ref.db = (dir / "ref.db").string();
    ref.out = (dir / "ref").string();
    fs::remove_all(dir / "ref");
    bo.today = ref.today = day;
    std::ostringstream said, ref_said;
    REQUIRE(run_build(bo, said) == 0);
    REQUIRE(run_build(ref, ref_said) == 0);
    INFO(day << "\n" << said.str());
    std::smatch m;
    std::string s = said.str();
    REQUIRE(std::regex_search(s, m, std::regex("([0-9]+) kept")));
    kept_somewhere += std::stoul(m[1]);
    CHECK(ref_said.str().find(" 0 kept") != std::string::npos);
    auto a = tree(dir / "out/site"), b = tree(dir / "ref/site");
    REQUIRE(a.size() == b.size());
    size_t differ = 0;
    for (const auto& [path, bytes] : b) {
      auto it = a.find(path);
      if (it == a.end() || it->second != bytes) {
        if (++differ < 5) FAIL_CHECK("differs from a full build: " + path);
      }
    }
    CHECK(differ == 0);
  }
  CHECK(kept_somewhere > 0);  // the incremental builds did skip pages
  fs::remove_all(dir);
}
