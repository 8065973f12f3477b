#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <fstream>
#include <regex>
#include <sstream>

#include "app/build.h"
#include "app/import.h"
#include "archive/demo_cert.h"
#include "archive/verify.h"
#include "helpers.h"

using namespace jp;
using jp::test::run_command;
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
  fs::path pdf = dir / "out/archive/2023-2024/5a~summary.pdf";
  REQUIRE(fs::exists(pdf));
  CHECK_FALSE(fs::exists(dir / "out/archive/2023-2024/1a~summary.pdf"));  // grade 1 is not marked
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
  // Dated by its data, not the build's 30 May: the final marks have no entry time, so the
  // end of their period, the first quarter (docs/archive.md, "Dates").
  CHECK(std::regex_search(info, std::regex("CreationDate: +Fri Oct 27 00:00:00 2023")));
  CHECK(text.find("27 октября 2023") != std::string::npos);
  fs::remove_all(dir);
}

namespace {

std::string no_space(const std::string& s) {
  std::string r;
  for (char c : s)
    if (c != ' ' && c != '\n' && c != '\f') r += c;
  return r;
}

/// The corpus base plus a student with a 44-character surname who arrives in October, a
/// lesson with a 300-character topic taught by a substitute, a mark and an absence.
struct ArchiveFixture {
  fs::path dir;
  std::string topic;
  BuildOptions bo;
  ArchiveFixture() {
    dir = temp_path("archive-journal");
    fs::create_directories(dir / "in");
    for (int i = 1; topic.size() < 300; ++i)
      topic += (topic.empty() ? "" : " ") + std::string("раздел-") + std::to_string(i);
    std::ofstream(dir / "in/extra.json") << R"({"format": "journalpress/1",
      "students": [{"id": "s5", "last_name": "Константинопольская-Великорецкая-Новодевичья",
        "first_name": "Ангелина", "enrollments": [{"class": "5a", "from": "2023-10-02",
        "groups": ["5a-en1"], "reason_in": "прибыла из школы № 7"}]}],
      "lessons": [{"id": "l7", "class": "5a", "subject": "math", "teacher": "t1", "substitute": "t2",
        "date": "2023-10-02", "number": 2, "topic": ")" +
                                                topic + R"(",
        "homework": "**Упр. 15**, с. 40"}],
      "marks": [{"id": "m4", "student": "s5", "lesson": "l7", "value": "4"}],
      "attendance": [{"student": "s1", "lesson": "l7", "status": "absent"}]})";
    ImportOptions io;
    io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/corpus/base", (dir / "in").string()};
    io.db = (dir / "j.db").string();
    std::ostringstream out, err;
    if (run_import(io, out, err) != 0) throw std::runtime_error(err.str());
    write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string());
    bo.db = io.db;
    bo.out = (dir / "out").string();
    bo.archive = true;
    bo.today = "2024-05-30";
    bo.sign_key = (dir / "k.pem").string();
    bo.sign_cert = (dir / "c.pem").string();
    if (run_build(bo, out) != 0) throw std::runtime_error(out.str());
  }
  ~ArchiveFixture() { fs::remove_all(dir); }
  fs::path year() const { return dir / "out/archive/2023-2024"; }
};

}  // namespace

TEST_CASE("archive: the class journal has every student, mark, code, topic and change",
          "[archive]") {
  ArchiveFixture f;
  fs::path pdf = f.year() / "5a~journal.pdf";
  REQUIRE(fs::exists(pdf));
  CHECK(run_command("qpdf --check " + pdf.string()).rfind("0\n", 0) == 0);
  std::string sig = run_command("pdfsig " + pdf.string());
  CHECK(sig.find("Signature is Valid.") != std::string::npos);
  CHECK(sig.find("Total document signed") != std::string::npos);
  std::string layout = run_command("pdftotext -layout " + pdf.string() + " -");
  std::string raw = run_command("pdftotext " + pdf.string() + " -");
  std::smatch m;
  // Class list: arrivals and departures, dated, with reasons.
  CHECK(std::regex_search(layout,
                          std::regex("Римская-Корсакова Алёна +29\\.12\\.2023, перевод в 5Б")));
  CHECK(no_space(raw).find("02.10.2023,прибылаизшколы№7") != std::string::npos);
  // The 44-character surname is never cut: all of it is there, only wrapped.
  CHECK(no_space(raw).find("Константинопольская-Великорецкая-Новодевичья") != std::string::npos);
  // The maths grid: held lessons only (the cancelled one of 05.09 is not a column);
  // Соловьёв has 5 on 04.09 and Н on 02.10, Римская-Корсакова Б (illness) on 04.09.
  CHECK(std::regex_search(layout, std::regex("04\\.09 +02\\.10\\n")));
  CHECK(std::regex_search(layout, std::regex("Римская-Корсакова Алёна +Б\\n")));
  CHECK(std::regex_search(layout, std::regex("Соловьёв Пётр Ильич +5 +Н\\n")));
  // The long surname's row holds her mark under 02.10 and a dash before she arrived.
  CHECK(std::regex_search(layout, std::regex("Константинопольская-[^\\n]*— +4\\n")));
  // English, group 1: Соловьёв was late (ОП).
  CHECK(layout.find("Английский язык (1 группа): отметки и посещаемость") != std::string::npos);
  CHECK(std::regex_search(layout, std::regex("Соловьёв Пётр Ильич +ОП\\n")));
  // Lessons: the 300-character topic whole, the substitution and the cancellation marked,
  // homework without its markdown.
  for (size_t p = 0, q; p < f.topic.size(); p = q + 1) {
    q = f.topic.find(' ', p);
    if (q == std::string::npos) q = f.topic.size();
    std::string word = f.topic.substr(p, q - p);
    CHECK(std::regex_search(raw, std::regex("(^|\\s)" + word + "(\\s|$)")));
  }
  CHECK(no_space(raw).find(no_space("Ким О. И. (замена; вместо Фёдорова И. П.)")) !=
        std::string::npos);
  CHECK(layout.find("Урок отменён") != std::string::npos);
  CHECK(layout.find("Упр. 15, с. 40") != std::string::npos);
  CHECK(layout.find("**") == std::string::npos);
  // Period marks, attendance summary, the change log.
  CHECK(layout.find("Математика: отметки за периоды, год, экзамен и итоговые") !=
        std::string::npos);
  CHECK(std::regex_search(layout, std::regex("Соловьёв Пётр Ильич +5\\n")));
  CHECK(std::regex_search(layout, std::regex("Соловьёв Пётр Ильич( +[0-9]+){3}")));
  CHECK(std::regex_search(layout, std::regex("05\\.09\\.2023 09:00 +Фёдорова И\\. П\\. +Соловьёв "
                                             "Пётр Ильич +Математика +04\\.09\\.2023 +4 +5")));
  // Nothing is drawn off the page.
  std::string boxes = run_command("pdftotext -bbox " + pdf.string() + " -");
  std::regex page("<page width=\"([0-9.]+)\" height=\"([0-9.]+)\">"),
      word(
          "<word xMin=\"([0-9.-]+)\" yMin=\"([0-9.-]+)\" xMax=\"([0-9.-]+)\" yMax=\"([0-9.-]+)\">");
  double w = 0, h = 0;
  int words = 0, outside = 0;
  std::regex tags("<page[^>]*>|<word[^>]*>");
  for (auto it = std::sregex_iterator(boxes.begin(), boxes.end(), tags);
       it != std::sregex_iterator(); ++it) {
    std::string tag = it->str();
    std::smatch t;
    if (std::regex_match(tag, t, page)) {
      w = std::stod(t[1]), h = std::stod(t[2]);
    } else if (std::regex_match(tag, t, word)) {
      ++words;
      if (std::stod(t[1]) < 0 || std::stod(t[2]) < 0 || std::stod(t[3]) > w || std::stod(t[4]) > h)
        ++outside;
    }
  }
  CHECK(words > 500);
  CHECK(outside == 0);
  // Bookmarks per section.
  std::string outlines = run_command("qpdf --json=2 --json-key=outlines " + pdf.string());
  for (const char* b : {"Титульный лист", "Список класса", "Математика", "Темы уроков",
                        "Посещаемость", "Журнал изменений отметок", "Заверительный лист"})
    CHECK(outlines.find(std::string("\"title\": \"") + b) != std::string::npos);
  // The certification sheet agrees with the page count; the stamp names the signer.
  std::string info = run_command("pdfinfo " + pdf.string());
  REQUIRE(std::regex_search(info, m, std::regex("Pages: +([0-9]+)")));
  int sheets = (std::stoi(m[1]) + 1) / 2;
  REQUIRE(std::regex_search(layout, m, std::regex("скреплено печатью ([0-9]+) \\(")));
  CHECK(std::stoi(m[1]) == sheets);
  CHECK(layout.find("ДОКУМЕНТ ПОДПИСАН ЭЛЕКТРОННОЙ ПОДПИСЬЮ") != std::string::npos);
  CHECK(layout.find("Владелец: Демонстрационная подпись журнала") != std::string::npos);
  CHECK(std::regex_search(
      info, std::regex("Title: +Классный журнал\\. Класс 5А, 2023/2024 учебный год")));

  // The other classes' marks in their own journals: Белых's 4 in 10А; Римская-Корсакова's 3
  // in 5Б after her transfer, with her arrival dated.
  std::string tenth =
      run_command("pdftotext -layout " + (f.year() / "10a~journal.pdf").string() + " -");
  CHECK(std::regex_search(tenth, std::regex("Белых Семён +4\n")));
  std::string fifth_b =
      run_command("pdftotext -layout " + (f.year() / "5b~journal.pdf").string() + " -");
  CHECK(std::regex_search(fifth_b, std::regex("Римская-Корсакова Алёна +3\n")));
  CHECK(std::regex_search(fifth_b,
                          std::regex("Римская-Корсакова Алёна +09\\.01\\.2024, перевод из 5А")));

  // Grade 1: attendance and topics only.
  std::string first =
      run_command("pdftotext -layout " + (f.year() / "1a~journal.pdf").string() + " -");
  CHECK(first.find("Математика: посещаемость (лист 1 из 1)") != std::string::npos);
  CHECK(first.find("Домашнее задание") == std::string::npos);
  CHECK(first.find("Счёт до десяти") != std::string::npos);
}

TEST_CASE("archive: school summary, Excel copies, manifest; verify catches one changed byte",
          "[archive]") {
  ArchiveFixture f;
  std::string school =
      run_command("pdftotext -layout " + (f.year() / "school-summary.pdf").string() + " -");
  CHECK(school.find("Сводная ведомость итоговой успеваемости по школе — 1 четверть") !=
        std::string::npos);
  CHECK(std::regex_search(school, std::regex("5А +3 +1 +0 +0 +0 +1 +0 +0 +0 +100 +100 +5,00")));
  CHECK(std::regex_search(school, std::regex("Итого по школе +[0-9]+")));
  // Excel copies: real workbooks with the students and the marks as numbers.
  std::string shared =
      run_command("unzip -p " + (f.year() / "5a~summary.xlsx").string() + " xl/sharedStrings.xml");
  CHECK(shared.find("Соловьёв Пётр Ильич") != std::string::npos);
  std::string sheet1 = run_command("unzip -p " + (f.year() / "5a~summary.xlsx").string() +
                                   " xl/worksheets/sheet1.xml");
  CHECK(sheet1.find("<v>5</v>") != std::string::npos);
  std::string wb =
      run_command("unzip -p " + (f.year() / "school-summary.xlsx").string() + " xl/workbook.xml");
  CHECK(wb.find("name=\"1 четверть\"") != std::string::npos);

  // The manifest lists every file; the folder verifies.
  std::string manifest = slurp(f.year() / "MANIFEST.sha256");
  size_t files = 0;
  for (const auto& e : fs::directory_iterator(f.year())) {
    std::string name = e.path().filename().string();
    if (name.rfind("MANIFEST", 0) == 0) continue;
    ++files;
    CHECK(manifest.find("  " + name + "\n") != std::string::npos);
  }
  CHECK(std::count(manifest.begin(), manifest.end(), '\n') == long(files));
  CHECK(check_archive_folder(f.year(), "").problems.empty());
  CHECK(check_archive_folder(f.year(), slurp(f.dir / "c.pem")).problems.empty());

  // A rebuild keeps the signed documents byte for byte (nothing to sign again).
  {
    std::ostringstream out;
    REQUIRE(run_build(f.bo, out) == 0);
    CHECK(out.str().find(" 0 written, ") != std::string::npos);
  }

  SECTION("one byte inside a signed PDF") {
    fs::path p = f.year() / "5a~journal.pdf";
    std::string bytes = slurp(p);
    size_t at = bytes.find("Haru");
    bytes[at] = 'h';
    std::ofstream(p, std::ios::binary) << bytes;
    auto c = check_archive_folder(f.year(), "");
    REQUIRE(c.problems.size() == 2);
    CHECK(c.problems[0] == "5a~journal.pdf: changed (its SHA-256 differs from MANIFEST.sha256)");
    CHECK(c.problems[1] ==
          "5a~journal.pdf: embedded signature: the signature does not match the contents: "
          "changed after signing");
  }
  SECTION("one byte of the manifest") {
    fs::path p = f.year() / "MANIFEST.sha256";
    std::string bytes = slurp(p);
    bytes[3] = bytes[3] == 'a' ? 'b' : 'a';
    std::ofstream(p, std::ios::binary) << bytes;
    auto c = check_archive_folder(f.year(), "");
    REQUIRE(c.problems.size() == 2);
    CHECK(c.problems[0] ==
          "MANIFEST.sha256: the signature does not match the contents: changed after signing");
    CHECK(c.problems[1].find(": changed (its SHA-256 differs from MANIFEST.sha256)") !=
          std::string::npos);
  }
}

namespace {

std::map<std::string, std::string> folder_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) files[e.path().filename()] = slurp(e.path());
  return files;
}

}  // namespace

TEST_CASE("archive: documents carry their data's date, so a later day keeps them as signed",
          "[archive]") {
  auto dir = temp_path("archive-dates");
  fs::create_directories(dir / "in");
  auto finals = [&](const std::string& more) {
    std::ofstream(dir / "in/finals.json") << R"({"format": "journalpress/1",
      "final_marks": [{"student": "s1", "subject": "eng", "period": "q1", "value": "4"},
                      {"student": "s4", "subject": "eng", "period": "h1", "value": "5",
                       "created_at": "2023-12-25T10:00:00+03:00"})"
                                          << more << "]}";
  };
  finals("");
  ImportOptions io;
  io.inputs = {std::string(JP_SOURCE_DIR) + "/tests/corpus/base", (dir / "in").string()};
  io.db = (dir / "j.db").string();
  std::ostringstream out, err;
  REQUIRE(run_import(io, out, err) == 0);
  write_demo_signer((dir / "k.pem").string(), (dir / "c.pem").string());
  auto build = [&](const std::string& today) {
    BuildOptions bo;
    bo.db = io.db, bo.out = (dir / "out").string(), bo.archive = true, bo.today = today;
    bo.allow_any_date = true;
    bo.sign_key = (dir / "k.pem").string(), bo.sign_cert = (dir / "c.pem").string();
    std::ostringstream said;
    REQUIRE(run_build(bo, said) == 0);
    return said.str();
  };
  const fs::path year = dir / "out/archive/2023-2024";
  build("2024-05-20");
  auto first = folder_files(year);
  REQUIRE(first.count("10a~summary.pdf"));

  // The next day, nothing new: the folder is up to date, not one byte changes.
  std::string said = build("2024-05-21");
  CHECK(said.find("archive: up to date") != std::string::npos);
  CHECK(folder_files(year) == first);

  // After the year's end the class journals say «Окончен» and are signed again; the
  // summary sheets certify the same final marks with the same dates: kept as signed.
  said = build("2024-07-02");
  CHECK(said.find("archive: up to date") == std::string::npos);
  auto after = folder_files(year);
  for (const char* kept : {"5a~summary.pdf", "5a~summary.xlsx", "10a~summary.pdf",
                           "5b~summary.pdf", "school-summary.pdf", "school-summary.xlsx"})
    CHECK(after.at(kept) == first.at(kept));
  for (const char* changed : {"5a~journal.pdf", "10a~journal.pdf", "1a~journal.pdf"})
    CHECK(after.at(changed) != first.at(changed));
  // The same day again: nothing to do.
  CHECK(build("2024-07-02").find("archive: up to date") != std::string::npos);

  // One more final mark in 10А: its summary and the school's are signed again, 5А's kept.
  finals(R"(, {"student": "s4", "subject": "pe", "period": "h1", "value": "4",
              "created_at": "2024-01-15T09:00:00+03:00"})");
  REQUIRE(run_import(io, out, err) == 0);
  said = build("2024-07-02");
  auto later = folder_files(year);
  CHECK(later.at("10a~summary.pdf") != after.at("10a~summary.pdf"));
  CHECK(later.at("school-summary.pdf") != after.at("school-summary.pdf"));
  CHECK(later.at("5a~summary.pdf") == after.at("5a~summary.pdf"));
  CHECK(later.at("5a~journal.pdf") == after.at("5a~journal.pdf"));
  // 10А's sheet is dated by the new mark's entry, 15 January 2024.
  fs::path info = dir / "info.txt";
  REQUIRE(std::system(("pdfinfo " + (year / "10a~summary.pdf").string() + " > " + info.string() +
                       " 2>/dev/null")
                          .c_str()) == 0);
  CHECK(std::regex_search(slurp(info), std::regex("CreationDate: +Mon Jan 15 00:00:00 2024")));

  // A kept document that rotted on disk with its size, mtime and inode unchanged (the stat
  // check cannot see it): the manifest signed again for another change still lists the
  // SHA-256 it was published with, so `verify` finds the damage.
  const fs::path rotted = year / "5a~summary.pdf";
  const auto mtime = fs::last_write_time(rotted);
  {
    std::fstream f(rotted, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(100);
    f.put('\x7f');
  }
  fs::last_write_time(rotted, mtime);
  finals(R"(, {"student": "s4", "subject": "pe", "period": "h1", "value": "4",
              "created_at": "2024-01-15T09:00:00+03:00"},
             {"student": "s4", "subject": "math", "period": "final", "value": "5",
              "created_at": "2024-05-16T09:00:00+03:00"})");
  err.str("");
  const int imported = run_import(io, out, err);
  INFO(err.str());
  REQUIRE(imported == 0);
  said = build("2024-07-02");
  CHECK(folder_files(year).at("10a~summary.pdf") != later.at("10a~summary.pdf"));
  auto c = check_archive_folder(year, "");
  bool found = false;
  for (const auto& problem : c.problems)
    found |= problem == "5a~summary.pdf: changed (its SHA-256 differs from MANIFEST.sha256)";
  CHECK(found);
  fs::remove_all(dir);
}
