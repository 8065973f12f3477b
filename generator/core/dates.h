// Calendar arithmetic for the journal: dates as day numbers, ISO weeks, timestamps with
// offsets. Pure functions but three: utc_now_iso and utc_now_seconds read the clock, and
// zone_offset_minutes reads the system's TZif files (the school's UTC offset).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace jp {

/// A civil date as the number of days since 1970-01-01 (can be compared and subtracted).
using Day = int32_t;

/// Parses `YYYY-MM-DD` strictly (two-digit month and day, a real calendar date).
std::optional<Day> parse_date(std::string_view s);
std::string format_date(Day d);  // YYYY-MM-DD
int year_of(Day d);
int month_of(Day d);
int day_of_month(Day d);
/// 1 = Monday ... 7 = Sunday (ISO).
int weekday(Day d);
/// The Monday of the ISO week containing d.
Day week_monday(Day d);
/// ISO week label, e.g. `2024-W07`.
std::string iso_week(Day d);
/// Parses an ISO week label back to its Monday.
std::optional<Day> parse_iso_week(std::string_view s);

/// The command line's `--from FROM --to TO` (extracts, reports): throws
/// std::runtime_error naming the option and what was expected (both dates given,
/// `YYYY-MM-DD`, --to not before --from).
std::pair<Day, Day> parse_date_range(const std::string& from, const std::string& to);

/// A moment: seconds since the epoch (UTC), with the offset it was written in.
struct Timestamp {
  int64_t utc = 0;
  int offset_minutes = 0;
};
/// Parses ISO 8601 with an offset: `2024-03-12T14:05:00+05:00`, `...Z`; seconds optional.
std::optional<Timestamp> parse_timestamp(std::string_view s);
/// The local calendar date of a moment at a given UTC offset.
Day local_day(int64_t utc, int offset_minutes);

/// The current moment in UTC as `2024-03-12T09:05:00Z` (for "imported at" / "built at").
std::string utc_now_iso();
/// The current moment, seconds since the epoch (reads the clock too).
int64_t utc_now_seconds();
/// A moment as `2024-03-12T09:05:00Z`.
std::string format_utc_iso(int64_t utc);

/// Parses a bell time `HH:MM` to minutes after midnight.
std::optional<int> parse_clock(std::string_view s);

/// The standard UTC offset of an IANA zone, read from the POSIX rule at the end of
/// its TZif file (Russian zones have had no DST since 2014, so one offset suffices).
/// Returns nullopt if the zone is unknown on this machine.
std::optional<int> zone_offset_minutes(const std::string& zone,
                                       const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

/// What is wrong with `zone` as a school's time zone, or "" when nothing is: a name this
/// machine's tzdata does not know, or a zone whose clocks change for summer (its one
/// offset would be an hour off for half the year). "" as well when the machine has no
/// tzdata to check with (Europe/Moscow unknown too): the UTC+3 default applies then.
std::string zone_problem(const std::string& zone,
                         const std::string& zoneinfo_dir = "/usr/share/zoneinfo");

/// Parses the standard offset out of a POSIX TZ string such as `MSK-3` or `<+05>-5`.
std::optional<int> posix_tz_offset_minutes(std::string_view rule);

}  // namespace jp
