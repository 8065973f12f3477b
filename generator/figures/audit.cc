#include "figures/audit.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <unordered_map>

#include "core/thread_pool.h"
#include "core/text.h"
#include "core/wording.h"
#include "figures/figures.h"
#include "figures/rules.h"

namespace jp {
namespace {

/// Who gave a lesson: the substitute when there was one.
int lesson_teacher(const Lesson& l) {
  return l.substitute_ix >= 0 ? l.substitute_ix : l.teacher_ix;
}

/// Who entered a mark: its author, else whoever gave the lesson.
int mark_teacher(const Journal& j, const Mark& m) {
  return m.author_ix >= 0 ? m.author_ix : lesson_teacher(j.lessons[m.lesson_ix]);
}

/// The most frequent key of a count map (the smallest key on a tie); -1 when empty.
int most_frequent(const std::map<int, int>& counts) {
  int best = -1, n = 0;
  for (const auto& [k, c] : counts)
    if (c > n) best = k, n = c;
  return best;
}

int period_index(const Journal& j, const std::string& id) {
  for (size_t p = 0; p < j.periods.size(); ++p)
    if (j.periods[p].id == id) return int(p);
  return -1;
}

/// What every class's reports share, computed once for the school.
struct Shared {
  const DiaryIndex& ix;
  const Journal& j;
  const AuditOptions& o;
  const ArchiveFigures& figures;
  PeriodAverages averages;
  std::vector<std::string> keys;  ///< students' collation keys
  std::vector<std::vector<int>> lessons_of, marks_of, students_of, changes_of;
  std::vector<char> is_control, has_individual;
  HomeworkDeadlines homework;
  std::string exempt, not_assessed;

  Shared(const DiaryIndex& index, const AuditOptions& opt, const ArchiveFigures& f)
      : ix(index),
        j(index.journal()),
        o(opt),
        figures(f),
        averages(index.journal()),
        homework(index.journal(), opt.offset_minutes) {
    const size_t nc = j.classes.size();
    lessons_of.resize(nc), marks_of.resize(nc), students_of.resize(nc), changes_of.resize(nc);
    for (size_t l = 0; l < j.lessons.size(); ++l)
      lessons_of[j.lessons[l].class_ix].push_back(int(l));
    for (size_t m = 0; m < j.marks.size(); ++m)
      marks_of[j.lessons[j.marks[m].lesson_ix].class_ix].push_back(int(m));
    for (size_t c = 0; c < j.mark_changes.size(); ++c) {
      int m = j.mark_changes[c].mark_ix;
      if (m >= 0) changes_of[j.lessons[j.marks[m].lesson_ix].class_ix].push_back(int(c));
    }
    keys.reserve(j.students.size());
    for (size_t s = 0; s < j.students.size(); ++s) {
      keys.push_back(collation_key(full_name(j.students[s].person)));
      for (const auto& e : j.students[s].enrollments) {
        auto& v = students_of[e.class_ix];
        if (v.empty() || v.back() != int(s)) v.push_back(int(s));
      }
    }
    is_control = control_works(j);
    has_individual.assign(j.lessons.size(), 0);
    for (const auto& h : j.individual_homework) has_individual[h.lesson_ix] = 1;
    const Locale& loc = Locale::ru();
    exempt = loc.text("marks.exempt"), not_assessed = loc.text("marks.not_assessed");
  }

  void sort_students(std::vector<int>& v) const {
    std::sort(v.begin(), v.end(), [&](int a, int b) { return keys[a] < keys[b]; });
  }
};

class ClassAuditor {
 public:
  ClassAuditor(const Shared& sh, int class_ix, ClassAudit& out)
      : sh_(sh), j_(sh.j), c_(class_ix), grade_(sh.j.classes[class_ix].grade), a_(out) {
    a_.class_ix = class_ix;
    a_.scope = audit_scope(j_, grade_, sh.o);
    from_ = a_.scope.from, to_ = a_.scope.to;
    for (int s : sh.students_of[c_])
      for (const auto& e : j_.students[s].enrollments)
        if (e.class_ix == c_ && e.from <= to_ && (!e.to || *e.to >= from_)) {
          students_.push_back(s);
          break;
        }
    sh.sort_students(students_);
    for (int l : sh.lessons_of[c_]) {
      const Lesson& le = j_.lessons[l];
      if (!le.cancelled && in(le.date)) {
        lessons_.push_back(l);
        ++subject_teachers_[le.subject_ix][le.teacher_ix];
      }
    }
    std::sort(lessons_.begin(), lessons_.end(), [&](int x, int y) {
      const Lesson &a = j_.lessons[x], &b = j_.lessons[y];
      return std::tie(a.date, a.number, x) < std::tie(b.date, b.number, y);
    });
  }

  void run() {
    if (grade_ != 1) accumulation();
    timeliness();
    gaps();
    control();
    finals();
    if (grade_ == 1) grade1();
    changes();
    attendance();
    results();
  }

 private:
  const Shared& sh_;
  const Journal& j_;
  int c_, grade_;
  ClassAudit& a_;
  Day from_ = 0, to_ = 0;
  std::vector<int> students_, lessons_;  ///< in the range; lessons held, by date
  std::map<int, std::map<int, int>> subject_teachers_;

  bool in(Day d) const { return d >= from_ && d <= to_; }
  bool own_group(const Lesson& l) const { return l.group_ref.class_ix == c_; }
  int subject_teacher(int subject) const {
    auto it = subject_teachers_.find(subject);
    return it == subject_teachers_.end() ? -1 : most_frequent(it->second);
  }

  void accumulation() {
    struct Build {
      AccumulationLine line;
      std::map<int, int> teachers, marks;  // marks by student
      std::vector<int> students;
    };
    std::map<std::pair<int, int>, Build> lines;  // (subject, group) -> line
    auto key = [&](const Lesson& l) {
      return std::make_pair(l.subject_ix, own_group(l) ? l.group_ref.group : -1);
    };
    for (int l : lessons_) {
      const Lesson& le = j_.lessons[l];
      Build& b = lines[key(le)];
      b.line.subject = le.subject_ix;
      if (own_group(le)) b.line.group = le.group_ref;
      ++b.line.lessons;
      ++b.teachers[le.teacher_ix];
    }
    for (int s : students_) {
      std::pair<int, int> last{-1, -2};
      for (int l : sh_.ix.lessons(s)) {
        const Lesson& le = j_.lessons[l];
        if (le.class_ix != c_ || le.cancelled || !in(le.date)) continue;
        auto k = key(le);
        if (k == last) continue;
        auto& v = lines[k].students;
        if (std::find(v.begin(), v.end(), s) == v.end()) v.push_back(s);
        last = k;
      }
    }
    for (int m : sh_.marks_of[c_]) {
      const Mark& mk = j_.marks[m];
      const Lesson& le = j_.lessons[mk.lesson_ix];
      if (in(le.date)) ++lines[key(le)].marks[mk.student_ix];
    }
    std::vector<AccumulationLine> out;
    for (auto& [k, b] : lines) {
      if (b.line.lessons == 0) continue;
      AccumulationLine& line = b.line;
      line.teacher = most_frequent(b.teachers);
      sh_.sort_students(b.students);
      line.students = int(b.students.size());
      for (int s : b.students) {
        auto it = b.marks.find(s);
        int n = it == b.marks.end() ? 0 : it->second;
        if (n == 0) ++line.none;
        if (n == 1) ++line.one;
        if (too_few_marks(j_.settings, n)) line.short_of_marks.push_back({s, n});
      }
      out.push_back(std::move(line));
    }
    std::stable_sort(out.begin(), out.end(), [&](const auto& x, const auto& y) {
      return std::make_tuple(j_.subjects[x.subject].order.value_or(1 << 30), x.subject,
                             x.group.group) <
             std::make_tuple(j_.subjects[y.subject].order.value_or(1 << 30), y.subject,
                             y.group.group);
    });
    a_.accumulation = std::move(out);
  }

  void timeliness() {
    for (int m : sh_.marks_of[c_]) {
      const Mark& mk = j_.marks[m];
      if (!in(j_.lessons[mk.lesson_ix].date)) continue;
      if (auto late = late_mark(j_, mk, sh_.o.offset_minutes))
        a_.late_marks.push_back({m, mark_teacher(j_, mk), late->entered, late->days, late->limit});
    }
    std::sort(a_.late_marks.begin(), a_.late_marks.end(),
              [&](const LateMark& x, const LateMark& y) {
                return std::make_pair(j_.lessons[j_.marks[x.mark].lesson_ix].date, x.mark) <
                       std::make_pair(j_.lessons[j_.marks[y.mark].lesson_ix].date, y.mark);
              });
    // Homework: by homework_deadline_hours after the class's last lesson of the day.
    for (int l : lessons_)
      if (auto minutes = sh_.homework.minutes_late(j_.lessons[l]))
        a_.late_homework.push_back({l, lesson_teacher(j_.lessons[l]), *minutes});
    std::map<int, TimelinessLine> by_teacher;
    for (const auto& x : a_.late_marks) {
      TimelinessLine& t = by_teacher[x.teacher];
      ++t.late_marks;
      t.worst_mark_days = std::max(t.worst_mark_days, x.days);
    }
    for (const auto& x : a_.late_homework) {
      TimelinessLine& t = by_teacher[x.teacher];
      ++t.late_homework;
      t.worst_homework_minutes = std::max(t.worst_homework_minutes, x.minutes);
    }
    for (auto& [t, line] : by_teacher) {
      line.teacher = t;
      a_.timeliness.push_back(line);
    }
    sort_by_teacher(a_.timeliness);
  }

  template <class T>
  void sort_by_teacher(std::vector<T>& v) const {
    std::stable_sort(v.begin(), v.end(), [&](const T& x, const T& y) {
      return teacher_key(x.teacher) < teacher_key(y.teacher);
    });
  }
  std::string teacher_key(int t) const {
    return t < 0 ? std::string() : collation_key(full_name(j_.teachers[t].person));
  }

  void gaps() {
    for (int l : lessons_) {
      const Lesson& le = j_.lessons[l];
      LessonGap g{l, lesson_teacher(le), le.topic.empty(),
                  grade_ != 1 && le.homework.empty() && !sh_.has_individual[l]};
      if (g.no_topic || g.no_homework) a_.gaps.push_back(g);
    }
  }

  void control() {
    // The rule counts each reporting period over its whole length; the report lists the
    // periods that meet its range.
    for (ControlBreach& b : control_breaches(j_, sh_.is_control, sh_.lessons_of[c_])) {
      const Period& per = j_.periods[b.period];
      if (per.start > to_ || per.end < from_) continue;
      ControlExcess e;
      e.subject = b.subject, e.period = b.period, e.limit = b.limit, e.group = b.group;
      e.teacher = lesson_teacher(j_.lessons[b.lessons[size_t(b.limit)]]);  // the one too many
      e.lessons = std::move(b.lessons);
      a_.control.push_back(std::move(e));
    }
  }

  void finals() {
    const int p = a_.scope.period;
    if (p < 0 || grade_ == 1) return;
    const Settings& set = j_.settings;
    const Day end = j_.periods[p].end;
    for (int s : students_) {
      if (class_at(j_.students[s], end) != c_) continue;
      for (int f : sh_.ix.final_marks(s)) {
        const FinalMark& fm = j_.final_marks[f];
        if (fm.period_ix != p) continue;
        int teacher = fm.author_ix >= 0 ? fm.author_ix : subject_teacher(fm.subject_ix);
        const Average* avg = sh_.averages.find(s, fm.subject_ix, p);
        FinalMarkIssue base;
        base.final_mark = f, base.teacher = teacher, base.current = avg ? avg->all : 0;
        if (avg) base.average = avg->value();
        if (base.average) base.forecast = forecast(set, *base.average);
        auto add = [&](FinalMarkIssue::Kind k) {
          FinalMarkIssue i = base;
          i.kind = k;
          a_.finals.push_back(i);
        };
        if (fm.value == sh_.exempt) add(FinalMarkIssue::exempt);
        if (fm.value == sh_.not_assessed) add(FinalMarkIssue::not_assessed);
        if (too_few_marks(set, base.current)) add(FinalMarkIssue::few_marks);
        if (base.average && far_from_forecast(set, fm.value, *base.average))
          add(FinalMarkIssue::far_from_forecast);
      }
    }
    std::stable_sort(a_.finals.begin(), a_.finals.end(),
                     [](const auto& x, const auto& y) { return x.kind < y.kind; });
  }

  void grade1() {
    for (int m : sh_.marks_of[c_]) {
      const Mark& mk = j_.marks[m];
      const Lesson& le = j_.lessons[mk.lesson_ix];
      if (in(le.date))
        a_.grade1.push_back({Grade1Entry::mark, m, mk.lesson_ix, mark_teacher(j_, mk)});
    }
    for (int l : lessons_)
      if (!j_.lessons[l].homework.empty())
        a_.grade1.push_back({Grade1Entry::homework, l, l, lesson_teacher(j_.lessons[l])});
    for (size_t h = 0; h < j_.individual_homework.size(); ++h) {
      const IndividualHomework& ih = j_.individual_homework[h];
      const Lesson& le = j_.lessons[ih.lesson_ix];
      if (le.class_ix == c_ && in(le.date))
        a_.grade1.push_back(
            {Grade1Entry::individual_homework, int(h), ih.lesson_ix, lesson_teacher(le)});
    }
    std::stable_sort(a_.grade1.begin(), a_.grade1.end(), [&](const auto& x, const auto& y) {
      return std::make_tuple(j_.lessons[x.lesson].date, j_.lessons[x.lesson].number, int(x.kind)) <
             std::make_tuple(j_.lessons[y.lesson].date, j_.lessons[y.lesson].number, int(y.kind));
    });
  }

  void changes() {
    for (int c : sh_.changes_of[c_]) {
      const MarkChange& mc = j_.mark_changes[c];
      auto f = mark_change(j_, mc, sh_.o.offset_minutes);
      if (!f || !in(f->changed)) continue;
      const Mark& mk = j_.marks[mc.mark_ix];
      ChangeRow r;
      r.change = c, r.teacher = mc.teacher_ix, r.student = mk.student_ix, r.lesson = mk.lesson_ix;
      r.changed = f->changed;
      r.lock_until = f->lock_until;
      r.after_lock = f->after_lock;
      a_.changes.push_back(r);
    }
    std::stable_sort(a_.changes.begin(), a_.changes.end(), [&](const auto& x, const auto& y) {
      return j_.mark_changes[x.change].changed_ts->utc < j_.mark_changes[y.change].changed_ts->utc;
    });
  }

  void attendance() {
    AttendanceRow& total = a_.attendance_total;
    for (int s : students_) {
      AttendanceRow r;
      r.student = s;
      for (int l : sh_.ix.lessons(s)) {
        const Lesson& le = j_.lessons[l];
        if (le.class_ix != c_ || le.cancelled || !in(le.date)) continue;
        ++r.lessons;
        const Attendance* at = sh_.ix.attendance_at(s, l);
        if (!at) continue;
        if (at->status == "late")
          ++r.late;
        else if (at->reason == "illness")
          ++r.illness;
        else if (at->reason == "valid")
          ++r.valid;
        else if (at->reason == "unexcused")
          ++r.unexcused;
        else
          ++r.unspecified;
      }
      if (r.lessons == 0) continue;
      r.over = r.share() > sh_.o.absence_threshold + 1e-9;
      total.lessons += r.lessons, total.illness += r.illness, total.valid += r.valid;
      total.unexcused += r.unexcused, total.unspecified += r.unspecified, total.late += r.late;
      a_.attendance.push_back(r);
    }
  }

  ResultsFigures results_of(int p) const {
    ResultsFigures r;
    r.period = p;
    if (p < 0) return r;
    for (const SummarySheet& s : sh_.figures.sheets[size_t(c_)])
      if (s.column == j_.periods[p].id) {
        r.present = true;
        r.students = int(s.students.size());
        r.excellent = s.excellent, r.good = s.good, r.single_three = s.single_three;
        r.failing = s.failing, r.marks = s.total;
      }
    return r;
  }

  void results() {
    a_.results = results_of(a_.scope.period);
    a_.previous = results_of(a_.scope.previous);
  }
};

}  // namespace

bool far_from_forecast(const Settings& s, const std::string& value, double average) {
  auto v = numeric_value(s, value), f = numeric_value(s, forecast(s, average));
  return v && f && std::abs(*v - *f) > 1 + 1e-9;
}

void check_audit_options(const Journal& j, const AuditOptions& o) {
  if (!o.period.empty() && (!o.from.empty() || !o.to.empty()))
    throw std::runtime_error(
        "--period and --from/--to both given: choose a reporting period or a date range");
  if (!o.from.empty() || !o.to.empty()) parse_date_range(o.from, o.to);
  if (!o.period.empty() && period_index(j, o.period) < 0) {
    std::string ids;
    for (const auto& p : j.periods) ids += (ids.empty() ? "" : ", ") + p.id;
    throw std::runtime_error(
        fmt::format("--period: there is no period \"{}\" in {} {}; the "
                    "periods are: {}",
                    o.period, j.school.id, j.year.label, ids));
  }
}

AuditScope audit_scope(const Journal& j, int grade, const AuditOptions& o) {
  std::vector<int> reporting;  // the grade's reporting periods, by start
  for (int p : grade_periods(j, grade))
    if (j.periods[p].kind != "year") reporting.push_back(p);
  // The period containing a day, else the last begun before it, else the first.
  auto period_of = [&](Day d) {
    int best = -1;
    for (int p : reporting) {
      if (j.periods[p].start <= d && d <= j.periods[p].end) return p;
      if (j.periods[p].start <= d) best = p;
    }
    return best >= 0 || reporting.empty() ? best : reporting.front();
  };
  AuditScope s;
  if (!o.period.empty()) {
    s.period = period_index(j, o.period);
    s.from = j.periods[s.period].start, s.to = j.periods[s.period].end;
  } else if (!o.from.empty()) {
    auto [f, t] = parse_date_range(o.from, o.to);
    s.from = f, s.to = t;
    s.period = period_of(t);
  } else {
    s.period = period_of(o.today);
    if (s.period >= 0)
      s.from = j.periods[s.period].start, s.to = std::min(j.periods[s.period].end, o.today);
    else
      s.from = j.year.start, s.to = std::min(j.year.end, o.today);
    s.to = std::max(s.to, s.from);  // a today before the period: its first day
  }
  if (s.period >= 0) {
    const Period& cur = j.periods[s.period];
    for (int p : grade_periods(j, grade)) {
      const Period& per = j.periods[p];
      if (per.kind == cur.kind && per.start < cur.start &&
          (s.previous < 0 || per.start > j.periods[s.previous].start))
        s.previous = p;
    }
  }
  return s;
}

int ClassAudit::problems() const {
  size_t n = late_marks.size() + late_homework.size() + gaps.size() + control.size() +
             finals.size() + grade1.size();
  for (const auto& l : accumulation) n += l.short_of_marks.size();
  for (const auto& c : changes) n += c.after_lock;
  return int(n);
}

size_t TeacherAudit::problems() const {
  size_t n = 0;
  for (const auto& [c, l] : accumulation) n += l.short_of_marks.size();
  return n + late_marks.size() + late_homework.size() + gaps.size() + control.size() +
         finals.size() + grade1.size() + late_changes.size();
}

SchoolAudit school_audit(const DiaryIndex& ix, const AuditOptions& o, const ArchiveFigures& figures,
                         ThreadPool& pool) {
  const Journal& j = ix.journal();
  check_audit_options(j, o);
  SchoolAudit a;
  a.options = o;
  std::vector<int> classes;
  int period = o.period.empty() ? -1 : period_index(j, o.period);
  for (size_t c = 0; c < j.classes.size(); ++c) {
    if (period >= 0 && !j.periods[period].applies_to(j.classes[c].grade))
      a.out_of_scope.push_back(int(c));
    else
      classes.push_back(int(c));
  }
  Shared shared(ix, o, figures);
  a.classes.resize(classes.size());
  pool.for_each(classes.size(), [&](size_t i, unsigned) {
    ClassAuditor(shared, classes[i], a.classes[i]).run();
  });

  // Report 10: each teacher's problems, gathered from the classes.
  std::vector<TeacherAudit> by_teacher(j.teachers.size());
  for (const ClassAudit& ca : a.classes) {
    int c = ca.class_ix;
    auto put = [&](auto member, int teacher, const auto& item) {
      if (teacher >= 0) (by_teacher[size_t(teacher)].*member).push_back({c, item});
    };
    for (const auto& x : ca.accumulation)
      if (!x.short_of_marks.empty()) put(&TeacherAudit::accumulation, x.teacher, x);
    for (const auto& x : ca.late_marks) put(&TeacherAudit::late_marks, x.teacher, x);
    for (const auto& x : ca.late_homework) put(&TeacherAudit::late_homework, x.teacher, x);
    for (const auto& x : ca.gaps) put(&TeacherAudit::gaps, x.teacher, x);
    for (const auto& x : ca.control) put(&TeacherAudit::control, x.teacher, x);
    for (const auto& x : ca.finals) put(&TeacherAudit::finals, x.teacher, x);
    for (const auto& x : ca.grade1) put(&TeacherAudit::grade1, x.teacher, x);
    for (const auto& x : ca.changes)
      if (x.after_lock) put(&TeacherAudit::late_changes, x.teacher, x);
  }
  for (size_t t = 0; t < by_teacher.size(); ++t) {
    by_teacher[t].teacher = int(t);
    if (by_teacher[t].problems() > 0) a.teachers.push_back(std::move(by_teacher[t]));
  }
  // Changes of marks no longer in the journal, within the classes' dates.
  if (!a.classes.empty()) {
    Day from = a.classes[0].scope.from, to = a.classes[0].scope.to;
    for (const auto& ca : a.classes)
      from = std::min(from, ca.scope.from), to = std::max(to, ca.scope.to);
    for (size_t c = 0; c < j.mark_changes.size(); ++c) {
      const MarkChange& mc = j.mark_changes[c];
      if (mc.mark_ix >= 0 || !mc.changed_ts) continue;
      Day changed = local_day(mc.changed_ts->utc, o.offset_minutes);
      if (changed < from || changed > to) continue;
      ChangeRow r;
      r.change = int(c), r.teacher = mc.teacher_ix, r.changed = changed;
      a.deleted_marks.push_back(r);
    }
    std::stable_sort(a.deleted_marks.begin(), a.deleted_marks.end(),
                     [&](const auto& x, const auto& y) {
                       return j.mark_changes[x.change].changed_ts->utc <
                              j.mark_changes[y.change].changed_ts->utc;
                     });
  }
  std::stable_sort(a.teachers.begin(), a.teachers.end(), [&](const auto& x, const auto& y) {
    return collation_key(full_name(j.teachers[x.teacher].person)) <
           collation_key(full_name(j.teachers[y.teacher].person));
  });
  return a;
}

}  // namespace jp
