#include "core/text.h"
#include "core/thread_pool.h"
#include "print/render_xlsx.h"
#include "print/xlsx_book.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "helpers.h"

using namespace jp;
using namespace jp::test;
namespace fs = std::filesystem;

TEST_CASE("xlsx: names are text cells, never formulas or numbers") {
  // A class named like a formula or a number must stay that text in the school summary.
  std::string text = base_journal();
  auto rename = [&](const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
  };
  rename("\"5А\"", "\"=1+1\"");
  rename("\"10А\"", "\"1e5\"");
  Diagnostics d;
  Journal j = load_journal_text("j.json", text, d);
  validate(j, d);
  REQUIRE(d.errors() == 0);
  auto path = temp_path("formula.xlsx");
  ThreadPool pool(1);
  std::ofstream(path, std::ios::binary)
      << school_xlsx(j, archive_figures(j, pool).school, *parse_date("2024-05-30"));
  std::string shared = run_command("unzip -p " + path.string() + " xl/sharedStrings.xml");
  std::string sheet = run_command("unzip -p " + path.string() + " xl/worksheets/sheet1.xml");
  CHECK(shared.find("<t>=1+1</t>") != std::string::npos);
  CHECK(shared.find("<t>1e5</t>") != std::string::npos);
  CHECK(sheet.find("<f>") == std::string::npos);
  CHECK(sheet.find("<v>100000</v>") == std::string::npos);
  CHECK(sheet.find("<v>100</v>") != std::string::npos);  // figures stay numbers
  fs::remove(path);
}

TEST_CASE("xlsx: a worksheet name is made one Excel accepts, and distinct") {
  // Excel: at most 31 characters, none of []:*?/\, no apostrophe first or last, unique
  // ignoring case. libxlsxwriter refuses any other name, which failed the whole archive.
  CHECK(excel_sheet_name("1 четверть", {}) == "1 четверть");  // kept as it is
  CHECK(excel_sheet_name("Итоги [год]: 5/6?", {}) == "Итоги -год-- 5-6-");
  CHECK(excel_sheet_name("'Год'", {}) == "Год");
  CHECK(excel_sheet_name("''", {}) == "-");
  const std::string longer = "1 четверть (с 1 сентября по 27 октября)";
  const std::string first = excel_sheet_name(longer, {});
  CHECK(first == "1 четверть (с 1 сентября по 27");
  CHECK(utf8_length(first) == 30);  // 31, and the space it ended in dropped
  // Its twin with the same first 31 characters, and one differing only in case.
  const std::string second = excel_sheet_name(longer + " ", {first});
  CHECK(second == "1 четверть (с 1 сентября по (2)");
  CHECK(excel_sheet_name("1 ЧЕТВЕРТЬ (С 1 СЕНТЯБРЯ ПО 27 ОКТЯБРЯ)", {first, second}) ==
        "1 ЧЕТВЕРТЬ (С 1 СЕНТЯБРЯ ПО (3)");
  // A character outside the BMP at the cut is kept whole or dropped, never split.
  const std::string emoji = std::string(29, 'a') + "😀😀😀";
  CHECK(excel_sheet_name(emoji, {}) == std::string(29, 'a') + "😀😀");
}

TEST_CASE("xlsx: periods with long or clashing names still give a workbook") {
  Diagnostics d;
  Journal j = load_journal_text("j.json", base_journal(), d);
  validate(j, d);
  REQUIRE(d.errors() == 0);
  ThreadPool pool(1);
  std::vector<SchoolSummary> school = archive_figures(j, pool).school;
  REQUIRE(school.size() >= 2);
  school[0].title = "1 полугодие <b>&amp; / [все классы] 漢字 العربية 😀 и так далее";
  school[1].title = "1 полугодие <b>&amp; / [все классы] 漢字 العربية 😀 и ещё";
  auto path = temp_path("long-sheets.xlsx");
  std::ofstream(path, std::ios::binary) << school_xlsx(j, school, *parse_date("2024-05-30"));
  std::string book = run_command("unzip -p " + path.string() + " xl/workbook.xml");
  CHECK(book.find("<sheet name=\"1 полугодие &lt;b&gt;&amp;amp; - -все кла\"") != std::string::npos);
  CHECK(book.find("<sheet name=\"1 полугодие &lt;b&gt;&amp;amp; - -все (2)\"") != std::string::npos);
  fs::remove(path);
}
