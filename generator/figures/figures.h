// Figures: pure functions of the model (no I/O). Each names the rule it implements.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/journal.h"

namespace jp {

/// The numeric value of a mark if it is one of `numeric_marks` (only those are averaged).
std::optional<double> numeric_value(const Settings& s, const std::string& value);

/// A mark's weight ("вес", Положение 4.4): its own, else its work type's, else 1.
double mark_weight(const Journal& j, const Mark& m);

/// Running sums for a weighted average.
struct Average {
  double sum_wv = 0, sum_w = 0;
  int numeric = 0;  ///< marks that entered the average
  int all = 0;      ///< every current mark, numeric or not (накопляемость)
  void add(double value, double weight) {
    sum_wv += value * weight;
    sum_w += weight;
    ++numeric;
  }
  std::optional<double> value() const {
    if (sum_w <= 0) return std::nullopt;
    return sum_wv / sum_w;
  }
};

/// The forecast of the period mark from a weighted average (Положение 2.8, 8.2):
/// the first threshold the average reaches, highest first; below all of them `2`.
std::string forecast(const Settings& s, double average);

/// The periods of a grade in the order the summary sheets and journals show them: the
/// reporting periods by start date, then the year ones (indices into periods).
std::vector<int> grade_periods(const Journal& j, int grade);

/// Periods whose dates cover a day and that apply to a grade (indices into periods).
std::vector<int> periods_covering(const Journal& j, Day d, int grade);

/// Weighted averages per (student, subject, period) over all current marks.
class PeriodAverages {
 public:
  explicit PeriodAverages(const Journal& j);
  const Average* find(int student, int subject, int period) const;

 private:
  static uint64_t key(int student, int subject, int period) {
    return (uint64_t(uint32_t(student)) << 32) | (uint64_t(uint32_t(subject) & 0xffff) << 16) |
           uint64_t(uint32_t(period) & 0xffff);
  }
  std::unordered_map<uint64_t, Average> map_;
};

/// Days allowed by `edit_lock` after a lesson (Порядок 3.6): never -> nullopt;
/// `1m` is a calendar month from the lesson's date.
std::optional<Day> edit_lock_until(const std::string& lock, Day lesson_date);

}  // namespace jp
