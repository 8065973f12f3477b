#include <catch2/catch.hpp>

#include "ingest/xlsx.h"
#include "ingest/zip.h"
#include "print/xlsx_book.h"

using namespace jp;
using V = std::vector<std::string>;

namespace {

/// A small workbook made with libxlsxwriter: shared strings, numbers, a date, an empty
/// cell, a merged range, two sheets.
std::string workbook() {
  Book book("t", "t", 19000);
  lxw_worksheet* a = book.sheet("marks");
  book.put(a, 0, 0, "id");
  book.put(a, 0, 1, "value");
  book.put(a, 0, 2, "date");
  book.put(a, 1, 0, "m1");
  book.put(a, 1, 1, "4,5");
  format_set_num_format(book.flag, "dd.mm.yyyy");  // a date format: the cell is a date
  worksheet_write_number(a, 1, 2, 45000, book.flag);
  book.put(a, 3, 0, "m2");  // row 3 left empty: not a row
  book.put(a, 3, 1, "5");
  lxw_worksheet* b = book.sheet("other");
  worksheet_merge_range(b, 0, 0, 1, 1, "merged", nullptr);
  return book.bytes();
}

}  // namespace

TEST_CASE("xlsx: strings, numbers, dates by format, empty rows, sheets, merges") {
  std::vector<Table> t;
  Diagnostics d;
  REQUIRE(read_xlsx_bytes("b.xlsx", workbook(), t, d));
  CHECK(d.all().empty());
  REQUIRE(t.size() == 2);
  CHECK(t[0].sheet == "marks");
  REQUIRE(t[0].rows.size() == 3);
  CHECK(t[0].rows[0].cells == V{"id", "value", "date"});
  CHECK(t[0].rows[1].cells == V{"m1", "4.5", "2023-03-15"});  // Book::put wrote 4,5 as a number
  CHECK(t[0].rows[2].number == 4);
  CHECK(t[0].rows[2].cells == V{"m2", "5"});
  REQUIRE(t[1].merges.size() == 1);
  CHECK(t[1].merges[0].ref == "A1:B2");
  CHECK(cell_ref(t[1], 1, 2) == "other!B2");
}

TEST_CASE("xlsx: a member past the limits is refused while inflating") {
  std::vector<Table> t;
  Diagnostics d;
  ZipLimits small;
  small.member = 100;  // every sheet's XML is larger
  CHECK_FALSE(read_xlsx_bytes("b.xlsx", workbook(), t, d, small));
  REQUIRE(d.errors() == 1);
  CHECK(format(d.all()[0]).find("b.xlsx: xl/workbook.xml: inflates past 100 bytes") == 0);
}

TEST_CASE("zip: member names that leave the archive") {
  CHECK(safe_member_name("xl/worksheets/sheet1.xml"));
  CHECK(safe_member_name("users.csv"));
  CHECK(safe_member_name("a..b/c"));
  CHECK_FALSE(safe_member_name("../x"));
  CHECK_FALSE(safe_member_name("a/../../x"));
  CHECK_FALSE(safe_member_name("/etc/passwd"));
  CHECK_FALSE(safe_member_name("a\\..\\x"));
  CHECK_FALSE(safe_member_name("C:x"));
  CHECK_FALSE(safe_member_name(std::string("a\nb")));
  CHECK_FALSE(safe_member_name(""));
}

TEST_CASE("xlsx: junk is not a workbook") {
  std::vector<Table> t;
  Diagnostics d;
  CHECK_FALSE(read_xlsx_bytes("j.xlsx", "PK\x03\x04junk", t, d));
  CHECK(format(d.all().at(0)).starts_with("j.xlsx: not a readable zip archive"));
}
