#include "archive/archive_inputs.h"

#include <fmt/format.h>

#include "core/record_hash.h"

namespace jp {

ArchiveInputs::ArchiveInputs(const Journal& j, const std::string& global)
    : j_(j), global_(school_wide_hash(j, hash_text(0, global))) {
  const uint64_t g = global_;
  std::vector<uint64_t> by_class(j.classes.size(), 0), by_student(j.students.size(), 0);
  // A record counts for the class of its lesson (the class journal shows it) and for its
  // student (whose summary sheets it feeds, in every class the student was in).
  auto add = [&](int lesson, int student, uint64_t x) {
    if (lesson >= 0)
      if (int c = j.lessons[size_t(lesson)].class_ix; c >= 0)
        by_class[size_t(c)] = hash_mix(by_class[size_t(c)], x);
    if (student >= 0) by_student[size_t(student)] = hash_mix(by_student[size_t(student)], x);
  };
  for (const Lesson& l : j.lessons)
    if (l.class_ix >= 0)
      by_class[size_t(l.class_ix)] = record_hash(l, by_class[size_t(l.class_ix)]);
  for (const IndividualHomework& h : j.individual_homework)
    add(h.lesson_ix, h.student_ix, record_hash(h));
  for (const Mark& m : j.marks) add(m.lesson_ix, m.student_ix, record_hash(m));
  for (const Attendance& a : j.attendance) add(a.lesson_ix, a.student_ix, record_hash(a));
  for (const FinalMark& f : j.final_marks) add(-1, f.student_ix, record_hash(f));
  for (const MarkChange& mc : j.mark_changes)
    if (mc.mark_ix >= 0) {
      const Mark& m = j.marks[size_t(mc.mark_ix)];
      add(m.lesson_ix, m.student_ix, record_hash(mc));
    }
  // Guardians, remarks and events are in no archive document.

  class_.assign(j.classes.size(), 0);
  for (size_t c = 0; c < j.classes.size(); ++c) class_[c] = hash_mix(hash_mix(g, c), by_class[c]);
  for (size_t s = 0; s < j.students.size(); ++s) {
    const uint64_t x = record_hash(j.students[s], by_student[s]);
    int last = -1;
    for (const Enrollment& e : j.students[s].enrollments)
      if (e.class_ix >= 0 && e.class_ix != last) {
        class_[size_t(e.class_ix)] = hash_mix(class_[size_t(e.class_ix)], x);
        last = e.class_ix;
      }
  }
  school_ = hash_mix(g, 0x7363686f6f6cULL);
  for (uint64_t c : class_) school_ = hash_mix(school_, c);
}

std::string ArchiveInputs::of_class(size_t c) const { return fmt::format("{:016x}", class_[c]); }

std::string ArchiveInputs::of_sheets(size_t c, const std::vector<SummarySheet>& sheets) const {
  // The school-wide records (the class, its homeroom teacher, the subjects, the school and
  // its director, the year, the settings) and the version and templates are in global_.
  // The counts under each sheet follow from its marks and the settings: not hashed.
  uint64_t h = hash_mix(hash_text(global_, "summary sheets"), c);
  for (const SummarySheet& sh : sheets) {
    h = hash_text(hash_text(h, sh.column), sh.title);
    for (int s : sh.students) h = record_hash(j_.students[size_t(s)], hash_mix(h, uint64_t(s)));
    for (int s : sh.subjects) h = hash_mix(h, uint64_t(s));
    for (const auto& row : sh.marks) {
      h = hash_mix(h, row.size());
      for (const std::string& m : row) h = hash_text(h, m);
    }
  }
  return fmt::format("{:016x}", h);
}

std::string ArchiveInputs::of_school() const { return fmt::format("{:016x}", school_); }

}  // namespace jp
