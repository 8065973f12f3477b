#include "core/dates.h"

#include <catch2/catch.hpp>

using namespace jp;

TEST_CASE("parse_date accepts real dates only") {
  CHECK(parse_date("2024-02-29").has_value());
  CHECK_FALSE(parse_date("2023-02-29"));
  CHECK_FALSE(parse_date("2024-02-30"));
  CHECK_FALSE(parse_date("2024-2-03"));
  CHECK_FALSE(parse_date("12.02.2024"));
  CHECK_FALSE(parse_date("2024-02-12T00:00"));
  CHECK(format_date(*parse_date("2024-02-12")) == "2024-02-12");
  CHECK(*parse_date("1970-01-02") == 1);
}

TEST_CASE("weekday and ISO weeks") {
  CHECK(weekday(*parse_date("2024-02-12")) == 1);  // Monday
  CHECK(weekday(*parse_date("2023-09-03")) == 7);  // Sunday
  CHECK(iso_week(*parse_date("2024-02-12")) == "2024-W07");
  CHECK(iso_week(*parse_date("2023-01-01")) == "2022-W52");
  CHECK(iso_week(*parse_date("2024-12-30")) == "2025-W01");
  CHECK(format_date(*parse_iso_week("2024-W07")) == "2024-02-12");
  CHECK_FALSE(parse_iso_week("2023-W53"));  // 2023 has 52 ISO weeks
  CHECK(parse_iso_week("2020-W53").has_value());
}

TEST_CASE("timestamps carry their offset") {
  auto a = parse_timestamp("2024-03-12T14:05:00+05:00");
  auto b = parse_timestamp("2024-03-12T09:05:00Z");
  REQUIRE(a);
  REQUIRE(b);
  CHECK(a->utc == b->utc);
  CHECK(a->offset_minutes == 300);
  CHECK(parse_timestamp("2024-03-12T14:05+03:00").has_value());
  CHECK(parse_timestamp("2024-03-12T14:05:00.123-01:30").has_value());
  CHECK_FALSE(parse_timestamp("2024-03-12T14:05:00"));  // no offset
  CHECK_FALSE(parse_timestamp("2024-03-12 14:05"));
  CHECK_FALSE(parse_timestamp("2024-03-12T25:05:00Z"));
  // 23:30 Moscow time on the 11th is still the 11th locally, the 11th in UTC too;
  // 02:00 Moscow on the 12th is the 11th in UTC.
  auto late = parse_timestamp("2024-03-12T02:00:00+03:00");
  CHECK(format_date(local_day(late->utc, 180)) == "2024-03-12");
  CHECK(format_date(local_day(late->utc, 0)) == "2024-03-11");
}

TEST_CASE("bell times") {
  CHECK(parse_clock("08:30") == 510);
  CHECK_FALSE(parse_clock("8:30"));
  CHECK_FALSE(parse_clock("24:00"));
}

TEST_CASE("school time zones come from the TZif rule") {
  CHECK(posix_tz_offset_minutes("MSK-3") == 180);
  CHECK(posix_tz_offset_minutes("<+05>-5") == 300);
  CHECK(posix_tz_offset_minutes("EST5EDT,M3.2.0,M11.1.0") == -300);
  CHECK(posix_tz_offset_minutes("<+0530>-5:30") == 330);
  CHECK_FALSE(posix_tz_offset_minutes(""));
  CHECK(zone_offset_minutes("Europe/Moscow") == 180);
  CHECK(zone_offset_minutes("Asia/Yekaterinburg") == 300);
  CHECK_FALSE(zone_offset_minutes("Mars/Olympus"));
  CHECK_FALSE(zone_offset_minutes("../../etc/passwd"));
}

TEST_CASE("dates: a school's time zone is one tzdata knows, without summer time", "[dates]") {
  CHECK(zone_problem("Europe/Moscow") == "");
  CHECK(zone_problem("Asia/Vladivostok") == "");
  CHECK(zone_problem("Etc/GMT-3") == "");
  CHECK(zone_problem("Europe/Mosow").find("expected an IANA time zone name") != std::string::npos);
  CHECK(zone_problem("../../etc/passwd").find("expected an IANA time zone name") !=
        std::string::npos);
  CHECK(zone_problem("Europe/Berlin").find("e.g. \"Etc/GMT-1\" for UTC+1") != std::string::npos);
  CHECK(zone_problem("America/New_York").find("e.g. \"Etc/GMT+5\" for UTC-5") !=
        std::string::npos);
  CHECK(zone_problem("Europe/London").find("e.g. \"Etc/UTC\"") != std::string::npos);
  // Newfoundland's half hour has no Etc zone: no example given.
  std::string nf = zone_problem("America/St_Johns");
  CHECK(nf.find("summer") != std::string::npos);
  CHECK(nf.find("e.g.") == std::string::npos);
  // A machine without tzdata cannot check: the default applies, as before.
  CHECK(zone_problem("Europe/Mosow", "/nonexistent") == "");
}
