#include "site/calendar.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "core/dates.h"
#include "core/markdown.h"
#include "figures/rules.h"

namespace jp {
namespace {

/// Homework due this long before the build's date is no longer listed: a whole year of
/// it (~600 events per child) would make every family's file large for nothing.
constexpr Day kHomeworkDays = 28;

std::string ics_date(Day d) {
  std::string s = format_date(d);
  s.erase(std::remove(s.begin(), s.end(), '-'), s.end());
  return s;
}

std::string ics_time(Day d, int minutes) {
  return fmt::format("{}T{:02}{:02}00", ics_date(d), minutes / 60, minutes % 60);
}

std::string offset_text(int minutes) {
  int a = std::abs(minutes);
  return fmt::format("{}{:02}{:02}", minutes < 0 ? '-' : '+', a / 60, a % 60);
}

/// Appends `s` to a content line, folding before 75 octets without splitting a UTF-8
/// sequence (RFC 5545 3.1). `octets`: how many the current physical line holds.
void fold(std::string& o, size_t& octets, std::string_view s) {
  auto continuation = [&](size_t i) { return (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80; };
  while (!s.empty() && octets + s.size() > 75) {
    // s[0, k) fits, ending where a sequence starts; the sequence at k does not fit, so
    // the line is folded before it and it starts the next line, however long it is.
    size_t k = octets < 75 ? 75 - octets : 0;
    while (k > 0 && continuation(k)) --k;
    size_t n = 1;
    while (k + n < s.size() && continuation(k + n)) ++n;
    o.append(s.substr(0, k));
    o += "\r\n ";
    o.append(s.substr(k, n));
    octets = 1 + n;
    s.remove_prefix(k + n);
  }
  o.append(s);
  octets += s.size();
}

/// What a TEXT value's character becomes (RFC 5545 3.3.11), or null when it stays.
const char* escaped(char c) {
  switch (c) {
    case '\\':
      return "\\\\";
    case ';':
      return "\\;";
    case ',':
      return "\\,";
    case '\n':
      return "\\n";
    case '\r':
      return "";
    // Google Calendar and Outlook show a description as HTML: a homework's or name's `<`
    // and `>` become the fullwidth signs (U+FF1C, U+FF1E), so no markup reaches them.
    case '<':
      return "\xEF\xBC\x9C";
    case '>':
      return "\xEF\xBC\x9E";
    default:
      return nullptr;
  }
}

/// `name:value` as a folded content line ended with CRLF, appended to `o`; the value
/// escaped as TEXT when `text`. Written in place: a calendar has thousands of lines.
void put(std::string& o, std::string_view name, std::string_view value, bool text = false) {
  size_t octets = 0;
  fold(o, octets, name);
  fold(o, octets, ":");
  size_t plain = 0;
  for (size_t i = 0; text && i < value.size(); ++i)
    if (const char* e = escaped(value[i])) {
      fold(o, octets, value.substr(plain, i - plain));
      fold(o, octets, e);
      plain = i + 1;
    }
  fold(o, octets, value.substr(plain));
  o += "\r\n";
}

/// `DESCRIPTION:text` as a folded content line (RFC 5545 folds each property on its own:
/// a line made once serves every event that carries it), or "" for no text.
std::string description_line(std::string_view text) {
  std::string o;
  if (!text.empty()) put(o, "DESCRIPTION", text, true);
  return o;
}

}  // namespace

/// What every VEVENT of a build writes the same way: the UID's domain, the zone's names.
struct CalendarSource::Names {
  std::string uid_suffix, dtstart_zone, dtend_zone;
  Names(const std::string& domain, const std::string& zone)
      : uid_suffix("@" + domain + ".journalpress"),
        dtstart_zone("DTSTART;TZID=" + zone),
        dtend_zone("DTEND;TZID=" + zone) {}
};

namespace {

/// One VEVENT, its lines folded. `description`: its DESCRIPTION line (description_line).
std::string vevent(const CalendarSource::Names& names, std::string_view uid, Day start,
                   Day end_exclusive, std::string_view summary, std::string_view description,
                   int from_minutes, int to_minutes, bool cancelled) {
  std::string o;
  o.reserve(192 + uid.size() + summary.size() + description.size());
  o += "BEGIN:VEVENT\r\n";
  std::string id(uid);
  id += names.uid_suffix;
  put(o, "UID", id, true);
  // The record's own day, not the build's: an unchanged event is the same bytes tomorrow.
  put(o, "DTSTAMP", ics_date(start) + "T000000Z");
  if (from_minutes >= 0) {
    put(o, names.dtstart_zone, ics_time(start, from_minutes));
    put(o, names.dtend_zone, ics_time(start, std::max(to_minutes, from_minutes)));
  } else {
    put(o, "DTSTART;VALUE=DATE", ics_date(start));
    put(o, "DTEND;VALUE=DATE", ics_date(end_exclusive));
  }
  put(o, "SUMMARY", summary, true);
  o += description;
  o += "TRANSP:TRANSPARENT\r\n";
  if (cancelled) o += "STATUS:CANCELLED\r\n";
  o += "END:VEVENT\r\n";
  return o;
}

/// The calendar's lines before its events.
void calendar_head(std::string& o, const std::string& zone, const std::string& name,
                   int offset_minutes) {
  o += ics_line("BEGIN:VCALENDAR");
  o += ics_line("VERSION:2.0");
  o += ics_line(std::string("PRODID:-//journalpress//diary ") + JOURNALPRESS_VERSION + "//RU");
  o += ics_line("CALSCALE:GREGORIAN");
  o += ics_line("METHOD:PUBLISH");
  o += ics_line("NAME:" + ics_text(name));
  o += ics_line("X-WR-CALNAME:" + ics_text(name));
  o += ics_line("X-WR-TIMEZONE:" + zone);
  // The zone's one offset (Russian zones have had no DST since 2014: core/dates), valid
  // from 1970 on, which covers every school year the journal can hold.
  o += ics_line("BEGIN:VTIMEZONE");
  o += ics_line("TZID:" + zone);
  o += ics_line("BEGIN:STANDARD");
  o += ics_line("DTSTART:19700101T000000");
  o += ics_line("TZOFFSETFROM:" + offset_text(offset_minutes));
  o += ics_line("TZOFFSETTO:" + offset_text(offset_minutes));
  o += ics_line("END:STANDARD");
  o += ics_line("END:VTIMEZONE");
}

std::string first_name(const Student& s) {
  return s.person.first_name.empty() ? full_name(s.person) : s.person.first_name;
}

}  // namespace

std::string ics_text(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  for (char c : s)
    if (const char* e = escaped(c))
      r += e;
    else
      r += c;
  return r;
}

std::string ics_line(std::string_view line) {
  std::string r;
  r.reserve(line.size() + line.size() / 70 * 3 + 2);
  size_t octets = 0;
  fold(r, octets, line);
  return r + "\r\n";
}

std::optional<Day> homework_due(const DiaryIndex& ix, const std::vector<Day>& dates, Day set_on) {
  auto next = std::upper_bound(dates.begin(), dates.end(), set_on);
  if (next != dates.end()) return *next;
  std::set<int> weekdays;  // of the subject's lessons in the two weeks up to set_on
  for (auto it = std::upper_bound(dates.begin(), dates.end(), set_on - 14); it != next; ++it)
    weekdays.insert(weekday(*it));
  for (Day d = set_on + 1; d <= set_on + 14; ++d)
    if (weekdays.count(weekday(d)) && !ix.holiday_on(d)) return d;
  return std::nullopt;
}

CalendarSource::CalendarSource(const DiaryIndex& ix, const Locale& loc, Day today)
    : ix_(ix),
      loc_(loc),
      today_(today),
      offset_(school_offset_minutes(ix.journal().school)),
      names_(std::make_unique<Names>(ix.journal().school.id, ix.journal().school.timezone)),
      made_(std::make_unique<std::once_flag[]>(ix.journal().lessons.size())),
      homework_(ix.journal().lessons.size()),
      events_(ix.journal().students.size()) {
  // Every family's calendar lists the holidays: their events are made once. They are
  // de-duplicated among themselves only: a child's uids start with work-, homework-,
  // individual-, period-end- or event-, never holiday-.
  std::set<std::string> uids;
  for (const Holiday& h : ix.journal().holidays) {
    std::string uid = "holiday-" + format_date(h.start);
    if (!uids.insert(uid).second) continue;  // (two holidays from one day: the first)
    std::string text = vevent(*names_, uid, h.start, h.end + 1,
                              loc.format("feeds.holiday", {{"name", h.name}}), "", -1, -1, false);
    holidays_.emplace_back(std::move(uid), std::move(text));
  }
}

CalendarSource::~CalendarSource() = default;

const std::string& CalendarSource::homework(int lesson) const {
  // The folded DESCRIPTION line itself: the same for every student of the class.
  std::call_once(made_[lesson], [&] {
    const Lesson& l = ix_.journal().lessons[lesson];
    homework_[lesson] = description_line(
        markdown_plain(l.homework, true) + "\n" +
        loc_.format("feeds.set_on", {{"date", loc_.date_full(l.date)}}));
  });
  return homework_[lesson];
}

std::string family_calendar(const DiaryIndex& ix, const std::vector<int>& children,
                            const Locale& loc, Day today) {
  return CalendarSource(ix, loc, today).family(children);
}

void CalendarSource::expect(const std::vector<int>& children) { events_.expect(children); }

CalendarSource::Events CalendarSource::child_events(int c) const {
  const DiaryIndex& ix = ix_;
  const Locale& loc = loc_;
  const Journal& j = ix.journal();
  EventList out;
  // `description`: its DESCRIPTION line (description_line).
  auto event = [&](std::string uid, Day start, Day end_exclusive, const std::string& summary,
                   std::string_view description = "", int from_minutes = -1, int to_minutes = -1,
                   bool cancelled = false) {
    std::string text = vevent(*names_, uid, start, end_exclusive, summary, description,
                              from_minutes, to_minutes, cancelled);
    out.emplace_back(std::move(uid), std::move(text));
  };
  const Student& st = j.students[c];
  std::string name = first_name(st);
  std::map<int, std::vector<Day>> subject_dates;  // in date order, as lessons() is
  for (int li : ix.lessons(c))
    if (!j.lessons[li].cancelled) {
      auto& v = subject_dates[j.lessons[li].subject_ix];
      if (v.empty() || v.back() != j.lessons[li].date) v.push_back(j.lessons[li].date);
    }
  for (int li : ix.lessons(c)) {
    const Lesson& l = j.lessons[li];
    const std::string& subject = j.subjects[l.subject_ix].name;
    if (l.kind != "lesson") {
      const Bell* bell = ix.bell(l.number);
      std::string kind = loc.text("lesson_kinds." + l.kind);
      std::string topic = l.topic.empty() ? "" : l.topic;
      event("work-" + l.id + "-" + st.id, l.date, l.date + 1,
            loc.format("feeds.work", {{"name", name}, {"kind", kind}, {"subject", subject}}),
            description_line(topic), bell ? bell->start : -1, bell ? bell->end : -1, l.cancelled);
    }
    if (ix.unmarked(c) || l.cancelled) continue;  // grade 1 has no homework
    const std::vector<int>* own = ix.homework_at(c, li);
    if (l.homework.empty() && !own) continue;
    auto due = homework_due(ix, subject_dates[l.subject_ix], l.date);
    if (!due || *due < today_ - kHomeworkDays) continue;
    if (!l.homework.empty())
      event("homework-" + l.id + "-" + st.id, *due, *due + 1,
            loc.format("feeds.homework", {{"name", name}, {"subject", subject}}), homework(li));
    if (own) {
      std::string set_on = loc.format("feeds.set_on", {{"date", loc.date_full(l.date)}});
      for (int h : *own)
        event(fmt::format("individual-{}-{}-{}", l.id, st.id, h - (*own)[0]), *due, *due + 1,
              loc.format("feeds.individual", {{"name", name}, {"subject", subject}}),
              description_line(markdown_plain(j.individual_homework[h].text, true) + "\n" + set_on));
    }
  }
  for (int p : ix.periods(c)) {
    const Period& per = j.periods[p];
    event("period-end-" + per.id, per.end, per.end + 1,
          loc.format("feeds.period_end", {{"period", per.name}}));
  }
  for (int e : ix.events(c)) {
    const Event& ev = j.events[e];
    event("event-" + ev.id, ev.date, ev.end_date.value_or(ev.date) + 1, ev.title,
          description_line(markdown_plain(ev.text, true)));
  }
  return std::make_shared<const EventList>(std::move(out));
}

std::string CalendarSource::family(const std::vector<int>& children) const {
  const Journal& j = ix_.journal();
  std::vector<Events> held;  // (kept here: the last family to use a child's events frees them)
  std::string names;
  for (int c : children) {
    names += (names.empty() ? "" : ", ") + first_name(j.students[c]);
    events_.with(
        c, [&] { return child_events(c); }, [&](const Events& events) { held.push_back(events); });
  }
  // An event of twins' (a period's end, the school's events) is listed once.
  std::unordered_set<std::string_view> seen;
  std::vector<const std::string*> texts;
  size_t size = 4096;
  for (const Events& events : held)
    for (const auto& [uid, text] : *events)
      if (seen.insert(uid).second) texts.push_back(&text), size += text.size();
  for (const auto& [uid, text] : holidays_) size += text.size();
  std::string o;
  o.reserve(size);
  calendar_head(o, j.school.timezone, loc_.format("feeds.calendar_name", {{"names", names}}),
                offset_);
  for (const std::string* text : texts) o += *text;
  for (const auto& [uid, text] : holidays_) o += text;
  o += ics_line("END:VCALENDAR");
  return o;
}

}  // namespace jp
