// Each record's fields, described once (data-format.md, "Records"). The importer reads
// them from JSON, the store writes and reads them as SQL columns, and the site's page
// fingerprints hash them, all by visiting the same description: a field added here is
// read, stored, read back and fingerprinted, and one left out of here is none of these.
//
// `describe(v, record)` calls one method of the visitor `v` per field, in the order the
// importer reads them (which is the order its diagnostics come in). A visitor implements:
//
//   id, text, text_or_int, one_of, timestamp, nullable_value   (std::string fields)
//   integer (int, std::optional<int>), positive (double, std::optional<double>),
//   boolean, date (Day, std::optional<Day>), clock (int minutes), person (Person),
//   strings (std::vector<std::string>, std::optional<...>), grades (std::vector<int>),
//   records (std::vector<Group>, std::vector<Enrollment>: nested records)
//
// each taking a `Field` first. What a field must hold (its range, its allowed values)
// is part of its description, so the importer's checks and the test that changes every
// field (tests/unit/records_test.cc) read the same limits.
#pragma once

#include <span>
#include <type_traits>

#include "core/journal.h"

namespace jp {

/// How one field is spelled and what it may hold.
struct Field {
  const char* key;               ///< the JSON key (`old`, `from`, `class`)
  const char* column = nullptr;  ///< the SQL column when it differs from the key
  bool required = false;
  long long lo = 0, hi = 0;                ///< integer range
  double max = 0;                          ///< positive numbers: the largest allowed
  std::span<const char* const> allowed{};  ///< one_of: the values allowed, in order
  const char* fallback = "";               ///< one_of: the value when absent
  const char* refers = nullptr;            ///< a reference: the section whose id it names
  const char* sql() const { return column ? column : key; }
};

/// The largest weight of a work type or a mark (data-format.md, "Limits").
inline constexpr double kMaxWeight = 100;

inline constexpr const char* kPeriodKinds[] = {"quarter", "half", "trimester", "year"};
inline constexpr const char* kDeliveries[] = {"electronic", "paper"};
inline constexpr const char* kLessonKinds[] = {"lesson", "control", "lab", "practical", "exam"};
inline constexpr const char* kAttendanceStatuses[] = {"absent", "late"};
inline constexpr const char* kAbsenceReasons[] = {"illness", "valid", "unexcused"};
inline constexpr const char* kRemarkKinds[] = {"praise", "remark", "recommendation"};

template <class R, class T>
concept RecordOf = std::is_same_v<std::remove_const_t<R>, T>;

template <class V, RecordOf<School> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "name", .required = true}, x.name);
  v.person({.key = "director", .column = "director_", .required = true}, x.director);
  v.text({.key = "short_name"}, x.short_name);
  v.text({.key = "city"}, x.city);
  v.text({.key = "address"}, x.address);
  v.text({.key = "phone"}, x.phone);
  v.text({.key = "email"}, x.email);
  v.text({.key = "website"}, x.website);
  v.text({.key = "timezone"}, x.timezone);  // absent: the default (Europe/Moscow) stays
}

template <class V, RecordOf<Year> R>
void describe(V& v, R& x) {
  v.text({.key = "label", .required = true}, x.label);
  v.date({.key = "start", .required = true}, x.start);
  v.date({.key = "end", .required = true}, x.end);
}

template <class V, RecordOf<Period> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.one_of({.key = "kind", .required = true, .allowed = kPeriodKinds}, x.kind);
  v.text({.key = "name", .required = true}, x.name);
  v.date({.key = "start", .required = true}, x.start);
  v.date({.key = "end", .required = true}, x.end);
  v.grades({.key = "grades", .lo = 1, .hi = 11}, x.grades);
}

template <class V, RecordOf<Holiday> R>
void describe(V& v, R& x) {
  v.date({.key = "start", .required = true}, x.start);
  v.date({.key = "end", .required = true}, x.end);
  v.text({.key = "name", .required = true}, x.name);
}

template <class V, RecordOf<Bell> R>
void describe(V& v, R& x) {
  v.integer({.key = "number", .required = true, .lo = 0, .hi = 20}, x.number);
  v.clock({.key = "start", .required = true}, x.start);
  v.clock({.key = "end", .required = true}, x.end);
}

template <class V, RecordOf<WorkType> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "name", .required = true}, x.name);
  v.positive({.key = "weight", .max = kMaxWeight}, x.weight);
  v.boolean({.key = "control"}, x.control);
}

template <class V, RecordOf<Subject> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "name", .required = true}, x.name);
  v.text({.key = "short_name"}, x.short_name);
  v.integer({.key = "order", .column = "ord", .lo = -1000000, .hi = 1000000}, x.order);
  v.boolean({.key = "graded"}, x.graded);
  v.integer({.key = "control_limit", .lo = 0, .hi = 100}, x.control_limit);
}

template <class V, RecordOf<Teacher> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.person({.key = nullptr, .required = true}, x.person);
  v.text({.key = "position"}, x.position);
}

template <class V, RecordOf<Group> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "subject", .required = true, .refers = "subjects"}, x.subject);
  v.text({.key = "name", .required = true}, x.name);
}

template <class V, RecordOf<SchoolClass> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "name", .required = true}, x.name);
  v.integer({.key = "grade", .required = true, .lo = 1, .hi = 11}, x.grade);
  v.text({.key = "homeroom_teacher", .refers = "teachers"}, x.homeroom_teacher);
  v.integer({.key = "days_per_week", .lo = 5, .hi = 6}, x.days_per_week);
  v.records({.key = "groups"}, x.groups);
}

template <class V, RecordOf<Enrollment> R>
void describe(V& v, R& x) {
  v.text({.key = "class", .required = true, .refers = "classes"}, x.class_id);
  v.date({.key = "from", .column = "from_date", .required = true}, x.from);
  v.date({.key = "to", .column = "to_date"}, x.to);
  v.strings({.key = "groups", .refers = "groups"}, x.groups);
  v.text({.key = "reason_in"}, x.reason_in);
  v.text({.key = "reason_out"}, x.reason_out);
}

template <class V, RecordOf<Student> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.person({.key = nullptr, .required = true}, x.person);
  v.records({.key = "enrollments", .required = true}, x.enrollments);
  v.date({.key = "birth_date"}, x.birth_date);
  v.boolean({.key = "consent"}, x.consent);
}

template <class V, RecordOf<Guardian> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.person({.key = nullptr, .required = true}, x.person);
  v.strings({.key = "children", .required = true, .refers = "students"}, x.children);
  v.text({.key = "relation"}, x.relation);
  v.text({.key = "email"}, x.email);
  v.text({.key = "phone"}, x.phone);
  v.one_of({.key = "delivery", .allowed = kDeliveries, .fallback = "electronic"}, x.delivery);
}

template <class V, RecordOf<Lesson> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "class", .required = true, .refers = "classes"}, x.class_id);
  v.text({.key = "subject", .required = true, .refers = "subjects"}, x.subject);
  v.text({.key = "teacher", .required = true, .refers = "teachers"}, x.teacher);
  v.date({.key = "date", .required = true}, x.date);
  v.integer({.key = "number", .required = true, .lo = 0, .hi = 20}, x.number);
  v.text({.key = "group", .column = "grp", .refers = "groups"}, x.group);
  v.text({.key = "substitute", .refers = "teachers"}, x.substitute);
  v.text({.key = "topic"}, x.topic);
  v.text({.key = "homework"}, x.homework);
  v.one_of({.key = "kind", .allowed = kLessonKinds, .fallback = "lesson"}, x.kind);
  v.text_or_int({.key = "room"}, x.room);
  v.boolean({.key = "cancelled"}, x.cancelled);
  v.timestamp({.key = "homework_set_at"}, x.homework_set_at, x.homework_set_ts);
}

template <class V, RecordOf<IndividualHomework> R>
void describe(V& v, R& x) {
  v.text({.key = "lesson", .required = true, .refers = "lessons"}, x.lesson);
  v.text({.key = "student", .required = true, .refers = "students"}, x.student);
  v.text({.key = "text", .required = true}, x.text);
}

template <class V, RecordOf<Mark> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "student", .required = true, .refers = "students"}, x.student);
  v.text({.key = "lesson", .required = true, .refers = "lessons"}, x.lesson);
  v.text_or_int({.key = "value", .required = true}, x.value);
  v.text({.key = "work_type", .refers = "work_types"}, x.work_type);
  v.positive({.key = "weight", .max = kMaxWeight}, x.weight);
  v.text({.key = "comment"}, x.comment);
  v.timestamp({.key = "created_at"}, x.created_at, x.created_ts);
  v.text({.key = "author", .refers = "teachers"}, x.author);
}

template <class V, RecordOf<Attendance> R>
void describe(V& v, R& x) {
  v.text({.key = "student", .required = true, .refers = "students"}, x.student);
  v.text({.key = "lesson", .required = true, .refers = "lessons"}, x.lesson);
  v.one_of({.key = "status", .required = true, .allowed = kAttendanceStatuses}, x.status);
  v.one_of({.key = "reason", .allowed = kAbsenceReasons}, x.reason);
  v.integer({.key = "minutes", .lo = 0, .hi = 24 * 60}, x.minutes);
}

template <class V, RecordOf<FinalMark> R>
void describe(V& v, R& x) {
  v.text({.key = "student", .required = true, .refers = "students"}, x.student);
  v.text({.key = "subject", .required = true, .refers = "subjects"}, x.subject);
  v.text({.key = "period", .required = true, .refers = "periods"}, x.period);
  v.text_or_int({.key = "value", .required = true}, x.value);
  v.timestamp({.key = "created_at"}, x.created_at, x.created_ts);
  v.text({.key = "author", .refers = "teachers"}, x.author);
}

template <class V, RecordOf<MarkChange> R>
void describe(V& v, R& x) {
  v.text({.key = "mark", .required = true, .refers = "marks"}, x.mark);
  v.timestamp({.key = "changed_at", .required = true}, x.changed_at, x.changed_ts);
  v.text({.key = "teacher", .required = true, .refers = "teachers"}, x.teacher);
  v.nullable_value({.key = "old", .required = true}, x.old_value);
  v.nullable_value({.key = "new", .required = true}, x.new_value);
}

template <class V, RecordOf<Remark> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.text({.key = "student", .required = true, .refers = "students"}, x.student);
  v.date({.key = "date", .required = true}, x.date);
  v.text({.key = "teacher", .required = true, .refers = "teachers"}, x.teacher);
  v.text({.key = "text", .required = true}, x.text);
  v.one_of({.key = "kind", .allowed = kRemarkKinds, .fallback = "remark"}, x.kind);
}

template <class V, RecordOf<Event> R>
void describe(V& v, R& x) {
  v.id({.key = "id"}, x.id);
  v.date({.key = "date", .required = true}, x.date);
  v.date({.key = "end_date"}, x.end_date);
  v.text({.key = "title", .required = true}, x.title);
  v.text({.key = "text"}, x.text);
  v.strings({.key = "classes", .refers = "classes"}, x.classes);
}

}  // namespace jp
