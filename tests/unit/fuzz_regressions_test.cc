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

TEST_CASE("fuzz regressions: the tabular targets' crashing inputs are refused with diagnostics") {
  for (const char* target : {"csv", "xlsx"})
    for (const auto& f : inputs(std::string("tests/fuzz/regressions/") + target)) {
      INFO(f.string());
      std::string bytes = jp::test::slurp(f);
      auto data = reinterpret_cast<const uint8_t*>(bytes.data());
      CHECK(!(target == std::string("csv") ? jp::fuzz::csv_one(data, bytes.size())
                                           : jp::fuzz::xlsx_one(data, bytes.size()))
                 .empty());
    }
  // The targets really read: a marks table alone is checked as far as it goes (no school,
  // references nowhere), a quote never closed stops the file, junk is no workbook.
  std::string marks = "id,student,lesson,value\nm1,s1,l1,5\n";
  CHECK(jp::fuzz::csv_one(reinterpret_cast<const uint8_t*>(marks.data()), marks.size())
            .find("no file has the \"school\" section") != std::string::npos);
  std::string open = "id,value\n\"m1,5\n";
  CHECK(jp::fuzz::csv_one(reinterpret_cast<const uint8_t*>(open.data()), open.size()) ==
        "marks.csv: line 2: a quoted field opened here is not closed by the end of the file (an "
        "unbalanced \"); the file was not read\n");
  std::string junk = "PK\x03\x04junk";
  CHECK(jp::fuzz::xlsx_one(reinterpret_cast<const uint8_t*>(junk.data()), junk.size())
            .starts_with("fuzz.xlsx: not a readable zip archive"));
}
