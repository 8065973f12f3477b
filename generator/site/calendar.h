// A family's calendar (RFC 5545), `calendar.ics` in its area: what a parent wants in the
// phone's calendar (docs/site.md, "Calendar and feed"). Homework on the day it is due,
// control and other special works at their lesson's time, the end of each reporting
// period, holidays and the school's events. UIDs are made of record ids, so a calendar app
// that polls the file updates an event instead of adding it twice; nothing in the file
// depends on the build's date except which homework is recent enough to list.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/wording.h"
#include "figures/diary.h"
#include "site/per_child.h"

namespace jp {

/// What every family's calendar of one build shares, made once for the build: each
/// lesson's homework as plain text with the day it was set (the same for every student of
/// the class; made on the first calendar that lists it). Safe to use from all cores.
class CalendarSource {
 public:
  CalendarSource(const DiaryIndex& ix, const Locale& loc, Day today);
  ~CalendarSource();
  /// Says that family(children) will be asked for: a child of several families (two
  /// guardians, each with an area) then has its events made once for all of them. Before
  /// any family(), from one thread.
  void expect(const std::vector<int>& children);
  /// The calendar of the given children (one family). Times are in the school's zone,
  /// given as a VTIMEZONE; lines end in CRLF and are folded at 75 octets.
  std::string family(const std::vector<int>& children) const;
  /// The names every event of the build writes alike (calendar.cc).
  struct Names;

 private:
  /// A child's events (uid, VEVENT text) in the order its families' calendars list them;
  /// shared, as a family's calendar holds them past its use of the PerChild slot.
  using EventList = std::vector<std::pair<std::string, std::string>>;
  using Events = std::shared_ptr<const EventList>;
  Events child_events(int child) const;
  /// A lesson's homework as the folded DESCRIPTION line of its events, made once.
  const std::string& homework(int lesson) const;
  const DiaryIndex& ix_;
  const Locale& loc_;
  Day today_;
  int offset_;  ///< the school zone's offset from UTC, minutes: read once (it is a file)
  std::unique_ptr<Names> names_;
  EventList holidays_;  ///< every calendar's holiday events, made once
  std::unique_ptr<std::once_flag[]> made_;
  mutable std::vector<std::string> homework_;
  PerChild<Events> events_;
};

/// One family's calendar with a source of its own (a build of many families shares one).
std::string family_calendar(const DiaryIndex& ix, const std::vector<int>& children,
                            const Locale& loc, Day today);

/// When homework set on `set_on` is due: the student's next lesson of the subject on a
/// later day (`dates`: the days of the student's lessons in the subject that were not
/// cancelled, sorted), or, when the journal has none yet, the first later school day
/// (within two weeks, not a holiday) on whose weekday the subject was taught in the two
/// weeks up to `set_on`. Nullopt when neither is known.
std::optional<Day> homework_due(const DiaryIndex& ix, const std::vector<Day>& dates, Day set_on);

/// RFC 5545 text: `\`, `;`, `,` escaped, line breaks as `\n`, `<` and `>` as fullwidth
/// signs (calendar apps render descriptions as HTML); and a content line folded
/// at 75 octets without splitting a UTF-8 sequence, ended with CRLF.
std::string ics_text(std::string_view s);
std::string ics_line(std::string_view line);

}  // namespace jp
