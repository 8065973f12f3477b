#include "figures/summary.h"

#include <algorithm>

#include "core/thread_pool.h"
#include "core/text.h"
#include "core/wording.h"
#include "figures/figures.h"

namespace jp {

void MarkCounts::add(const Settings& s, const std::string& value) {
  static const std::string not_assessed = Locale::ru().text("marks.not_assessed");
  if (auto v = numeric_value(s, value)) {
    int k = *v >= 5 ? 0 : *v >= 4 ? 1 : *v >= 3 ? 2 : 3;
    ++by_value[k];
    ++graded;
    if (k == 3) ++failed;
    sum += *v;
    ++numeric;
  } else if (value == not_assessed) {
    ++graded;
    ++failed;
  }
}

std::optional<double> MarkCounts::quality() const {
  if (graded == 0) return std::nullopt;
  return 100.0 * (by_value[0] + by_value[1]) / graded;
}

std::optional<double> MarkCounts::success() const {
  if (graded == 0) return std::nullopt;
  return 100.0 * (graded - failed) / graded;
}

std::optional<double> MarkCounts::average() const {
  if (numeric == 0) return std::nullopt;
  return sum / numeric;
}

std::vector<SummarySheet> summary_sheets(const Journal& j, int class_ix) {
  const SchoolClass& cls = j.classes[class_ix];
  struct Column {
    std::string id, title;
    int period_ix;
    Day at;
  };
  std::vector<Column> columns;
  Day year_end = j.year.end;
  for (int p : grade_periods(j, cls.grade)) {
    columns.push_back({j.periods[p].id, j.periods[p].name, p, j.periods[p].end});
    if (j.periods[p].kind == "year") year_end = j.periods[p].end;
  }
  // The same words as the diary's results page and the class journal's period marks.
  const Locale& loc = Locale::ru();
  columns.push_back({"exam", loc.text("result_columns.exam"), -1, year_end});
  columns.push_back({"final", loc.text("result_columns.final"), -1, year_end});

  // Subjects of the class: taught in it, in the school's order.
  std::vector<char> taught(j.subjects.size(), 0);
  for (const auto& l : j.lessons)
    if (l.class_ix == class_ix) taught[l.subject_ix] = 1;
  std::vector<int> subjects;
  for (size_t s = 0; s < j.subjects.size(); ++s)
    if (taught[s]) subjects.push_back(int(s));
  std::stable_sort(subjects.begin(), subjects.end(), [&](int a, int b) {
    return j.subjects[a].order.value_or(1 << 30) < j.subjects[b].order.value_or(1 << 30);
  });

  std::vector<SummarySheet> sheets;
  for (const auto& col : columns) {
    SummarySheet sh;
    sh.column = col.id;
    sh.title = col.title;
    sh.subjects = subjects;
    for (size_t s = 0; s < j.students.size(); ++s)
      if (class_on(j.students[s], col.at) == class_ix) sh.students.push_back(int(s));
    std::sort(sh.students.begin(), sh.students.end(), [&](int a, int b) {
      return collation_key(full_name(j.students[a].person)) <
             collation_key(full_name(j.students[b].person));
    });
    sh.marks.assign(sh.students.size(), std::vector<std::string>(subjects.size()));
    bool any = false;
    for (const auto& f : j.final_marks) {
      bool match = col.period_ix >= 0 ? f.period_ix == col.period_ix
                                      : (f.period_ix < 0 && f.period == col.id);
      if (!match) continue;
      auto st = std::find(sh.students.begin(), sh.students.end(), f.student_ix);
      auto su = std::find(subjects.begin(), subjects.end(), f.subject_ix);
      if (st == sh.students.end() || su == subjects.end()) continue;
      sh.marks[st - sh.students.begin()][su - subjects.begin()] = f.value;
      any = true;
    }
    if (!any && col.period_ix < 0) continue;  // no exam or final marks in this class
    sh.per_student.resize(sh.students.size());
    sh.per_subject.resize(subjects.size());
    for (size_t a = 0; a < sh.students.size(); ++a) {
      for (size_t b = 0; b < subjects.size(); ++b) {
        const std::string& v = sh.marks[a][b];
        if (v.empty()) continue;
        sh.per_student[a].add(j.settings, v);
        sh.per_subject[b].add(j.settings, v);
        sh.total.add(j.settings, v);
      }
      const MarkCounts& c = sh.per_student[a];
      if (c.graded == 0) continue;
      if (c.failed > 0)
        ++sh.failing;
      else if (c.by_value[0] == c.graded)
        ++sh.excellent;
      else if (c.by_value[2] == 0)
        ++sh.good;
      else if (c.by_value[2] == 1)
        ++sh.single_three;
    }
    sheets.push_back(std::move(sh));
  }
  return sheets;
}

}  // namespace jp

namespace jp {

ArchiveFigures archive_figures(const Journal& j, ThreadPool& pool) {
  ArchiveFigures f;
  f.sheets.resize(j.classes.size());
  pool.for_each(j.classes.size(), [&](size_t c, unsigned) {
    if (j.classes[c].grade != 1) f.sheets[c] = summary_sheets(j, int(c));
  });
  f.school = school_summary(j, f.sheets);
  return f;
}

std::vector<SchoolSummary> school_summary(const Journal& j,
                                          const std::vector<std::vector<SummarySheet>>& sheets) {
  std::vector<SchoolSummary> out;
  for (size_t c = 0; c < j.classes.size(); ++c) {
    if (j.classes[c].grade == 1) continue;
    for (const SummarySheet& sh : sheets[c]) {
      auto it = std::find_if(out.begin(), out.end(),
                             [&](const SchoolSummary& s) { return s.title == sh.title; });
      if (it == out.end()) {
        out.push_back({sh.title, {}, {}});
        it = out.end() - 1;
      }
      ClassSummary line;
      line.class_ix = int(c);
      line.students = int(sh.students.size());
      line.excellent = sh.excellent, line.good = sh.good;
      line.single_three = sh.single_three, line.failing = sh.failing;
      line.marks = sh.total;
      ClassSummary& t = it->total;
      t.students += line.students, t.excellent += line.excellent, t.good += line.good;
      t.single_three += line.single_three, t.failing += line.failing;
      for (int k = 0; k < 4; ++k) t.marks.by_value[k] += line.marks.by_value[k];
      t.marks.graded += line.marks.graded, t.marks.failed += line.marks.failed;
      t.marks.sum += line.marks.sum, t.marks.numeric += line.marks.numeric;
      it->classes.push_back(line);
    }
  }
  return out;
}

ArchiveDates archive_dates(const Journal& j, Day today) {
  const size_t nc = j.classes.size();
  ArchiveDates d;
  d.journal.assign(nc, 0), d.summary.assign(nc, 0);
  d.year_over = j.year.end && today > j.year.end;
  for (const Lesson& l : j.lessons)
    if (l.date <= today) d.journal[size_t(l.class_ix)] = std::max(d.journal[size_t(l.class_ix)], l.date);
  // A final mark belongs to every class its student was ever in (a student who moved shows
  // in both classes' documents, archive_inputs.h).
  std::vector<Day> entered(nc, 0), period_end(nc, 0);
  for (const FinalMark& f : j.final_marks) {
    Day written = 0;
    if (f.created_ts) written = local_day(f.created_ts->utc, f.created_ts->offset_minutes);
    Day end = f.period_ix >= 0 ? j.periods[size_t(f.period_ix)].end : j.year.end;
    for (const Enrollment& e : j.students[size_t(f.student_ix)].enrollments) {
      size_t c = size_t(e.class_ix);
      if (written && written <= today) entered[c] = std::max(entered[c], written);
      if (end && end <= today) period_end[c] = std::max(period_end[c], end);
    }
  }
  // Nothing written yet (a class before its first lesson): as of the year's first day.
  const Day none = j.year.start ? std::min(today, j.year.start) : today;
  for (size_t c = 0; c < nc; ++c) {
    if (!d.journal[c]) d.journal[c] = none;
    d.summary[c] = entered[c] ? entered[c] : period_end[c] ? period_end[c] : d.journal[c];
    d.school = std::max(d.school, d.summary[c]);
  }
  return d;
}

}  // namespace jp
