#include "app/extracts.h"

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

TEST_CASE(
    "letters: a notice per electronic guardian whose QR code is their address; revoke "
    "reissues it",
    "[letters]") {
  auto dir = temp_path("letters");
  fs::create_directories(dir);
  ImportOptions io;
  io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/corpus/base"};
  io.db = (dir / "j.db").string();
  std::ostringstream out, err;
  REQUIRE(run_import(io, out, err) == 0);
  write_site_key((dir / "site.key").string(), false);
  BuildOptions o;
  o.db = io.db;
  o.out = (dir / "out").string();
  o.site_key = (dir / "site.key").string();
  o.site = o.letters = true;
  o.base_url = "https://school5.example.ru/diary";
  o.today = "2023-11-15";
  REQUIRE(run_build(o, out) == 0);
  auto url_of = [&](const std::string& guardian) {
    std::istringstream csv(slurp(dir / "out/private/access.csv"));
    for (std::string line; std::getline(csv, line);)
      if (line.rfind(guardian + ",", 0) == 0)
        return std::regex_replace(line, std::regex(".*,(https://[^,]*),.*"), "$1");
    return std::string();
  };
  auto qr_of = [&](const std::string& pdf) {
    run_command("pdftoppm -r 150 -png -f 1 -l 1 " + pdf + " " + (dir / "page").string());
    fs::path png;
    for (const auto& e : fs::directory_iterator(dir))
      if (e.path().extension() == ".png") png = e.path();
    std::string code = run_command("zbarimg --raw -q " + png.string());
    fs::remove(png);
    return code.substr(2, code.find('\n', 2) - 2);
  };
  std::string url = url_of("g1");
  REQUIRE(url.rfind("https://school5.example.ru/diary/f/", 0) == 0);
  fs::path letter = dir / "out/letters/5a.pdf";  // g1's child is in 5А
  REQUIRE(fs::exists(letter));
  CHECK(qr_of(letter.string()) == url);
  std::string text = run_command("pdftotext -layout " + letter.string() + " -");
  CHECK(text.find("Уважаемый(ая) Соловьёва Анна!") != std::string::npos);
  CHECK(text.find("Соловьёв Пётр Ильич (5А класс)") != std::string::npos);
  CHECK(text.find(url) != std::string::npos);
  std::string flat = std::regex_replace(text, std::regex("\\s+"), " ");
  CHECK(flat.find("письменно уведомите директора школы (п. 3.15, Приложение 1)") !=
        std::string::npos);
  CHECK(flat.find("не передавайте его другим лицам") != std::string::npos);
  CHECK(text.find("Директор _______________ / Ковалёва А. С.") != std::string::npos);
  CHECK(text.find("взамен отозванного") == std::string::npos);
  // Paper guardians get no notice (Ким Вера takes the paper delivery).
  CHECK_FALSE(fs::exists(dir / "out/letters/1a.pdf"));

  RevokeOptions r;
  r.guardian = "g1";
  r.db = io.db;
  REQUIRE(run_revoke(r, out) == 0);
  REQUIRE(run_build(o, out) == 0);
  std::string new_url = url_of("g1");
  CHECK(new_url != url);
  CHECK(qr_of(letter.string()) == new_url);
  text = run_command("pdftotext -layout " + letter.string() + " -");
  CHECK(text.find("Адрес выдан взамен отозванного; прежний адрес больше не действует.") !=
        std::string::npos);
  CHECK(text.find(url) == std::string::npos);

  // Letters without an address to print are refused.
  o.base_url.clear();
  CHECK_THROWS_WITH(run_build(o, out), Catch::StartsWith("--letters needs --base-url URL"));
  fs::remove_all(dir);
}
