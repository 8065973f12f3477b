#include "paper/extracts.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/build.h"
#include "app/import.h"
#include "core/keys.h"
#include "helpers.h"
#include "store/model.h"

using namespace jp;
using jp::test::run_command;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

namespace {

/// The corpus base plus tests/golden/002_extracts/in: a week (2023-W45) with a holiday on
/// Monday, a student with no marks, one who leaves on Thursday, a grade-1 student, and a
/// student with one paper and one electronic guardian.
struct Fixture {
  fs::path dir;
  BuildOptions bo;
  Fixture() {
    dir = temp_path("extracts");
    fs::create_directories(dir);
    ImportOptions io;
    io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/corpus/base",
                 std::string(JP_SOURCE_DIR) + "/tests/golden/002_extracts/in"};
    io.db = (dir / "j.db").string();
    std::ostringstream out, err;
    if (run_import(io, out, err) != 0) throw std::runtime_error(err.str());
    bo.db = io.db;
    bo.out = (dir / "out").string();
    bo.extracts = true;
    bo.today = "2023-11-15";
  }
  ~Fixture() { fs::remove_all(dir); }
  std::string build(BuildOptions o) {
    std::ostringstream out;
    REQUIRE(run_build(o, out) == 0);
    return out.str();
  }
  fs::path week() const { return dir / "out/extracts/2023-W45"; }
};

}  // namespace

TEST_CASE("extracts: the fixture's week, as pdftotext reads it, equals the expected text",
          "[extracts]") {
  Fixture f;
  std::string said = f.build(f.bo);  // --today 2023-11-15: the last complete week is W45
  CHECK(said.find("(2023-W45), 4 extracts in 2 PDFs") != std::string::npos);
  std::string text;
  for (const char* cls : {"1a", "5a"}) {
    fs::path pdf = f.week() / (std::string(cls) + ".pdf");
    REQUIRE(fs::exists(pdf));
    CHECK(run_command("qpdf --check " + pdf.string()).rfind("0\n", 0) == 0);
    text += std::string("== ") + cls + ".pdf\n" +
            run_command("pdftotext -layout " + pdf.string() + " -").substr(2);
  }
  fs::path expected = fs::path(JP_SOURCE_DIR) / "tests/golden/002_extracts/expected.txt";
  if (std::getenv("JP_UPDATE")) std::ofstream(expected, std::ios::binary) << text;
  CHECK(text == slurp(expected));

  // Duplex: each student starts on the front of a sheet (an odd page); the distribution
  // list too.
  std::string pages =
      run_command("pdftotext -layout " + (f.week() / "5a.pdf").string() + " -").substr(2);
  int page = 1, starts = 0;
  for (size_t p = 0, q; p < pages.size(); p = q + 1, ++page) {
    q = pages.find('\f', p);
    if (q == std::string::npos) q = pages.size();
    std::string one = pages.substr(p, q - p);
    if (one.find("ВЫПИСКА ИЗ ЭЛЕКТРОННОГО ЖУРНАЛА") != std::string::npos ||
        one.find("Ведомость выдачи выписок") != std::string::npos) {
      CHECK(page % 2 == 1);
      ++starts;
    }
  }
  CHECK(starts == 4);
  CHECK(run_command("pdffonts " + (f.week() / "5a.pdf").string()).find("PTSans") !=
        std::string::npos);
}

TEST_CASE("extracts: A5, scopes, periods and their errors", "[extracts]") {
  Fixture f;
  SECTION("--a5: two extracts per A4 landscape sheet") {
    BuildOptions o = f.bo;
    o.a5 = true;
    f.build(o);
    std::string info = run_command("pdfinfo " + (f.week() / "5a.pdf").string());
    CHECK(info.find("Page size:       841.89 x 595.276 pts (A4)") != std::string::npos);
    std::string text = run_command("pdftotext -layout " + (f.week() / "5a.pdf").string() + " -");
    CHECK(text.find("Ёлкин Артём") != std::string::npos);
    std::smatch m;
    REQUIRE(std::regex_search(info, m, std::regex("Pages: +([0-9]+)")));
    CHECK(std::stoi(m[1]) == 2);  // 3 extracts and the list: four halves
  }
  SECTION("--all, --class, --student") {
    BuildOptions o = f.bo;
    f.build(o);
    std::string before = slurp(f.week() / "5a.pdf");
    o.students = {"s6"};
    std::string said = f.build(o);
    CHECK(said.find("1 extracts in 1 PDFs") != std::string::npos);
    CHECK(fs::exists(f.week() / "5a~s6.pdf"));
    CHECK(slurp(f.week() / "5a.pdf") == before);  // the class file is not touched
    CHECK(fs::exists(f.week() / "1a.pdf"));
    o.students.clear();
    o.all = true;
    o.classes = {"5a"};
    f.build(o);
    std::string all = run_command("pdftotext -layout " + (f.week() / "5a.pdf").string() + " -");
    CHECK(all.find("Римская-Корсакова Алёна") != std::string::npos);  // no paper guardian
    CHECK(fs::exists(f.week() / "1a.pdf"));                           // another class: kept
  }
  SECTION("--from/--to") {
    BuildOptions o = f.bo;
    o.from = "2023-11-07";
    o.to = "2023-11-08";
    f.build(o);
    std::string text =
        run_command("pdftotext -layout " +
                    (f.dir / "out/extracts/2023-11-07_2023-11-08/5a.pdf").string() + " -");
    CHECK(text.find("за 7–8 ноября 2023") != std::string::npos);
    CHECK(text.find("Вычитание дробей") == std::string::npos);  // 9 November is outside
  }
  SECTION("errors name the option") {
    BuildOptions o = f.bo;
    std::ostringstream out;
    o.week = "2023-45";
    CHECK_THROWS_WITH(run_build(o, out),
                      "--week: expected an ISO week such as 2024-W12, got \"2023-45\"");
    o.week.clear();
    o.from = "2023-11-07";
    CHECK_THROWS_WITH(run_build(o, out), "a date range needs both --from and --to (YYYY-MM-DD)");
    o.to = "2023-11-01";
    CHECK_THROWS_WITH(run_build(o, out), "--to 2023-11-01 is before --from 2023-11-07");
    o.from.clear(), o.to.clear();
    o.classes = {"9z"};
    CHECK_THROWS_WITH(run_build(o, out), "--class: there is no class \"9z\" in s1 2023/2024");
    o.classes.clear();
    o.students = {"nobody"};
    CHECK_THROWS_WITH(run_build(o, out),
                      "--student: there is no student \"nobody\" in s1 2023/2024");
    BuildOptions site = f.bo;
    site.extracts = false;
    site.site = true;
    site.a5 = true;
    CHECK_THROWS_WITH(run_build(site, out), Catch::Contains("choose extracts: add --extracts"));
  }
}

TEST_CASE("extracts: the default period is the last complete school week", "[extracts]") {
  ExtractOptions o;
  auto week_for = [&](const char* today) { return extract_period(o, *parse_date(today)).folder; };
  CHECK(week_for("2023-11-15") == "2023-W45");  // Wednesday: the week before
  CHECK(week_for("2023-11-18") == "2023-W45");  // Saturday can be a school day
  CHECK(week_for("2023-11-19") == "2023-W46");  // Sunday: the week just ended
  CHECK(week_for("2023-11-20") == "2023-W46");
  auto p = extract_period(o, *parse_date("2023-11-15"));
  CHECK(format_date(p.from) == "2023-11-06");
  CHECK(format_date(p.to) == "2023-11-12");
}

TEST_CASE("extracts: a finished week is rendered once and kept while its data is unchanged",
          "[extracts]") {
  Fixture f;
  BuildOptions o = f.bo;
  o.week = "2023-W45";
  std::string said = f.build(o);
  CHECK(said.find("(0 not rendered: inputs unchanged)") != std::string::npos);
  std::string a5 = slurp(f.week() / "5a.pdf"), a1 = slurp(f.week() / "1a.pdf");
  // The same day again, nothing new: up to date, the journal not even read.
  said = f.build(o);
  CHECK_THAT(said, Catch::Contains("extracts: up to date (same journal, date, period, options "
                                   "and templates as the last build, and every file on disk as "
                                   "published): 0 written, 2 unchanged, 0 deleted"));
  // Other options are another fingerprint; a file deleted by hand is put back.
  o.a5 = true;
  CHECK_THAT(f.build(o), !Catch::Contains("extracts: up to date"));
  o.a5 = false;
  CHECK_THAT(f.build(o), !Catch::Contains("extracts: up to date"));
  fs::remove(f.week() / "1a.pdf");
  said = f.build(o);
  CHECK_THAT(said, !Catch::Contains("extracts: up to date") && Catch::Contains("1 written"));
  CHECK(slurp(f.week() / "1a.pdf") == a1);
  CHECK(slurp(f.week() / "5a.pdf") == a5);
  // Next week's build of the finished week: nothing rendered, nothing written, the same bytes
  // (dated by the week's end, not the build's day).
  o.today = "2023-11-22";
  said = f.build(o);
  CHECK(said.find("(2 not rendered: inputs unchanged)") != std::string::npos);
  CHECK(said.find("0 written, 2 unchanged") != std::string::npos);
  CHECK(slurp(f.week() / "5a.pdf") == a5);
  // A mark added in that week to a 5А lesson: 5А's file is rendered again, 1А's kept.
  fs::create_directories(f.dir / "more");
  std::ofstream(f.dir / "more/mark.json") << R"({"format": "journalpress/1", "marks": [
      {"id": "late-entry", "student": "s1", "lesson": "w2", "value": "3", "work_type": "answer"}]})";
  ImportOptions io;
  io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/corpus/base",
               std::string(JP_SOURCE_DIR) + "/tests/golden/002_extracts/in",
               (f.dir / "more").string()};
  io.db = o.db;
  std::ostringstream out, err;
  REQUIRE(run_import(io, out, err) == 0);
  said = f.build(o);
  CHECK(said.find("(1 not rendered: inputs unchanged)") != std::string::npos);
  CHECK(slurp(f.week() / "5a.pdf") != a5);
  CHECK(slurp(f.week() / "1a.pdf") == a1);
  // A PDF dated by its period: the week's Sunday, whatever day it was built.
  CHECK(run_command("pdfinfo " + (f.week() / "5a.pdf").string()).find("Sun Nov 12 00:00:00 2023") !=
        std::string::npos);
}
