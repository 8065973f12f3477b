#include "core/dates.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/files.h"

namespace jp {
namespace {

namespace chr = std::chrono;

bool digits(std::string_view s, size_t pos, size_t n) {
  if (pos + n > s.size()) return false;
  for (size_t i = pos; i < pos + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

int num(std::string_view s, size_t pos, size_t n) {
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) v = v * 10 + (s[i] - '0');
  return v;
}

chr::year_month_day ymd(Day d) { return chr::year_month_day{chr::sys_days{chr::days{d}}}; }

}  // namespace

std::optional<Day> parse_date(std::string_view s) {
  if (s.size() != 10 || !digits(s, 0, 4) || s[4] != '-' || !digits(s, 5, 2) || s[7] != '-' ||
      !digits(s, 8, 2))
    return std::nullopt;
  chr::year_month_day v{chr::year{num(s, 0, 4)}, chr::month{unsigned(num(s, 5, 2))},
                        chr::day{unsigned(num(s, 8, 2))}};
  if (!v.ok()) return std::nullopt;
  return Day(chr::sys_days{v}.time_since_epoch().count());
}

std::string format_date(Day d) {
  auto v = ymd(d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", int(v.year()), unsigned(v.month()),
                unsigned(v.day()));
  return buf;
}

int year_of(Day d) { return int(ymd(d).year()); }
int month_of(Day d) { return int(unsigned(ymd(d).month())); }
int day_of_month(Day d) { return int(unsigned(ymd(d).day())); }

int weekday(Day d) {
  // 1970-01-01 was a Thursday (ISO 4).
  int w = ((d % 7) + 7 + 3) % 7;  // 0 = Monday
  return w + 1;
}

Day week_monday(Day d) { return d - (weekday(d) - 1); }

std::string iso_week(Day d) {
  Day thursday = week_monday(d) + 3;  // the ISO year is the year of the week's Thursday
  int y = year_of(thursday);
  Day jan1 = *parse_date(std::to_string(y) + "-01-01");
  int week = (thursday - jan1) / 7 + 1;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04d-W%02d", y, week);
  return buf;
}

std::optional<Day> parse_iso_week(std::string_view s) {
  if (s.size() != 8 || !digits(s, 0, 4) || s[4] != '-' || s[5] != 'W' || !digits(s, 6, 2))
    return std::nullopt;
  int y = num(s, 0, 4), w = num(s, 6, 2);
  if (w < 1 || w > 53) return std::nullopt;
  Day jan4 = *parse_date(std::to_string(y) + "-01-04");  // always in week 1
  Day monday = week_monday(jan4) + (w - 1) * 7;
  if (iso_week(monday) != s) return std::nullopt;  // week 53 in a 52-week year
  return monday;
}

std::optional<Timestamp> parse_timestamp(std::string_view s) {
  if (s.size() < 16) return std::nullopt;
  auto date = parse_date(s.substr(0, 10));
  if (!date || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')) return std::nullopt;
  if (!digits(s, 11, 2) || s[13] != ':' || !digits(s, 14, 2)) return std::nullopt;
  int hh = num(s, 11, 2), mm = num(s, 14, 2), ss = 0;
  size_t p = 16;
  if (p < s.size() && s[p] == ':') {
    if (!digits(s, p + 1, 2)) return std::nullopt;
    ss = num(s, p + 1, 2);
    p += 3;
    if (p < s.size() && s[p] == '.') {  // fractional seconds are accepted and dropped
      ++p;
      size_t q = p;
      while (p < s.size() && s[p] >= '0' && s[p] <= '9') ++p;
      if (p == q) return std::nullopt;
    }
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  int offset = 0;
  if (p < s.size() && (s[p] == 'Z' || s[p] == 'z')) {
    ++p;
  } else if (p < s.size() && (s[p] == '+' || s[p] == '-')) {
    int sign = s[p] == '-' ? -1 : 1;
    if (!digits(s, p + 1, 2) || p + 3 >= s.size() || s[p + 3] != ':' || !digits(s, p + 4, 2))
      return std::nullopt;
    int oh = num(s, p + 1, 2), om = num(s, p + 4, 2);
    if (oh > 23 || om > 59) return std::nullopt;
    offset = sign * (oh * 60 + om);
    p += 6;
  } else {
    return std::nullopt;  // the format requires an offset
  }
  if (p != s.size()) return std::nullopt;
  int64_t local = int64_t(*date) * 86400 + hh * 3600 + mm * 60 + ss;
  return Timestamp{local - int64_t(offset) * 60, offset};
}

Day local_day(int64_t utc, int offset_minutes) {
  int64_t local = utc + int64_t(offset_minutes) * 60;
  int64_t d = local / 86400;
  if (local % 86400 < 0) --d;
  return Day(d);
}

int64_t utc_now_seconds() {
  return std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
}

std::string format_utc_iso(int64_t utc) {
  std::time_t t = std::time_t(utc);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string utc_now_iso() { return format_utc_iso(utc_now_seconds()); }

std::optional<int> parse_clock(std::string_view s) {
  if (s.size() != 5 || !digits(s, 0, 2) || s[2] != ':' || !digits(s, 3, 2)) return std::nullopt;
  int h = num(s, 0, 2), m = num(s, 3, 2);
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::optional<int> posix_tz_offset_minutes(std::string_view r) {
  size_t p = 0;
  if (p < r.size() && r[p] == '<') {
    p = r.find('>');
    if (p == std::string_view::npos) return std::nullopt;
    ++p;
  } else {
    while (p < r.size() && ((r[p] >= 'A' && r[p] <= 'Z') || (r[p] >= 'a' && r[p] <= 'z'))) ++p;
    if (p < 3) return std::nullopt;
  }
  int sign = 1;
  if (p < r.size() && (r[p] == '+' || r[p] == '-')) {
    sign = r[p] == '-' ? -1 : 1;
    ++p;
  }
  int h = 0, m = 0;
  size_t q = p;
  while (p < r.size() && r[p] >= '0' && r[p] <= '9') h = h * 10 + (r[p++] - '0');
  if (p == q) return std::nullopt;
  if (p < r.size() && r[p] == ':') {
    ++p;
    while (p < r.size() && r[p] >= '0' && r[p] <= '9') m = m * 10 + (r[p++] - '0');
  }
  // POSIX offsets are west-positive: MSK-3 is UTC+3.
  return -sign * (h * 60 + m);
}

namespace {

/// The POSIX TZ rule at the end of a zone's TZif (v2+) file, or nullopt when the zone is
/// unknown here or its file is not TZif.
std::optional<std::string> zone_rule(const std::string& zone, const std::string& dir) {
  if (zone.empty() || zone.find("..") != std::string::npos || zone[0] == '/') return std::nullopt;
  std::string data;
  if (try_read_file(dir + "/" + zone, data)) return std::nullopt;
  if (data.size() < 4 || data.compare(0, 4, "TZif") != 0) return std::nullopt;
  // TZif v2+ ends with "\n<POSIX rule>\n".
  if (data.back() != '\n') return std::nullopt;
  size_t start = data.rfind('\n', data.size() - 2);
  if (start == std::string::npos) return std::nullopt;
  return data.substr(start + 1, data.size() - start - 2);
}

}  // namespace

std::optional<int> zone_offset_minutes(const std::string& zone, const std::string& dir) {
  auto rule = zone_rule(zone, dir);
  return rule ? posix_tz_offset_minutes(*rule) : std::nullopt;
}

std::string zone_problem(const std::string& zone, const std::string& dir) {
  auto rule = zone_rule(zone, dir);
  if (!rule) {
    if (!zone_rule("Europe/Moscow", dir)) return "";  // no tzdata here to check with
    return fmt::format(
        "expected an IANA time zone name such as \"Europe/Moscow\" or \"Asia/Yekaterinburg\" "
        "(one of the zones in {}), got \"{}\"",
        dir, zone);
  }
  // A rule with a daylight-saving part reads `STD offset DST, start, end`.
  std::optional<int> offset = posix_tz_offset_minutes(*rule);
  if (!offset)
    return fmt::format("the time zone \"{}\" has a rule journalpress cannot read ({})", zone,
                       *rule);
  if (rule->find(',') != std::string::npos) {
    // Etc/GMT zones count west-positive: Etc/GMT-3 is UTC+3.
    int h = *offset / 60;
    std::string fixed = *offset % 60 ? "" : fmt::format(", e.g. \"Etc/GMT{:+}\" for UTC{:+}", -h, h);
    if (h == 0 && fixed.size()) fixed = ", e.g. \"Etc/UTC\"";
    return fmt::format(
        "the time zone \"{}\" changes its clocks for summer ({}); journalpress keeps one offset "
        "per school, as every Russian zone has since 2014: give a zone without summer time{}",
        zone, *rule, fixed);
  }
  return "";
}

std::pair<Day, Day> parse_date_range(const std::string& from, const std::string& to) {
  if (from.empty() || to.empty())
    throw std::runtime_error("a date range needs both --from and --to (YYYY-MM-DD)");
  auto f = parse_date(from), t = parse_date(to);
  if (!f) throw std::runtime_error("--from: expected a date YYYY-MM-DD, got \"" + from + "\"");
  if (!t) throw std::runtime_error("--to: expected a date YYYY-MM-DD, got \"" + to + "\"");
  if (*t < *f) throw std::runtime_error("--to " + to + " is before --from " + from);
  return {*f, *t};
}

}  // namespace jp
