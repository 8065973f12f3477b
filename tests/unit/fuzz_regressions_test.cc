// Replays every input a fuzzer ever crashed on (tests/fuzz/regressions/<target>/) and the
// corpus's files through the fuzz targets' code: each must finish, and the importer must
// report at least one diagnostic for a regression input (they are all malformed).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>

#include "fuzz/targets.h"
#include "helpers.h"

namespace fs = std::filesystem;

namespace {

std::vector<fs::path> inputs(const std::string& dir) {
  std::vector<fs::path> r;
  fs::path base = fs::path(JP_SOURCE_DIR) / dir;
  if (fs::exists(base))
    for (const auto& e : fs::recursive_directory_iterator(base))
      if (e.is_regular_file() && e.path().filename() != "README.md") r.push_back(e.path());
  std::sort(r.begin(), r.end());
  return r;
}

}  // namespace

TEST_CASE("fuzz regressions: the importer's crashing inputs are refused with diagnostics") {
  auto files = inputs("tests/fuzz/regressions/import");
  for (const auto& f : files) {
    INFO(f.string());
    std::string bytes = jp::test::slurp(f);
    CHECK(!jp::fuzz::import_one(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size())
               .empty());
  }
  // The corpus base is clean through the same path: the target really imports.
  std::string base = jp::test::base_journal();
  CHECK(jp::fuzz::import_one(reinterpret_cast<const uint8_t*>(base.data()), base.size()) == "");
}

TEST_CASE("fuzz regressions: markdown's crashing inputs render") {
  for (const auto& f : inputs("tests/fuzz/regressions/markdown")) {
    INFO(f.string());
    std::string bytes = jp::test::slurp(f);
    jp::fuzz::markdown_one(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
  }
  std::string md = "**Упр.** 5";
  CHECK(jp::fuzz::markdown_one(reinterpret_cast<const uint8_t*>(md.data()), md.size()) ==
        "<p><strong>Упр.</strong> 5</p>\nУпр. 5");
}
