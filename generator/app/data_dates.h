// Is the build's today inside the journal's data? A nightly timer keeps running after the
// export stopped (the year ended, the export job broke, the configuration names the wrong
// school), and then builds, without a word, week extracts that read «Уроков за этот период не
// было.». These checks turn that into a warning of `build` and `nightly` naming both dates.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/dates.h"

namespace jp {

class Db;

/// The dates the check needs: the school year's bounds and the journal's lessons around today.
struct DataDates {
  Day year_start = 0, year_end = 0;
  std::string year_label;
  std::optional<Day> last_lesson;   ///< the last lesson on or before today
  std::optional<Day> first_lesson;  ///< the journal's first lesson
};

/// How many days without a lesson before today is taken for data that stopped: longer than
/// any holiday inside a Russian school year (the winter one is about 10 days).
inline constexpr int kQuietDays = 14;

/// The warning for `today` (without "warning: "), or nothing when today is inside the data:
/// after the year's end, or no lesson in the kQuietDays days up to today.
std::optional<std::string> today_outside_data(const DataDates& d, Day today);

/// Reads DataDates of dataset `ds` for `today` from the database.
DataDates read_data_dates(Db& db, long long ds, Day today);

}  // namespace jp

namespace jp {

/// What `build` warns about before it builds (each without "warning: "): today outside the
/// journal's data (today_outside_data), a database readable by others (store/db_file.h).
std::vector<std::string> build_input_warnings(Db& db, const std::string& db_path, long long ds,
                                              Day today);

}  // namespace jp
