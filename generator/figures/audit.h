// Figures of the audit reports for the deputy director and the class teachers
// (product.md, "Audit reports"; Положение 4.3, 4.5, 7.3; Порядок 3.1 item 8, 3.6-3.7;
// seed 003, the order on the quality of journal keeping). Pure functions of the model:
// the renderers (reports/, print/) only format what is computed here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/journal.h"
#include "figures/diary.h"
#include "figures/summary.h"

namespace jp {

/// What a run reports on: a reporting period (`--period`), a date range (`--from`,
/// `--to`), or by default each class's current reporting period up to today.
struct AuditOptions {
  std::string period;    ///< a period id; empty: by date
  std::string from, to;  ///< YYYY-MM-DD, both or neither
  Day today = 0;
  int offset_minutes = 180;       ///< the school's UTC offset (deadlines in its days)
  double absence_threshold = 30;  ///< percent of lessons missed that lists a student (report 8)
};

/// The dates and periods of one class's reports.
struct AuditScope {
  Day from = 0, to = 0;
  int period = -1;    ///< the reporting period the range belongs to (reports 1, 5, 9), or -1
  int previous = -1;  ///< the period before it, of the same kind (report 9), or -1
};

/// Checks the options against the journal; throws naming the option and what was
/// expected (`--period: there is no period "q9"; the periods are: q1, q2, y`).
void check_audit_options(const Journal& j, const AuditOptions& o);

/// The scope of a class of a grade (the options checked).
AuditScope audit_scope(const Journal& j, int grade, const AuditOptions& o);

// The rules the importer's warnings (ingest/checks) and the reports share: those in
// figures/rules.h (timeliness, control works and their limit, too few marks), and:

/// A period mark more than one point away from the forecast of its weighted average.
bool far_from_forecast(const Settings& s, const std::string& value, double average);

// Report 1, накопляемость (Порядок 3.1 item 8; Положение 4.4): per subject (and group).
struct AccumulationLine {
  int subject = -1;
  GroupRef group;    ///< class_ix -1: the whole class
  int teacher = -1;  ///< who teaches it most in the range
  int lessons = 0;   ///< lessons held in the range
  int students = 0;  ///< students taught in the range
  int none = 0, one = 0;
  /// Students with fewer than `min_marks` current marks: (student, marks), alphabetical.
  std::vector<std::pair<int, int>> short_of_marks;
};

// Report 2, timeliness (Положение 4.4; data-format grading_deadline_days,
// homework_deadline_hours).
struct LateMark {
  int mark = -1, teacher = -1;
  Day entered = 0;
  int days = 0;   ///< days between the lesson and the entry
  int limit = 0;  ///< the deadline in days
};
struct LateHomework {
  int lesson = -1, teacher = -1;
  int64_t minutes = 0;  ///< after the deadline
};
struct TimelinessLine {  ///< per teacher of the class
  int teacher = -1;
  int late_marks = 0, late_homework = 0;
  int worst_mark_days = 0;  ///< the longest delay of a mark, in days after its lesson
  int64_t worst_homework_minutes = 0;
};

// Report 3: lessons without a topic, or without homework above grade 1 (Положение 4.4,
// seed 003: every topic and homework checked by the 8th of the next month).
struct LessonGap {
  int lesson = -1, teacher = -1;
  bool no_topic = false, no_homework = false;
};

// Report 4: control works over the limit (seed 003: at most two a quarter in
// mathematics and Russian, one in the other subjects; `control_limit`).
struct ControlExcess {
  int subject = -1, period = -1, limit = 0, teacher = -1;
  GroupRef group;
  std::vector<int> lessons;  ///< every control work of the period, by date
};

// Report 5: period marks against the current ones (Положение 2.8, 8.2; data-format).
struct FinalMarkIssue {
  enum Kind { far_from_forecast, few_marks, exempt, not_assessed };
  Kind kind = few_marks;
  int final_mark = -1, teacher = -1;
  int current = 0;  ///< current marks behind it
  std::optional<double> average;
  std::string forecast;
};

// Report 6: grade 1 is not marked and gets no homework (Положение 3.11).
struct Grade1Entry {
  enum Kind { mark, homework, individual_homework };
  Kind kind = mark;
  int record = -1;  ///< index into marks, lessons or individual_homework
  int lesson = -1, teacher = -1;
};

// Report 7: the mark-change log (Порядок 3.6-3.7).
struct ChangeRow {
  int change = -1, teacher = -1, student = -1, lesson = -1;  ///< student, lesson -1: mark gone
  Day changed = 0;
  bool after_lock = false;
  std::optional<Day> lock_until;
};

// Report 8: attendance (Положение 4.3, 4.5).
struct AttendanceRow {
  int student = -1;
  int lessons = 0;  ///< lessons held for the student in the range
  int illness = 0, valid = 0, unexcused = 0, unspecified = 0, late = 0;
  int absent() const { return illness + valid + unexcused + unspecified; }
  double share() const { return lessons ? 100.0 * absent() / lessons : 0; }
  bool over = false;  ///< missed more than the threshold
};

// Report 9: results (Положение 4.5; the summary sheets' own figures).
struct ResultsFigures {
  int period = -1;
  bool present = false;  ///< a summary sheet exists for the period
  int students = 0, excellent = 0, good = 0, single_three = 0, failing = 0;
  MarkCounts marks;
};

struct ClassAudit {
  int class_ix = -1;
  AuditScope scope;
  std::vector<AccumulationLine> accumulation;
  std::vector<LateMark> late_marks;
  std::vector<LateHomework> late_homework;
  std::vector<TimelinessLine> timeliness;
  std::vector<LessonGap> gaps;
  std::vector<ControlExcess> control;
  std::vector<FinalMarkIssue> finals;
  std::vector<Grade1Entry> grade1;
  std::vector<ChangeRow> changes;
  std::vector<AttendanceRow> attendance;
  AttendanceRow attendance_total;  ///< student -1: the class's sums
  ResultsFigures results, previous;
  /// Problems of reports 1-7 (what report 10 lists), for the school's index.
  int problems() const;
};

/// Report 10: one teacher's open problems from reports 1-7, each with its class.
struct TeacherAudit {
  int teacher = -1;
  std::vector<std::pair<int, AccumulationLine>> accumulation;
  std::vector<std::pair<int, LateMark>> late_marks;
  std::vector<std::pair<int, LateHomework>> late_homework;
  std::vector<std::pair<int, LessonGap>> gaps;
  std::vector<std::pair<int, ControlExcess>> control;
  std::vector<std::pair<int, FinalMarkIssue>> finals;
  std::vector<std::pair<int, Grade1Entry>> grade1;
  std::vector<std::pair<int, ChangeRow>> late_changes;
  size_t problems() const;
};

struct SchoolAudit {
  AuditOptions options;
  std::vector<ClassAudit> classes;     ///< in the journal's order; classes out of scope omitted
  std::vector<int> out_of_scope;       ///< classes whose grade the --period does not apply to
  std::vector<TeacherAudit> teachers;  ///< teachers with a problem, alphabetical
  /// Report 7's changes whose mark is gone from the journal (deleted: `new` null), so
  /// that no class can be told; those made within the classes' dates.
  std::vector<ChangeRow> deleted_marks;
};

/// Every report for every class. `figures`: the summary sheets (report 9 shows their
/// figures); the classes on the pool's threads.
SchoolAudit school_audit(const DiaryIndex& ix, const AuditOptions& o, const ArchiveFigures& figures,
                         ThreadPool& pool);

}  // namespace jp
