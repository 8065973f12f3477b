#include "site/site_inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <optional>
#include <type_traits>

namespace jp {
namespace {

/// Order-sensitive mixing (splitmix64's finaliser) and FNV-1a for text.
uint64_t mix(uint64_t h, uint64_t x) {
  h ^= x + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}
uint64_t str(uint64_t h, std::string_view s) {
  uint64_t f = 1469598103934665603ULL;
  for (unsigned char c : s) f = (f ^ c) * 1099511628211ULL;
  return mix(h, mix(f, s.size()));
}
uint64_t num(uint64_t h, double v) {
  uint64_t bits;
  static_assert(sizeof bits == sizeof v);
  std::memcpy(&bits, &v, sizeof bits);
  return mix(h, bits);
}
uint64_t person(uint64_t h, const Person& p) {
  return str(str(str(h, p.last_name), p.first_name), p.middle_name);
}
template <class T>
uint64_t opt(uint64_t h, const std::optional<T>& v) {
  if (!v) return mix(h, 0x5a5a);
  if constexpr (std::is_same_v<T, std::string>)
    return str(mix(h, 1), *v);
  else
    return num(mix(h, 1), double(*v));
}

}  // namespace

std::string PageInputs::hex(uint64_t h) { return fmt::format("{:016x}", h); }

PageInputs::PageInputs(const DiaryIndex& ix, const std::string& global, Day today)
    : ix_(ix), j_(ix.journal()), today_(today) {
  const Journal& j = j_;
  uint64_t g = str(0, global);
  // The school-wide inputs: small tables, and events (shown to whole classes).
  const School& sc = j.school;
  for (auto* f : {&sc.id, &sc.name, &sc.short_name, &sc.city, &sc.address, &sc.phone, &sc.email,
                  &sc.website, &sc.timezone})
    g = str(g, *f);
  g = person(g, sc.director);
  g = mix(str(g, j.year.label), mix(uint64_t(j.year.start), uint64_t(j.year.end)));
  const Settings& st = j.settings;
  for (const auto& v : st.numeric_marks) g = str(g, v);
  for (const auto& v : st.other_marks) g = str(g, v);
  for (const auto& [m, t] : st.forecast_thresholds) g = num(str(g, m), t);
  for (const auto& [k, v] : st.attendance_codes) g = str(str(g, k), v);
  g = mix(mix(mix(g, uint64_t(st.control_limit)), uint64_t(st.min_marks)),
          uint64_t(st.grading_deadline_primary));
  g = str(mix(mix(g, uint64_t(st.grading_deadline_basic)), uint64_t(st.homework_deadline_hours)),
          st.edit_lock);
  for (const auto& p : j.periods) {
    g = str(str(str(g, p.id), p.kind), p.name);
    g = mix(mix(g, uint64_t(p.start)), uint64_t(p.end));
    for (int gr : p.grades) g = mix(g, uint64_t(gr));
  }
  for (const auto& h : j.holidays) g = str(mix(mix(g, uint64_t(h.start)), uint64_t(h.end)), h.name);
  for (const auto& b : j.bells)
    g = mix(mix(mix(g, uint64_t(b.number)), uint64_t(b.start)), uint64_t(b.end));
  for (const auto& w : j.work_types) g = mix(num(str(str(g, w.id), w.name), w.weight), w.control);
  for (const auto& s : j.subjects) {
    g = str(str(str(g, s.id), s.name), s.short_name);
    g = mix(opt(opt(g, s.order), s.control_limit), s.graded);
  }
  for (const auto& t : j.teachers) g = str(person(str(g, t.id), t.person), t.position);
  for (const auto& c : j.classes) {
    g = mix(str(str(str(g, c.id), c.name), c.homeroom_teacher), uint64_t(c.grade));
    g = mix(g, uint64_t(c.days_per_week));
    for (const auto& gr : c.groups) g = str(str(str(g, gr.id), gr.subject), gr.name);
  }
  for (const auto& e : j.events) {
    g = mix(str(str(str(g, e.id), e.title), e.text), uint64_t(e.date));
    g = opt(g, e.end_date);
    if (e.classes)
      for (const auto& c : *e.classes) g = str(g, c);
  }
  global_ = g;

  lesson_.resize(j.lessons.size());
  for (size_t i = 0; i < j.lessons.size(); ++i) {
    const Lesson& l = j.lessons[i];
    uint64_t h = mix(mix(str(str(str(0, l.id), l.class_id), l.subject), uint64_t(l.date)),
                     uint64_t(l.number));
    for (auto* f : {&l.teacher, &l.group, &l.substitute, &l.topic, &l.homework, &l.room, &l.kind,
                    &l.homework_set_at})
      h = str(h, *f);
    lesson_[i] = mix(h, l.cancelled);
  }
  mark_.resize(j.marks.size());
  for (size_t i = 0; i < j.marks.size(); ++i) {
    const Mark& m = j.marks[i];
    uint64_t h = 0;
    for (auto* f : {&m.id, &m.student, &m.lesson, &m.value, &m.work_type, &m.comment, &m.created_at,
                    &m.author})
      h = str(h, *f);
    mark_[i] = opt(h, m.weight);
  }
  attendance_.resize(j.attendance.size());
  for (size_t i = 0; i < j.attendance.size(); ++i) {
    const Attendance& a = j.attendance[i];
    attendance_[i] = opt(str(str(str(str(0, a.student), a.lesson), a.status), a.reason), a.minutes);
  }
  homework_.resize(j.individual_homework.size());
  homework_of_.resize(j.students.size());
  for (size_t i = 0; i < j.individual_homework.size(); ++i) {
    const IndividualHomework& h = j.individual_homework[i];
    homework_[i] = str(str(str(0, h.lesson), h.student), h.text);
    if (h.student_ix >= 0) homework_of_[size_t(h.student_ix)].push_back(int(i));
  }
  final_.resize(j.final_marks.size());
  for (size_t i = 0; i < j.final_marks.size(); ++i) {
    const FinalMark& f = j.final_marks[i];
    uint64_t h = 0;
    for (auto* s : {&f.student, &f.subject, &f.period, &f.value, &f.created_at, &f.author})
      h = str(h, *s);
    final_[i] = h;
  }
  remark_.resize(j.remarks.size());
  for (size_t i = 0; i < j.remarks.size(); ++i) {
    const Remark& r = j.remarks[i];
    remark_[i] = mix(str(str(str(str(str(0, r.id), r.student), r.teacher), r.text), r.kind),
                     uint64_t(r.date));
  }
}

PageInputs::Student PageInputs::student(int s) const {
  const jp::Student& st = j_.students[s];
  Student r;
  r.s = s;
  uint64_t h = person(str(global_, st.id), st.person);
  for (const auto& e : st.enrollments) {
    h = mix(str(str(str(h, e.class_id), e.reason_in), e.reason_out), uint64_t(e.from));
    h = opt(h, e.to);
    for (const auto& g : e.groups) h = str(h, g);
  }
  h = mix(opt(h, st.birth_date), st.consent);
  // The class shown in the header is the one on the build's date.
  h = mix(h, uint64_t(uint32_t(class_on(st, today_))));
  for (int x : ix_.subjects(s)) h = mix(h, uint64_t(x));
  for (Day w : ix_.weeks(s)) h = mix(h, uint64_t(w));
  for (int p : ix_.periods(s)) h = mix(h, uint64_t(p));
  r.base = h;
  r.subjects.assign(j_.subjects.size(), 0);
  for (int m : ix_.marks(s)) {
    const Lesson& l = j_.lessons[j_.marks[m].lesson_ix];
    uint64_t& x = r.subjects[size_t(l.subject_ix)];
    x = mix(mix(x, mark_[m]), lesson_[j_.marks[m].lesson_ix]);
  }
  for (int f : ix_.final_marks(s)) {
    uint64_t& x = r.subjects[size_t(j_.final_marks[f].subject_ix)];
    x = mix(x, final_[f]);
  }
  // The week pages' records, by the Monday of their lesson's date.
  auto into_week = [&](int lesson, uint64_t x) {
    uint64_t& w = r.weeks[week_monday(j_.lessons[size_t(lesson)].date)];
    w = mix(mix(w, lesson_[size_t(lesson)]), x);
  };
  for (int m : ix_.marks(s)) into_week(j_.marks[m].lesson_ix, mark_[m]);
  for (int a : ix_.attendance(s)) into_week(j_.attendance[a].lesson_ix, attendance_[a]);
  for (int h : homework_of_[size_t(s)])
    into_week(j_.individual_homework[h].lesson_ix, homework_[h]);
  return r;
}

uint64_t PageInputs::week(const Student& st, Day monday, bool current) const {
  int s = st.s;
  uint64_t h = mix(mix(st.base, uint64_t(monday)), current);
  if (current) h = mix(h, uint64_t(today_));  // today is marked on the current page
  const auto& ls = ix_.lessons(s);
  auto first = std::lower_bound(ls.begin(), ls.end(), monday,
                                [&](int l, Day d) { return j_.lessons[l].date < d; });
  for (auto it = first; it != ls.end() && j_.lessons[*it].date < monday + 7; ++it)
    h = mix(h, lesson_[*it]);
  auto w = st.weeks.find(monday);
  return mix(h, w == st.weeks.end() ? 0 : w->second);
}

uint64_t PageInputs::subject(const Student& st, int subj) const {
  return mix(mix(st.base, uint64_t(subj)), st.subjects[size_t(subj)]);
}

uint64_t PageInputs::results(const Student& st) const {
  uint64_t h = mix(st.base, 0x7265);
  for (int f : ix_.final_marks(st.s)) h = mix(h, final_[f]);
  return h;
}

uint64_t PageInputs::attendance(const Student& st) const {
  uint64_t h = mix(st.base, 0x6174);
  for (int a : ix_.attendance(st.s))
    h = mix(mix(h, attendance_[a]), lesson_[j_.attendance[a].lesson_ix]);
  return h;
}

uint64_t PageInputs::notes(const Student& st) const {
  uint64_t h = mix(st.base, 0x6e6f);
  for (int r : ix_.remarks(st.s)) h = mix(h, remark_[r]);
  return h;
}

}  // namespace jp
