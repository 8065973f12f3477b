// Figures of the summary sheet of final marks (сводная ведомость итоговой успеваемости,
// Положение 4.1, 3.2): per class and column (a reporting period, the year, the exam or the
// final marks), each student's marks by subject, and the counts, quality, success rate and
// averages of the sheet. Pure functions of the model.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <vector>

#include "core/journal.h"

namespace jp {

class ThreadPool;

/// Counts of a set of marks: [0] fives, [1] fours, [2] threes, [3] twos (and ones).
struct MarkCounts {
  std::array<int, 4> by_value{};
  int graded = 0;  ///< numeric marks plus н/а (the basis of the percentages)
  int failed = 0;  ///< 2, 1 and н/а
  double sum = 0;
  int numeric = 0;
  void add(const Settings& s, const std::string& value);
  /// Share of 4 and 5 among the graded, in percent (качество знаний).
  std::optional<double> quality() const;
  /// Share without 2 and н/а, in percent (успеваемость).
  std::optional<double> success() const;
  std::optional<double> average() const;
};

struct SummarySheet {
  std::string column;  ///< a period id, `exam` or `final`
  std::string title;  ///< `1 четверть`, `Год`, `Экзамен`, `Итоговая` (locale.ru.json)
  std::vector<int> students;                    ///< in Russian alphabetical order
  std::vector<int> subjects;                    ///< in the school's order
  std::vector<std::vector<std::string>> marks;  ///< [student][subject], "" when none
  std::vector<MarkCounts> per_student, per_subject;
  MarkCounts total;
  int excellent = 0;     ///< отличники: only 5
  int good = 0;          ///< хорошисты: 4 and 5, at least one 4
  int single_three = 0;  ///< exactly one 3, the rest 4 and 5
  int failing = 0;       ///< неуспевающие: any 2 or н/а
};

/// The sheets of a class: one per reporting period of its grade, the year, and the exam
/// and final marks where there are any. Students are those in the class at the column's
/// end (for exam and final: at the year's end).
std::vector<SummarySheet> summary_sheets(const Journal& j, int class_ix);

}  // namespace jp

namespace jp {

/// One class's line in the school's summary of a column.
struct ClassSummary {
  int class_ix = -1;  ///< -1 for the school's total line
  int students = 0, excellent = 0, good = 0, single_three = 0, failing = 0;
  MarkCounts marks;
};

/// The school's summary of one column title (`1 четверть`, `Год`, ...): a line per class
/// that has the column (grade 1 is not marked and has none), and the total.
struct SchoolSummary {
  std::string title;
  std::vector<ClassSummary> classes;
  ClassSummary total;
};

/// From the classes' summary sheets, grouped by column title in the order first met
/// (periods of quarters and of halves are different columns).
std::vector<SchoolSummary> school_summary(const Journal& j,
                                          const std::vector<std::vector<SummarySheet>>& sheets);

/// The figures the archive's summary documents show, computed once per build and handed
/// to the PDF and Excel renderers: every class's sheets (none for grade 1, which is not
/// marked) and the school's summary made from them.
struct ArchiveFigures {
  std::vector<std::vector<SummarySheet>> sheets;  ///< by class index
  std::vector<SchoolSummary> school;
};
ArchiveFigures archive_figures(const Journal& j, ThreadPool& pool);

/// The dates the archive's documents carry: the date of the data they certify, never the
/// build's (docs/archive.md, "Dates"), so that a class whose data did not change keeps its
/// signed documents byte for byte on a later day. Each is on or before `today`; 0: none.
struct ArchiveDates {
  /// A class journal: its last lesson on or before today (Порядок 3.2: the journal is kept
  /// lesson by lesson; it is "as of" the last one written in).
  std::vector<Day> journal;
  /// A class's summary sheets: the day its last final mark was entered (as its entry time
  /// says, on or before today), else the end of the last period with final marks of the
  /// class that has ended, else the journal's date.
  std::vector<Day> summary;
  Day school = 0;          ///< the school summary: the latest of the classes' summary dates
  bool year_over = false;  ///< today is after the school year's end («Окончен» may be said)
};
ArchiveDates archive_dates(const Journal& j, Day today);

}  // namespace jp
