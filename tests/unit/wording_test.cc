#include "core/wording.h"

#include <catch2/catch.hpp>

using namespace jp;

namespace {
Day d(const char* s) { return *parse_date(s); }
}  // namespace

TEST_CASE("wording: Russian dates and ranges") {
  const Locale& l = Locale::ru();
  CHECK(l.date_long(d("2024-02-12")) == "пн, 12 февраля");
  CHECK(l.date_long(d("2023-09-03")) == "вс, 3 сентября");
  CHECK(l.date_full(d("2024-05-09")) == "9 мая 2024");
  CHECK(l.date_short(d("2024-05-09")) == "09.05.2024");
  CHECK(l.range(d("2024-02-12"), d("2024-02-18")) == "12–18 февраля 2024");
  CHECK(l.range(d("2024-01-29"), d("2024-02-04")) == "29 января – 4 февраля 2024");
  CHECK(l.range(d("2024-12-30"), d("2025-01-05")) == "30 декабря 2024 – 5 января 2025");
  CHECK(l.range(d("2024-03-08"), d("2024-03-08")) == "8 марта 2024");
}

TEST_CASE("wording: counts with plural forms, numbers with a decimal comma") {
  const Locale& l = Locale::ru();
  CHECK(l.count(1, "lessons_missed") == "1 пропущенный урок");
  CHECK(l.count(3, "lessons_missed") == "3 пропущенных урока");
  CHECK(l.count(11, "lessons_missed") == "11 пропущенных уроков");
  CHECK(l.count(21, "lates") == "21 опоздание");
  CHECK(l.count(5, "minutes") == "5 минут");
  CHECK(Locale::number(4.333333, 2, true) == "4,33");
  CHECK(Locale::number(1.5, 2, false) == "1,5");
  CHECK(Locale::number(2, 2, false) == "2");
}

TEST_CASE("wording: numbers in words for the certification sheet") {
  const Locale& l = Locale::ru();
  CHECK(l.number_words(0) == "ноль");
  CHECK(l.number_words(1) == "один");
  CHECK(l.number_words(2, true) == "две");
  CHECK(l.number_words(12) == "двенадцать");
  CHECK(l.number_words(42) == "сорок два");
  CHECK(l.number_words(100) == "сто");
  CHECK(l.number_words(211) == "двести одиннадцать");
  CHECK(l.number_words(1000) == "одна тысяча");
  CHECK(l.number_words(2001) == "две тысячи один");
  CHECK(l.number_words(3542) == "три тысячи пятьсот сорок два");
  CHECK(l.number_words(11000) == "одиннадцать тысяч");
  CHECK(l.number_words(21121, true) == "двадцать одна тысяча сто двадцать одна");
  CHECK(l.number_words(999999) == "девятьсот девяносто девять тысяч девятьсот девяносто девять");
  CHECK_THROWS(l.number_words(1000000));
}

TEST_CASE("wording: every path the code asks for exists") {
  const Locale& l = Locale::ru();
  for (const char* k : {"nav.week",
                        "nav.results",
                        "nav.attendance",
                        "nav.notes",
                        "nav.new",
                        "nav.family",
                        "titles.root",
                        "titles.family",
                        "titles.results",
                        "titles.attendance",
                        "titles.notes",
                        "titles.new",
                        "footer",
                        "no_work_type",
                        "year_total",
                        "attendance.late",
                        "attendance.illness",
                        "attendance.valid",
                        "attendance.unexcused",
                        "attendance.absent",
                        "remark_kinds.praise",
                        "remark_kinds.remark",
                        "remark_kinds.recommendation",
                        "lesson_kinds.control",
                        "lesson_kinds.lab",
                        "lesson_kinds.practical",
                        "lesson_kinds.exam",
                        "result_columns.exam",
                        "result_columns.final",
                        "result_columns.year",
                        "marks.not_assessed",
                        "marks.pass",
                        "marks.fail",
                        "marks.exempt",
                        "attendance_codes.illness",
                        "attendance_codes.valid",
                        "attendance_codes.unexcused",
                        "attendance_codes.late",
                        "signature.reason",
                        "signature.demo_organization",
                        "signature.demo_name"})
    CHECK_NOTHROW(l.text(k));
  CHECK_THROWS_WITH(l.text("nav.nothing"), "locale.ru.json has no nav.nothing");
}
