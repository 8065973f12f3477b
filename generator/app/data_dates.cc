#include "app/data_dates.h"

#include <fmt/format.h>

#include "store/db_file.h"
#include "store/model.h"

namespace jp {

std::optional<std::string> today_outside_data(const DataDates& d, Day today) {
  if (d.year_end && today > d.year_end)
    return fmt::format(
        "today is {}, after the end of the school year {} on {}{}: the outputs are of a "
        "finished year; set `today` (--today) to a day of the year, or import the new year",
        format_date(today), d.year_label, format_date(d.year_end),
        d.last_lesson ? fmt::format(" (its last lesson was on {})", format_date(*d.last_lesson))
                      : std::string());
  if (!d.last_lesson)
    return fmt::format(
        "today is {}, before the journal's first lesson{}: there is nothing to show yet; is "
        "`today` (--today) right?",
        format_date(today),
        d.first_lesson ? fmt::format(" on {}", format_date(*d.first_lesson))
                       : std::string(" (it has no lessons)"));
  if (today - *d.last_lesson > kQuietDays)
    return fmt::format(
        "today is {}, but the journal's last lesson on or before it was on {} ({} days "
        "earlier, more than {}): is the export current, and is `today` (--today) right?",
        format_date(today), format_date(*d.last_lesson), today - *d.last_lesson, kQuietDays);
  return std::nullopt;
}

DataDates read_data_dates(Db& db, long long ds, Day today) {
  DataDates d;
  DatasetFacts f = dataset_facts(db, ds);
  d.year_label = f.year_label, d.year_start = f.year_start, d.year_end = f.year_end;
  LessonSpan span = lesson_span(db, ds, today);
  d.last_lesson = span.last_before, d.first_lesson = span.first;
  return d;
}

}  // namespace jp

namespace jp {

std::vector<std::string> build_input_warnings(Db& db, const std::string& db_path, long long ds,
                                              Day today) {
  std::vector<std::string> w;
  if (auto t = today_outside_data(read_data_dates(db, ds, today), today)) w.push_back(*t);
  if (auto e = db_exposure_warning(db_path)) w.push_back(*e);
  return w;
}

}  // namespace jp
