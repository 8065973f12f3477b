#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "build.h"
#include "helpers.h"
#include "import.h"
#include "secrets.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

TEST_CASE(
    "archive: the summary sheets show every student and mark where they belong; pages are "
    "certified",
    "[archive]") {
  auto dir = temp_path("archive");
  fs::create_directories(dir / "in");
  // Final marks for 5А's first quarter on top of the corpus base.
  std::ofstream(dir / "in/finals.json") << R"({"format": "journalpress/1",
    "final_marks": [{"student": "s1", "subject": "eng", "period": "q1", "value": "4"},
                    {"student": "s2", "subject": "math", "period": "q1", "value": "2"},
                    {"student": "s2", "subject": "eng", "period": "q1", "value": "3"}]})";
  ImportOptions io;
  io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/corpus/base", (dir / "in").string()};
  io.db = (dir / "j.db").string();
  std::ostringstream out, err;
  REQUIRE(run_import(io, out, err) == 0);
  BuildOptions bo;
  bo.db = io.db;
  bo.out = (dir / "out").string();
  bo.archive = true;
  bo.today = "2024-05-30";
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string());
  bo.sign_key = (dir / "k.pem").string();
  bo.sign_cert = (dir / "c.pem").string();
  REQUIRE(run_build(bo, out) == 0);
  fs::path pdf = dir / "out/archive/2023-2024/5a-summary.pdf";
  REQUIRE(fs::exists(pdf));
  CHECK_FALSE(fs::exists(dir / "out/archive/2023-2024/1a-summary.pdf"));  // grade 1 is not marked
  CHECK(std::system(("qpdf --check " + pdf.string() + " > /dev/null").c_str()) == 0);
  REQUIRE(std::system(("pdftotext -layout " + pdf.string() + " " + (dir / "t.txt").string() +
                       " 2>/dev/null")
                          .c_str()) == 0);
  REQUIRE(
      std::system(("pdfinfo " + pdf.string() + " > " + (dir / "info.txt").string() + " 2>/dev/null")
                      .c_str()) == 0);
  std::string text = slurp(dir / "t.txt"), info = slurp(dir / "info.txt");
  // The first quarter's sheet: row 1 Римская-Корсакова (2 in math, 3 in English), row 2 Соловьёв
  // (5, 4).
  std::smatch m;
  REQUIRE(
      std::regex_search(text, m, std::regex("1 +Римская-Корсакова Алёна +2 +3 +0 +0 +1 +1 +2,50")));
  REQUIRE(std::regex_search(text, m, std::regex("2 +Соловьёв Пётр Ильич +5 +4 +1 +1 +0 +0 +4,50")));
  CHECK(text.find("Сводная ведомость итоговой успеваемости — 1 четверть") != std::string::npos);
  CHECK(text.find("Качество, %") != std::string::npos);
  CHECK(text.find("хорошисты: 1; с одной «3»: 0; неуспевающие: 1") != std::string::npos);
  CHECK(text.find("Директор _______________ / Ковалёва А. С.") != std::string::npos);
  CHECK(text.find("М.П.") != std::string::npos);
  // The certification sheet agrees with the page count (two pages a sheet, duplex).
  REQUIRE(std::regex_search(info, m, std::regex("Pages: +([0-9]+)")));
  int pages = std::stoi(m[1]);
  int sheets = (pages + 1) / 2;
  REQUIRE(std::regex_search(
      text, m, std::regex("скреплено печатью ([0-9]+) \\(([^)]+)\\) (лист|листа|листов)")));
  CHECK(std::stoi(m[1]) == sheets);
  CHECK(text.find("стр. " + std::to_string(pages)) != std::string::npos);
  CHECK(std::regex_search(
      info,
      std::regex(
          "Title: +Сводная ведомость итоговой успеваемости\\. Класс 5А, 2023/2024 учебный год")));
  CHECK(std::regex_search(info, std::regex("CreationDate: +Thu May 30 00:00:00 2024")));
  fs::remove_all(dir);
}
