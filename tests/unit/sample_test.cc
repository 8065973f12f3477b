#include "sample/sample.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "helpers.h"
#include "ingest/checks.h"
#include "ingest/load.h"
#include "ingest/validate.h"
#include "sample/curriculum.h"
#include "store/sqlite.h"
#include "store/store.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> r;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) r[fs::relative(e.path(), dir).string()] = slurp(e.path());
  return r;
}

void make_sample(const fs::path& dir, int students, uint64_t seed) {
  SampleOptions o;
  o.out = dir.string();
  o.students = students;
  o.seed = seed;
  std::ostringstream out;
  REQUIRE(run_sample(o, out) == 0);
}

}  // namespace

TEST_CASE("sample: the same seed gives byte-identical files, another seed others") {
  auto a = temp_path("a"), b = temp_path("b"), c = temp_path("c");
  make_sample(a, 60, 7);
  make_sample(b, 60, 7);
  make_sample(c, 60, 8);
  auto ta = tree(a), tb = tree(b), tc = tree(c);
  CHECK(ta.size() >= 5);
  CHECK(ta == tb);
  CHECK(ta != tc);
  for (auto p : {a, b, c}) fs::remove_all(p);
}

TEST_CASE("sample: data/ is what `sample` makes with the documented options") {
  // README: data/ was made by `journalpress sample --out data --students 120 --seed 1`.
  auto a = temp_path("data");
  make_sample(a, 120, 1);
  // data/examples/ holds the template workbook (`export --template`, tabular_test.sh).
  auto shipped = tree(fs::path(JP_SOURCE_DIR) / "data");
  std::erase_if(shipped, [](const auto& f) { return f.first.starts_with("examples/"); });
  CHECK(tree(a) == shipped);
  fs::remove_all(a);
}

TEST_CASE("sample: imports cleanly and seeds every kind of warning") {
  auto a = temp_path("warn");
  make_sample(a, 120, 1);
  Diagnostics d;
  std::vector<std::string> files;
  Diagnostics ignore;
  Journal j = load_journal(expand_inputs({a.string()}, ignore), d);
  validate(j, d);
  REQUIRE(d.errors() == 0);
  check_regulations(j, d);
  std::set<std::string> codes;
  for (const auto& x : d.all()) codes.insert(x.code);
  for (const char* c :
       {"grade1-mark", "grade1-homework", "osv-final", "control-limit", "late-mark",
        "late-homework", "no-topic", "few-marks", "late-change", "forecast-mismatch",
        "guardian-no-children", "guardian-no-contact", "unknown-field"})
    CHECK(codes.count(c) == 1);
  // Realistic, not noisy: warnings are a small share of the records.
  CHECK(d.warnings() < j.marks.size() / 100);

  // What the format asks the sample to contain.
  int transfers = 0, arrivals = 0, departures = 0, paper = 0, mixed = 0, no_consent = 0;
  std::set<int> grades;
  bool yo = false, double_surname = false, substitution = false, cancelled = false;
  for (const auto& s : j.students) {
    if (s.enrollments.size() > 1) ++transfers;
    for (const auto& e : s.enrollments) {
      if (!e.reason_in.empty() && e.reason_in.find("переведён") == std::string::npos) ++arrivals;
      if (!e.reason_out.empty() && e.reason_out.find("переведён") == std::string::npos)
        ++departures;
    }
    yo = yo || full_name(s.person).find("ё") != std::string::npos;
    double_surname = double_surname || s.person.last_name.find('-') != std::string::npos;
    no_consent += !s.consent;
  }
  for (const auto& c : j.classes) grades.insert(c.grade);
  for (const auto& g : j.guardians) paper += g.delivery == "paper";
  for (const auto& s : j.students) {
    std::set<std::string> kinds;
    for (const auto& g : j.guardians)
      for (const auto& c : g.children)
        if (c == s.id) kinds.insert(g.delivery);
    mixed += kinds.size() == 2;
  }
  for (const auto& l : j.lessons) {
    substitution = substitution || !l.substitute.empty();
    cancelled = cancelled || l.cancelled;
  }
  CHECK(transfers == 1);
  CHECK(arrivals >= 1);
  CHECK(departures >= 1);
  CHECK(paper >= 1);
  CHECK(mixed >= 1);
  CHECK(no_consent == 1);
  CHECK(yo);
  CHECK(double_surname);
  CHECK(substitution);
  CHECK(cancelled);
  CHECK(grades.count(1) == 1);
  CHECK(grades.count(5) == 1);
  CHECK(grades.count(10) == 1);
  CHECK(!j.individual_homework.empty());
  CHECK(!j.remarks.empty());
  CHECK(!j.events.empty());
  CHECK(!j.mark_changes.empty());
  fs::remove_all(a);
}

TEST_CASE("e2e: the real binary imports a generated sample; the database counts match the files",
          "[e2e]") {
  auto dir = temp_path("e2e");
  auto db = temp_path("e2e.db");
  std::string bin = JP_BINARY;
  REQUIRE(
      std::system((bin + " sample --students 300 --seed 11 --out " + dir.string() + " > /dev/null")
                      .c_str()) == 0);
  REQUIRE(
      std::system((bin + " import " + dir.string() + " --db " + db.string() + " > /dev/null 2>&1")
                      .c_str()) == 0);
  // Count the records straight from the JSON, independently of the importer.
  std::map<std::string, long long> want;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    auto j = nlohmann::json::parse(slurp(e.path()));
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it->is_array()) want[it.key()] += it->size();
  }
  CHECK(want["students"] > 250);
  CHECK(want["marks"] > 50000);
  Db d(db.string(), false);
  for (const auto& [section, n] : want) {
    Stmt st(d.handle(), "SELECT count(*) FROM " + section);
    REQUIRE(st.step());
    INFO(section);
    CHECK(st.integer(0) == n);
  }
  fs::remove_all(dir);
  fs::remove(db);
}

TEST_CASE("sample: every subject of every grade has its own topics") {
  // templates/sample/topics.json keys topics by subject and grade band: a 5th-grader reads
  // «Муму», not «Преступление и наказание» (grade 10).
  for (int g = 1; g <= 11; ++g)
    for (const auto& [subject, hours] : sample::curriculum(g)) {
      INFO(subject << " in grade " << g);
      CHECK_NOTHROW(sample::topics(subject, g));
    }
  auto has = [](const std::vector<std::string>& topics, const std::string& part) {
    return std::any_of(topics.begin(), topics.end(),
                       [&](const std::string& t) { return t.find(part) != std::string::npos; });
  };
  CHECK(has(sample::topics("lit", 10), "Преступление и наказание"));
  for (int g = 5; g <= 9; ++g) CHECK_FALSE(has(sample::topics("lit", g), "Преступление"));
  CHECK(has(sample::topics("lit", 5), "Муму"));
  CHECK(sample::topics("rus", 1) != sample::topics("rus", 11));
  CHECK_THROWS_WITH(sample::topics("lit", 1), "topics.json: no topics for lit in grade 1");
}
