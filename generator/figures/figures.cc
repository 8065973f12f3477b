#include "figures/figures.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <tuple>

namespace jp {

std::optional<double> numeric_value(const Settings& s, const std::string& value) {
  for (const auto& m : s.numeric_marks)
    if (m == value) {
      double d = 0;
      auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), d);
      if (ec == std::errc()) return d;
    }
  return std::nullopt;
}

double mark_weight(const Journal& j, const Mark& m) {
  if (m.weight) return *m.weight;
  if (m.work_type_ix >= 0) return j.work_types[m.work_type_ix].weight;
  return 1;
}

std::string forecast(const Settings& s, double average) {
  // A small epsilon so that 4.4999999 from floating sums of 4.5 still reaches 4.5.
  for (const auto& [mark, threshold] : s.forecast_thresholds)
    if (average + 1e-9 >= threshold) return mark;
  return "2";
}

std::vector<int> grade_periods(const Journal& j, int grade) {
  std::vector<int> periods;
  for (size_t p = 0; p < j.periods.size(); ++p)
    if (j.periods[p].applies_to(grade)) periods.push_back(int(p));
  std::stable_sort(periods.begin(), periods.end(), [&](int a, int b) {
    return std::make_tuple(j.periods[a].kind == "year", j.periods[a].start) <
           std::make_tuple(j.periods[b].kind == "year", j.periods[b].start);
  });
  return periods;
}

std::vector<int> periods_covering(const Journal& j, Day d, int grade) {
  std::vector<int> r;
  for (size_t p = 0; p < j.periods.size(); ++p) {
    const Period& per = j.periods[p];
    if (d >= per.start && d <= per.end && per.applies_to(grade)) r.push_back(int(p));
  }
  return r;
}

PeriodAverages::PeriodAverages(const Journal& j) {
  // Periods per grade, computed once: a mark is then matched against a handful.
  std::vector<std::vector<int>> by_grade(12);
  for (int g = 1; g <= 11; ++g)
    for (size_t p = 0; p < j.periods.size(); ++p)
      if (j.periods[p].applies_to(g)) by_grade[g].push_back(int(p));
  map_.reserve(j.students.size() * 64);
  for (const auto& m : j.marks) {
    if (m.lesson_ix < 0 || m.student_ix < 0) continue;
    const Lesson& l = j.lessons[m.lesson_ix];
    int grade = j.classes[l.class_ix].grade;
    auto v = numeric_value(j.settings, m.value);
    double w = v ? mark_weight(j, m) : 0;
    for (int p : by_grade[grade]) {
      const Period& per = j.periods[p];
      if (l.date < per.start || l.date > per.end) continue;
      Average& a = map_[key(m.student_ix, l.subject_ix, p)];
      ++a.all;
      if (v) a.add(*v, w);
    }
  }
}

const Average* PeriodAverages::find(int student, int subject, int period) const {
  auto it = map_.find(key(student, subject, period));
  return it == map_.end() ? nullptr : &it->second;
}

std::optional<Day> edit_lock_until(const std::string& lock, Day d) {
  if (lock == "1w") return d + 7;
  if (lock == "2w") return d + 14;
  if (lock == "3w") return d + 21;
  if (lock == "1m") {
    using namespace std::chrono;
    year_month_day ymd{sys_days{days{d}}};
    ymd += months{1};
    if (!ymd.ok()) ymd = ymd.year() / ymd.month() / last;  // 31 Jan + 1 month = 29 Feb
    return Day(sys_days{ymd}.time_since_epoch().count());
  }
  return std::nullopt;
}

}  // namespace jp
