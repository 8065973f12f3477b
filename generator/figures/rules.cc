#include "figures/rules.h"

#include <algorithm>
#include <tuple>

#include "core/dates.h"
#include "figures/figures.h"

namespace jp {

int school_offset_minutes(const School& s) {
  if (auto o = zone_offset_minutes(s.timezone)) return *o;
  return 180;
}

int grading_deadline(const Settings& s, int grade) {
  return grade <= 4 ? s.grading_deadline_primary : s.grading_deadline_basic;
}

int64_t homework_deadline(const Settings& s, Day date, int last_lesson_end, int offset_minutes) {
  int64_t day_end =
      int64_t(date) * 86400 + int64_t(last_lesson_end) * 60 - int64_t(offset_minutes) * 60;
  return day_end + int64_t(s.homework_deadline_hours) * 3600;
}

std::optional<LateMarkFact> late_mark(const Journal& j, const Mark& m, int offset_minutes) {
  if (!m.created_ts) return std::nullopt;
  const Lesson& l = j.lessons[m.lesson_ix];
  int limit = grading_deadline(j.settings, j.classes[l.class_ix].grade);
  Day entered = local_day(m.created_ts->utc, offset_minutes);
  if (entered - l.date <= limit) return std::nullopt;
  return LateMarkFact{entered, int(entered - l.date), limit};
}

std::optional<MarkChangeFact> mark_change(const Journal& j, const MarkChange& c,
                                          int offset_minutes) {
  if (c.mark_ix < 0 || !c.changed_ts) return std::nullopt;
  MarkChangeFact f;
  f.changed = local_day(c.changed_ts->utc, offset_minutes);
  const Lesson& l = j.lessons[j.marks[c.mark_ix].lesson_ix];
  f.lock_until = edit_lock_until(j.settings.edit_lock, l.date);
  f.after_lock = f.lock_until && f.changed > *f.lock_until;
  return f;
}

HomeworkDeadlines::HomeworkDeadlines(const Journal& j, int offset_minutes)
    : j_(j), offset_(offset_minutes) {
  for (const auto& b : j.bells) bell_end_[b.number] = b.end;
  for (const auto& l : j.lessons) {
    if (l.cancelled) continue;
    int& n = last_number_[{l.class_ix, l.date}];
    n = std::max(n, l.number);
  }
}

std::optional<int64_t> HomeworkDeadlines::minutes_late(const Lesson& l) const {
  if (!l.homework_set_ts || l.homework.empty()) return std::nullopt;
  auto ln = last_number_.find({l.class_ix, l.date});
  if (ln == last_number_.end()) return std::nullopt;
  auto be = bell_end_.find(ln->second);
  if (be == bell_end_.end()) return std::nullopt;
  int64_t deadline = homework_deadline(j_.settings, l.date, be->second, offset_);
  if (l.homework_set_ts->utc <= deadline) return std::nullopt;
  return (l.homework_set_ts->utc - deadline) / 60;
}

std::vector<char> control_works(const Journal& j) {
  std::vector<char> is(j.lessons.size(), 0);
  for (size_t l = 0; l < j.lessons.size(); ++l)
    is[l] = j.lessons[l].kind == "control" && !j.lessons[l].cancelled;
  for (const auto& m : j.marks)
    if (m.work_type_ix >= 0 && j.work_types[m.work_type_ix].control) is[m.lesson_ix] = 1;
  return is;
}

std::vector<ControlBreach> control_breaches(const Journal& j, const std::vector<char>& is_control,
                                            const std::vector<int>& lessons) {
  // class, subject, the group's class and index (-1, -1: the whole class), period
  std::map<std::tuple<int, int, int, int, int>, std::vector<int>> works;
  for (int l : lessons) {
    if (!is_control[size_t(l)]) continue;
    const Lesson& le = j.lessons[size_t(l)];
    for (int p : periods_covering(j, le.date, j.classes[le.class_ix].grade))
      if (j.periods[p].kind != "year")
        works[{le.class_ix, le.subject_ix, le.group_ref.class_ix, le.group_ref.group, p}]
            .push_back(l);
  }
  std::vector<ControlBreach> breaches;
  for (auto& [k, ls] : works) {
    const auto& [c, subject, group_class, group, p] = k;
    int limit = j.subjects[subject].control_limit.value_or(j.settings.control_limit);
    if (int(ls.size()) <= limit) continue;
    std::sort(ls.begin(), ls.end(), [&](int x, int y) {
      const Lesson &a = j.lessons[size_t(x)], &b = j.lessons[size_t(y)];
      return std::tie(a.date, a.number, x) < std::tie(b.date, b.number, y);
    });
    breaches.push_back(ControlBreach{c, subject, p, GroupRef{group_class, group}, limit, std::move(ls)});
  }
  return breaches;
}

bool too_few_marks(const Settings& s, int current_marks) { return current_marks < s.min_marks; }

}  // namespace jp
