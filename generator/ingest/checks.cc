#include "ingest/checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>
#include <unordered_map>

#include "core/text.h"
#include "core/wording.h"
#include "figures/audit.h"
#include "figures/figures.h"
#include "figures/rules.h"
#include "ingest/load.h"

namespace jp {
namespace {

struct Warn {
  const Journal& j;
  Diagnostics& diag;
  void operator()(const char* code, const char* section, const Src& src, const std::string& label,
                  const std::string& msg) {
    diag.warning(code, j.files.empty() ? std::string() : j.files[src.file],
                 record_pointer(section, src), label, msg);
  }
};

std::string days_word(long n) { return fmt::format("{} {}", n, n == 1 ? "day" : "days"); }

int grade_of(const Journal& j, const Lesson& l) { return j.classes[l.class_ix].grade; }

// Grade 1 keeps to attendance and topics (Положение 3.11).
void check_lessons(const Journal& j, Warn& warn) {
  for (const auto& l : j.lessons) {
    if (grade_of(j, l) == 1 && !l.homework.empty())
      warn("grade1-homework", "lessons", l.src, "id " + l.id,
           fmt::format("homework set in grade 1 ({}): grade 1 gets no homework in the journal",
                       j.classes[l.class_ix].name));
    if (!l.cancelled && l.topic.empty())
      warn("no-topic", "lessons", l.src, "id " + l.id,
           fmt::format("lesson of {} in {} on {} has no topic", j.subjects[l.subject_ix].name,
                       j.classes[l.class_ix].name, format_date(l.date)));
  }
  for (const auto& h : j.individual_homework)
    if (grade_of(j, j.lessons[h.lesson_ix]) == 1)
      warn("grade1-homework", "individual_homework", h.src,
           fmt::format("lesson {}, student {}", h.lesson, h.student),
           "individual homework in grade 1: grade 1 gets no homework in the journal");
}

// Marks: grade 1, and late entry (grading_deadline_days).
void check_marks(const Journal& j, Warn& warn, int offset) {
  for (const auto& m : j.marks) {
    const Lesson& l = j.lessons[m.lesson_ix];
    int grade = grade_of(j, l);
    if (grade == 1)
      warn("grade1-mark", "marks", m.src, "id " + m.id,
           fmt::format("mark {} in grade 1 ({}): grade 1 is not marked", in_quotes(m.value),
                       j.classes[l.class_ix].name));
    if (auto late = late_mark(j, m, offset))
      warn("late-mark", "marks", m.src, "id " + m.id,
           fmt::format("mark entered on {}, {} after the lesson on {}; the deadline is {}",
                       format_date(late->entered), days_word(late->days), format_date(l.date),
                       days_word(late->limit)));
  }
}

// Homework entered more than homework_deadline_hours after the class's last lesson that day.
void check_late_homework(const Journal& j, Warn& warn, int offset) {
  const Settings& set = j.settings;
  HomeworkDeadlines deadlines(j, offset);
  for (const auto& l : j.lessons) {
    if (auto late = deadlines.minutes_late(l)) {
      int64_t late_min = *late;
      warn("late-homework", "lessons", l.src, "id " + l.id,
           fmt::format("homework entered at {}, {} h {:02} min after the deadline ({} h after the "
                       "last lesson of {} on {})",
                       l.homework_set_at, late_min / 60, late_min % 60, set.homework_deadline_hours,
                       j.classes[l.class_ix].name, format_date(l.date)));
    }
  }
}

// Control works per class (or group), subject and non-year period over the limit: a warning
// for each work beyond it, in the order of the export's lessons.
void check_control_limits(const Journal& j, Warn& warn) {
  std::vector<int> all(j.lessons.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = int(i);
  struct Beyond {
    int lesson, period, number;
    const ControlBreach* breach;
  };
  std::vector<ControlBreach> breaches = control_breaches(j, control_works(j), all);
  std::vector<Beyond> beyond;
  for (const ControlBreach& b : breaches)
    for (size_t k = size_t(b.limit); k < b.lessons.size(); ++k)
      beyond.push_back({b.lessons[k], b.period, int(k) + 1, &b});
  std::sort(beyond.begin(), beyond.end(), [](const Beyond& x, const Beyond& y) {
    return std::tie(x.lesson, x.period) < std::tie(y.lesson, y.period);
  });
  for (const Beyond& x : beyond) {
    const Lesson& l = j.lessons[size_t(x.lesson)];
    const ControlBreach& b = *x.breach;
    warn("control-limit", "lessons", l.src, "id " + l.id,
         fmt::format("control work number {} in {} for {}{} in {}; the limit is {}", x.number,
                     j.subjects[b.subject].name, j.classes[b.class_ix].name,
                     b.group.class_ix >= 0 ? " (" + j.group(b.group).name + ")" : "",
                     j.periods[b.period].name, b.limit));
  }
}

// Final marks: `осв`, too few current marks behind them, far from the forecast.
void check_final_marks(const Journal& j, Warn& warn) {
  const Settings& set = j.settings;
  PeriodAverages averages(j);
  const std::string exempt = Locale::ru().text("marks.exempt");
  for (const auto& f : j.final_marks) {
    std::string label =
        fmt::format("student {}, subject {}, period {}", f.student, f.subject, f.period);
    if (f.value == exempt)
      warn("osv-final", "final_marks", f.src, label,
           fmt::format("final mark \"{}\" in {}: the regulation requires a mark (physical "
                       "education is graded on theory)",
                       exempt, j.subjects[f.subject_ix].name));
    if (f.period_ix < 0) continue;
    const Period& per = j.periods[f.period_ix];
    const Average* a = averages.find(f.student_ix, f.subject_ix, f.period_ix);
    int n = a ? a->all : 0;
    if (too_few_marks(set, n))
      warn("few-marks", "final_marks", f.src, label,
           fmt::format("final mark for {} in {} rests on {} current {}; at least {} needed",
                       per.name, j.subjects[f.subject_ix].name, n, n == 1 ? "mark" : "marks",
                       set.min_marks));
    if (a && a->value() && far_from_forecast(set, f.value, *a->value()))
      warn("forecast-mismatch", "final_marks", f.src, label,
           fmt::format("mark {} for {} in {} differs by more than one point from the forecast "
                       "{} (weighted average {:.2f})",
                       in_quotes(f.value), per.name, j.subjects[f.subject_ix].name,
                       in_quotes(forecast(set, *a->value())), *a->value()));
  }
}

// Mark changes later than edit_lock allows (Порядок 3.6).
void check_late_changes(const Journal& j, Warn& warn, int offset) {
  const Settings& set = j.settings;
  for (const auto& c : j.mark_changes) {
    auto f = mark_change(j, c, offset);
    if (!f || !f->after_lock) continue;
    const Lesson& l = j.lessons[j.marks[c.mark_ix].lesson_ix];
    warn("late-change", "mark_changes", c.src,
         fmt::format("mark {}, changed_at {}", c.mark, c.changed_at),
         fmt::format("mark changed on {}, after the edit lock ({}) ended on {} for the lesson "
                     "on {}",
                     format_date(f->changed), set.edit_lock, format_date(*f->lock_until),
                     format_date(l.date)));
  }
}

void check_guardians(const Journal& j, Warn& warn) {
  for (const auto& g : j.guardians) {
    if (g.children.empty())
      warn("guardian-no-children", "guardians", g.src, "id " + g.id,
           fmt::format("guardian {} has no children", full_name(g.person)));
    else if (g.delivery == "electronic" && g.email.empty() && g.phone.empty())
      warn("guardian-no-contact", "guardians", g.src, "id " + g.id,
           fmt::format("guardian {} gets the diary electronically but has neither email nor phone",
                       full_name(g.person)));
  }
}

}  // namespace

void check_regulations(const Journal& j, Diagnostics& diag) {
  Warn warn{j, diag};
  const int offset = school_offset_minutes(j.school);
  check_lessons(j, warn);
  check_marks(j, warn, offset);
  check_late_homework(j, warn, offset);
  check_control_limits(j, warn);
  check_final_marks(j, warn);
  check_late_changes(j, warn, offset);
  check_guardians(j, warn);
}

}  // namespace jp
