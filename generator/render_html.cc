#include "render_html.h"

#include <cmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <kainjow/mustache.hpp>
#include <stdexcept>

#include "embedded.h"
#include "validate.h"

namespace jp {

namespace mu = kainjow::mustache;

namespace {

uint64_t fnv(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ULL;
  return h;
}

/// Sets a key only for a non-empty value: in kainjow an empty string still opens a section.
void put(mu::data& d, const std::string& key, const std::string& value) {
  if (!value.empty()) d.set(key, value);
}

mu::data list() { return mu::data{mu::data::type::list}; }

std::string value_class(const std::string& v) {
  return v.size() == 1 && v[0] >= '1' && v[0] <= '5' ? v : "x";
}

}  // namespace

uint64_t item_key(const Mark& m) { return fnv(m.value, fnv(m.id, 1)); }
uint64_t item_key(const FinalMark& f) {
  return fnv(f.value, fnv(f.period, fnv(f.subject, fnv(f.student, 2))));
}
uint64_t item_key(const Remark& r) { return fnv(r.text, fnv(r.id, 3)); }

std::string markdown_html(const std::string& md) {
  // cmark 0.30 is safe by default: raw HTML becomes a comment and javascript:, vbscript:,
  // file: and data: (except images) links are dropped. CMARK_OPT_UNSAFE is never set.
  char* html = cmark_markdown_to_html(md.data(), md.size(), CMARK_OPT_DEFAULT | CMARK_OPT_SMART);
  if (!html) throw std::runtime_error("cmark could not render markdown (out of memory)");
  std::string r(html);
  free(html);
  return r;
}

struct HtmlRenderer::Templates {
  mu::mustache layout, root, family, week, subject, results, attendance, notes, news;
  static mu::mustache load(const char* name) {
    mu::mustache m{std::string(embedded_files().at(name))};
    if (!m.is_valid()) throw std::logic_error(std::string("template ") + name + ": " + m.error_message());
    return m;
  }
  Templates()
      : layout(load("layout.mustache")), root(load("root.mustache")), family(load("family.mustache")),
        week(load("week.mustache")), subject(load("subject.mustache")), results(load("results.mustache")),
        attendance(load("attendance.mustache")), notes(load("notes.mustache")), news(load("new.mustache")) {}
};

HtmlRenderer::HtmlRenderer(const DiaryIndex& index, const Locale& locale, Day today)
    : ix_(index), j_(index.journal()), loc_(locale), today_(today), t_(std::make_unique<Templates>()) {}

HtmlRenderer::~HtmlRenderer() = default;

std::string HtmlRenderer::week_file(const Student& s, Day monday) {
  return s.id + "-week-" + iso_week(monday) + ".html";
}
std::string HtmlRenderer::subject_file(const Student& s, const Subject& subj) {
  return s.id + "-subject-" + subj.id + ".html";
}
std::string HtmlRenderer::page_file(const Student& s, const char* page) {
  return s.id + "-" + page + ".html";
}

Day HtmlRenderer::landing_week(int student) const {
  auto weeks = ix_.weeks(student);
  if (weeks.empty()) return week_monday(today_);
  Day w = week_monday(today_);
  if (w <= weeks.front()) return weeks.front();
  if (w >= weeks.back()) return weeks.back();
  auto it = std::lower_bound(weeks.begin(), weeks.end(), w);
  return *it;
}

std::string HtmlRenderer::class_name(int student, Day d) const {
  const Student& s = j_.students[student];
  int c = class_on(s, d);
  if (c < 0) {
    // Before arrival or after leaving: the nearest enrollment's class.
    const Enrollment* best = &s.enrollments.front();
    for (const auto& e : s.enrollments)
      if (e.from <= d) best = &e;
    c = best->class_ix;
  }
  return j_.classes[c].name;
}

std::string HtmlRenderer::layout(const std::string& title, const std::string& heading,
                                 const std::string& content, int student, const char* current,
                                 const std::string& root) const {
  mu::data d;
  const std::string& school = j_.school.short_name.empty() ? j_.school.name : j_.school.short_name;
  d.set("title", title);
  d.set("school", school);
  d.set("root", root);
  d.set("heading", heading);
  d.set("content", content);
  d.set("footer", loc_.text("footer"));
  if (student >= 0) {
    const Student& s = j_.students[student];
    mu::data child;
    child.set("name", full_name(s.person));
    child.set("class", class_name(student, today_));
    d.set("child", child);
    mu::data links = list();
    auto link = [&](const std::string& href, const std::string& label, const char* key) {
      mu::data l;
      l.set("href", href);
      l.set("label", label);
      if (current && std::string(current) == key) l.set("current", true);
      links.push_back(l);
    };
    link(page_file(s, "current"), loc_.text("nav.week"), "current");
    link(page_file(s, "results"), loc_.text("nav.results"), "results");
    link(page_file(s, "attendance"), loc_.text("nav.attendance"), "attendance");
    link(page_file(s, "notes"), loc_.text("nav.notes"), "notes");
    link(page_file(s, "new"), loc_.text("nav.new"), "new");
    link("index.html", loc_.text("nav.family"), "family");
    mu::data nav;
    nav.set("links", links);
    d.set("nav", nav);
  }
  return t_->layout.render(d);
}

std::string HtmlRenderer::root_page() const {
  std::string title = loc_.text("titles.root");
  return layout(title, title, t_->root.render(mu::data{}), -1, nullptr, "");
}

std::string HtmlRenderer::empty_folder_page() const {
  std::string title = loc_.text("titles.root");
  return layout(title, title, t_->root.render(mu::data{}), -1, nullptr, "../");
}

std::string HtmlRenderer::family_page(const Guardian& g, const std::vector<int>& children) const {
  mu::data d;
  std::string name = g.person.first_name + (g.person.middle_name.empty() ? "" : " " + g.person.middle_name);
  d.set("greeting", loc_.format("greeting", {{"name", name}}));
  d.set("updated", loc_.format("updated", {{"date", loc_.date_full(today_)}}));
  mu::data kids = list();
  for (int c : children) {
    mu::data k;
    k.set("name", full_name(j_.students[c].person));
    k.set("class", class_name(c, today_));
    k.set("href", page_file(j_.students[c], "current"));
    kids.push_back(k);
  }
  d.set("children", kids);
  std::string title = loc_.text("titles.family");
  return layout(title, title, t_->family.render(d), -1, nullptr, "../../");
}

std::string HtmlRenderer::week_page(int student, Day monday, bool current) const {
  const Student& s = j_.students[student];
  bool unmarked = ix_.unmarked(student);
  auto weeks = ix_.weeks(student);
  auto wit = std::lower_bound(weeks.begin(), weeks.end(), monday);
  mu::data d;
  if (wit != weeks.begin()) {
    mu::data p;
    p.set("href", week_file(s, *(wit - 1)));
    p.set("label", loc_.range(*(wit - 1), *(wit - 1) + 6));
    d.set("prev", p);
  }
  if (wit != weeks.end() && wit + 1 != weeks.end()) {
    mu::data n;
    n.set("href", week_file(s, *(wit + 1)));
    n.set("label", loc_.range(*(wit + 1), *(wit + 1) + 6));
    d.set("next", n);
  }
  // A link to the current week goes to the stable `current` page, so that a week's page
  // does not change when the current week moves on (and is not rewritten every week).
  if (!current) {
    mu::data c;
    c.set("href", page_file(s, "current"));
    d.set("current_link", c);
  }
  // Days shown: the class's school week (5 or 6 days), or more if lessons fall later.
  int days = 5;
  for (const auto& e : s.enrollments)
    if (e.from <= monday + 6 && (!e.to || *e.to >= monday)) days = std::max(days, j_.classes[e.class_ix].days_per_week);
  const auto& lessons = ix_.lessons(student);
  auto lit = std::lower_bound(lessons.begin(), lessons.end(), monday,
                              [&](int li, Day d) { return j_.lessons[li].date < d; });
  for (auto it = lit; it != lessons.end() && j_.lessons[*it].date < monday + 7; ++it)
    days = std::max(days, weekday(j_.lessons[*it].date));
  mu::data day_list = list();
  for (int k = 0; k < days; ++k) {
    Day day = monday + k;
    mu::data dd;
    dd.set("n", std::to_string(k + 1));
    dd.set("date", loc_.date_long(day));
    if (current && day == today_) dd.set("today", true);
    mu::data ls = list();
    bool any = false;
    for (; lit != lessons.end() && j_.lessons[*lit].date == day; ++lit) {
      any = true;
      int li = *lit;
      const Lesson& l = j_.lessons[li];
      mu::data x;
      x.set("number", std::to_string(l.number));
      if (const Bell* b = ix_.bell(l.number))
        x.set("time", fmt::format("{}:{:02}–{}:{:02}", b->start / 60, b->start % 60, b->end / 60, b->end % 60));
      put(x, "room", l.room);
      const Subject& subj = j_.subjects[l.subject_ix];
      x.set("subject", subj.name);
      x.set("subject_href", subject_file(s, subj));
      if (l.group_ref.class_ix >= 0) x.set("group", j_.group(l.group_ref).name);
      if (l.kind != "lesson") x.set("kind", loc_.text("lesson_kinds." + l.kind));
      if (l.cancelled) x.set("cancelled", true);
      x.set("teacher", full_name(j_.teachers[l.teacher_ix].person));
      if (l.substitute_ix >= 0) x.set("substitute", full_name(j_.teachers[l.substitute_ix].person));
      put(x, "topic", l.topic);
      if (!unmarked) {
        if (!l.homework.empty()) x.set("homework", markdown_html(l.homework));
        if (const auto* hw = ix_.homework_at(student, li)) {
          mu::data ind = list();
          for (int h : *hw) {
            mu::data t;
            t.set("text", markdown_html(j_.individual_homework[h].text));
            ind.push_back(t);
          }
          x.set("individual", ind);
        }
        if (const auto* ms = ix_.marks_at(student, li)) {
          mu::data marks = list();
          for (int mi : *ms) {
            const Mark& m = j_.marks[mi];
            mu::data md;
            md.set("value", m.value);
            md.set("value_class", value_class(m.value));
            md.set("work", m.work_type_ix >= 0 ? j_.work_types[m.work_type_ix].name : loc_.text("no_work_type"));
            md.set("weight", Locale::number(mark_weight(j_, m), 2, false));
            put(md, "comment", m.comment);
            marks.push_back(md);
          }
          x.set("marks", marks);
          x.set("has_marks", true);
        }
      }
      if (const Attendance* a = ix_.attendance_at(student, li)) {
        if (a->status == "late") {
          x.set("attendance", loc_.text("attendance.late") +
                                  (a->minutes ? " " + loc_.count(*a->minutes, "minutes") : ""));
          x.set("attendance_class", "late");
        } else {
          x.set("attendance", loc_.text("attendance." + (a->reason.empty() ? std::string("absent") : a->reason)));
          x.set("attendance_class", "absent");
        }
      }
      ls.push_back(x);
    }
    if (any) {
      dd.set("lessons", ls);
      dd.set("has_lessons", true);
    }
    if (const Holiday* h = ix_.holiday_on(day)) dd.set("holiday", h->name);
    else if (!any && class_on(s, day) < 0) dd.set("absent_from_class", true);
    else if (!any) dd.set("empty", true);
    day_list.push_back(dd);
  }
  d.set("days", day_list);
  std::string range = loc_.range(monday, monday + days - 1);
  std::string title = loc_.format("titles.week", {{"range", range}});
  return layout(title, title, t_->week.render(d), student, current ? "current" : "week", "../../");
}

std::string HtmlRenderer::subject_page(int student, int subject) const {
  const Subject& subj = j_.subjects[subject];
  bool unmarked = ix_.unmarked(student);
  mu::data d;
  if (unmarked) d.set("unmarked", true);
  const Settings& set = j_.settings;
  std::string thresholds;
  if (set.forecast_thresholds.size() == 3)
    thresholds = loc_.format("forecast_rule", {{"t5", Locale::number(set.forecast_thresholds[0].second, 2, false)},
                                               {"t4", Locale::number(set.forecast_thresholds[1].second, 2, false)},
                                               {"t3", Locale::number(set.forecast_thresholds[2].second, 2, false)}});
  mu::data periods = list();
  int n = 0;
  for (int p : ix_.periods(student)) {
    const Period& per = j_.periods[p];
    mu::data pd;
    pd.set("n", std::to_string(++n));
    pd.set("name", per.name);
    pd.set("range", loc_.range(per.start, per.end));
    mu::data marks = list();
    std::string formula;
    double sum = 0, weights = 0;
    int count = 0;
    if (!unmarked)
      for (int mi : ix_.marks(student)) {
        const Mark& m = j_.marks[mi];
        const Lesson& l = j_.lessons[m.lesson_ix];
        if (l.subject_ix != subject || l.date < per.start || l.date > per.end) continue;
        ++count;
        double w = mark_weight(j_, m);
        mu::data md;
        md.set("date", loc_.day_month(l.date));
        md.set("value", m.value);
        md.set("value_class", value_class(m.value));
        md.set("work", m.work_type_ix >= 0 ? j_.work_types[m.work_type_ix].name : loc_.text("no_work_type"));
        md.set("weight", Locale::number(w, 2, false));
        marks.push_back(md);
        if (auto v = numeric_value(set, m.value)) {
          formula += (formula.empty() ? "" : " + ") + m.value + "×" + Locale::number(w, 2, false);
          sum += *v * w;
          weights += w;
        }
      }
    if (count > 0) {
      pd.set("marks", marks);
      pd.set("has_marks", true);
      pd.set("count", std::to_string(count));
    }
    if (weights > 0) {
      double avg = sum / weights;
      mu::data a;
      pd.set("average", Locale::number(avg, 2, true));
      pd.set("formula", formula);
      pd.set("sum", Locale::number(sum, 2, false));
      pd.set("weights", Locale::number(weights, 2, false));
      if (subj.graded) {
        pd.set("forecast", forecast(set, avg));
        pd.set("thresholds", thresholds);
      }
    }
    for (int fi : ix_.final_marks(student)) {
      const FinalMark& f = j_.final_marks[fi];
      if (f.subject_ix == subject && f.period_ix == p) {
        pd.set("final", f.value);
        pd.set("value_class", value_class(f.value));
      }
    }
    periods.push_back(pd);
  }
  d.set("periods", periods);
  mu::data results = list();
  for (int fi : ix_.final_marks(student)) {
    const FinalMark& f = j_.final_marks[fi];
    if (f.subject_ix != subject || f.period_ix >= 0) continue;
    mu::data r;
    r.set("label", loc_.text("result_columns." + f.period));
    r.set("value", f.value);
    results.push_back(r);
  }
  if (!results.is_empty_list()) {
    d.set("results", results);
    d.set("has_results", true);
  }
  return layout(subj.name, subj.name, t_->subject.render(d), student, "subjects", "../../");
}

std::string HtmlRenderer::results_page(int student) const {
  const Student& s = j_.students[student];
  mu::data d;
  if (ix_.unmarked(student)) d.set("unmarked", true);
  std::vector<int> periods = ix_.periods(student);
  mu::data cols = list();
  for (int p : periods) cols.push_back(mu::data{j_.periods[p].name});
  bool exam = false, final = false;
  for (int fi : ix_.final_marks(student)) {
    exam = exam || j_.final_marks[fi].period == "exam";
    final = final || j_.final_marks[fi].period == "final";
  }
  if (exam) cols.push_back(mu::data{loc_.text("result_columns.exam")});
  if (final) cols.push_back(mu::data{loc_.text("result_columns.final")});
  d.set("columns", cols);
  mu::data rows = list();
  for (int subject : ix_.subjects(student)) {
    mu::data r;
    r.set("subject", j_.subjects[subject].name);
    r.set("href", subject_file(s, j_.subjects[subject]));
    auto cell = [&](int period_ix, const std::string& special) {
      for (int fi : ix_.final_marks(student)) {
        const FinalMark& f = j_.final_marks[fi];
        if (f.subject_ix == subject && f.period_ix == period_ix && (period_ix >= 0 || f.period == special))
          return f.value;
      }
      return std::string("—");
    };
    mu::data cells = list();
    for (int p : periods) cells.push_back(mu::data{cell(p, "")});
    if (exam) cells.push_back(mu::data{cell(-1, "exam")});
    if (final) cells.push_back(mu::data{cell(-1, "final")});
    r.set("cells", cells);
    rows.push_back(r);
  }
  d.set("rows", rows);
  std::string title = loc_.text("titles.results");
  return layout(title, title, t_->results.render(d), student, "results", "../../");
}

std::string HtmlRenderer::attendance_page(int student) const {
  mu::data d;
  mu::data rows = list();
  AttendanceCount total;
  for (int ai : ix_.attendance(student)) total.add(j_.attendance[ai]);
  auto row = [&](const std::string& name, const AttendanceCount& c) {
    mu::data r;
    r.set("period", name);
    r.set("absent", std::to_string(c.absent));
    r.set("illness", std::to_string(c.illness));
    r.set("valid", std::to_string(c.valid));
    r.set("unexcused", std::to_string(c.unexcused));
    r.set("late", std::to_string(c.late));
    rows.push_back(r);
  };
  for (int p : ix_.periods(student)) {
    const Period& per = j_.periods[p];
    if (per.kind == "year") continue;
    AttendanceCount c;
    for (int ai : ix_.attendance(student)) {
      Day day = j_.lessons[j_.attendance[ai].lesson_ix].date;
      if (day >= per.start && day <= per.end) c.add(j_.attendance[ai]);
    }
    row(per.name, c);
  }
  row(loc_.text("year_total"), total);
  d.set("rows", rows);
  d.set("summary", loc_.format("attendance_summary", {{"missed", loc_.count(total.absent, "lessons_missed")},
                                                      {"illness", std::to_string(total.illness)},
                                                      {"lates", loc_.count(total.late, "lates")}}));
  mu::data items = list();
  for (int ai : ix_.attendance(student)) {
    const Attendance& a = j_.attendance[ai];
    const Lesson& l = j_.lessons[a.lesson_ix];
    mu::data x;
    x.set("date", loc_.date_long(l.date));
    x.set("subject", j_.subjects[l.subject_ix].name);
    std::string what = a.status == "late" ? loc_.text("attendance_short.late") +
                                                (a.minutes ? ", " + loc_.count(*a.minutes, "minutes") : "")
                                          : loc_.text("attendance_short." + (a.reason.empty() ? std::string("absent") : a.reason));
    x.set("what", what);
    items.push_back(x);
  }
  if (!items.is_empty_list()) {
    d.set("list", items);
    d.set("has_list", true);
  }
  std::string title = loc_.text("titles.attendance");
  return layout(title, title, t_->attendance.render(d), student, "attendance", "../../");
}

std::string HtmlRenderer::notes_page(int student) const {
  mu::data d;
  mu::data remarks = list();
  for (int ri : ix_.remarks(student)) {
    const Remark& r = j_.remarks[ri];
    mu::data x;
    x.set("date", loc_.date_full(r.date));
    x.set("teacher", full_name(j_.teachers[r.teacher_ix].person));
    x.set("kind", loc_.text("remark_kinds." + r.kind));
    x.set("kind_class", r.kind);
    x.set("text", markdown_html(r.text));
    remarks.push_back(x);
  }
  if (!remarks.is_empty_list()) {
    d.set("remarks", remarks);
    d.set("has_remarks", true);
  }
  mu::data events = list();
  for (int ei : ix_.events(student)) {
    const Event& e = j_.events[ei];
    mu::data x;
    x.set("date", e.end_date && *e.end_date != e.date ? loc_.range(e.date, *e.end_date) : loc_.date_full(e.date));
    x.set("title", e.title);
    if (!e.text.empty()) x.set("text", markdown_html(e.text));
    events.push_back(x);
  }
  if (!events.is_empty_list()) {
    d.set("events", events);
    d.set("has_events", true);
  }
  std::string title = loc_.text("titles.notes");
  return layout(title, title, t_->notes.render(d), student, "notes", "../../");
}

std::string HtmlRenderer::new_page(int student, const NewSince& since) const {
  const Student& s = j_.students[student];
  mu::data d;
  if (since.first) {
    d.set("first", true);
  } else {
    d.set("since", since.since);
    bool unmarked = ix_.unmarked(student);
    mu::data marks = list(), finals = list(), remarks = list();
    if (!unmarked) {
      for (int mi : ix_.marks(student)) {
        const Mark& m = j_.marks[mi];
        if (since.known.count(item_key(m))) continue;
        const Lesson& l = j_.lessons[m.lesson_ix];
        mu::data x;
        x.set("date", loc_.date_long(l.date));
        x.set("subject", j_.subjects[l.subject_ix].name);
        x.set("href", subject_file(s, j_.subjects[l.subject_ix]));
        x.set("value", m.value);
        x.set("value_class", value_class(m.value));
        x.set("work", m.work_type_ix >= 0 ? j_.work_types[m.work_type_ix].name : loc_.text("no_work_type"));
        marks.push_back(x);
      }
      for (int fi : ix_.final_marks(student)) {
        const FinalMark& f = j_.final_marks[fi];
        if (since.known.count(item_key(f))) continue;
        mu::data x;
        x.set("subject", j_.subjects[f.subject_ix].name);
        x.set("href", subject_file(s, j_.subjects[f.subject_ix]));
        x.set("period", f.period_ix >= 0 ? j_.periods[f.period_ix].name : loc_.text("result_columns." + f.period));
        x.set("value", f.value);
        finals.push_back(x);
      }
    }
    for (int ri : ix_.remarks(student)) {
      const Remark& r = j_.remarks[ri];
      if (since.known.count(item_key(r))) continue;
      mu::data x;
      x.set("date", loc_.date_full(r.date));
      x.set("teacher", full_name(j_.teachers[r.teacher_ix].person));
      x.set("text", markdown_html(r.text));
      remarks.push_back(x);
    }
    bool any = false;
    if (!marks.is_empty_list()) d.set("marks", marks), d.set("has_marks", true), any = true;
    if (!finals.is_empty_list()) d.set("finals", finals), d.set("has_finals", true), any = true;
    if (!remarks.is_empty_list()) d.set("remarks", remarks), d.set("has_remarks", true), any = true;
    if (!any) d.set("nothing", true);
  }
  std::string title = loc_.text("titles.new");
  return layout(title, title, t_->news.render(d), student, "new", "../../");
}

}  // namespace jp
