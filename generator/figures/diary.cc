#include "figures/diary.h"

#include <algorithm>
#include <set>

#include "core/thread_pool.h"

namespace jp {

void AttendanceCount::add(const Attendance& a) {
  if (a.status == "late") {
    ++late;
    return;
  }
  ++absent;
  if (a.reason == "illness")
    ++illness;
  else if (a.reason == "valid")
    ++valid;
  else
    ++unexcused;  // an absence without a reason counts as without good reason
}

DiaryIndex::DiaryIndex(const Journal& j, ThreadPool* pool) : j_(j) {
  size_t n = j.students.size();
  lessons_.resize(n), marks_.resize(n), attendance_.resize(n), finals_.resize(n),
      remarks_.resize(n);
  // Four parts that touch disjoint members, on the cores: the index is built between
  // reading the journal and rendering, while nothing else runs (~0.1 s for 1,100 pupils).
  // The longest first: the map of 400,000 marks by (student, lesson) took as long as the
  // three others, and as one part with the other lookups it left a core waiting.
  for_each(pool, 4, [&](size_t part, unsigned) {
    if (part == 0) index_marks_at();
    if (part == 1) index_lessons();
    if (part == 2) index_records();
    if (part == 3) index_lookups();
  });
}

void DiaryIndex::index_lessons() {
  const Journal& j = j_;
  // Lessons by class, in date and number order.
  std::vector<std::vector<int>> by_class(j.classes.size());
  for (size_t i = 0; i < j.lessons.size(); ++i) by_class[j.lessons[i].class_ix].push_back(int(i));
  for (auto& v : by_class)
    std::sort(v.begin(), v.end(), [&](int a, int b) {
      const Lesson &x = j.lessons[a], &y = j.lessons[b];
      return std::tie(x.date, x.number, a) < std::tie(y.date, y.number, b);
    });
  for (size_t s = 0; s < j.students.size(); ++s) {
    const Student& st = j.students[s];
    for (const auto& e : st.enrollments) {
      for (int li : by_class[e.class_ix]) {
        const Lesson& l = j.lessons[li];
        if (!e.covers(l.date)) continue;
        if (l.group_ref.class_ix >= 0 &&
            std::none_of(e.group_refs.begin(), e.group_refs.end(), [&](const GroupRef& g) {
              return g.class_ix == l.group_ref.class_ix && g.group == l.group_ref.group;
            }))
          continue;
        lessons_[s].push_back(li);
      }
    }
    std::sort(lessons_[s].begin(), lessons_[s].end(), [&](int a, int b) {
      const Lesson &x = j.lessons[a], &y = j.lessons[b];
      return std::tie(x.date, x.number, a) < std::tie(y.date, y.number, b);
    });
  }
}

void DiaryIndex::index_records() {
  const Journal& j = j_;
  for (size_t i = 0; i < j.marks.size(); ++i) marks_[j.marks[i].student_ix].push_back(int(i));
  for (auto& v : marks_)
    std::stable_sort(v.begin(), v.end(), [&](int a, int b) {
      const Lesson &x = j.lessons[j.marks[a].lesson_ix], &y = j.lessons[j.marks[b].lesson_ix];
      return std::tie(x.date, x.number) < std::tie(y.date, y.number);
    });
  for (size_t i = 0; i < j.attendance.size(); ++i)
    attendance_[j.attendance[i].student_ix].push_back(int(i));
  for (size_t i = 0; i < j.final_marks.size(); ++i)
    finals_[j.final_marks[i].student_ix].push_back(int(i));
  for (size_t i = 0; i < j.remarks.size(); ++i) remarks_[j.remarks[i].student_ix].push_back(int(i));
  for (auto& v : remarks_)
    std::stable_sort(v.begin(), v.end(),
                     [&](int a, int b) { return j.remarks[a].date < j.remarks[b].date; });
}

void DiaryIndex::index_marks_at() {
  const Journal& j = j_;
  marks_at_.reserve(j.marks.size());
  for (size_t i = 0; i < j.marks.size(); ++i) {
    const Mark& m = j.marks[i];
    marks_at_[key(m.student_ix, m.lesson_ix)].push_back(int(i));
  }
}

void DiaryIndex::index_lookups() {
  const Journal& j = j_;
  const size_t n = j.students.size();
  for (size_t i = 0; i < j.attendance.size(); ++i) {
    const Attendance& a = j.attendance[i];
    attendance_at_[key(a.student_ix, a.lesson_ix)] = int(i);
  }
  for (size_t i = 0; i < j.individual_homework.size(); ++i) {
    const auto& h = j.individual_homework[i];
    homework_at_[key(h.student_ix, h.lesson_ix)].push_back(int(i));
  }
  for (size_t i = 0; i < j.bells.size(); ++i) bell_ix_[j.bells[i].number] = int(i);
  // At most 16 MB (a school of 3,800 pupils and 35,000 lessons); larger, every pair is looked up.
  const size_t bits = n * j.lessons.size();
  if (bits / 8 <= (16u << 20)) {
    any_at_.assign((bits + 63) / 64, 0);
    auto mark = [&](int s, int l) {
      if (s < 0 || l < 0 || size_t(s) >= n || size_t(l) >= j.lessons.size()) return;
      size_t bit = size_t(s) * j.lessons.size() + size_t(l);
      any_at_[bit / 64] |= uint64_t(1) << (bit % 64);
    };
    for (const Mark& m : j.marks) mark(m.student_ix, m.lesson_ix);
    for (const Attendance& a : j.attendance) mark(a.student_ix, a.lesson_ix);
    for (const auto& h : j.individual_homework) mark(h.student_ix, h.lesson_ix);
  }
}

bool DiaryIndex::maybe_at(int s, int l) const {
  const size_t lessons = j_.lessons.size();
  if (any_at_.empty() || s < 0 || l < 0 || size_t(l) >= lessons || size_t(s) >= j_.students.size())
    return true;
  size_t bit = size_t(s) * lessons + size_t(l);
  return (any_at_[bit / 64] >> (bit % 64)) & 1;
}

const std::vector<int>* DiaryIndex::marks_at(int s, int l) const {
  if (!maybe_at(s, l)) return nullptr;
  auto it = marks_at_.find(key(s, l));
  return it == marks_at_.end() ? nullptr : &it->second;
}

const Attendance* DiaryIndex::attendance_at(int s, int l) const {
  if (!maybe_at(s, l)) return nullptr;
  auto it = attendance_at_.find(key(s, l));
  return it == attendance_at_.end() ? nullptr : &j_.attendance[it->second];
}

const std::vector<int>* DiaryIndex::homework_at(int s, int l) const {
  if (!maybe_at(s, l)) return nullptr;
  auto it = homework_at_.find(key(s, l));
  return it == homework_at_.end() ? nullptr : &it->second;
}

std::vector<int> DiaryIndex::events(int s) const {
  std::set<int> classes;
  for (const auto& e : j_.students[s].enrollments) classes.insert(e.class_ix);
  std::vector<int> r;
  for (size_t i = 0; i < j_.events.size(); ++i) {
    const Event& e = j_.events[i];
    bool mine = !e.classes;
    for (int c : e.classes_ix) mine = mine || classes.count(c);
    if (mine) r.push_back(int(i));
  }
  std::stable_sort(r.begin(), r.end(),
                   [&](int a, int b) { return j_.events[a].date < j_.events[b].date; });
  return r;
}

std::vector<int> DiaryIndex::subjects(int s) const {
  std::vector<char> has(j_.subjects.size(), 0);
  for (int li : lessons_[s]) has[j_.lessons[li].subject_ix] = 1;
  for (int fi : finals_[s]) has[j_.final_marks[fi].subject_ix] = 1;
  std::vector<int> r;
  for (size_t i = 0; i < has.size(); ++i)
    if (has[i]) r.push_back(int(i));
  std::stable_sort(r.begin(), r.end(), [&](int a, int b) {
    auto oa = j_.subjects[a].order.value_or(1 << 30), ob = j_.subjects[b].order.value_or(1 << 30);
    return oa < ob;
  });
  return r;
}

bool DiaryIndex::unmarked(int s) const {
  for (const auto& e : j_.students[s].enrollments)
    if (j_.classes[e.class_ix].grade != 1) return false;
  return true;
}

std::vector<int> DiaryIndex::periods(int s) const {
  std::set<int> grades;
  for (const auto& e : j_.students[s].enrollments) grades.insert(j_.classes[e.class_ix].grade);
  std::vector<int> r;
  for (size_t p = 0; p < j_.periods.size(); ++p)
    for (int g : grades)
      if (j_.periods[p].applies_to(g)) {
        r.push_back(int(p));
        break;
      }
  std::stable_sort(r.begin(), r.end(), [&](int a, int b) {
    const Period &x = j_.periods[a], &y = j_.periods[b];
    // Reporting periods in date order, the year ones after them.
    return std::make_tuple(x.kind == "year", x.start) < std::make_tuple(y.kind == "year", y.start);
  });
  return r;
}

std::vector<Day> DiaryIndex::weeks(int s) const {
  // The school weeks: from the first to the last day any period of the student's grades
  // covers, within the student's enrollments.
  Day first = j_.year.end, last = j_.year.start;
  for (int p : periods(s)) {
    first = std::min(first, j_.periods[p].start);
    last = std::max(last, j_.periods[p].end);
  }
  if (first > last) first = j_.year.start, last = j_.year.end;
  std::set<Day> r;
  for (const auto& e : j_.students[s].enrollments) {
    Day a = std::max(first, e.from), b = std::min(last, e.to.value_or(last));
    for (Day m = week_monday(a); m <= b; m += 7) r.insert(m);
  }
  return {r.begin(), r.end()};
}

const Holiday* DiaryIndex::holiday_on(Day d) const {
  for (const auto& h : j_.holidays)
    if (d >= h.start && d <= h.end) return &h;
  return nullptr;
}

const Bell* DiaryIndex::bell(int number) const {
  auto it = bell_ix_.find(number);
  return it == bell_ix_.end() ? nullptr : &j_.bells[it->second];
}

Average DiaryIndex::average(int s, int subject, Day from, Day to) const {
  Average a;
  for (int mi : marks_[s]) {
    const Mark& m = j_.marks[mi];
    const Lesson& l = j_.lessons[m.lesson_ix];
    if (l.subject_ix != subject || l.date < from || l.date > to) continue;
    ++a.all;
    if (auto v = numeric_value(j_.settings, m.value)) a.add(*v, mark_weight(j_, m));
  }
  return a;
}

}  // namespace jp
