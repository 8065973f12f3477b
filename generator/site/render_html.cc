#include "site/render_html.h"

#include <cmark.h>
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <kainjow/mustache.hpp>
#include <stdexcept>
#include <thread>

#include "core/embedded.h"
#include "site/skeleton.h"

namespace jp {

namespace mu = kainjow::mustache;

namespace {

mu::data list() { return mu::data{mu::data::type::list}; }

/// The value of `key` in a renderer's cache, made by `make` the first time (node-based maps:
/// the reference stays valid as the map grows).
template <class Map, class Make>
const typename Map::mapped_type& memo(Map& map, const typename Map::key_type& key, Make make) {
  auto it = map.find(key);
  if (it == map.end()) it = map.emplace(key, make()).first;
  return it->second;
}

std::string value_class(const std::string& v) {
  return v.size() == 1 && v[0] >= '1' && v[0] <= '5' ? v : "x";
}

}  // namespace

struct HtmlRenderer::Templates {
  // Templates rendered with kainjow data (the pages outside a child's, and those not yet
  // written as skeletons); the others are only used as skeletons (see skeleton()).
  mu::mustache layout, root, family, news, loader;
  static mu::mustache load(const char* name) {
    mu::mustache m{std::string(embedded_files().at(name))};
    if (!m.is_valid())
      throw std::logic_error(std::string("template ") + name + ": " + m.error_message());
    return m;
  }
  Templates()
      : layout(load("layout.mustache")),
        root(load("root.mustache")),
        family(load("family.mustache")),
        news(load("new.mustache")),
        loader(load("loader.mustache")) {}
};

LessonFragments::LessonFragments(const DiaryIndex& ix, const Locale& loc)
    : ix_(ix),
      loc_(loc),
      frags_(ix.journal().lessons.size()),
      once_(new std::once_flag[ix.journal().lessons.size()]) {}

void LessonFragments::build(int li) const {
  const Journal& j = ix_.journal();
  const Lesson& l = j.lessons[size_t(li)];
  const Subject& subj = j.subjects[l.subject_ix];
  // The values, and which of the template's sections are open; \x01 stands for the
  // student id (file names are per student), \x02 for the student's part.
  std::vector<std::string> vars{"number", "subject_href", "subject", "teacher", "student"};
  std::vector<std::string> values{std::to_string(l.number),
                                  std::string("\x01~subject~") + subj.id + ".html", subj.name,
                                  full_name(j.teachers[l.teacher_ix].person), "\x02"};
  int mask = 0, bit = 1;
  // A section opens when its value is set, empty or not (as in kainjow).
  auto section = [&](const char* var, bool open, auto value) {
    if (open) {
      mask |= bit;
      vars.emplace_back(var);
      values.push_back(value());
    }
    bit <<= 1;
  };
  const Bell* bell = ix_.bell(l.number);
  section("time", bell != nullptr, [&] {
    return fmt::format("{}:{:02}–{}:{:02}", bell->start / 60, bell->start % 60, bell->end / 60,
                       bell->end % 60);
  });
  section("room", !l.room.empty(), [&] { return l.room; });
  section("group", l.group_ref.class_ix >= 0, [&] { return j.group(l.group_ref).name; });
  section("kind", l.kind != "lesson", [&] { return loc_.text("lesson_kinds." + l.kind); });
  section("substitute", l.substitute_ix >= 0,
          [&] { return full_name(j.teachers[l.substitute_ix].person); });
  section("topic", !l.topic.empty(), [&] { return l.topic; });
  // Grade 1 gets no homework (Положение 3.11).
  section("homework", !l.homework.empty() && j.classes[l.class_ix].grade != 1,
          [&] { return markdown_html(l.homework); });
  if (l.cancelled) mask |= bit;
  // A skeleton per combination of the sections, per thread (a lesson's fragment is made by
  // whichever thread first needs it); kainjow rendered every lesson of the year before.
  thread_local std::map<int, Skeleton> skeletons;
  auto it = skeletons.find(mask);
  if (it == skeletons.end()) {
    mu::data fixed;
    if (l.cancelled) fixed.set("cancelled", true);
    it = skeletons
             .emplace(mask, Skeleton(std::string(embedded_files().at("lesson.mustache")), vars,
                                     fixed))
             .first;
  }
  std::vector<std::string_view> views(values.begin(), values.end());
  std::string html;
  it->second.fill_all(html, views);
  size_t a = html.find('\x01'), b = html.find('\x02');
  Fragment& f = frags_[size_t(li)];
  f.before_id = html.substr(0, a);
  f.after_id = html.substr(a + 1, b - a - 1);
  f.tail = html.substr(b + 1);
}

HtmlRenderer::HtmlRenderer(const DiaryIndex& index, const Locale& locale, Day today,
                           const LessonFragments* lessons)
    : ix_(index),
      j_(index.journal()),
      loc_(locale),
      today_(today),
      t_(std::make_unique<Templates>()),
      lessons_(lessons),
      no_work_type_(locale.text("no_work_type")),
      footer_(locale.text("footer")) {}

Skeleton HtmlRenderer::compile(const char* name,
                               std::pair<std::vector<std::string>, mu::data> how) {
  std::string text(embedded_files().at(name));
  // An item of a list written on one line (<li>…</li><li>…</li>) is a file of its own that
  // ends, as every text file does, with a newline that is not part of the item.
  if (std::string_view(name).ends_with(".inline.mustache") && text.ends_with('\n'))
    text.pop_back();
  return Skeleton(text, std::move(how.first), how.second);
}

const std::string& HtmlRenderer::date_long(Day d) const {
  return memo(date_long_, d, [&] { return loc_.date_long(d); });
}

const std::string& HtmlRenderer::day_month(Day d) const {
  return memo(day_month_, d, [&] { return loc_.day_month(d); });
}

const std::string& HtmlRenderer::weight_text(double w) const {
  // A school has a handful of weights: a short list, searched from the front.
  for (const auto& [weight, text] : weights_)
    if (weight == w || (weight != weight && w != w)) return text;  // NaN too, once
  weights_.emplace_back(w, Locale::number(w, 2, false));
  return weights_.back().second;
}

const std::string& HtmlRenderer::attendance_text(const Attendance& a, bool short_form) const {
  auto key = std::make_tuple(a.status, a.reason, a.minutes ? *a.minutes : -1, short_form);
  return memo(attendance_texts_, key, [&] {
    // The week's row: "Опоздание 5 минут"; the attendance page's list: "опоздание, 5 минут".
    const std::string group = short_form ? "attendance_short." : "attendance.";
    const std::string minutes_sep = short_form ? ", " : " ";
    return a.status == "late"
               ? loc_.text(group + "late") +
                     (a.minutes ? minutes_sep + loc_.count(*a.minutes, "minutes") : "")
               : loc_.text(group + (a.reason.empty() ? std::string("absent") : a.reason));
  });
}

const std::string& HtmlRenderer::nav(int student, const char* current) const {
  // The sections, in the menu's order; the family's page (last) has the same address for
  // every child. A skeleton per section marked current (variant 6: none, as on a subject).
  static constexpr const char* keys[]{"current", "results", "attendance", "notes", "new", "family"};
  static constexpr const char* labels[]{"nav.week",  "nav.results", "nav.attendance",
                                        "nav.notes", "nav.new",     "nav.family"};
  size_t variant = 6;
  for (size_t k = 0; k < 6; ++k)
    if (current && std::string_view(current) == keys[k]) variant = k;
  if (nav_student_ != student) {
    for (auto& n : nav_cache_) n.clear();
    nav_student_ = student;
  }
  std::string& out = nav_cache_[variant];
  if (!out.empty()) return out;
  const Skeleton& sk = skeleton("nav.mustache", int(variant), [&] {
    mu::data links = list();
    for (size_t k = 0; k < 6; ++k) {
      mu::data l;
      l.set("href", k < 5 ? Skeleton::marker(k) : std::string("index.html"));
      l.set("label", loc_.text(labels[k]));
      if (k == variant) l.set("current", true);
      links.push_back(l);
    }
    mu::data fixed;
    fixed.set("links", links);
    return std::make_pair(std::vector<std::string>{"href0", "href1", "href2", "href3", "href4"},
                          fixed);
  });
  const Student& s = j_.students[student];
  std::string h[5];
  for (size_t k = 0; k < 5; ++k) h[k] = page_file(s, keys[k]);
  sk.fill(out, {h[0], h[1], h[2], h[3], h[4]});
  return out;
}

HtmlRenderer::~HtmlRenderer() = default;

std::string HtmlRenderer::week_file(const Student& s, Day monday) {
  return s.id + "~week~" + iso_week(monday) + ".html";
}
std::string HtmlRenderer::subject_file(const Student& s, const Subject& subj) {
  return s.id + "~subject~" + subj.id + ".html";
}
std::string HtmlRenderer::page_file(const Student& s, const char* page) {
  return s.id + "~" + page + ".html";
}

Day HtmlRenderer::landing_week(int student) const { return cache(student).landing; }

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
  const std::string& school = j_.school.short_name.empty() ? j_.school.name : j_.school.short_name;
  if (student >= 0)
    return child_layout(title, heading, student, current, root,
                        [&](std::string& out) { out += content; });
  // The pages outside the areas (a handful a build) through kainjow; a child's page, by the
  // tens of thousands, never builds its data (the page's content copied into it cost an
  // allocation and a copy of every page: 6 % of the rendering, measured).
  mu::data d;
  d.set("title", title);
  d.set("school", school);
  d.set("root", root);
  d.set("heading", heading);
  d.set("content", content);
  d.set("footer", loc_.text("footer"));
  return t_->layout.render(d);
}

template <class Content>
std::string HtmlRenderer::child_layout(const std::string& title, const std::string& heading,
                                       int student, const char* current, const std::string& root,
                                       Content content) const {
  const std::string& school = j_.school.short_name.empty() ? j_.school.name : j_.school.short_name;
  static const std::vector<std::string> vars{"title",  "school", "root",  "heading", "content",
                                             "footer", "child",  "class", "nav"};
  const Skeleton& sk = skeleton("layout.mustache", 1, vars, {});
  const StudentCache& c = cache(student);
  const std::string_view values[]{title,   school, root,          heading,
                                  "",      footer_, c.name, c.class_today,
                                  nav(student, current)};
  std::string out;
  out.reserve(page_size_);
  size_t slot = sk.fill_to(out, values, 4);
  content(out);
  sk.fill_from(out, values, slot);
  page_size_ = std::max(page_size_, out.size());
  return out;
}

std::string HtmlRenderer::root_page() const {
  std::string title = loc_.text("titles.root");
  return layout(title, title, t_->root.render(mu::data{}), -1, nullptr, "");
}

std::string HtmlRenderer::empty_folder_page() const {
  std::string title = loc_.text("titles.root");
  return layout(title, title, t_->root.render(mu::data{}), -1, nullptr, "../");
}

std::string HtmlRenderer::loader_page() const {
  mu::data d;
  const std::string& school = j_.school.short_name.empty() ? j_.school.name : j_.school.short_name;
  d.set("title", loc_.text("titles.root"));
  d.set("school", school);
  d.set("footer", loc_.text("footer"));
  for (const char* key : {"no_script", "loading", "bad_key", "unsupported"})
    d.set(key, loc_.text(std::string("encrypted.") + key));
  d.set("content", t_->root.render(mu::data{}));
  return t_->loader.render(d);
}

std::string HtmlRenderer::family_page(const Guardian& g, const std::vector<int>& children,
                                      bool feeds) const {
  mu::data d;
  if (feeds) {
    mu::data f;
    f.set("intro", loc_.text("feeds.intro"));
    f.set("calendar", loc_.text("feeds.calendar"));
    f.set("feed", loc_.text("feeds.feed"));
    d.set("feeds", f);
  }
  std::string name =
      g.person.first_name + (g.person.middle_name.empty() ? "" : " " + g.person.middle_name);
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

void HtmlRenderer::student_part(std::string& out, int student, int li, bool unmarked) const {
  const Attendance* a = ix_.attendance_at(student, li);
  const std::vector<int>* hw = unmarked ? nullptr : ix_.homework_at(student, li);
  const std::vector<int>* ms = unmarked ? nullptr : ix_.marks_at(student, li);
  if (!a && !hw && !ms) return;
  std::string ind, marks;
  std::string_view att, att_class;
  if (hw)
    for (int h : *hw) ind += markdown_html(j_.individual_homework[h].text);
  if (ms) {
    for (int mi : *ms) {
      const Mark& m = j_.marks[mi];
      static const std::vector<std::string> plain{"value", "value_class", "work", "weight"},
          commented{"value", "value_class", "work", "weight", "comment"};
      const std::string& work =
          m.work_type_ix >= 0 ? j_.work_types[m.work_type_ix].name : no_work_type_;
      const std::string& weight = weight_text(mark_weight(j_, m));
      const int commented_ix = m.comment.empty() ? 0 : 1;
      const Skeleton*& msk = mark_skeletons_[commented_ix];
      if (!msk)
        msk = &skeleton("mark.mustache", commented_ix, commented_ix ? commented : plain, {});
      if (m.comment.empty())
        msk->fill(marks, {m.value, value_class(m.value), work, weight});
      else
        msk->fill(marks, {m.value, value_class(m.value), work, weight, m.comment});
    }
  }
  if (a) {
    att = attendance_text(*a);
    att_class = a->status == "late" ? "late" : "absent";
  }
  // One skeleton per combination of the template's three sections.
  int mask = (hw ? 1 : 0) | (ms ? 2 : 0) | (a ? 4 : 0);
  const Skeleton*& row = row_skeletons_[mask];
  if (!row) {
    std::vector<std::string> vars;
    if (hw) vars.push_back("individual");
    if (ms) vars.push_back("marks");
    if (a) vars.push_back("attendance"), vars.push_back("attendance_class");
    row = &skeleton("lesson_student.mustache", mask, vars, {});
  }
  const Skeleton& sk = *row;
  switch (mask) {
    case 1:
      sk.fill(out, {ind});
      break;
    case 2:
      sk.fill(out, {marks});
      break;
    case 3:
      sk.fill(out, {ind, marks});
      break;
    case 4:
      sk.fill(out, {att, att_class});
      break;
    case 5:
      sk.fill(out, {ind, att, att_class});
      break;
    case 6:
      sk.fill(out, {marks, att, att_class});
      break;
    default:
      sk.fill(out, {ind, marks, att, att_class});
      break;
  }
}

std::string HtmlRenderer::week_page(int student, Day monday, bool current) const {
  if (!lessons_) {
    const_cast<HtmlRenderer*>(this)->own_lessons_ = std::make_unique<LessonFragments>(ix_, loc_);
    const_cast<HtmlRenderer*>(this)->lessons_ = own_lessons_.get();
  }
  const Student& s = j_.students[student];
  bool unmarked = cache(student).unmarked;
  const auto& weeks = cache(student).weeks;
  auto wit = std::lower_bound(weeks.begin(), weeks.end(), monday);
  bool prev = wit != weeks.begin(), next = wit != weeks.end() && wit + 1 != weeks.end();
  std::string prev_href, prev_label, next_href, next_label, current_href;
  if (prev) {
    prev_href = week_file(s, *(wit - 1));
    prev_label = loc_.range(*(wit - 1), *(wit - 1) + 6);
  }
  if (next) {
    next_href = week_file(s, *(wit + 1));
    next_label = loc_.range(*(wit + 1), *(wit + 1) + 6);
  }
  // A link to the current week goes to the stable `current` page, so that a week's page
  // does not change when the current week moves on (and is not rewritten every week).
  if (!current) current_href = page_file(s, "current");
  const int week_mask = (prev ? 1 : 0) | (next ? 2 : 0) | (current ? 0 : 4);
  const Skeleton& week = skeleton("week.mustache", week_mask, [&] {
    mu::data fixed;
    if (prev) fixed.set("prev", true);
    if (next) fixed.set("next", true);
    if (!current) fixed.set("current_link", true);
    return std::make_pair(std::vector<std::string>{"prev_href", "prev_label", "next_href",
                                                   "next_label", "current_href", "days"},
                          fixed);
  });
  const std::string_view week_values[]{prev_href,  prev_label,   next_href,
                                       next_label, current_href, ""};
  // Days shown: the class's school week (5 or 6 days), or more if lessons fall later.
  int days = 5;
  for (const auto& e : s.enrollments)
    if (e.from <= monday + 6 && (!e.to || *e.to >= monday))
      days = std::max(days, j_.classes[e.class_ix].days_per_week);
  const auto& lessons = ix_.lessons(student);
  auto lit = std::lower_bound(lessons.begin(), lessons.end(), monday,
                              [&](int li, Day d) { return j_.lessons[li].date < d; });
  for (auto it = lit; it != lessons.end() && j_.lessons[*it].date < monday + 7; ++it)
    days = std::max(days, weekday(j_.lessons[*it].date));
  std::string range = loc_.range(monday, monday + days - 1);
  std::string title = loc_.format("titles.week", {{"range", range}});
  // The whole page is written into one string: layout, week, each day, each lesson.
  auto content = [&](std::string& out) {
    size_t week_slot = week.fill_to(out, week_values, 5);
    for (int k = 0; k < days; ++k) {
      Day day = monday + k;
      bool any = lit != lessons.end() && j_.lessons[*lit].date == day;
      // Skeleton per combination of the day's sections; the values are the slots.
      bool is_today = current && day == today_;
      const Holiday* hol = ix_.holiday_on(day);
      bool absent = !hol && !any && class_on(s, day) < 0;
      bool empty = !hol && !any && !absent;
      int mask =
          (is_today ? 1 : 0) | (hol ? 2 : 0) | (absent ? 4 : 0) | (empty ? 8 : 0) | (any ? 16 : 0);
      const Skeleton*& sk = day_skeletons_[size_t(mask)];
      if (!sk)
        sk = &skeleton("day.mustache", mask, [&] {
          std::vector<std::string> vars{"n", "date"};
          if (hol) vars.push_back("holiday");
          if (any) vars.push_back("lessons");
          mu::data fixed;
          if (is_today) fixed.set("today", true);
          if (absent) fixed.set("absent_from_class", true);
          if (empty) fixed.set("empty", true);
          return std::make_pair(vars, fixed);
        });
      std::string n = std::to_string(k + 1);
      std::string_view values[4]{n, date_long(day)};
      size_t count = 2;
      if (hol) values[count++] = hol->name;
      if (!any) {
        sk->fill_all(out, std::span(values, count));
        continue;
      }
      size_t lessons_var = count++;
      size_t slot = sk->fill_to(out, std::span(values, count), lessons_var);
      for (; lit != lessons.end() && j_.lessons[*lit].date == day; ++lit) {
        int li = *lit;
        const LessonFragments::Fragment& f = (*lessons_)[li];
        out += f.before_id;
        out += s.id;
        out += f.after_id;
        student_part(out, student, li, unmarked);
        out += f.tail;
      }
      sk->fill_from(out, std::span(values, count), slot);
    }
    week.fill_from(out, week_values, week_slot);
  };
  return child_layout(title, title, student, current ? "current" : "week", "../../", content);
}

const std::string& HtmlRenderer::thresholds() const {
  if (!thresholds_) {
    const Settings& set = j_.settings;
    thresholds_.emplace();
    if (set.forecast_thresholds.size() == 3)
      *thresholds_ =
          loc_.format("forecast_rule",
                      {{"t5", Locale::number(set.forecast_thresholds[0].second, 2, false)},
                       {"t4", Locale::number(set.forecast_thresholds[1].second, 2, false)},
                       {"t3", Locale::number(set.forecast_thresholds[2].second, 2, false)}});
  }
  return *thresholds_;
}

std::string HtmlRenderer::subject_page(int student, int subject) const {
  const Subject& subj = j_.subjects[subject];
  const StudentCache& c = cache(student);
  const Settings& set = j_.settings;
  // The student's marks in this subject, in date order (marks(student) is date-ordered).
  std::vector<int> marks;
  if (!c.unmarked)
    for (int mi : ix_.marks(student))
      if (j_.lessons[j_.marks[mi].lesson_ix].subject_ix == subject) marks.push_back(mi);
  static const std::vector<std::string> row_vars{"date", "value", "value_class", "work",
                                                 "weight"};
  if (!mark_row_skeleton_) mark_row_skeleton_ = &skeleton("mark_row.mustache", 0, row_vars, {});
  std::string periods_html;
  int n = 0;
  for (int p : c.periods) {
    const Period& per = j_.periods[p];
    std::string rows, formula;
    double sum = 0, weights = 0;
    int count = 0;
    for (int mi : marks) {
      const Mark& m = j_.marks[mi];
      const Lesson& l = j_.lessons[m.lesson_ix];
      if (l.date < per.start || l.date > per.end) continue;
      ++count;
      double w = mark_weight(j_, m);
      const std::string& wtext = weight_text(w);
      mark_row_skeleton_->fill(
          rows, {day_month(l.date), m.value, value_class(m.value),
                 m.work_type_ix >= 0 ? j_.work_types[m.work_type_ix].name : no_work_type_, wtext});
      if (auto v = numeric_value(set, m.value)) {
        if (!formula.empty()) formula += " + ";
        formula += m.value;
        formula += "×";
        formula += wtext;
        sum += *v * w;
        weights += w;
      }
    }
    std::string average, sum_text, weights_text, fc, final_value;
    if (weights > 0) {
      double avg = sum / weights;
      average = Locale::number(avg, 2, true);
      sum_text = Locale::number(sum, 2, false);
      weights_text = Locale::number(weights, 2, false);
      if (subj.graded) fc = forecast(set, avg);
    }
    for (int fi : ix_.final_marks(student)) {
      const FinalMark& f = j_.final_marks[fi];
      if (f.subject_ix == subject && f.period_ix == p) final_value = f.value;
    }
    // A skeleton per combination of the period section's parts.
    int mask = (count > 0 ? 1 : 0) | (count == 0 && !c.unmarked ? 2 : 0) | (weights > 0 ? 4 : 0) |
               (!fc.empty() ? 8 : 0) | (!final_value.empty() ? 16 : 0);
    ++n;
    std::string n_text = std::to_string(n), count_text = std::to_string(count);
    std::string vclass = value_class(final_value);
    std::string_view vals[15]{n_text, per.name, period_range(p)};
    size_t count_vals = 3;
    auto add = [&](std::initializer_list<std::string_view> v) {
      for (auto x : v) vals[count_vals++] = x;
    };
    if (mask & 1) add({rows, count_text});
    if (mask & 4) add({average, formula, sum_text, weights_text});
    if (mask & 8) add({fc, thresholds()});
    if (mask & 16) add({final_value, vclass});
    const Skeleton*& sk = period_skeletons_[size_t(mask)];
    if (!sk)
      sk = &skeleton("subject_period.mustache", mask, [&] {
        std::vector<std::string> vars{"n", "name", "range"};
        if (mask & 1) vars.insert(vars.end(), {"rows", "count"});
        if (mask & 4) vars.insert(vars.end(), {"average", "formula", "sum", "weights"});
        if (mask & 8) vars.insert(vars.end(), {"forecast", "thresholds"});
        if (mask & 16) vars.insert(vars.end(), {"final", "value_class"});
        mu::data fixed;
        if (mask & 2) fixed.set("no_marks", true);
        return std::make_pair(vars, fixed);
      });
    sk->fill_all(periods_html, std::span(vals, count_vals));
  }
  static const std::vector<std::string> item_vars{"label", "value"};
  const Skeleton& item = skeleton("result_item.mustache", 0, item_vars, {});
  std::string results;
  for (int fi : ix_.final_marks(student)) {
    const FinalMark& f = j_.final_marks[fi];
    if (f.subject_ix != subject || f.period_ix >= 0) continue;
    item.fill(results, {loc_.text("result_columns." + f.period), f.value});
  }
  // "results" is both the section and its content: left out of the variables when empty.
  const int variant = (c.unmarked ? 1 : 0) | (results.empty() ? 0 : 2);
  const Skeleton& page = skeleton("subject.mustache", variant, [&] {
    std::vector<std::string> vars{"periods"};
    if (!results.empty()) vars.push_back("results");
    mu::data fixed;
    if (c.unmarked) fixed.set("unmarked", true);
    return std::make_pair(vars, fixed);
  });
  const std::string_view page_values[]{"", results};
  return child_layout(subj.name, subj.name, student, "subjects", "../../", [&](std::string& out) {
    std::span values(page_values, results.empty() ? 1 : 2);
    size_t slot = page.fill_to(out, values, 0);
    out += periods_html;
    page.fill_from(out, values, slot);
  });
}

const std::string& HtmlRenderer::period_range(int period) const {
  return memo(period_ranges_, period,
              [&] { return loc_.range(j_.periods[period].start, j_.periods[period].end); });
}

const HtmlRenderer::StudentCache& HtmlRenderer::cache(int student) const {
  if (cache_student_ != student) {
    cache_student_ = student;
    cache_.weeks = ix_.weeks(student);
    cache_.periods = ix_.periods(student);
    cache_.unmarked = ix_.unmarked(student);
    cache_.name = full_name(j_.students[student].person);
    cache_.class_today = class_name(student, today_);
    Day w = week_monday(today_);
    const auto& weeks = cache_.weeks;
    if (weeks.empty())
      cache_.landing = w;
    else if (w <= weeks.front())
      cache_.landing = weeks.front();
    else if (w >= weeks.back())
      cache_.landing = weeks.back();
    else
      cache_.landing = *std::lower_bound(weeks.begin(), weeks.end(), w);
  }
  return cache_;
}

std::string HtmlRenderer::results_page(int student) const {
  const Student& s = j_.students[student];
  const bool unmarked = cache(student).unmarked;
  const std::vector<int>& periods = cache(student).periods;
  static const std::vector<std::string> label{"label"}, value{"value"},
      row_vars{"href", "subject", "cells"};
  const Skeleton& column = skeleton("results_column.inline.mustache", 0, label, {});
  const Skeleton& cell_sk = skeleton("results_cell.inline.mustache", 0, value, {});
  const Skeleton& row_sk = skeleton("results_row.mustache", 0, row_vars, {});
  std::string columns, rows;
  bool exam = false, final = false;
  for (int fi : ix_.final_marks(student)) {
    exam = exam || j_.final_marks[fi].period == "exam";
    final = final || j_.final_marks[fi].period == "final";
  }
  if (!unmarked) {  // the table is not shown in the first grade
    for (int p : periods) column.fill(columns, {j_.periods[p].name});
    if (exam) column.fill(columns, {loc_.text("result_columns.exam")});
    if (final) column.fill(columns, {loc_.text("result_columns.final")});
    for (int subject : ix_.subjects(student)) {
      auto cell = [&](int period_ix, const std::string& special) -> std::string_view {
        for (int fi : ix_.final_marks(student)) {
          const FinalMark& f = j_.final_marks[fi];
          if (f.subject_ix == subject && f.period_ix == period_ix &&
              (period_ix >= 0 || f.period == special))
            return f.value;
        }
        return "—";
      };
      std::string cells;
      for (int p : periods) cell_sk.fill(cells, {cell(p, "")});
      if (exam) cell_sk.fill(cells, {cell(-1, "exam")});
      if (final) cell_sk.fill(cells, {cell(-1, "final")});
      row_sk.fill(rows, {subject_file(s, j_.subjects[subject]), j_.subjects[subject].name, cells});
    }
    // kainjow left an empty line in a table without rows (a pupil with no subject yet):
    // the same bytes as before, so such pages are not rewritten.
    if (rows.empty()) rows = "\n";
  }
  const Skeleton& sk = skeleton("results.mustache", unmarked ? 1 : 0, [&] {
    mu::data fixed;
    if (unmarked) fixed.set("unmarked", true);
    return std::make_pair(std::vector<std::string>{"columns", "rows"}, fixed);
  });
  std::string title = loc_.text("titles.results");
  return child_layout(title, title, student, "results", "../../",
                      [&](std::string& out) { sk.fill(out, {columns, rows}); });
}

std::string HtmlRenderer::attendance_page(int student) const {
  static const std::vector<std::string> row_vars{"period", "absent",    "illness",
                                                 "valid",  "unexcused", "late"};
  const Skeleton& row_sk = skeleton("attendance_row.mustache", 0, row_vars, {});
  std::string rows;
  AttendanceCount total;
  for (int ai : ix_.attendance(student)) total.add(j_.attendance[ai]);
  auto row = [&](std::string_view name, const AttendanceCount& c) {
    std::string n[5]{std::to_string(c.absent), std::to_string(c.illness), std::to_string(c.valid),
                     std::to_string(c.unexcused), std::to_string(c.late)};
    row_sk.fill(rows, {name, n[0], n[1], n[2], n[3], n[4]});
  };
  for (int p : cache(student).periods) {
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
  std::string summary =
      loc_.format("attendance_summary", {{"missed", loc_.count(total.absent, "lessons_missed")},
                                         {"illness", std::to_string(total.illness)},
                                         {"lates", loc_.count(total.late, "lates")}});
  static const std::vector<std::string> item_vars{"date", "subject", "what"};
  const Skeleton& item_sk = skeleton("absence.inline.mustache", 0, item_vars, {});
  std::string items;
  for (int ai : ix_.attendance(student)) {
    const Attendance& a = j_.attendance[ai];
    const Lesson& l = j_.lessons[a.lesson_ix];
    item_sk.fill(items, {date_long(l.date), j_.subjects[l.subject_ix].name,
                         attendance_text(a, /*short_form=*/true)});
  }
  const bool has_list = !items.empty();
  const Skeleton& sk = skeleton("attendance.mustache", has_list ? 1 : 0, [&] {
    mu::data fixed;
    if (has_list) fixed.set("has_list", true);
    return std::make_pair(std::vector<std::string>{"rows", "summary", "list"}, fixed);
  });
  std::string title = loc_.text("titles.attendance");
  return child_layout(title, title, student, "attendance", "../../",
                      [&](std::string& out) { sk.fill(out, {rows, summary, items}); });
}

std::string HtmlRenderer::notes_page(int student) const {
  static const std::vector<std::string> remark_vars{"kind_class", "date", "teacher", "kind",
                                                    "text"},
      event_vars{"date", "title", "text"};
  const Skeleton& remark_sk = skeleton("remark.inline.mustache", 0, remark_vars, {});
  const Skeleton& event_sk = skeleton("event.inline.mustache", 0, event_vars, {});
  std::string remarks, events;
  for (int ri : ix_.remarks(student)) {
    const Remark& r = j_.remarks[ri];
    remark_sk.fill(remarks, {r.kind, loc_.date_full(r.date), full_name(j_.teachers[r.teacher_ix].person),
                             loc_.text("remark_kinds." + r.kind), markdown_html(r.text)});
  }
  for (int ei : ix_.events(student)) {
    const Event& e = j_.events[ei];
    // A school's event is on the page of every child: its text is made once per renderer.
    const std::string& text = memo(event_html_, ei, [&] {
      return e.text.empty() ? std::string() : markdown_html(e.text);
    });
    event_sk.fill(events, {e.end_date && *e.end_date != e.date ? loc_.range(e.date, *e.end_date)
                                                               : loc_.date_full(e.date),
                           e.title, text});
  }
  const int variant = (remarks.empty() ? 0 : 1) | (events.empty() ? 0 : 2);
  const Skeleton& sk = skeleton("notes.mustache", variant, [&] {
    mu::data fixed;
    if (!remarks.empty()) fixed.set("has_remarks", true);
    if (!events.empty()) fixed.set("has_events", true);
    return std::make_pair(std::vector<std::string>{"remarks", "events"}, fixed);
  });
  std::string title = loc_.text("titles.notes");
  return child_layout(title, title, student, "notes", "../../",
                      [&](std::string& out) { sk.fill(out, {remarks, events}); });
}

std::string HtmlRenderer::new_page(int student, const NewSince& since) const {
  const Student& s = j_.students[student];
  mu::data d;
  if (since.first) {
    d.set("first", true);
  } else {
    d.set("since", since.since);
    bool unmarked = cache(student).unmarked;
    mu::data marks = list(), finals = list(), remarks = list();
    if (!unmarked) {
      for (int mi : ix_.marks(student)) {
        const Mark& m = j_.marks[mi];
        if (since.is_known(item_key(m))) continue;
        const Lesson& l = j_.lessons[m.lesson_ix];
        mu::data x;
        x.set("date", loc_.date_long(l.date));
        x.set("subject", j_.subjects[l.subject_ix].name);
        x.set("href", subject_file(s, j_.subjects[l.subject_ix]));
        x.set("value", m.value);
        x.set("value_class", value_class(m.value));
        x.set("work", m.work_type_ix >= 0 ? j_.work_types[m.work_type_ix].name : no_work_type_);
        marks.push_back(x);
      }
      for (int fi : ix_.final_marks(student)) {
        const FinalMark& f = j_.final_marks[fi];
        if (since.is_known(item_key(f))) continue;
        mu::data x;
        x.set("subject", j_.subjects[f.subject_ix].name);
        x.set("href", subject_file(s, j_.subjects[f.subject_ix]));
        x.set("period", f.period_ix >= 0 ? j_.periods[f.period_ix].name
                                         : loc_.text("result_columns." + f.period));
        x.set("value", f.value);
        finals.push_back(x);
      }
    }
    for (int ri : ix_.remarks(student)) {
      const Remark& r = j_.remarks[ri];
      if (since.is_known(item_key(r))) continue;
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
