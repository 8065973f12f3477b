#include "core/thread_pool.h"
#include "print/render_xlsx.h"

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
