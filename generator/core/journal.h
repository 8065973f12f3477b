// The journal model: one school and one academic year, as typed records.
// The loader fills the text fields; `validate` resolves references into the `*_ix`
// indices (-1 = absent) so later stages never look ids up again.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "core/dates.h"

namespace jp {

/// Where a record came from: the file (index into Journal::files) and its array index.
struct Src {
  uint32_t file = 0;
  uint32_t index = 0;
};

struct Person {
  std::string last_name, first_name, middle_name;
};
/// `Иванова Алёна Сергеевна`
std::string full_name(const Person& p);
/// `Иванова А. С.`
std::string short_name(const Person& p);

struct School {
  std::string id, name, short_name, city, address, phone, email, website;
  std::string timezone = "Europe/Moscow";
  Person director;
};

struct Year {
  std::string label;
  Day start = 0, end = 0;
};

/// The format's defaults for `other_marks` (н/а, зач, незач, осв, in that order) and
/// `attendance_codes`, in the wording of templates/locale.ru.json (`marks`, `attendance_codes`).
std::vector<std::string> default_other_marks();
std::map<std::string, std::string> default_attendance_codes();

struct Settings {
  std::vector<std::string> numeric_marks{"5", "4", "3", "2", "1"};
  std::vector<std::string> other_marks = default_other_marks();
  /// mark -> threshold, highest first (`5` at 4.5, `4` at 3.5, `3` at 2.5; below: `2`).
  std::vector<std::pair<std::string, double>> forecast_thresholds{
      {"5", 4.5}, {"4", 3.5}, {"3", 2.5}};
  int control_limit = 1;
  int grading_deadline_primary = 3, grading_deadline_basic = 7;
  int homework_deadline_hours = 2;
  std::map<std::string, std::string> attendance_codes = default_attendance_codes();
  int min_marks = 3;
  std::string edit_lock = "never";
};

struct Period {
  std::string id, kind, name;
  Day start = 0, end = 0;
  std::vector<int> grades;  ///< empty: all grades
  Src src;
  bool applies_to(int grade) const;
};

struct Holiday {
  Day start = 0, end = 0;
  std::string name;
  Src src;
};

struct Bell {
  int number = 0;
  int start = 0, end = 0;  ///< minutes after midnight
  Src src;
};

struct WorkType {
  std::string id, name;
  double weight = 1;
  bool control = false;
  Src src;
};

struct Subject {
  std::string id, name, short_name;
  std::optional<int> order;
  bool graded = true;
  std::optional<int> control_limit;
  Src src;
};

struct Teacher {
  std::string id;
  Person person;
  std::string position;
  Src src;
};

struct Group {
  std::string id, subject, name;
  int subject_ix = -1, class_ix = -1;
};

struct SchoolClass {
  std::string id, name;
  int grade = 0;
  std::string homeroom_teacher;
  int days_per_week = 5;
  std::vector<Group> groups;
  int homeroom_ix = -1;
  Src src;
};

struct GroupRef {
  int class_ix = -1, group = -1;  ///< a group is classes[class_ix].groups[group]
};

struct Enrollment {
  std::string class_id;
  Day from = 0;
  std::optional<Day> to;
  std::vector<std::string> groups;
  std::string reason_in, reason_out;
  int class_ix = -1;
  std::vector<GroupRef> group_refs;
  bool covers(Day d) const { return d >= from && (!to || d <= *to); }
};

struct Student {
  std::string id;
  Person person;
  std::vector<Enrollment> enrollments;
  std::optional<Day> birth_date;
  bool consent = true;
  Src src;
};

struct Guardian {
  std::string id;
  Person person;
  std::vector<std::string> children;
  std::string relation, email, phone;
  std::string delivery = "electronic";
  std::vector<int> children_ix;
  Src src;
};

struct Lesson {
  std::string id, class_id, subject, teacher;
  Day date = 0;
  int number = 0;
  std::string group, substitute, topic, homework, room;
  std::string kind = "lesson";
  bool cancelled = false;
  std::string homework_set_at;
  std::optional<Timestamp> homework_set_ts;
  int class_ix = -1, subject_ix = -1, teacher_ix = -1, substitute_ix = -1;
  GroupRef group_ref;
  Src src;
};

struct IndividualHomework {
  std::string lesson, student, text;
  int lesson_ix = -1, student_ix = -1;
  Src src;
};

struct Mark {
  std::string id, student, lesson, value, work_type;
  std::optional<double> weight;
  std::string comment, created_at, author;
  std::optional<Timestamp> created_ts;
  int student_ix = -1, lesson_ix = -1, work_type_ix = -1, author_ix = -1;
  Src src;
};

struct Attendance {
  std::string student, lesson, status, reason;
  std::optional<int> minutes;
  int student_ix = -1, lesson_ix = -1;
  Src src;
};

struct FinalMark {
  std::string student, subject, period, value, created_at, author;
  std::optional<Timestamp> created_ts;
  int student_ix = -1, subject_ix = -1, period_ix = -1;  ///< period_ix -1 for exam/final
  int author_ix = -1;
  Src src;
};

struct MarkChange {
  std::string mark, changed_at, teacher;
  std::optional<std::string> old_value, new_value;  ///< null new: the mark was deleted
  std::optional<Timestamp> changed_ts;
  int mark_ix = -1, teacher_ix = -1;
  Src src;
};

struct Remark {
  std::string id, student;
  Day date = 0;
  std::string teacher, text, kind;
  int student_ix = -1, teacher_ix = -1;
  Src src;
};

struct Event {
  std::string id;
  Day date = 0;
  std::optional<Day> end_date;
  std::string title, text;
  std::optional<std::vector<std::string>> classes;  ///< absent: the whole school
  std::vector<int> classes_ix;
  Src src;
};

struct Journal {
  std::vector<std::string> files;  ///< input files, in the order they were concatenated
  std::string exported_at;
  /// SHA-256 over the input files' names and bytes: equal digests, equal journals (a
  /// rebuild from an unchanged import can skip all its work).
  std::string content_digest;
  School school;
  Year year;
  Settings settings;
  std::vector<Period> periods;
  std::vector<Holiday> holidays;
  std::vector<Bell> bells;
  std::vector<WorkType> work_types;
  std::vector<Subject> subjects;
  std::vector<Teacher> teachers;
  std::vector<SchoolClass> classes;
  std::vector<Student> students;
  std::vector<Guardian> guardians;
  std::vector<Lesson> lessons;
  std::vector<IndividualHomework> individual_homework;
  std::vector<Mark> marks;
  std::vector<Attendance> attendance;
  std::vector<FinalMark> final_marks;
  std::vector<MarkChange> mark_changes;
  std::vector<Remark> remarks;
  std::vector<Event> events;

  /// Ids of records the loader rejected, by section (`groups` for class groups): a
  /// reference to one of them is not reported again as unknown.
  std::unordered_map<std::string, std::unordered_set<std::string>> dropped;
  /// False when a file could not be parsed at all: its records are unknown, so the
  /// cross-record rules would only report noise.
  bool all_files_read = true;

  const Group& group(GroupRef r) const { return classes[r.class_ix].groups[r.group]; }
};

/// The class a student was in on a day (index into classes), or -1.
int class_on(const Student& s, Day d);
/// The class a student belongs with on a day even when not enrolled then: `class_on`,
/// else the class of the latest enrollment begun by then, else of the first (-1: none).
int class_at(const Student& s, Day d);

/// The enrollment of a student that covers a lesson (its class and group), or nullptr.
const Enrollment* enrollment_for(const Student& s, const Lesson& l);

}  // namespace jp
