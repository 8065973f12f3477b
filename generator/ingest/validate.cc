#include "ingest/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <concepts>
#include <functional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include "core/text.h"
#include "core/thread_pool.h"
#include "ingest/load.h"

namespace jp {
namespace {

/// Ids to their records' places. The keys are views of the ids in the journal, which is not
/// resized while it is validated (a copy of each of 240,000 mark ids was a third of the
/// marks' index).
using Index = std::unordered_map<std::string_view, int>;

/// A record's label in a diagnostic ("id m1", "student s1, lesson l1"), made only when a
/// diagnostic is: a valid journal needs none, and making one for each of a large school's
/// 400,000 records was a fifth of reading its journal back (every build does).
class Label {
 public:
  // Implicit both ways: a call site passes a string it has, or a lambda that makes one.
  Label(std::string text) : text_(std::move(text)) {}
  template <std::invocable F>
  Label(F make) : make_(std::move(make)) {}
  std::string str() const { return make_ ? make_() : text_; }

 private:
  std::string text_;
  std::function<std::string()> make_;
};

/// Reports problems of one record: file, pointer and label from its Src.
struct At {
  const Journal& j;
  Diagnostics& diag;
  void operator()(const char* section, const Src& src, const Label& label,
                  const std::string& field, const std::string& msg) {
    std::string ptr = record_pointer(section, src);
    if (!field.empty()) ptr += "/" + field;
    diag.error(j.files.empty() ? std::string() : j.files[src.file], ptr, label.str(), msg);
  }
};

template <class T>
Index build_index(const std::vector<T>& items, const char* section, At& at,
                  bool names_files = false) {
  Index idx;
  std::unordered_map<std::string, int> folded;
  idx.reserve(items.size() * 2);
  if (names_files) folded.reserve(items.size() * 2);
  for (size_t i = 0; i < items.size(); ++i) {
    auto [it, fresh] = idx.emplace(items[i].id, int(i));
    if (!fresh) {
      const auto& first = items[it->second];
      at(section, items[i].src, "id " + items[i].id, "id",
         fmt::format("duplicate id {}; first defined at {}: {}", in_quotes(items[i].id),
                     at.j.files[first.src.file], record_pointer(section, first.src)));
      continue;
    }
    if (!names_files) continue;
    // Ids name files (pages, PDFs): two that differ only in case would be one file on a
    // case-insensitive copy (a USB stick, a Windows share).
    std::string lower = items[i].id;
    for (auto& c : lower) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    auto [f, new_fold] = folded.emplace(lower, int(i));
    if (!new_fold) {
      const auto& first = items[f->second];
      at(section, items[i].src, "id " + items[i].id, "id",
         fmt::format("id {} differs from {} only in case (their files would collide on a "
                     "case-insensitive disk); first defined at {}: {}",
                     in_quotes(items[i].id), in_quotes(first.id), at.j.files[first.src.file],
                     record_pointer(section, first.src)));
    }
  }
  return idx;
}

int find(const Index& idx, std::string_view id) {
  auto it = idx.find(id);
  return it == idx.end() ? -1 : it->second;
}

std::string in_year_msg(const Year& y) {
  return fmt::format("the year {} ({} to {})", y.label, format_date(y.start), format_date(y.end));
}

/// One run of the rules over a journal. Each section resolves its references through the
/// indices the sections before it built, so the methods run in the order of `run`, which is
/// also the order of the diagnostics.
class Validator {
 public:
  Validator(Journal& j, Diagnostics& diag, ThreadPool* pool)
      : j_(j),
        diag_(diag),
        pool_(pool),
        at_{j, diag},
        y_(j.year),
        have_year_(!y_.label.empty()),
        year_ok_(have_year_ && y_.start <= y_.end) {}

  void run() {
    check_year();
    check_periods();
    check_period_overlaps();
    check_holidays();
    index_reference_sections();
    resolve_classes();
    resolve_students();
    resolve_guardians();
    resolve_lessons();
    resolve_individual_homework();
    resolve_marks();
    resolve_attendance();
    resolve_final_marks();
    resolve_mark_changes();
    resolve_remarks();
    resolve_events();
  }

 private:
  Journal& j_;
  Diagnostics& diag_;
  ThreadPool* pool_;
  At at_;
  const Year& y_;
  const bool have_year_;
  const bool year_ok_;
  Index periods_, work_types_, subjects_, teachers_, classes_, students_, lessons_, marks_;
  std::unordered_map<std::string, GroupRef> groups_;
  std::unordered_set<std::string> mark_values_;
  std::string allowed_marks_;  ///< the school's marks, quoted, for the message

  /// False if the record `id` of `section` was rejected by the loader (already reported).
  bool unknown(const char* section, const std::string& id) const {
    auto it = j_.dropped.find(section);
    return it == j_.dropped.end() || !it->second.count(id);
  }

  bool in_year(Day d) const { return !year_ok_ || (d >= y_.start && d <= y_.end); }

  void check_in_year(const char* section, const Src& src, const Label& label,
                     const char* field, Day d) {
    if (!in_year(d))
      at_(section, src, label, field,
          fmt::format("date {} is outside {}", format_date(d), in_year_msg(y_)));
  }

  /// A `start`..`end` record (a period, a holiday): in order, and inside the year.
  void check_span(const char* section, const Src& src, const Label& label, const char* noun,
                  Day start, Day end) {
    if (start > end)
      at_(section, src, label, "end",
          fmt::format("the {} ends ({}) before it starts ({})", noun, format_date(end),
                      format_date(start)));
    check_in_year(section, src, label, "start", start);
    check_in_year(section, src, label, "end", end);
  }

  void check_year() {
    if (have_year_ && !year_ok_)
      diag_.error(j_.files.empty() ? "" : j_.files[0], "/year/end", "",
                  fmt::format("the year ends ({}) before it starts ({})", format_date(y_.end),
                              format_date(y_.start)));
  }

  void check_periods() {
    periods_ = build_index(j_.periods, "periods", at_);
    for (const auto& p : j_.periods) {
      Label label([&] { return "id " + p.id; });
      if (p.id == "exam" || p.id == "final")
        at_("periods", p.src, label, "id",
            fmt::format("the period id {} is reserved for exam and final marks", in_quotes(p.id)));
      check_span("periods", p.src, label, "period", p.start, p.end);
    }
  }

  // For each grade, the non-`year` periods of one kind must not overlap.
  void check_period_overlaps() {
    for (size_t a = 0; a < j_.periods.size(); ++a) {
      const Period& pa = j_.periods[a];
      if (pa.kind == "year") continue;
      for (size_t b = a + 1; b < j_.periods.size(); ++b) {
        const Period& pb = j_.periods[b];
        if (pb.kind != pa.kind || pb.start > pa.end || pa.start > pb.end) continue;
        for (int g = 1; g <= 11; ++g) {
          if (pa.applies_to(g) && pb.applies_to(g)) {
            at_("periods", pb.src, "id " + pb.id, "",
                fmt::format("period {} ({} to {}) overlaps period {} ({} to {}) for grade {}",
                            in_quotes(pb.id), format_date(pb.start), format_date(pb.end), in_quotes(pa.id),
                            format_date(pa.start), format_date(pa.end), g));
            break;
          }
        }
      }
    }
  }

  void check_holidays() {
    for (const auto& h : j_.holidays) {
      Label label([&] { return "name " + h.name; });
      check_span("holidays", h.src, label, "holiday", h.start, h.end);
    }
  }

  void index_reference_sections() {
    work_types_ = build_index(j_.work_types, "work_types", at_);
    subjects_ = build_index(j_.subjects, "subjects", at_, true);
    teachers_ = build_index(j_.teachers, "teachers", at_);
    classes_ = build_index(j_.classes, "classes", at_, true);
  }

  // Groups: ids unique school-wide, each with a known subject.
  void resolve_classes() {
    for (size_t c = 0; c < j_.classes.size(); ++c) {
      SchoolClass& cl = j_.classes[c];
      Label label([&] { return "id " + cl.id; });
      cl.homeroom_ix = -1;
      if (!cl.homeroom_teacher.empty()) {
        cl.homeroom_ix = find(teachers_, cl.homeroom_teacher);
        if (cl.homeroom_ix < 0 && unknown("teachers", cl.homeroom_teacher))
          at_("classes", cl.src, label, "homeroom_teacher",
              fmt::format("unknown teacher {}", in_quotes(cl.homeroom_teacher)));
      }
      for (size_t g = 0; g < cl.groups.size(); ++g) {
        Group& gr = cl.groups[g];
        gr.class_ix = int(c);
        gr.subject_ix = find(subjects_, gr.subject);
        std::string field = fmt::format("groups/{}", g);
        if (gr.subject_ix < 0 && unknown("subjects", gr.subject))
          at_("classes", cl.src, label, field + "/subject",
              fmt::format("unknown subject {}", in_quotes(gr.subject)));
        auto [it, fresh] = groups_.emplace(gr.id, GroupRef{int(c), int(g)});
        if (!fresh)
          at_("classes", cl.src, label, field + "/id",
              fmt::format("duplicate group id {}; group ids are unique across the school "
                          "(also in class {})",
                          in_quotes(gr.id), j_.classes[it->second.class_ix].name));
      }
    }
  }

  void resolve_students() {
    students_ = build_index(j_.students, "students", at_, true);
    for (auto& s : j_.students) {
      Label label([&] { return "id " + s.id; });
      for (size_t e = 0; e < s.enrollments.size(); ++e)
        resolve_enrollment(s, label, e, s.enrollments[e]);
    }
  }

  void resolve_enrollment(const Student& s, const Label& label, size_t e, Enrollment& en) {
    std::string field = fmt::format("enrollments/{}", e);
    en.class_ix = find(classes_, en.class_id);
    if (en.class_ix < 0) {
      if (unknown("classes", en.class_id))
        at_("students", s.src, label, field + "/class",
            fmt::format("unknown class {}", in_quotes(en.class_id)));
      return;
    }
    if (en.to && *en.to < en.from)
      at_("students", s.src, label, field + "/to",
          fmt::format("the enrollment ends ({}) before it starts ({})", format_date(*en.to),
                      format_date(en.from)));
    en.group_refs.clear();
    for (size_t g = 0; g < en.groups.size(); ++g) {
      auto it = groups_.find(en.groups[g]);
      if (it == groups_.end()) {
        if (unknown("groups", en.groups[g]))
          at_("students", s.src, label, fmt::format("{}/groups/{}", field, g),
              fmt::format("unknown group {}", in_quotes(en.groups[g])));
      } else if (it->second.class_ix != en.class_ix) {
        at_("students", s.src, label, fmt::format("{}/groups/{}", field, g),
            fmt::format("group {} belongs to class {}, not to {}", in_quotes(en.groups[g]),
                        j_.classes[it->second.class_ix].name, j_.classes[en.class_ix].name));
      } else {
        en.group_refs.push_back(it->second);
      }
    }
  }

  void resolve_guardians() {
    build_index(j_.guardians, "guardians", at_);
    for (auto& g : j_.guardians) {
      g.children_ix.clear();
      for (size_t c = 0; c < g.children.size(); ++c) {
        int ix = find(students_, g.children[c]);
        if (ix >= 0)
          g.children_ix.push_back(ix);
        else if (unknown("students", g.children[c]))
          at_("guardians", g.src, "id " + g.id, fmt::format("children/{}", c),
              fmt::format("unknown student {}", in_quotes(g.children[c])));
      }
    }
  }

  void resolve_lessons() {
    lessons_ = build_index(j_.lessons, "lessons", at_);
    for (auto& l : j_.lessons) {
      Label label([&] { return "id " + l.id; });
      l.class_ix = find(classes_, l.class_id);
      l.subject_ix = find(subjects_, l.subject);
      l.teacher_ix = find(teachers_, l.teacher);
      if (l.class_ix < 0 && unknown("classes", l.class_id))
        at_("lessons", l.src, label, "class", fmt::format("unknown class {}", in_quotes(l.class_id)));
      if (l.subject_ix < 0 && unknown("subjects", l.subject))
        at_("lessons", l.src, label, "subject", fmt::format("unknown subject {}", in_quotes(l.subject)));
      if (l.teacher_ix < 0 && unknown("teachers", l.teacher))
        at_("lessons", l.src, label, "teacher", fmt::format("unknown teacher {}", in_quotes(l.teacher)));
      l.substitute_ix = -1;
      if (!l.substitute.empty()) {
        l.substitute_ix = find(teachers_, l.substitute);
        if (l.substitute_ix < 0 && unknown("teachers", l.substitute))
          at_("lessons", l.src, label, "substitute",
              fmt::format("unknown teacher {}", in_quotes(l.substitute)));
      }
      resolve_lesson_group(l, label);
      check_in_year("lessons", l.src, label, "date", l.date);
    }
  }

  void resolve_lesson_group(Lesson& l, const Label& label) {
    l.group_ref = {};
    if (l.group.empty()) return;
    auto it = groups_.find(l.group);
    if (it == groups_.end()) {
      if (unknown("groups", l.group))
        at_("lessons", l.src, label, "group", fmt::format("unknown group {}", in_quotes(l.group)));
    } else if (l.class_ix >= 0 && it->second.class_ix != l.class_ix)
      at_("lessons", l.src, label, "group",
          fmt::format("group {} belongs to class {}, not to {}", in_quotes(l.group),
                      j_.classes[it->second.class_ix].name, j_.classes[l.class_ix].name));
    else
      l.group_ref = it->second;
  }

  /// Why the student was not in the lesson (not in its class, or not in its group, that day);
  /// empty if they were.
  std::string enrolled_msg(const Student& s, const Lesson& l) const {
    if (l.class_ix < 0) return {};
    bool in_class = false;
    for (const auto& e : s.enrollments)
      if (e.class_ix == l.class_ix && e.covers(l.date)) in_class = true;
    if (!in_class)
      return fmt::format("student {} is not enrolled in {} on {}", in_quotes(s.id),
                         j_.classes[l.class_ix].name, format_date(l.date));
    if (!enrollment_for(s, l))
      return fmt::format("student {} is not in group {} ({}) of {} on {}", in_quotes(s.id), in_quotes(l.group),
                         j_.group(l.group_ref).name, j_.classes[l.class_ix].name,
                         format_date(l.date));
    return {};
  }

  /// A mark or an attendance entry: its lesson took place and its student was in it.
  void check_student_in_lesson(At& at, const char* section, const Src& src, const Label& label,
                               const char* what, int student_ix, int lesson_ix) const {
    const Lesson& l = j_.lessons[lesson_ix];
    if (l.cancelled)
      at(section, src, label, "",
          fmt::format("lesson {} on {} was cancelled and cannot carry {}", in_quotes(l.id),
                      format_date(l.date), what));
    else if (auto msg = enrolled_msg(j_.students[student_ix], l); !msg.empty())
      at(section, src, label, "", msg);
  }

  void resolve_individual_homework() {
    for (auto& h : j_.individual_homework) {
      Label label([&] { return fmt::format("lesson {}, student {}", h.lesson, h.student); });
      h.lesson_ix = find(lessons_, h.lesson);
      h.student_ix = find(students_, h.student);
      if (h.lesson_ix < 0 && unknown("lessons", h.lesson))
        at_("individual_homework", h.src, label, "lesson",
            fmt::format("unknown lesson {}", in_quotes(h.lesson)));
      if (h.student_ix < 0 && unknown("students", h.student))
        at_("individual_homework", h.src, label, "student",
            fmt::format("unknown student {}", in_quotes(h.student)));
    }
  }

  void collect_mark_values() {
    mark_values_.insert(j_.settings.numeric_marks.begin(), j_.settings.numeric_marks.end());
    mark_values_.insert(j_.settings.other_marks.begin(), j_.settings.other_marks.end());
    for (const auto& v : j_.settings.numeric_marks)
      allowed_marks_ += (allowed_marks_.empty() ? "" : ", ") + in_quotes(v);
    for (const auto& v : j_.settings.other_marks)
      allowed_marks_ += (allowed_marks_.empty() ? "" : ", ") + in_quotes(v);
  }

  void check_mark_value(At& at, const char* section, const Src& src, const Label& label,
                        const char* field, const std::string& value) const {
    if (!mark_values_.count(value) && unknown("settings", "settings"))
      at(section, src, label, field,
          fmt::format("mark {} is not one of the school's marks ({})", in_quotes(value), allowed_marks_));
  }

  void resolve_marks() {
    collect_mark_values();
    // The largest section (240,000 marks in a large school), resolved on the cores: the
    // id index and ranges of marks are parts of their own, each with its own diagnostics,
    // appended in the order one thread makes them.
    const size_t n = j_.marks.size();
    // Two ranges a core, so that a core that finishes early takes another; a small journal
    // (under 20,000 marks, a few milliseconds) stays on one.
    const size_t ranges = pool_ && n >= 20000 ? size_t(pool_->size()) * 2 : 1;
    std::vector<Diagnostics> found(ranges + 1);
    for_each(pool_, ranges + 1, [&](size_t part, unsigned) {
      At at{j_, found[part]};
      if (part == 0) {
        marks_ = build_index(j_.marks, "marks", at);
        return;
      }
      for (size_t i = n * (part - 1) / ranges; i < n * part / ranges; ++i)
        resolve_mark(at, j_.marks[i]);
    });
    for (auto& d : found) diag_.append(std::move(d));
  }

  /// The place of the record `id` in `index` (-1 if none), with "unknown NOUN" said
  /// unless the loader already rejected that record (`of`: its section).
  int ref(At& at, const char* section, const Src& src, const Label& label, const char* field,
          const Index& index, const char* of, const char* noun, const std::string& id) const {
    int ix = find(index, id);
    if (ix < 0 && unknown(of, id))
      at(section, src, label, field, fmt::format("unknown {} {}", noun, in_quotes(id)));
    return ix;
  }

  /// One mark; reads only what the sections before it resolved (safe on several threads).
  void resolve_mark(At& at, Mark& m) const {
    Label label([&] { return "id " + m.id; });
    m.student_ix = ref(at, "marks", m.src, label, "student", students_, "students", "student",
                       m.student);
    m.lesson_ix = ref(at, "marks", m.src, label, "lesson", lessons_, "lessons", "lesson", m.lesson);
    m.work_type_ix = m.work_type.empty() ? -1
                                         : ref(at, "marks", m.src, label, "work_type", work_types_,
                                               "work_types", "work type", m.work_type);
    m.author_ix = m.author.empty() ? -1
                                   : ref(at, "marks", m.src, label, "author", teachers_,
                                         "teachers", "teacher", m.author);
    check_mark_value(at, "marks", m.src, label, "value", m.value);
    if (m.student_ix < 0 || m.lesson_ix < 0) return;
    check_student_in_lesson(at, "marks", m.src, label, "marks", m.student_ix, m.lesson_ix);
  }

  void resolve_attendance() {
    std::unordered_map<uint64_t, const Attendance*> seen;
    seen.reserve(j_.attendance.size() * 2);
    for (auto& a : j_.attendance) {
      Label label([&] { return fmt::format("student {}, lesson {}", a.student, a.lesson); });
      a.student_ix = ref(at_, "attendance", a.src, label, "student", students_, "students",
                         "student", a.student);
      a.lesson_ix =
          ref(at_, "attendance", a.src, label, "lesson", lessons_, "lessons", "lesson", a.lesson);
      if (a.student_ix < 0 || a.lesson_ix < 0) continue;
      uint64_t key = (uint64_t(uint32_t(a.student_ix)) << 32) | uint32_t(a.lesson_ix);
      auto [it, fresh] = seen.emplace(key, &a);
      if (!fresh)
        at_("attendance", a.src, label, "",
            fmt::format("a second entry for this student and lesson; the first is at {}: {}",
                        j_.files[it->second->src.file],
                        record_pointer("attendance", it->second->src)));
      check_student_in_lesson(at_, "attendance", a.src, label, "attendance", a.student_ix, a.lesson_ix);
    }
  }

  void resolve_final_marks() {
    std::unordered_map<std::string, const FinalMark*> seen;
    for (auto& f : j_.final_marks) {
      Label label([&] { return fmt::format("student {}, subject {}, period {}", f.student, f.subject, f.period); });
      f.student_ix = find(students_, f.student);
      f.subject_ix = find(subjects_, f.subject);
      f.period_ix = -1;
      bool period_ok = f.period == "exam" || f.period == "final";
      if (!period_ok) {
        f.period_ix = find(periods_, f.period);
        period_ok = f.period_ix >= 0;
        if (!period_ok && unknown("periods", f.period))
          at_("final_marks", f.src, label, "period",
              fmt::format("unknown period {} (expected a period id, \"exam\" or \"final\")",
                          in_quotes(f.period)));
      }
      if (f.student_ix < 0 && unknown("students", f.student))
        at_("final_marks", f.src, label, "student",
            fmt::format("unknown student {}", in_quotes(f.student)));
      if (f.subject_ix < 0 && unknown("subjects", f.subject))
        at_("final_marks", f.src, label, "subject",
            fmt::format("unknown subject {}", in_quotes(f.subject)));
      f.author_ix = f.author.empty() ? -1
                                     : ref(at_, "final_marks", f.src, label, "author", teachers_,
                                           "teachers", "teacher", f.author);
      check_mark_value(at_, "final_marks", f.src, label, "value", f.value);
      auto [it, fresh] = seen.emplace(f.student + '\x1f' + f.subject + '\x1f' + f.period, &f);
      if (!fresh)
        at_("final_marks", f.src, label, "",
            fmt::format(
                "a second mark for this student, subject and period; the first is at {}: {}",
                j_.files[it->second->src.file], record_pointer("final_marks", it->second->src)));
      if (f.student_ix < 0 || f.period_ix < 0) continue;
      check_final_mark_grade(f, label);
    }
  }

  // The period must apply to the grade the student was in during it (or, for a
  // student not enrolled during the period, to one of their grades this year).
  void check_final_mark_grade(const FinalMark& f, const Label& label) {
    const Period& p = j_.periods[f.period_ix];
    const Student& s = j_.students[f.student_ix];
    std::vector<int> grades;
    for (const auto& e : s.enrollments)
      if (e.class_ix >= 0 && e.from <= p.end && (!e.to || *e.to >= p.start))
        grades.push_back(j_.classes[e.class_ix].grade);
    if (grades.empty())
      for (const auto& e : s.enrollments)
        if (e.class_ix >= 0) grades.push_back(j_.classes[e.class_ix].grade);
    bool applies = grades.empty();
    for (int g : grades) applies = applies || p.applies_to(g);
    if (!applies)
      at_("final_marks", f.src, label, "period",
          fmt::format("period {} ({}) does not apply to grade {} of student {}", in_quotes(p.id), p.name,
                      grades.front(), in_quotes(s.id)));
  }

  void resolve_mark_changes() {
    for (auto& c : j_.mark_changes) {
      Label label([&] { return fmt::format("mark {}, changed_at {}", c.mark, c.changed_at); });
      c.mark_ix = find(marks_, c.mark);
      // A deleted mark (new: null) is no longer in `marks`; any other change must name one.
      if (c.mark_ix < 0 && c.new_value && unknown("marks", c.mark))
        at_("mark_changes", c.src, label, "mark", fmt::format("unknown mark {}", in_quotes(c.mark)));
      c.teacher_ix = find(teachers_, c.teacher);
      if (c.teacher_ix < 0 && unknown("teachers", c.teacher))
        at_("mark_changes", c.src, label, "teacher",
            fmt::format("unknown teacher {}", in_quotes(c.teacher)));
      if (c.old_value) check_mark_value(at_, "mark_changes", c.src, label, "old", *c.old_value);
      if (c.new_value) check_mark_value(at_, "mark_changes", c.src, label, "new", *c.new_value);
    }
  }

  void resolve_remarks() {
    build_index(j_.remarks, "remarks", at_);
    for (auto& r : j_.remarks) {
      Label label([&] { return "id " + r.id; });
      r.student_ix = ref(at_, "remarks", r.src, label, "student", students_, "students",
                         "student", r.student);
      r.teacher_ix = ref(at_, "remarks", r.src, label, "teacher", teachers_, "teachers",
                         "teacher", r.teacher);
      check_in_year("remarks", r.src, label, "date", r.date);
    }
  }

  void resolve_events() {
    build_index(j_.events, "events", at_);
    for (auto& e : j_.events) {
      Label label([&] { return "id " + e.id; });
      check_in_year("events", e.src, label, "date", e.date);
      if (e.end_date) {
        check_in_year("events", e.src, label, "end_date", *e.end_date);
        if (*e.end_date < e.date)
          at_("events", e.src, label, "end_date",
              fmt::format("the event ends ({}) before it starts ({})", format_date(*e.end_date),
                          format_date(e.date)));
      }
      e.classes_ix.clear();
      if (!e.classes) continue;
      for (size_t c = 0; c < e.classes->size(); ++c) {
        int ix = find(classes_, (*e.classes)[c]);
        if (ix < 0) {
          if (unknown("classes", (*e.classes)[c]))
            at_("events", e.src, label, fmt::format("classes/{}", c),
                fmt::format("unknown class {}", in_quotes((*e.classes)[c])));
        } else
          e.classes_ix.push_back(ix);
      }
    }
  }
};

}  // namespace

void validate(Journal& j, Diagnostics& diag, ThreadPool* pool) { Validator(j, diag, pool).run(); }

}  // namespace jp
