#include "ingest/validate.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "ingest/load.h"

namespace jp {
namespace {

using Index = std::unordered_map<std::string, int>;

std::string q(const std::string& s) { return "\"" + s + "\""; }

/// Reports problems of one record: file, pointer and label from its Src.
struct At {
  const Journal& j;
  Diagnostics& diag;
  void operator()(const char* section, const Src& src, const std::string& label,
                  const std::string& field, const std::string& msg) {
    std::string ptr = record_pointer(section, src);
    if (!field.empty()) ptr += "/" + field;
    diag.error(j.files.empty() ? std::string() : j.files[src.file], ptr, label, msg);
  }
};

template <class T>
Index build_index(const std::vector<T>& items, const char* section, At& at,
                  bool names_files = false) {
  Index idx, folded;
  idx.reserve(items.size() * 2);
  if (names_files) folded.reserve(items.size() * 2);
  for (size_t i = 0; i < items.size(); ++i) {
    auto [it, fresh] = idx.emplace(items[i].id, int(i));
    if (!fresh) {
      const auto& first = items[it->second];
      at(section, items[i].src, "id " + items[i].id, "id",
         fmt::format("duplicate id {}; first defined at {}: {}", q(items[i].id),
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
                     q(items[i].id), q(first.id), at.j.files[first.src.file],
                     record_pointer(section, first.src)));
    }
  }
  return idx;
}

int find(const Index& idx, const std::string& id) {
  auto it = idx.find(id);
  return it == idx.end() ? -1 : it->second;
}

std::string in_year_msg(const Year& y) {
  return fmt::format("the year {} ({} to {})", y.label, format_date(y.start), format_date(y.end));
}

}  // namespace

void validate(Journal& j, Diagnostics& diag) {
  At at{j, diag};
  auto unknown = [&](const char* section, const std::string& id) {
    auto it = j.dropped.find(section);
    return it == j.dropped.end() || !it->second.count(id);
  };
  const Year& y = j.year;
  bool have_year = !y.label.empty();
  bool year_ok = have_year && y.start <= y.end;
  if (have_year && !year_ok)
    diag.error(j.files.empty() ? "" : j.files[0], "/year/end", "",
               fmt::format("the year ends ({}) before it starts ({})", format_date(y.end),
                           format_date(y.start)));
  auto in_year = [&](Day d) { return !year_ok || (d >= y.start && d <= y.end); };
  auto check_in_year = [&](const char* section, const Src& src, const std::string& label,
                           const char* field, Day d) {
    if (!in_year(d))
      at(section, src, label, field,
         fmt::format("date {} is outside {}", format_date(d), in_year_msg(y)));
  };

  // ---- periods, holidays, reference sections ------------------------------------------
  Index periods = build_index(j.periods, "periods", at);
  for (const auto& p : j.periods) {
    std::string label = "id " + p.id;
    if (p.id == "exam" || p.id == "final")
      at("periods", p.src, label, "id",
         fmt::format("the period id {} is reserved for exam and final marks", q(p.id)));
    if (p.start > p.end)
      at("periods", p.src, label, "end",
         fmt::format("the period ends ({}) before it starts ({})", format_date(p.end),
                     format_date(p.start)));
    check_in_year("periods", p.src, label, "start", p.start);
    check_in_year("periods", p.src, label, "end", p.end);
  }
  // For each grade, the non-`year` periods of one kind must not overlap.
  for (size_t a = 0; a < j.periods.size(); ++a) {
    const Period& pa = j.periods[a];
    if (pa.kind == "year") continue;
    for (size_t b = a + 1; b < j.periods.size(); ++b) {
      const Period& pb = j.periods[b];
      if (pb.kind != pa.kind || pb.start > pa.end || pa.start > pb.end) continue;
      for (int g = 1; g <= 11; ++g) {
        if (pa.applies_to(g) && pb.applies_to(g)) {
          at("periods", pb.src, "id " + pb.id, "",
             fmt::format("period {} ({} to {}) overlaps period {} ({} to {}) for grade {}",
                         q(pb.id), format_date(pb.start), format_date(pb.end), q(pa.id),
                         format_date(pa.start), format_date(pa.end), g));
          break;
        }
      }
    }
  }
  for (const auto& h : j.holidays) {
    std::string label = "name " + h.name;
    if (h.start > h.end)
      at("holidays", h.src, label, "end",
         fmt::format("the holiday ends ({}) before it starts ({})", format_date(h.end),
                     format_date(h.start)));
    check_in_year("holidays", h.src, label, "start", h.start);
    check_in_year("holidays", h.src, label, "end", h.end);
  }
  Index work_types = build_index(j.work_types, "work_types", at);
  Index subjects = build_index(j.subjects, "subjects", at, true);
  Index teachers = build_index(j.teachers, "teachers", at);
  Index classes = build_index(j.classes, "classes", at, true);

  // Groups: ids unique school-wide, each with a known subject.
  std::unordered_map<std::string, GroupRef> groups;
  for (size_t c = 0; c < j.classes.size(); ++c) {
    SchoolClass& cl = j.classes[c];
    std::string label = "id " + cl.id;
    cl.homeroom_ix = -1;
    if (!cl.homeroom_teacher.empty()) {
      cl.homeroom_ix = find(teachers, cl.homeroom_teacher);
      if (cl.homeroom_ix < 0 && unknown("teachers", cl.homeroom_teacher))
        at("classes", cl.src, label, "homeroom_teacher",
           fmt::format("unknown teacher {}", q(cl.homeroom_teacher)));
    }
    for (size_t g = 0; g < cl.groups.size(); ++g) {
      Group& gr = cl.groups[g];
      gr.class_ix = int(c);
      gr.subject_ix = find(subjects, gr.subject);
      std::string field = fmt::format("groups/{}", g);
      if (gr.subject_ix < 0 && unknown("subjects", gr.subject))
        at("classes", cl.src, label, field + "/subject",
           fmt::format("unknown subject {}", q(gr.subject)));
      auto [it, fresh] = groups.emplace(gr.id, GroupRef{int(c), int(g)});
      if (!fresh)
        at("classes", cl.src, label, field + "/id",
           fmt::format("duplicate group id {}; group ids are unique across the school "
                       "(also in class {})",
                       q(gr.id), j.classes[it->second.class_ix].name));
    }
  }

  // ---- students and guardians ---------------------------------------------------------
  Index students = build_index(j.students, "students", at, true);
  for (auto& s : j.students) {
    std::string label = "id " + s.id;
    for (size_t e = 0; e < s.enrollments.size(); ++e) {
      Enrollment& en = s.enrollments[e];
      std::string field = fmt::format("enrollments/{}", e);
      en.class_ix = find(classes, en.class_id);
      if (en.class_ix < 0) {
        if (unknown("classes", en.class_id))
          at("students", s.src, label, field + "/class",
             fmt::format("unknown class {}", q(en.class_id)));
        continue;
      }
      if (en.to && *en.to < en.from)
        at("students", s.src, label, field + "/to",
           fmt::format("the enrollment ends ({}) before it starts ({})", format_date(*en.to),
                       format_date(en.from)));
      en.group_refs.clear();
      for (size_t g = 0; g < en.groups.size(); ++g) {
        auto it = groups.find(en.groups[g]);
        if (it == groups.end()) {
          if (unknown("groups", en.groups[g]))
            at("students", s.src, label, fmt::format("{}/groups/{}", field, g),
               fmt::format("unknown group {}", q(en.groups[g])));
        } else if (it->second.class_ix != en.class_ix) {
          at("students", s.src, label, fmt::format("{}/groups/{}", field, g),
             fmt::format("group {} belongs to class {}, not to {}", q(en.groups[g]),
                         j.classes[it->second.class_ix].name, j.classes[en.class_ix].name));
        } else {
          en.group_refs.push_back(it->second);
        }
      }
    }
  }
  build_index(j.guardians, "guardians", at);
  for (auto& g : j.guardians) {
    g.children_ix.clear();
    for (size_t c = 0; c < g.children.size(); ++c) {
      int ix = find(students, g.children[c]);
      if (ix >= 0)
        g.children_ix.push_back(ix);
      else if (unknown("students", g.children[c]))
        at("guardians", g.src, "id " + g.id, fmt::format("children/{}", c),
           fmt::format("unknown student {}", q(g.children[c])));
    }
  }

  // ---- lessons ------------------------------------------------------------------------
  Index lessons = build_index(j.lessons, "lessons", at);
  for (auto& l : j.lessons) {
    std::string label = "id " + l.id;
    l.class_ix = find(classes, l.class_id);
    l.subject_ix = find(subjects, l.subject);
    l.teacher_ix = find(teachers, l.teacher);
    if (l.class_ix < 0 && unknown("classes", l.class_id))
      at("lessons", l.src, label, "class", fmt::format("unknown class {}", q(l.class_id)));
    if (l.subject_ix < 0 && unknown("subjects", l.subject))
      at("lessons", l.src, label, "subject", fmt::format("unknown subject {}", q(l.subject)));
    if (l.teacher_ix < 0 && unknown("teachers", l.teacher))
      at("lessons", l.src, label, "teacher", fmt::format("unknown teacher {}", q(l.teacher)));
    l.substitute_ix = -1;
    if (!l.substitute.empty()) {
      l.substitute_ix = find(teachers, l.substitute);
      if (l.substitute_ix < 0 && unknown("teachers", l.substitute))
        at("lessons", l.src, label, "substitute",
           fmt::format("unknown teacher {}", q(l.substitute)));
    }
    l.group_ref = {};
    if (!l.group.empty()) {
      auto it = groups.find(l.group);
      if (it == groups.end()) {
        if (unknown("groups", l.group))
          at("lessons", l.src, label, "group", fmt::format("unknown group {}", q(l.group)));
      } else if (l.class_ix >= 0 && it->second.class_ix != l.class_ix)
        at("lessons", l.src, label, "group",
           fmt::format("group {} belongs to class {}, not to {}", q(l.group),
                       j.classes[it->second.class_ix].name, j.classes[l.class_ix].name));
      else
        l.group_ref = it->second;
    }
    check_in_year("lessons", l.src, label, "date", l.date);
  }

  // Shared by marks, attendance and individual homework: is the student in the lesson?
  auto enrolled_msg = [&](const Student& s, const Lesson& l) -> std::string {
    if (l.class_ix < 0) return {};
    bool in_class = false;
    for (const auto& e : s.enrollments)
      if (e.class_ix == l.class_ix && e.covers(l.date)) in_class = true;
    if (!in_class)
      return fmt::format("student {} is not enrolled in {} on {}", q(s.id),
                         j.classes[l.class_ix].name, format_date(l.date));
    if (!enrollment_for(s, l))
      return fmt::format("student {} is not in group {} ({}) of {} on {}", q(s.id), q(l.group),
                         j.group(l.group_ref).name, j.classes[l.class_ix].name,
                         format_date(l.date));
    return {};
  };

  for (auto& h : j.individual_homework) {
    std::string label = fmt::format("lesson {}, student {}", h.lesson, h.student);
    h.lesson_ix = find(lessons, h.lesson);
    h.student_ix = find(students, h.student);
    if (h.lesson_ix < 0 && unknown("lessons", h.lesson))
      at("individual_homework", h.src, label, "lesson",
         fmt::format("unknown lesson {}", q(h.lesson)));
    if (h.student_ix < 0 && unknown("students", h.student))
      at("individual_homework", h.src, label, "student",
         fmt::format("unknown student {}", q(h.student)));
  }

  // ---- marks --------------------------------------------------------------------------
  std::unordered_set<std::string> mark_values(j.settings.numeric_marks.begin(),
                                              j.settings.numeric_marks.end());
  mark_values.insert(j.settings.other_marks.begin(), j.settings.other_marks.end());
  std::string allowed;
  for (const auto& v : j.settings.numeric_marks) allowed += (allowed.empty() ? "" : ", ") + q(v);
  for (const auto& v : j.settings.other_marks) allowed += (allowed.empty() ? "" : ", ") + q(v);
  auto check_value = [&](const char* section, const Src& src, const std::string& label,
                         const std::string& value) {
    if (!mark_values.count(value) && unknown("settings", "settings"))
      at(section, src, label, "value",
         fmt::format("mark {} is not one of the school's marks ({})", q(value), allowed));
  };

  Index marks = build_index(j.marks, "marks", at);
  for (auto& m : j.marks) {
    std::string label = "id " + m.id;
    m.student_ix = find(students, m.student);
    m.lesson_ix = find(lessons, m.lesson);
    if (m.student_ix < 0 && unknown("students", m.student))
      at("marks", m.src, label, "student", fmt::format("unknown student {}", q(m.student)));
    if (m.lesson_ix < 0 && unknown("lessons", m.lesson))
      at("marks", m.src, label, "lesson", fmt::format("unknown lesson {}", q(m.lesson)));
    m.work_type_ix = -1;
    if (!m.work_type.empty() && (m.work_type_ix = find(work_types, m.work_type)) < 0 &&
        unknown("work_types", m.work_type))
      at("marks", m.src, label, "work_type", fmt::format("unknown work type {}", q(m.work_type)));
    m.author_ix = -1;
    if (!m.author.empty() && (m.author_ix = find(teachers, m.author)) < 0 &&
        unknown("teachers", m.author))
      at("marks", m.src, label, "author", fmt::format("unknown teacher {}", q(m.author)));
    check_value("marks", m.src, label, m.value);
    if (m.student_ix < 0 || m.lesson_ix < 0) continue;
    const Lesson& l = j.lessons[m.lesson_ix];
    if (l.cancelled)
      at("marks", m.src, label, "",
         fmt::format("lesson {} on {} was cancelled and cannot carry marks", q(l.id),
                     format_date(l.date)));
    else if (auto msg = enrolled_msg(j.students[m.student_ix], l); !msg.empty())
      at("marks", m.src, label, "", msg);
  }

  // ---- attendance ---------------------------------------------------------------------
  {
    std::unordered_map<uint64_t, const Attendance*> seen;
    seen.reserve(j.attendance.size() * 2);
    for (auto& a : j.attendance) {
      std::string label = fmt::format("student {}, lesson {}", a.student, a.lesson);
      a.student_ix = find(students, a.student);
      a.lesson_ix = find(lessons, a.lesson);
      if (a.student_ix < 0 && unknown("students", a.student))
        at("attendance", a.src, label, "student", fmt::format("unknown student {}", q(a.student)));
      if (a.lesson_ix < 0 && unknown("lessons", a.lesson))
        at("attendance", a.src, label, "lesson", fmt::format("unknown lesson {}", q(a.lesson)));
      if (a.student_ix < 0 || a.lesson_ix < 0) continue;
      uint64_t key = (uint64_t(uint32_t(a.student_ix)) << 32) | uint32_t(a.lesson_ix);
      auto [it, fresh] = seen.emplace(key, &a);
      if (!fresh)
        at("attendance", a.src, label, "",
           fmt::format("a second entry for this student and lesson; the first is at {}: {}",
                       j.files[it->second->src.file],
                       record_pointer("attendance", it->second->src)));
      const Lesson& l = j.lessons[a.lesson_ix];
      if (l.cancelled)
        at("attendance", a.src, label, "",
           fmt::format("lesson {} on {} was cancelled and cannot carry attendance", q(l.id),
                       format_date(l.date)));
      else if (auto msg = enrolled_msg(j.students[a.student_ix], l); !msg.empty())
        at("attendance", a.src, label, "", msg);
    }
  }

  // ---- final marks --------------------------------------------------------------------
  {
    std::unordered_map<std::string, const FinalMark*> seen;
    for (auto& f : j.final_marks) {
      std::string label =
          fmt::format("student {}, subject {}, period {}", f.student, f.subject, f.period);
      f.student_ix = find(students, f.student);
      f.subject_ix = find(subjects, f.subject);
      f.period_ix = -1;
      bool period_ok = f.period == "exam" || f.period == "final";
      if (!period_ok) {
        f.period_ix = find(periods, f.period);
        period_ok = f.period_ix >= 0;
        if (!period_ok && unknown("periods", f.period))
          at("final_marks", f.src, label, "period",
             fmt::format("unknown period {} (expected a period id, \"exam\" or \"final\")",
                         q(f.period)));
      }
      if (f.student_ix < 0 && unknown("students", f.student))
        at("final_marks", f.src, label, "student", fmt::format("unknown student {}", q(f.student)));
      if (f.subject_ix < 0 && unknown("subjects", f.subject))
        at("final_marks", f.src, label, "subject", fmt::format("unknown subject {}", q(f.subject)));
      f.author_ix = -1;
      if (!f.author.empty() && (f.author_ix = find(teachers, f.author)) < 0 &&
          unknown("teachers", f.author))
        at("final_marks", f.src, label, "author", fmt::format("unknown teacher {}", q(f.author)));
      check_value("final_marks", f.src, label, f.value);
      auto [it, fresh] = seen.emplace(f.student + '\x1f' + f.subject + '\x1f' + f.period, &f);
      if (!fresh)
        at("final_marks", f.src, label, "",
           fmt::format("a second mark for this student, subject and period; the first is at {}: {}",
                       j.files[it->second->src.file],
                       record_pointer("final_marks", it->second->src)));
      if (f.student_ix < 0 || f.period_ix < 0) continue;
      // The period must apply to the grade the student was in during it (or, for a
      // student not enrolled during the period, to one of their grades this year).
      const Period& p = j.periods[f.period_ix];
      const Student& s = j.students[f.student_ix];
      std::vector<int> grades;
      for (const auto& e : s.enrollments)
        if (e.class_ix >= 0 && e.from <= p.end && (!e.to || *e.to >= p.start))
          grades.push_back(j.classes[e.class_ix].grade);
      if (grades.empty())
        for (const auto& e : s.enrollments)
          if (e.class_ix >= 0) grades.push_back(j.classes[e.class_ix].grade);
      bool applies = grades.empty();
      for (int g : grades) applies = applies || p.applies_to(g);
      if (!applies)
        at("final_marks", f.src, label, "period",
           fmt::format("period {} ({}) does not apply to grade {} of student {}", q(p.id), p.name,
                       grades.front(), q(s.id)));
    }
  }

  // ---- mark changes, remarks, events --------------------------------------------------
  for (auto& c : j.mark_changes) {
    std::string label = fmt::format("mark {}, changed_at {}", c.mark, c.changed_at);
    c.mark_ix = find(marks, c.mark);
    // A deleted mark (new: null) is no longer in `marks`; any other change must name one.
    if (c.mark_ix < 0 && c.new_value && unknown("marks", c.mark))
      at("mark_changes", c.src, label, "mark", fmt::format("unknown mark {}", q(c.mark)));
    c.teacher_ix = find(teachers, c.teacher);
    if (c.teacher_ix < 0 && unknown("teachers", c.teacher))
      at("mark_changes", c.src, label, "teacher", fmt::format("unknown teacher {}", q(c.teacher)));
    for (const auto* v : {&c.old_value, &c.new_value})
      if (*v && !mark_values.count(**v) && unknown("settings", "settings"))
        at("mark_changes", c.src, label, v == &c.old_value ? "old" : "new",
           fmt::format("mark {} is not one of the school's marks ({})", q(**v), allowed));
  }
  build_index(j.remarks, "remarks", at);
  for (auto& r : j.remarks) {
    std::string label = "id " + r.id;
    r.student_ix = find(students, r.student);
    r.teacher_ix = find(teachers, r.teacher);
    if (r.student_ix < 0 && unknown("students", r.student))
      at("remarks", r.src, label, "student", fmt::format("unknown student {}", q(r.student)));
    if (r.teacher_ix < 0 && unknown("teachers", r.teacher))
      at("remarks", r.src, label, "teacher", fmt::format("unknown teacher {}", q(r.teacher)));
    check_in_year("remarks", r.src, label, "date", r.date);
  }
  build_index(j.events, "events", at);
  for (auto& e : j.events) {
    std::string label = "id " + e.id;
    check_in_year("events", e.src, label, "date", e.date);
    if (e.end_date) {
      check_in_year("events", e.src, label, "end_date", *e.end_date);
      if (*e.end_date < e.date)
        at("events", e.src, label, "end_date",
           fmt::format("the event ends ({}) before it starts ({})", format_date(*e.end_date),
                       format_date(e.date)));
    }
    e.classes_ix.clear();
    if (e.classes)
      for (size_t c = 0; c < e.classes->size(); ++c) {
        int ix = find(classes, (*e.classes)[c]);
        if (ix < 0) {
          if (unknown("classes", (*e.classes)[c]))
            at("events", e.src, label, fmt::format("classes/{}", c),
               fmt::format("unknown class {}", q((*e.classes)[c])));
        } else
          e.classes_ix.push_back(ix);
      }
  }
}

}  // namespace jp
