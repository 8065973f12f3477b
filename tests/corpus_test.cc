// The bad-input corpus (tests/corpus/NNN_name/): each case is journal files added to,
// or replacing files of, tests/corpus/base/, and `expected.txt` holds the exact
// diagnostics the importer must print for it. Lines starting with `#` say what the
// case checks. JP_UPDATE=1 rewrites the expectations (on purpose only; review the diff).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "ingest/checks.h"
#include "ingest/load.h"
#include "ingest/validate.h"
#include "unit/helpers.h"

namespace fs = std::filesystem;
using jp::test::slurp;

namespace {

std::vector<std::string> lines_of(const std::string& s, bool skip_comments) {
  std::vector<std::string> r;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);)
    if (!(skip_comments && !line.empty() && line[0] == '#')) r.push_back(line);
  return r;
}

/// A line diff good enough to read a failure: `-` expected only, `+` actual only.
std::string diff(const std::vector<std::string>& want, const std::vector<std::string>& got) {
  std::string out;
  std::multiset<std::string> w(want.begin(), want.end()), g(got.begin(), got.end());
  for (const auto& l : want)
    if (!g.count(l)) out += "-" + l + "\n";
  for (const auto& l : got)
    if (!w.count(l)) out += "+" + l + "\n";
  if (out.empty()) out = "(same lines, different order)\n";
  return out;
}

}  // namespace

std::string run_corpus_case(const std::string& name) {
  std::set<std::string> own;
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(name))
    if (e.path().extension() == ".json") {
      own.insert(e.path().filename().string());
      files.push_back(name + "/" + e.path().filename().string());
    }
  if (!fs::exists(fs::path(name) / "no-base"))
    for (const auto& e : fs::directory_iterator("base"))
      if (e.path().extension() == ".json" && !own.count(e.path().filename().string()))
        files.push_back("base/" + e.path().filename().string());
  std::sort(files.begin(), files.end());
  jp::Diagnostics diag;
  jp::Journal j = jp::load_journal(files, diag);
  if (j.all_files_read) jp::validate(j, diag);
  if (diag.errors() == 0) jp::check_regulations(j, diag);
  return diag.report(100, 100);
}

TEST_CASE("bad-input corpus: each case prints exactly its expected diagnostics", "[corpus]") {
  std::vector<std::string> cases;
  for (const auto& e : fs::directory_iterator("."))
    if (e.is_directory() && e.path().filename() != "base")
      cases.push_back(e.path().filename().string());
  std::sort(cases.begin(), cases.end());
  REQUIRE(cases.size() >= 30);
  bool update = std::getenv("JP_UPDATE") && std::string(std::getenv("JP_UPDATE")) == "1";
  for (const auto& c : cases) {
    std::string got = run_corpus_case(c);
    fs::path exp = fs::path(c) / "expected.txt";
    if (update) {
      std::string comments;
      if (fs::exists(exp))
        for (const auto& l : lines_of(slurp(exp), false))
          if (!l.empty() && l[0] == '#') comments += l + "\n";
      std::ofstream(exp, std::ios::binary) << comments << got;
      continue;
    }
    REQUIRE(fs::exists(exp));
    auto want = lines_of(slurp(exp), true);
    auto have = lines_of(got, false);
    INFO("case " << c << ":\n" << diff(want, have));
    CHECK(want == have);
  }
}

TEST_CASE("the corpus base journal is clean", "[corpus]") {
  CHECK(run_corpus_case("000_base_is_clean") == "");
}
