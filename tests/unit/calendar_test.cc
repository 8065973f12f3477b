#include "site/calendar.h"

#include <catch2/catch.hpp>
#include <random>

#include "core/dates.h"
#include "core/journal.h"
#include "figures/diary.h"

using namespace jp;

TEST_CASE("calendar: text is escaped and lines folded at 75 octets, never inside a character",
          "[calendar]") {
  CHECK(ics_text("a,b;c\\d\ne\r\n") == "a\\,b\\;c\\\\d\\ne\\n");
  CHECK(ics_text("<img src=x>") == "\xEF\xBC\x9Cimg src=x\xEF\xBC\x9E");
  std::string line = "SUMMARY:" + std::string(100, 'x');
  std::string folded = ics_line(line);
  CHECK(folded == "SUMMARY:" + std::string(67, 'x') + "\r\n " + std::string(33, 'x') + "\r\n");
  // Cyrillic letters are two octets, Chinese three, emoji four: no physical line over 75,
  // none split, whatever the offset each fold falls on.
  for (const char* ch : {"ж", "家", "\xF0\x9F\x98\x80", "жa家"}) {
    std::string ru = "DESCRIPTION:";
    for (int i = 0; i < 200; ++i) ru += ch;
    folded = ics_line(ru);
    std::string unfolded;
    size_t start = 0;
    while (start < folded.size()) {
      size_t end = folded.find("\r\n", start);
      REQUIRE(end != std::string::npos);
      std::string phys = folded.substr(start, end - start);
      CHECK(phys.size() <= 75);
      CHECK((static_cast<unsigned char>(phys[start == 0 ? 0 : 1]) & 0xC0) != 0x80);
      unfolded += start == 0 ? phys : phys.substr(1);
      start = end + 2;
    }
    CHECK(unfolded == ru);
  }
  CHECK(ics_line("END:VEVENT") == "END:VEVENT\r\n");
}

TEST_CASE("calendar: homework is due at the next lesson, or the next day of the usual weekday",
          "[calendar]") {
  Journal j;
  j.holidays.push_back({*parse_date("2024-03-25"), *parse_date("2024-03-31"), "весенние", {}});
  DiaryIndex ix(j);
  Day mon = *parse_date("2024-03-04"), thu = mon + 3;
  std::vector<Day> dates{mon, thu, mon + 7, thu + 7};
  CHECK(homework_due(ix, dates, mon) == thu);
  CHECK(homework_due(ix, dates, thu) == mon + 7);
  // After the last lesson in the journal: the next Monday or Thursday.
  CHECK(homework_due(ix, dates, thu + 7) == mon + 14);
  CHECK(homework_due(ix, dates, mon + 7) == thu + 7);
  // Not in the holidays: the Thursday after 21 March is the 28th (holidays), then 1 April (Mon).
  std::vector<Day> march{*parse_date("2024-03-14"), *parse_date("2024-03-18"),
                         *parse_date("2024-03-21")};
  CHECK(homework_due(ix, march, *parse_date("2024-03-21")) == *parse_date("2024-04-01"));
  // A subject with no recent lessons: unknown.
  CHECK_FALSE(homework_due(ix, std::vector<Day>{mon}, mon + 30).has_value());
}

namespace {
// The folding rule written the plain way, a UTF-8 sequence at a time: what ics_line's
// faster folding must give for any bytes, valid UTF-8 or not.
std::string fold_reference(const std::string& line) {
  std::string r;
  size_t octets = 0;
  for (size_t i = 0; i < line.size();) {
    size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
    if (octets + n > 75) {
      r += "\r\n ";
      octets = 1;
    }
    r += line.substr(i, n);
    octets += n;
    i += n;
  }
  return r + "\r\n";
}
}  // namespace

TEST_CASE("calendar: folding gives what the sequence-at-a-time rule gives, for any bytes",
          "[calendar]") {
  std::mt19937 random(20261203);
  const std::vector<std::string> pieces{"a", "ж", "家", "\xF0\x9F\x98\x80", "\x80", "\xBF\xBF",
                                        std::string(90, '\x80'), ",", "\xE5"};
  for (int t = 0; t < 3000; ++t) {
    std::string line;
    for (int n = int(random() % 60); n > 0; --n) line += pieces[random() % pieces.size()];
    INFO("line of " << line.size() << " octets");
    REQUIRE(ics_line(line) == fold_reference(line));
  }
}
