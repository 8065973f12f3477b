// The regulation's rules, each written once: the importer's warnings
// (ingest/checks) and the deputy's audit reports (figures/audit) call these, so the two
// cannot disagree about the same mark or homework (they once did: the report looked up
// bell 0 for a day whose every lesson was cancelled, where the importer skipped the day).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/journal.h"

namespace jp {

/// The school's UTC offset in minutes (its `timezone`, else Moscow's +3).
int school_offset_minutes(const School& s);

/// The deadline for entering a mark, in days after its lesson (Положение 4.4: 3 days in
/// grades 1-4, 7 in 5-11; `grading_deadline_days`).
int grading_deadline(const Settings& s, int grade);

/// The moment (UTC seconds) by which a day's homework must be entered:
/// `homework_deadline_hours` after the end (minutes after midnight) of the class's last
/// lesson that day, in the school's time (`offset_minutes`).
int64_t homework_deadline(const Settings& s, Day date, int last_lesson_end, int offset_minutes);

/// A mark entered after its deadline.
struct LateMarkFact {
  Day entered = 0;  ///< the school day it was entered
  int days = 0;     ///< days after the lesson
  int limit = 0;    ///< the deadline, in days
};
/// Whether mark `m` was entered late (nothing when in time or when it has no `created_at`).
std::optional<LateMarkFact> late_mark(const Journal& j, const Mark& m, int offset_minutes);

/// A mark change against the edit lock (Порядок 3.6).
struct MarkChangeFact {
  Day changed = 0;                ///< the school day it was made
  std::optional<Day> lock_until;  ///< the lock's last day (nothing: `never` locks)
  bool after_lock = false;        ///< made after the lock ended
};
/// When change `c` was made against its lesson's edit lock; nothing for a change without
/// its time (`changed_at`) or whose mark is not in the journal.
std::optional<MarkChangeFact> mark_change(const Journal& j, const MarkChange& c,
                                          int offset_minutes);

/// Homework entered after its deadline: made once per journal (each class's last lesson
/// number per day, the bells' ends), then asked per lesson.
class HomeworkDeadlines {
 public:
  HomeworkDeadlines(const Journal& j, int offset_minutes);
  /// Minutes after the deadline the lesson's homework was entered, when late. Nothing for
  /// a lesson without homework or its time, for a day of its class without a held lesson,
  /// or a last lesson whose bell the journal does not have (no deadline can be said).
  std::optional<int64_t> minutes_late(const Lesson& l) const;

 private:
  const Journal& j_;
  int offset_;
  std::unordered_map<int, int> bell_end_;           ///< lesson number -> end (minutes)
  std::map<std::pair<int, Day>, int> last_number_;  ///< (class, day) -> last held lesson
};

/// Per lesson: a control work (`kind: control` and held, or a mark of a `control` work
/// type), as the limits of control works count them.
std::vector<char> control_works(const Journal& j);

/// One subject's control works in one reporting period for one class or group, more of them
/// than the limit (seed 003, the order on quality: at most two a quarter in mathematics and
/// Russian, one in the others; the subject's `control_limit`, else the settings').
struct ControlBreach {
  int class_ix = -1, subject = -1, period = -1;
  GroupRef group;  ///< the group the works were given to; class_ix -1: the whole class
  int limit = 0;
  std::vector<int> lessons;  ///< every work, by date and bell; from index `limit` on, too many
};
/// The control-work limit over `lessons` (indices; `is_control` from control_works).
/// Counted per lesson class, group (the whole `GroupRef`: a group is a set of students of
/// its own, so its works never count towards the whole class's, nor a group's index
/// towards another class's group of the same index), subject and non-year reporting period
/// of the class's grade, each period over its whole length. The works are numbered by
/// date and bell, not by their order in the export: "the one too many" is the later one.
/// Ordered by class, subject, group (the whole class first), period.
std::vector<ControlBreach> control_breaches(const Journal& j, const std::vector<char>& is_control,
                                            const std::vector<int>& lessons);

/// Too few current marks for a period mark, or for a student in a subject (накопляемость,
/// Положение 4.4): fewer than `min_marks`.
bool too_few_marks(const Settings& s, int current_marks);

}  // namespace jp
