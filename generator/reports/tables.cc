#include "reports/tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <utility>

#include "core/markdown.h"
#include "core/wording.h"

namespace jp {
namespace {

template <class T>
using Items = std::vector<std::pair<int, T>>;

template <class T>
Items<T> of_class(int c, const std::vector<T>& v) {
  Items<T> out;
  out.reserve(v.size());
  for (const auto& x : v) out.push_back({c, x});
  return out;
}

/// Formats the figures: names, dates and numbers in Russian, one table per list.
class Tables {
 public:
  Tables(const Journal& j, const SchoolAudit& a, bool with_class, bool links)
      : j_(j), a_(a), loc_(Locale::ru()), with_class_(with_class), links_(links) {}

  std::string t(const std::string& key) const { return loc_.text("reports." + key); }
  std::string col(const char* key) const { return t(std::string("col.") + key); }
  std::string f(const std::string& key, const std::map<std::string, std::string>& args) const {
    return loc_.format("reports." + key, args);
  }
  std::string teacher(int t) const { return t < 0 ? "—" : full_name(j_.teachers[t].person); }
  std::string student(int s) const { return full_name(j_.students[s].person); }
  std::string date(Day d) const { return loc_.date_short(d); }
  static std::string num(long n) { return std::to_string(n); }
  /// A moment in the school's time: `16.11.2023 20:00`.
  std::string moment(const std::optional<Timestamp>& ts, const std::string& raw) const {
    if (!ts) return raw;
    int64_t local = ts->utc + int64_t(a_.options.offset_minutes) * 60;
    int64_t day = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    int64_t minutes = (local - day * 86400) / 60;
    return fmt::format("{} {:02}:{:02}", date(Day(day)), minutes / 60, minutes % 60);
  }
  static std::string pct(double part, double whole) {
    return whole > 0 ? Locale::number(100.0 * part / whole, 1, true) : "";
  }
  static std::string opt(const std::optional<double>& v, int digits) {
    return v ? Locale::number(*v, digits, true) : "";
  }
  std::string group(GroupRef g) const { return g.class_ix >= 0 ? j_.group(g).name : ""; }
  std::string subject(int s) const { return j_.subjects[s].name; }
  std::string duration(int64_t minutes) const {
    return f("hours_minutes", {{"h", num(long(minutes / 60))}, {"m", num(long(minutes % 60))}});
  }
  std::string mark_value(const std::optional<std::string>& v) const {
    return v ? *v : t("deleted");
  }

  /// A table with the class column first when the rows come from several classes.
  ReportTable table(const std::string& caption, const std::string& sheet,
                    std::vector<std::string> head) const {
    ReportTable tb;
    tb.caption = caption, tb.sheet = sheet;
    if (with_class_) head.insert(head.begin(), col("class"));
    tb.head = std::move(head);
    return tb;
  }
  void add(ReportTable& tb, int c, std::vector<ReportCell> row, bool flag = false) const {
    if (with_class_) {
      ReportCell cell{c >= 0 ? j_.classes[c].name : "—", ""};
      if (links_ && c >= 0) cell.href = class_report_file(j_.classes[c], "html");
      row.insert(row.begin(), cell);
    }
    tb.add(std::move(row), flag);
  }

  std::vector<ReportTable> accumulation(const Items<AccumulationLine>& items, bool lines) const {
    std::string n = num(j_.settings.min_marks);
    std::vector<ReportTable> out;
    if (lines) {
      ReportTable tb = table(
          t("r1.by_subject"), t("r1.sheet"),
          {col("subject"), col("group"), col("teacher"), col("lessons"), col("students"),
           col("none"), col("none_pct"), col("one"), col("one_pct"), f("col.short", {{"n", n}})});
      for (const auto& [c, l] : items)
        add(tb, c,
            {{subject(l.subject)},
             {group(l.group)},
             {teacher(l.teacher)},
             {num(l.lessons)},
             {num(l.students)},
             {num(l.none)},
             {pct(l.none, l.students)},
             {num(l.one)},
             {pct(l.one, l.students)},
             {num(long(l.short_of_marks.size()))}},
            !l.short_of_marks.empty());
      out.push_back(std::move(tb));
    }
    ReportTable st =
        table(f("r1.students", {{"n", n}}), t("r1.sheet_students"),
              {col("subject"), col("group"), col("teacher"), col("student"), col("marks")});
    for (const auto& [c, l] : items)
      for (const auto& [s, marks] : l.short_of_marks)
        add(st, c,
            {{subject(l.subject)},
             {group(l.group)},
             {teacher(l.teacher)},
             {student(s)},
             {num(marks)}});
    out.push_back(std::move(st));
    return out;
  }

  ReportTable late_marks(const Items<LateMark>& items) const {
    ReportTable tb = table(t("r2.marks"), t("r2.sheet"),
                           {col("lesson_date"), col("subject"), col("student"), col("mark"),
                            col("teacher"), col("entered"), col("delay_days"), col("limit_days")});
    for (const auto& [c, x] : items) {
      const Mark& m = j_.marks[x.mark];
      const Lesson& l = j_.lessons[m.lesson_ix];
      add(tb, c,
          {{date(l.date)},
           {subject(l.subject_ix)},
           {student(m.student_ix)},
           {m.value},
           {teacher(x.teacher)},
           {date(x.entered)},
           {num(x.days)},
           {num(x.limit)}});
    }
    return tb;
  }

  ReportTable late_homework(const Items<LateHomework>& items) const {
    ReportTable tb = table(t("r2.homework"), t("r2.sheet_homework"),
                           {col("lesson_date"), col("number"), col("subject"), col("teacher"),
                            col("set_at"), col("late_by")});
    for (const auto& [c, x] : items) {
      const Lesson& l = j_.lessons[x.lesson];
      add(tb, c,
          {{date(l.date)},
           {num(l.number)},
           {subject(l.subject_ix)},
           {teacher(x.teacher)},
           {moment(l.homework_set_ts, l.homework_set_at)},
           {duration(x.minutes)}});
    }
    return tb;
  }

  ReportTable timeliness(const Items<TimelinessLine>& items) const {
    ReportTable tb = table(t("r2.teachers"), t("r2.sheet_teachers"),
                           {col("teacher"), col("late_marks"), col("worst_days"),
                            col("late_homework"), col("worst_homework")});
    for (const auto& [c, x] : items)
      add(tb, c,
          {{teacher(x.teacher)},
           {num(x.late_marks)},
           {x.late_marks ? num(x.worst_mark_days) : ""},
           {num(x.late_homework)},
           {x.late_homework ? duration(x.worst_homework_minutes) : ""}});
    return tb;
  }

  ReportTable gaps(const Items<LessonGap>& items) const {
    ReportTable tb = table(
        t("r3.title"), t("r3.sheet"),
        {col("date"), col("number"), col("subject"), col("group"), col("teacher"), col("problem")});
    for (const auto& [c, x] : items) {
      const Lesson& l = j_.lessons[x.lesson];
      std::string what = x.no_topic && x.no_homework ? t("r3.both")
                         : x.no_topic                ? t("r3.no_topic")
                                                     : t("r3.no_homework");
      add(tb, c,
          {{date(l.date)},
           {num(l.number)},
           {subject(l.subject_ix)},
           {group(l.group_ref)},
           {teacher(x.teacher)},
           {what}});
    }
    return tb;
  }

  ReportTable control(const Items<ControlExcess>& items) const {
    ReportTable tb = table(t("r4.title"), t("r4.sheet"),
                           {col("subject"), col("group"), col("period"), col("limit"), col("held"),
                            col("dates"), col("teacher")});
    for (const auto& [c, x] : items) {
      std::string dates;
      for (int l : x.lessons) dates += (dates.empty() ? "" : ", ") + date(j_.lessons[l].date);
      add(tb, c,
          {{subject(x.subject)},
           {group(x.group)},
           {j_.periods[x.period].name},
           {num(x.limit)},
           {num(long(x.lessons.size()))},
           {dates},
           {teacher(x.teacher)}});
    }
    return tb;
  }

  ReportTable finals(const Items<FinalMarkIssue>& items) const {
    ReportTable tb = table(t("r5.title"), t("r5.sheet"),
                           {col("problem"), col("student"), col("subject"), col("final"),
                            col("current"), col("average"), col("forecast"), col("teacher")});
    static const char* kinds[] = {"r5.far", "r5.few", "r5.exempt", "r5.not_assessed"};
    for (const auto& [c, x] : items) {
      const FinalMark& fm = j_.final_marks[x.final_mark];
      add(tb, c,
          {{t(kinds[x.kind])},
           {student(fm.student_ix)},
           {subject(fm.subject_ix)},
           {fm.value},
           {num(x.current)},
           {opt(x.average, 2)},
           {x.forecast},
           {teacher(x.teacher)}});
    }
    return tb;
  }

  ReportTable grade1(const Items<Grade1Entry>& items) const {
    ReportTable tb =
        table(t("r6.title"), t("r6.sheet"),
              {col("date"), col("number"), col("subject"), col("teacher"), col("what")});
    for (const auto& [c, x] : items) {
      const Lesson& l = j_.lessons[x.lesson];
      std::string what;
      if (x.kind == Grade1Entry::mark) {
        const Mark& m = j_.marks[x.record];
        what = f("r6.mark", {{"value", m.value}, {"student", student(m.student_ix)}});
      } else if (x.kind == Grade1Entry::homework) {
        what = t("r6.homework") + ": " + markdown_plain(l.homework);
      } else {
        const IndividualHomework& h = j_.individual_homework[x.record];
        what = f("r6.individual", {{"student", student(h.student_ix)}});
      }
      add(tb, c,
          {{date(l.date)}, {num(l.number)}, {subject(l.subject_ix)}, {teacher(x.teacher)}, {what}});
    }
    return tb;
  }

  ReportTable changes(const Items<ChangeRow>& items) const {
    ReportTable tb = table(t("r7.title"), t("r7.sheet"),
                           {col("changed"), col("who"), col("student"), col("subject"),
                            col("lesson_date"), col("old"), col("new"), col("after_lock")});
    for (const auto& [c, x] : items) {
      const MarkChange& mc = j_.mark_changes[x.change];
      const Lesson* l = x.lesson >= 0 ? &j_.lessons[x.lesson] : nullptr;  // null: mark gone
      add(tb, c,
          {{moment(mc.changed_ts, mc.changed_at)},
           {teacher(x.teacher)},
           {x.student >= 0 ? student(x.student) : "—"},
           {l ? subject(l->subject_ix) : ""},
           {l ? date(l->date) : ""},
           {mark_value(mc.old_value)},
           {mark_value(mc.new_value)},
           {x.after_lock ? t("yes") : ""}},
          x.after_lock);
    }
    return tb;
  }

  std::vector<ReportCell> attendance_cells(const AttendanceRow& r, const std::string& who) const {
    return {{who},
            {num(r.lessons)},
            {num(r.absent())},
            {num(r.illness)},
            {num(r.valid)},
            {num(r.unexcused)},
            {num(r.unspecified)},
            {num(r.late)},
            {pct(r.absent(), r.lessons)}};
  }
  std::vector<std::string> attendance_head() const {
    return {col("student"),   col("lessons"),     col("missed"), col("illness"),   col("valid"),
            col("unexcused"), col("unspecified"), col("lates"),  col("missed_pct")};
  }
  std::vector<ReportTable> attendance(const std::vector<const ClassAudit*>& classes,
                                      bool totals) const {
    std::string threshold = Locale::number(a_.options.absence_threshold, 1, false);
    ReportTable all = table(t("r8.title"), t("r8.sheet"), attendance_head());
    ReportTable over =
        table(f("r8.over", {{"threshold", threshold}}), t("r8.sheet_over"), attendance_head());
    for (const ClassAudit* ca : classes) {
      for (const auto& r : ca->attendance) {
        add(all, ca->class_ix, attendance_cells(r, student(r.student)), r.over);
        if (r.over) add(over, ca->class_ix, attendance_cells(r, student(r.student)));
      }
      if (totals && !ca->attendance.empty()) {
        add(all, ca->class_ix, attendance_cells(ca->attendance_total, t("total")));
        all.total_last = true;
      }
    }
    return {std::move(all), std::move(over)};
  }

  std::string period_name(int p) const { return p >= 0 ? j_.periods[p].name : "—"; }

  /// Report 9 of a class: the figures of the period and of the previous one, side by side.
  ReportTable results(const ClassAudit& ca) const {
    ReportTable tb;
    tb.caption = t("r9.title");
    tb.sheet = t("r9.sheet");
    tb.head = {col("figure"), period_name(ca.scope.period)};
    if (ca.scope.previous >= 0) tb.head.push_back(period_name(ca.scope.previous));
    auto row = [&](const std::string& label, auto value) {
      std::vector<ReportCell> r{{label}, {ca.results.present ? value(ca.results) : ""}};
      if (ca.scope.previous >= 0) r.push_back({ca.previous.present ? value(ca.previous) : ""});
      tb.add(std::move(r));
    };
    row(col("students"), [](const ResultsFigures& r) { return num(r.students); });
    row(col("excellent"), [](const ResultsFigures& r) { return num(r.excellent); });
    row(col("good"), [](const ResultsFigures& r) { return num(r.good); });
    row(col("single_three"), [](const ResultsFigures& r) { return num(r.single_three); });
    row(col("failing"), [](const ResultsFigures& r) { return num(r.failing); });
    row(col("quality"), [](const ResultsFigures& r) { return opt(r.marks.quality(), 1); });
    row(col("success"), [](const ResultsFigures& r) { return opt(r.marks.success(), 1); });
    row(col("avg"), [](const ResultsFigures& r) { return opt(r.marks.average(), 2); });
    return tb;
  }

  /// The school's results: a line per class with its period and the previous one.
  ReportTable school_results() const {
    ReportTable tb;
    tb.caption = t("r9.school");
    tb.sheet = t("r9.sheet");
    tb.head = {col("class"),        col("period"),       col("students"), col("excellent"),
               col("good"),         col("single_three"), col("failing"),  col("quality"),
               col("success"),      col("avg"),          col("previous"), col("prev_quality"),
               col("prev_success"), col("prev_avg")};
    for (const ClassAudit& ca : a_.classes) {
      if (!ca.results.present) continue;
      const ResultsFigures &r = ca.results, &p = ca.previous;
      ReportCell cls{j_.classes[ca.class_ix].name, ""};
      if (links_) cls.href = class_report_file(j_.classes[ca.class_ix], "html");
      tb.add({cls,
              {period_name(r.period)},
              {num(r.students)},
              {num(r.excellent)},
              {num(r.good)},
              {num(r.single_three)},
              {num(r.failing)},
              {opt(r.marks.quality(), 1)},
              {opt(r.marks.success(), 1)},
              {opt(r.marks.average(), 2)},
              {p.present ? period_name(p.period) : ""},
              {p.present ? opt(p.marks.quality(), 1) : ""},
              {p.present ? opt(p.marks.success(), 1) : ""},
              {p.present ? opt(p.marks.average(), 2) : ""}});
    }
    return tb;
  }

  ReportSection section(const char* id, std::string clause, std::vector<ReportTable> tables,
                        const std::string& empty = "") const {
    ReportSection s;
    s.id = id;
    s.title = t(std::string(id) + ".title");
    s.clause = std::move(clause);
    s.tables = std::move(tables);
    s.empty = empty.empty() ? t("none") : empty;
    return s;
  }

  std::string lock_words() const {
    const std::string& lock = j_.settings.edit_lock;
    for (const char* k : {"never", "1w", "2w", "3w", "1m"})
      if (lock == k) return t(std::string("r7.lock.") + k);
    return lock;
  }

  std::string scope_line(const AuditScope& s) const {
    if (s.period >= 0 && a_.options.from.empty())
      return f("scope", {{"period", j_.periods[s.period].name},
                         {"from", loc_.date_full(s.from)},
                         {"to", loc_.date_full(s.to)}});
    return f("scope_range", {{"from", loc_.date_full(s.from)}, {"to", loc_.date_full(s.to)}});
  }

  const Journal& j_;
  const SchoolAudit& a_;
  const Locale& loc_;
  bool with_class_, links_;
};

int count_short(const ClassAudit& c) {
  int n = 0;
  for (const auto& l : c.accumulation) n += int(l.short_of_marks.size());
  return n;
}
int count_late_changes(const ClassAudit& c) {
  int n = 0;
  for (const auto& x : c.changes) n += x.after_lock;
  return n;
}

}  // namespace

bool ReportSection::has_rows() const {
  for (const auto& t : tables)
    if (!t.rows.empty()) return true;
  return false;
}

std::string class_report_file(const SchoolClass& c, const char* ext) {
  return "class-" + c.id + "." + ext;
}
std::string teacher_report_file(const Teacher& t) { return "teacher-" + t.id + ".html"; }

ReportPage class_page(const Journal& j, const SchoolAudit& a, const ClassAudit& ca, Day today) {
  Tables tb(j, a, false, false);
  const SchoolClass& cls = j.classes[ca.class_ix];
  const int c = ca.class_ix;
  ReportPage p;
  p.file = class_report_file(cls, "html");
  p.title = tb.f("class_title", {{"class", cls.name}});
  p.about.push_back(tb.scope_line(ca.scope));
  if (cls.homeroom_ix >= 0)
    p.about.push_back(tb.f("homeroom", {{"name", tb.teacher(cls.homeroom_ix)}}));
  p.about.push_back(tb.f("built", {{"date", Locale::ru().date_full(today)}}));
  p.links.push_back({tb.t("to_index"), "index.html"});
  p.links.push_back({tb.t("class_pdf"), class_report_file(cls, "pdf")});
  std::string min = std::to_string(j.settings.min_marks);
  p.sections.push_back(tb.section("r1", tb.f("r1.clause", {{"n", min}}),
                                  tb.accumulation(of_class(c, ca.accumulation), true)));
  p.sections.push_back(tb.section(
      "r2", tb.f("r2.clause", {{"hours", std::to_string(j.settings.homework_deadline_hours)}}),
      {tb.timeliness(of_class(c, ca.timeliness)), tb.late_marks(of_class(c, ca.late_marks)),
       tb.late_homework(of_class(c, ca.late_homework))}));
  p.sections.push_back(tb.section("r3", tb.t("r3.clause"), {tb.gaps(of_class(c, ca.gaps))}));
  p.sections.push_back(tb.section("r4", tb.t("r4.clause"), {tb.control(of_class(c, ca.control))}));
  p.sections.push_back(tb.section("r5", tb.t("r5.clause"), {tb.finals(of_class(c, ca.finals))}));
  p.sections.push_back(tb.section("r6", tb.t("r6.clause"), {tb.grade1(of_class(c, ca.grade1))}));
  p.sections.push_back(tb.section("r7", tb.f("r7.clause", {{"lock", tb.lock_words()}}),
                                  {tb.changes(of_class(c, ca.changes))}, tb.t("no_rows")));
  std::string threshold = Locale::number(a.options.absence_threshold, 1, false);
  p.sections.push_back(tb.section("r8", tb.f("r8.clause", {{"threshold", threshold}}),
                                  tb.attendance({&ca}, true), tb.t("no_rows")));
  std::vector<ReportTable> results;
  if (ca.results.present) results.push_back(tb.results(ca));
  p.sections.push_back(tb.section("r9", tb.t("r9.clause"), results, tb.t("r9.no_sheet")));
  int counts[] = {count_short(ca),
                  int(ca.late_marks.size() + ca.late_homework.size()),
                  int(ca.gaps.size()),
                  int(ca.control.size()),
                  int(ca.finals.size()),
                  int(ca.grade1.size()),
                  count_late_changes(ca),
                  int(std::count_if(ca.attendance.begin(), ca.attendance.end(),
                                    [](const AttendanceRow& r) { return r.over; }))};
  for (size_t i = 0; i < std::size(counts); ++i) p.sections[i].problems = counts[i];
  // One table per subject list is enough on a page: drop the empty second tables.
  for (auto& s : p.sections)
    if (s.has_rows()) std::erase_if(s.tables, [](const ReportTable& t) { return t.rows.empty(); });
  return p;
}

ReportPage teacher_page(const Journal& j, const SchoolAudit& a, const TeacherAudit& ta, Day today) {
  Tables tb(j, a, true, true);
  ReportPage p;
  p.file = teacher_report_file(j.teachers[ta.teacher]);
  p.title = tb.f("teacher_title", {{"name", tb.teacher(ta.teacher)}});
  p.about.push_back(tb.t("r10.clause"));
  p.about.push_back(tb.f("built", {{"date", Locale::ru().date_full(today)}}));
  p.links.push_back({tb.t("to_index"), "index.html"});
  std::string min = std::to_string(j.settings.min_marks);
  p.sections.push_back(
      tb.section("r1", tb.f("r1.clause", {{"n", min}}), tb.accumulation(ta.accumulation, false)));
  p.sections.push_back(tb.section(
      "r2", tb.f("r2.clause", {{"hours", std::to_string(j.settings.homework_deadline_hours)}}),
      {tb.late_marks(ta.late_marks), tb.late_homework(ta.late_homework)}));
  p.sections.push_back(tb.section("r3", tb.t("r3.clause"), {tb.gaps(ta.gaps)}));
  p.sections.push_back(tb.section("r4", tb.t("r4.clause"), {tb.control(ta.control)}));
  p.sections.push_back(tb.section("r5", tb.t("r5.clause"), {tb.finals(ta.finals)}));
  p.sections.push_back(tb.section("r6", tb.t("r6.clause"), {tb.grade1(ta.grade1)}));
  p.sections.push_back(tb.section("r7", tb.f("r7.clause", {{"lock", tb.lock_words()}}),
                                  {tb.changes(ta.late_changes)}));
  size_t short_of_marks = 0;
  for (const auto& [c, l] : ta.accumulation) short_of_marks += l.short_of_marks.size();
  size_t counts[] = {short_of_marks,        ta.late_marks.size() + ta.late_homework.size(),
                     ta.gaps.size(),        ta.control.size(),
                     ta.finals.size(),      ta.grade1.size(),
                     ta.late_changes.size()};
  for (size_t i = 0; i < std::size(counts); ++i) p.sections[i].problems = int(counts[i]);
  // Only the reports with something to say.
  std::erase_if(p.sections, [](const ReportSection& s) { return !s.has_rows(); });
  for (auto& s : p.sections)
    std::erase_if(s.tables, [](const ReportTable& t) { return t.rows.empty(); });
  return p;
}

ReportPage index_page(const Journal& j, const SchoolAudit& a, Day today) {
  Tables tb(j, a, false, true);
  ReportPage p;
  p.file = "index.html";
  p.title = tb.t("title");
  std::vector<std::string> periods;
  for (const ClassAudit& ca : a.classes) {
    std::string s = tb.scope_line(ca.scope);
    if (std::find(periods.begin(), periods.end(), s) == periods.end()) periods.push_back(s);
  }
  for (const auto& s : periods) p.about.push_back(s);
  if (!a.out_of_scope.empty()) {
    std::string names;
    for (int c : a.out_of_scope) names += (names.empty() ? "" : ", ") + j.classes[c].name;
    for (const auto& per : j.periods)
      if (per.id == a.options.period)
        p.about.push_back(tb.f("out_of_scope", {{"period", per.name}, {"classes", names}}));
  }
  p.about.push_back(tb.f("built", {{"date", Locale::ru().date_full(today)}}));
  p.links.push_back({tb.t("workbook"), "reports.xlsx"});

  ReportSection classes;
  classes.id = "classes";
  classes.title = tb.t("classes");
  classes.empty = tb.t("no_rows");
  ReportTable ct;
  ct.caption = tb.t("classes");
  ct.sheet = tb.t("classes");
  ct.head = {tb.col("class"), tb.col("period"), tb.col("homeroom")};
  for (int r = 1; r <= 7; ++r) ct.head.push_back(std::to_string(r));
  ct.head.push_back(tb.col("problems"));
  ct.head.push_back(tb.t("class_pdf"));
  for (const ClassAudit& ca : a.classes) {
    const SchoolClass& cls = j.classes[ca.class_ix];
    int n[] = {count_short(ca),       int(ca.late_marks.size() + ca.late_homework.size()),
               int(ca.gaps.size()),   int(ca.control.size()),
               int(ca.finals.size()), int(ca.grade1.size()),
               count_late_changes(ca)};
    std::vector<ReportCell> row{{cls.name, class_report_file(cls, "html")},
                                {tb.period_name(ca.scope.period)},
                                {cls.homeroom_ix >= 0 ? tb.teacher(cls.homeroom_ix) : ""}};
    for (int x : n) row.push_back({std::to_string(x)});
    row.push_back({std::to_string(ca.problems())});
    row.push_back({class_report_file(cls, "pdf"), class_report_file(cls, "pdf")});
    ct.add(std::move(row), ca.problems() > 0);
  }
  classes.tables.push_back(std::move(ct));
  p.sections.push_back(std::move(classes));

  ReportSection teachers;
  teachers.id = "r10";
  teachers.title = tb.t("r10.title");
  teachers.clause = tb.t("r10.clause");
  teachers.empty = tb.t("no_teachers");
  ReportTable tt;
  tt.caption = tb.t("teachers");
  tt.sheet = tb.t("r10.sheet");
  tt.head = {tb.col("teacher"), tb.col("problems")};
  for (const TeacherAudit& ta : a.teachers)
    tt.add({{tb.teacher(ta.teacher), teacher_report_file(j.teachers[ta.teacher])},
            {std::to_string(ta.problems())}});
  teachers.tables.push_back(std::move(tt));
  ReportSection results =
      tb.section("r9", tb.t("r9.clause"), {tb.school_results()}, tb.t("r9.no_sheet"));
  p.sections.push_back(std::move(results));
  p.sections.push_back(std::move(teachers));
  if (!a.deleted_marks.empty()) {
    Tables all(j, a, true, true);
    ReportSection gone =
        all.section("r7", all.t("r7.deleted_clause"), {all.changes(of_class(-1, a.deleted_marks))});
    gone.title = all.t("r7.deleted");
    p.sections.push_back(std::move(gone));
  }
  return p;
}

std::vector<ReportTable> workbook_tables(const Journal& j, const SchoolAudit& a) {
  Tables tb(j, a, true, false);
  Items<AccumulationLine> acc;
  Items<LateMark> lm;
  Items<LateHomework> lh;
  Items<TimelinessLine> tl;
  Items<LessonGap> gaps;
  Items<ControlExcess> ctl;
  Items<FinalMarkIssue> fin;
  Items<Grade1Entry> g1;
  Items<ChangeRow> ch;
  std::vector<const ClassAudit*> classes;
  auto append = [](auto& to, const auto& from) { to.insert(to.end(), from.begin(), from.end()); };
  for (const ClassAudit& ca : a.classes) {
    int c = ca.class_ix;
    append(acc, of_class(c, ca.accumulation));
    append(lm, of_class(c, ca.late_marks));
    append(lh, of_class(c, ca.late_homework));
    append(tl, of_class(c, ca.timeliness));
    append(gaps, of_class(c, ca.gaps));
    append(ctl, of_class(c, ca.control));
    append(fin, of_class(c, ca.finals));
    append(g1, of_class(c, ca.grade1));
    append(ch, of_class(c, ca.changes));
    classes.push_back(&ca);
  }
  append(ch, of_class(-1, a.deleted_marks));
  std::vector<ReportTable> out = tb.accumulation(acc, true);
  out.push_back(tb.late_marks(lm));
  out.push_back(tb.late_homework(lh));
  out.push_back(tb.timeliness(tl));
  out.push_back(tb.gaps(gaps));
  out.push_back(tb.control(ctl));
  out.push_back(tb.finals(fin));
  out.push_back(tb.grade1(g1));
  out.push_back(tb.changes(ch));
  for (auto& t : tb.attendance(classes, false)) out.push_back(std::move(t));
  out.push_back(tb.school_results());
  // Report 10: each teacher's count of problems by report.
  ReportTable tt;
  tt.caption = tb.t("r10.title");
  tt.sheet = tb.t("r10.sheet");
  tt.head = {tb.col("teacher")};
  for (int r = 1; r <= 7; ++r) tt.head.push_back(std::to_string(r));
  tt.head.push_back(tb.col("problems"));
  for (const TeacherAudit& ta : a.teachers) {
    size_t short_of_marks = 0;
    for (const auto& [c, l] : ta.accumulation) short_of_marks += l.short_of_marks.size();
    tt.add({{tb.teacher(ta.teacher)},
            {std::to_string(short_of_marks)},
            {std::to_string(ta.late_marks.size() + ta.late_homework.size())},
            {std::to_string(ta.gaps.size())},
            {std::to_string(ta.control.size())},
            {std::to_string(ta.finals.size())},
            {std::to_string(ta.grade1.size())},
            {std::to_string(ta.late_changes.size())},
            {std::to_string(ta.problems())}});
  }
  out.push_back(std::move(tt));
  return out;
}

}  // namespace jp
