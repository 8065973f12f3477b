// Figures for the parents' diary: who attends which lesson, a student's marks,
// attendance, final marks and notes, indexed once per build. Pure functions of the model.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/journal.h"
#include "figures/figures.h"

namespace jp {

class ThreadPool;

/// Attendance totals (Положение 3.10: the diary shows attendance).
struct AttendanceCount {
  int absent = 0, illness = 0, valid = 0, unexcused = 0, late = 0;
  void add(const Attendance& a);
};

/// Everything the diary needs per student, computed once for the whole school.
class DiaryIndex {
 public:
  /// `pool`: the cores to build it on (none: this thread).
  explicit DiaryIndex(const Journal& j, ThreadPool* pool = nullptr);

  const Journal& journal() const { return j_; }
  /// Lessons the student attended or should have (own class on enrolled days, own
  /// groups only), ordered by date and lesson number.
  const std::vector<int>& lessons(int student) const { return lessons_[student]; }
  /// Marks of a student in one lesson (usually none or one).
  const std::vector<int>* marks_at(int student, int lesson) const;
  const Attendance* attendance_at(int student, int lesson) const;
  const std::vector<int>* homework_at(int student, int lesson) const;  ///< individual homework
  const std::vector<int>& marks(int student) const { return marks_[student]; }
  const std::vector<int>& attendance(int student) const { return attendance_[student]; }
  const std::vector<int>& final_marks(int student) const { return finals_[student]; }
  const std::vector<int>& remarks(int student) const { return remarks_[student]; }
  /// Events of the school and of any class the student was in.
  std::vector<int> events(int student) const;
  /// Subjects the student has lessons in, in the school's order (`order`, then input order).
  std::vector<int> subjects(int student) const;
  /// Grade 1 is kept to attendance and topics (Положение 3.11): no marks, no homework.
  bool unmarked(int student) const;
  /// Reporting periods (non-year) of the student's grade(s), in date order, and the year ones.
  std::vector<int> periods(int student) const;
  /// The Mondays of the school weeks the student was enrolled in (at least one day).
  std::vector<Day> weeks(int student) const;
  /// The holiday covering a day, or nullptr.
  const Holiday* holiday_on(Day d) const;
  const Bell* bell(int number) const;
  /// Weighted average of a student's marks in a subject between two dates.
  Average average(int student, int subject, Day from, Day to) const;

 private:
  // The constructor's four parts, on disjoint members.
  void index_lessons();   ///< lessons_
  void index_records();   ///< marks_, attendance_, finals_, remarks_
  void index_marks_at();  ///< marks_at_
  void index_lookups();   ///< attendance_at_, homework_at_, bell_ix_, any_at_
  static uint64_t key(int a, int b) { return (uint64_t(uint32_t(a)) << 32) | uint32_t(b); }
  /// False when the student has no mark, attendance entry or individual homework at the
  /// lesson: most (student, lesson) pairs a page or a printout asks about (a bit each, read
  /// in lesson order), so that the hash lookups are made only where something is.
  bool maybe_at(int s, int l) const;
  const Journal& j_;
  std::vector<uint64_t> any_at_;  ///< bit s * lessons + l; empty: not kept (too large)
  std::vector<std::vector<int>> lessons_, marks_, attendance_, finals_, remarks_;
  std::unordered_map<uint64_t, std::vector<int>> marks_at_, homework_at_;
  std::unordered_map<uint64_t, int> attendance_at_;
  std::unordered_map<int, int> bell_ix_;
};

}  // namespace jp
