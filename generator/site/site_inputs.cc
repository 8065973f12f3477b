#include "site/site_inputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "core/record_hash.h"
#include "core/thread_pool.h"

namespace jp {
namespace {

uint64_t mix(uint64_t h, uint64_t x) { return hash_mix(h, x); }
uint64_t str(uint64_t h, std::string_view s) { return hash_text(h, s); }

}  // namespace

std::string PageInputs::hex(uint64_t h) { return fmt::format("{:016x}", h); }

PageInputs::PageInputs(const DiaryIndex& ix, const std::string& global, Day today,
                       ThreadPool* pool)
    : ix_(ix), j_(ix.journal()), today_(today) {
  const Journal& j = j_;
  // The school-wide inputs, and events (shown to whole classes).
  global_ = table_hash(j.events, school_wide_hash(j, str(0, global)));

  // Every record hashed once, on the cores in runs of records: this comes between the
  // families' pages and the children's, while nothing else runs (~0.05 s for a large
  // school's 400,000 records on one core).
  std::vector<std::function<void()>> runs;
  auto each = [&runs](const auto& records, std::vector<uint64_t>& into) {
    constexpr size_t run = 32768;  // ~4 ms of hashing: enough runs to share, few to hand out
    into.resize(records.size());
    for (size_t from = 0; from < records.size(); from += run)
      runs.push_back([&records, &into, from] {
        for (size_t i = from; i < std::min(records.size(), from + run); ++i)
          into[i] = record_hash(records[i]);
      });
  };
  each(j.lessons, lesson_);
  each(j.marks, mark_);
  each(j.attendance, attendance_);
  each(j.individual_homework, homework_);
  each(j.final_marks, final_);
  each(j.remarks, remark_);
  for_each(pool, runs.size(), [&](size_t k, unsigned) { runs[k](); });
  homework_of_.resize(j.students.size());
  for (size_t i = 0; i < j.individual_homework.size(); ++i)
    if (int s = j.individual_homework[i].student_ix; s >= 0)
      homework_of_[size_t(s)].push_back(int(i));
}

PageInputs::Student PageInputs::student(int s) const {
  const jp::Student& st = j_.students[s];
  Student r;
  r.s = s;
  uint64_t h = record_hash(st, global_);
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
