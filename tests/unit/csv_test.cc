#include <catch2/catch.hpp>

#include "ingest/csv.h"

using namespace jp;
using V = std::vector<std::string>;

namespace {

/// The rows of `text` read as CSV, or the first error.
std::vector<V> rows(const std::string& text, Encoding enc = Encoding::detect, CsvInfo* info = nullptr,
                    std::string* error = nullptr) {
  Table t;
  Diagnostics d;
  bool ok = read_csv("t.csv", text, enc, t, d, info);
  if (error) *error = d.all().empty() ? "" : format(d.all()[0]);
  std::vector<V> out;
  if (ok)
    for (auto& r : t.rows) out.push_back(r.cells);
  return out;
}

std::string first_error(const std::string& text, Encoding enc = Encoding::detect) {
  std::string e;
  CHECK(rows(text, enc, nullptr, &e).empty());
  return e;
}

}  // namespace

TEST_CASE("csv: RFC 4180 quoting, doubled quotes, line breaks inside quotes") {
  CHECK(rows("a,b,c\r\n1,\"x, y\",\"say \"\"hi\"\"\"\r\n2,\"two\nlines\",\r\n") ==
        std::vector<V>{{"a", "b", "c"}, {"1", "x, y", "say \"hi\""}, {"2", "two\nlines", ""}});
  // No line break at the end; a lone CR ends a line too.
  CHECK(rows("a,b\r1,2") == std::vector<V>{{"a", "b"}, {"1", "2"}});
}

TEST_CASE("csv: the delimiter is found from the header line") {
  CsvInfo info;
  CHECK(rows("a;b;c\n1,5;2;3\n", Encoding::detect, &info) == std::vector<V>{{"a", "b", "c"}, {"1,5", "2", "3"}});
  CHECK(info.delimiter == ';');
  CHECK(rows("a\tb\n1\t2\n", Encoding::detect, &info) == std::vector<V>{{"a", "b"}, {"1", "2"}});
  CHECK(info.delimiter == '\t');
  // A delimiter inside a quoted header name does not count.
  CHECK(rows("\"a;b\",c\n1,2\n", Encoding::detect, &info) == std::vector<V>{{"a;b", "c"}, {"1", "2"}});
  CHECK(info.delimiter == ',');
}

TEST_CASE("csv: row numbers count empty lines, which are skipped") {
  Table t;
  Diagnostics d;
  REQUIRE(read_csv("t.csv", "h\n\n\nx\n\"multi\nline\"\ny\n", Encoding::detect, t, d));
  REQUIRE(t.rows.size() == 4);
  CHECK(t.rows[1].number == 4);
  CHECK(t.rows[2].number == 5);
  CHECK(t.rows[3].number == 6);
}

TEST_CASE("csv: UTF-8 with or without a BOM, Windows-1251 detected or named") {
  CsvInfo info;
  // «Фамилия;Имя» in UTF-8 with a BOM.
  CHECK(rows("\xEF\xBB\xBF\xD0\xA4\xD0\xB0\n1\n", Encoding::detect, &info) ==
        std::vector<V>{{"\xD0\xA4\xD0\xB0"}, {"1"}});
  CHECK(info.bom);
  CHECK(info.encoding == Encoding::utf8);
  // «Фа;Ёё;№» in Windows-1251.
  CHECK(rows("\xD4\xE0;\xA8\xB8;\xB9\n", Encoding::detect, &info) ==
        std::vector<V>{{"\xD0\xA4\xD0\xB0", "\xD0\x81\xD1\x91", "\xE2\x84\x96"}});
  CHECK(info.encoding == Encoding::windows1251);
  CHECK(info.delimiter == ';');
  // Asked for UTF-8, Windows-1251 bytes are an error naming the line.
  CHECK(first_error("a\n\xD4\xE0\n", Encoding::utf8) ==
        "t.csv: line 2: byte 0xD4 is not UTF-8 (the file was read as UTF-8 as asked; "
        "--encoding windows-1251 reads Russian Excel's CSV)");
  // Overlong forms and surrogates are not UTF-8.
  CHECK_FALSE(valid_utf8("\xC0\xAF"));
  CHECK_FALSE(valid_utf8("\xED\xA0\x80"));
  CHECK(valid_utf8("\xF0\x9F\x98\x80"));
}

TEST_CASE("csv: hostile files are refused with a message") {
  CHECK(first_error("a,b\n1,\"open\n2,3\n") ==
        "t.csv: line 2: a quoted field opened here is not closed by the end of the file (an "
        "unbalanced \"); the file was not read");
  CHECK(first_error("a,b\n\"x\"y,2\n") ==
        "t.csv: line 2: text after the closing quote of a field: a quote inside a quoted field "
        "is written twice (\"\"); the file was not read");
  CHECK(first_error(std::string("a,b\n1,2\n3,\0,4\n", 14)).starts_with("t.csv: line 3: a NUL byte"));
  std::string big = "a\n" + std::string(kMaxCsvField + 1, 'x') + "\n";
  CHECK(first_error(big) == "t.csv: line 2: a field longer than 1048576 bytes; the file was not read");
  CHECK(first_error("a\n\"" + std::string(kMaxCsvField + 1, 'x') + "\"\n") ==
        "t.csv: line 2: a field longer than 1048576 bytes; the file was not read");
}

TEST_CASE("csv: ten million empty lines are read quickly as no rows") {
  std::string text = "a,b\n" + std::string(10'000'000, '\n');
  Table t;
  Diagnostics d;
  REQUIRE(read_csv("t.csv", text, Encoding::detect, t, d));
  CHECK(t.rows.size() == 1);
  CHECK(d.all().empty());
}
