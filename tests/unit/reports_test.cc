#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "app/build.h"
#include "audit_fixture.h"
#include "core/keys.h"
#include "helpers.h"
#include "reports/render_html.h"
#include "reports/tables.h"

using namespace jp;
using jp::test::run_command;
using jp::test::slurp;
namespace fs = std::filesystem;

namespace {

/// A page as plain text: what the golden file holds.
std::string dump(const ReportPage& p) {
  std::string s = "== " + p.file + "\n# " + p.title + "\n";
  for (const auto& a : p.about) s += a + "\n";
  for (const auto& l : p.links) s += "-> " + l.text + " (" + l.href + ")\n";
  auto table = [&](const ReportTable& t) {
    s += "### " + t.caption + " [" + t.sheet + "]\n";
    std::string head;
    for (const auto& h : t.head) head += (head.empty() ? "" : " | ") + h;
    s += head + "\n";
    for (size_t r = 0; r < t.rows.size(); ++r) {
      std::string row = t.flagged[r] ? "! " : "  ";
      for (size_t c = 0; c < t.rows[r].size(); ++c)
        row += (c ? " | " : "") + t.rows[r][c].text +
               (t.rows[r][c].href.empty() ? "" : " <" + t.rows[r][c].href + ">");
      s += row + "\n";
    }
  };
  for (const auto& sec : p.sections) {
    s += "## " + sec.title + " (#" + sec.id + ")" +
         (sec.problems >= 0 ? " [" + std::to_string(sec.problems) + "]" : "") + "\n";
    if (!sec.clause.empty()) s += sec.clause + "\n";
    if (!sec.has_rows()) s += sec.empty + "\n";
    for (const auto& t : sec.tables)
      if (!t.rows.empty()) table(t);
  }
  return s + "\n";
}

std::string mode(const fs::path& p) {
  struct stat st {};
  if (::lstat(p.c_str(), &st) != 0) return "missing";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%o", unsigned(st.st_mode & 0777));
  return buf;
}

}  // namespace

TEST_CASE("reports golden: the fixture's pages and workbook as text", "[reports]") {
  jp::test::AuditFixture f;
  SchoolAudit a = f.audit();
  Day today = *parse_date("2024-01-10");
  std::string text = dump(index_page(f.journal, a, today));
  for (const auto& c : a.classes) text += dump(class_page(f.journal, a, c, today));
  for (const auto& t : a.teachers) text += dump(teacher_page(f.journal, a, t, today));
  ReportPage book;
  book.file = "reports.xlsx";
  book.title = "workbook";
  ReportSection all;
  all.id = "sheets";
  all.title = "sheets";
  all.tables = workbook_tables(f.journal, a);
  book.sections.push_back(all);
  text += dump(book);
  fs::path expected = fs::path(JP_SOURCE_DIR) / "tests/golden/003_reports/expected.txt";
  if (std::getenv("JP_UPDATE")) std::ofstream(expected, std::ios::binary) << text;
  CHECK(text == slurp(expected));
}

TEST_CASE("reports: escaped HTML, one file each, no outside resources", "[reports]") {
  jp::test::AuditFixture f;
  Journal& j = f.journal;
  j.teachers[0].person.last_name = "<script>alert(1)</script>";
  SchoolAudit a = f.audit();
  Day today = *parse_date("2024-01-10");
  for (const auto& c : a.classes) {
    std::string html = render_report_html(j, class_page(j, a, c, today));
    CHECK(html.find("<script>") == std::string::npos);
    CHECK(html.find("http://") == std::string::npos);
    CHECK(html.find("https://") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);  // the stylesheet is inside
    CHECK(html.find("<style>") != std::string::npos);
    CHECK(html.find("@media print") != std::string::npos);
  }
}

TEST_CASE("reports: build --reports writes owner-only reports/ that the site never names",
          "[reports]") {
  jp::test::AuditFixture f;
  write_site_key((f.dir / "site.key").string(), false);
  BuildOptions o;
  o.db = f.db;
  o.out = (f.dir / "out").string();
  o.site_key = (f.dir / "site.key").string();
  o.site = o.reports = true;
  o.period = "q2";
  o.today = "2024-01-10";
  std::ostringstream out;
  REQUIRE(run_build(o, out) == 0);
  CHECK(out.str().find("reports: 6 pages (3 classes, 2 teachers with problems), 3 class PDFs") !=
        std::string::npos);
  fs::path dir = f.dir / "out/reports";
  CHECK(mode(dir) == "700");
  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    files.push_back(e.path().filename().string());
    CHECK(mode(e.path()) == "600");
  }
  std::sort(files.begin(), files.end());
  CHECK(files == std::vector<std::string>{"class-1a.html", "class-1a.pdf", "class-5a.html",
                                          "class-5a.pdf", "class-5b.html", "class-5b.pdf",
                                          "index.html", "reports.xlsx", "teacher-t1.html",
                                          "teacher-t2.html"});
  // Nothing of site/ names or links the reports.
  for (const auto& e : fs::recursive_directory_iterator(f.dir / "out/site")) {
    if (!e.is_regular_file()) continue;
    std::string body = slurp(e.path());
    CHECK(body.find("reports") == std::string::npos);
    CHECK(body.find("class-5a") == std::string::npos);
    CHECK(body.find("teacher-") == std::string::npos);
  }
  // The PDF: valid, the class and the signature lines; the workbook: a sheet per table.
  fs::path pdf = dir / "class-5a.pdf";
  CHECK(run_command("qpdf --check " + pdf.string()).rfind("0\n", 0) == 0);
  std::string text = run_command("pdftotext -layout " + pdf.string() + " -");
  CHECK(text.find("Отчёт о ведении журнала: 5А класс") != std::string::npos);
  CHECK(text.find("Ёлкина Алёна") != std::string::npos);
  CHECK(text.find("Заместитель директора по УВР") != std::string::npos);
  std::string sheets = run_command("unzip -l " + (dir / "reports.xlsx").string());
  CHECK(sheets.find("xl/worksheets/sheet14.xml") != std::string::npos);
  CHECK(sheets.find("xl/worksheets/sheet15.xml") == std::string::npos);
  std::string wb = run_command("unzip -p " + (dir / "reports.xlsx").string() + " xl/workbook.xml");
  CHECK(wb.find("1 Накопляемость") != std::string::npos);
  CHECK(wb.find("_xlnm._FilterDatabase") != std::string::npos);  // autofilters

  // Loosened by hand: tightened again; a second run with the same journal, day and options
  // renders nothing (the reports are up to date) and writes nothing.
  fs::permissions(dir, fs::perms::all, fs::perm_options::replace);
  fs::permissions(dir / "index.html", fs::perms::all, fs::perm_options::replace);
  std::ostringstream again;
  REQUIRE(run_build(o, again) == 0);
  CHECK(again.str().find("reports: up to date") != std::string::npos);
  CHECK(again.str().find("0 written, 10 unchanged, 0 deleted") != std::string::npos);
  CHECK(mode(dir) == "700");
  CHECK(mode(dir / "index.html") == "600");

  // Another period replaces the files: the halves apply to no class of the fixture, which
  // leaves only the index.
  o.period = "h1";
  o.site = false;
  std::ostringstream half;
  REQUIRE(run_build(o, half) == 0);
  CHECK(half.str().find("reports: 1 page (0 classes") != std::string::npos);
  CHECK(fs::exists(dir / "index.html"));
  CHECK_FALSE(fs::exists(dir / "class-5a.html"));
}
