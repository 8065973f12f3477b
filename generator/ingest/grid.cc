#include "ingest/grid.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/text.h"
#include "ingest/tabular.h"

namespace jp {

using json = nlohmann::json;

namespace {

bool is_word(const std::string& cell, const char* group) {
  std::string f = fold_name(cell);
  for (const auto& w : tabular_words()["grid"][group])
    if (f == fold_name(w.get<std::string>())) return true;
  return false;
}

/// The header row: the first of the first ten rows with a «ФИО» cell; its index or -1.
int header_row(const Table& t, size_t& name_col) {
  for (size_t r = 0; r < t.rows.size() && r < 10; ++r)
    for (size_t c = 0; c < t.rows[r].cells.size(); ++c)
      if (is_word(t.rows[r].cells[c], "name")) {
        name_col = c;
        return int(r);
      }
  return -1;
}

/// `ДД.ММ`, `ДД.ММ.ГГГГ` or `YYYY-MM-DD` (a date cell): the day in the school year.
std::optional<Day> lesson_date(const std::string& h, const Year& y, bool& outside) {
  outside = false;
  if (auto d = parse_date(h)) return d;
  int day = 0, month = 0, year = 0;
  size_t i = 0;
  auto num = [&](int& v, size_t max_digits) {
    size_t start = i;
    while (i < h.size() && h[i] >= '0' && h[i] <= '9' && i - start < max_digits) v = v * 10 + (h[i++] - '0');
    return i > start;
  };
  if (!num(day, 2) || i >= h.size() || h[i++] != '.' || !num(month, 2)) return std::nullopt;
  if (i < h.size() && h[i] == '.') {
    ++i;
    if (!num(year, 4) || year < 1000) return std::nullopt;
  }
  if (i != h.size()) return std::nullopt;
  std::vector<int> years;
  if (year) years = {year};
  else years = {year_of(y.start), year_of(y.end)};
  for (int yr : years)
    if (auto d = parse_date(fmt::format("{:04}-{:02}-{:02}", yr, month, day))) {
      if (*d >= y.start && *d <= y.end) return d;
      outside = true;
    }
  return std::nullopt;
}

std::string name_key(const Person& p, bool middle) {
  std::string s = p.last_name + " " + p.first_name;
  if (middle && !p.middle_name.empty()) s += " " + p.middle_name;
  return fold_name(s);
}

}  // namespace

bool looks_like_grid(const Table& t) {
  size_t c = 0;
  return header_row(t, c) >= 0;
}

void read_grid(const Table& t, const Roster& roster, RecordFeed& feed,
               std::map<std::pair<std::string, Day>, int>& numbers, Diagnostics& diag) {
  const std::string where = t.sheet.empty() ? std::string() : t.sheet;
  auto fail = [&](const std::string& at, const std::string& msg) { diag.error(t.file, at, "", msg); };
  if (!roster.year || roster.year->start == 0) {
    fail(where, "a journal grid needs the school year from the roster (a year table beside it)");
    return;
  }
  // Class and subject from the sheet's name (or the file's): «5А Математика».
  std::string title = t.sheet.empty() ? t.file.substr(t.file.find_last_of('/') + 1) : t.sheet;
  if (auto dot = title.rfind('.'); t.sheet.empty() && dot != std::string::npos) title.resize(dot);
  std::string folded = fold_name(title);
  const SchoolClass* cls = nullptr;
  const Subject* subject = nullptr;
  for (size_t sp = folded.find(' '); sp != std::string::npos && !subject; sp = folded.find(' ', sp + 1)) {
    std::string a = folded.substr(0, sp), b = folded.substr(sp + 1);
    const SchoolClass* c = nullptr;
    for (auto* x : roster.classes)
      if (fold_name(x->name) == a || fold_name(x->id) == a) c = x;
    if (!c) continue;
    for (auto* s : roster.subjects)
      if (fold_name(s->name) == b || fold_name(s->short_name) == b || fold_name(s->id) == b) {
        cls = c;
        subject = s;
      }
  }
  if (!subject) {
    fail(where, fmt::format("a journal grid is named \"<class> <subject>\" (such as \"5A Maths\") "
                            "after a class and a subject of the roster; no such pair in {}",
                            quoted_for_message(title)));
    return;
  }
  size_t name_col = 0;
  int hr = header_row(t, name_col);
  const TableRow& head = t.rows[size_t(hr)];
  for (const auto& m : t.merges)
    if (m.last_row > head.number) {
      fail(cell_ref(t, m.col, m.row),
           fmt::format("merged cells {} below the header: a grid holds one pupil's marks per cell", m.ref));
      return;
    }
  // The teacher: named above the header (`Учитель: Петров Пётр Ильич`), else the homeroom one.
  std::string teacher;
  for (int r = 0; r < hr && teacher.empty(); ++r)
    for (const auto& cell : t.rows[size_t(r)].cells) {
      std::string f = fold_name(cell);
      for (auto* x : roster.teachers)
        if (!x->person.last_name.empty() &&
            (f.find(name_key(x->person, true)) != std::string::npos ||
             f.find(fold_name(short_name(x->person))) != std::string::npos))
          teacher = x->id;
    }
  if (teacher.empty()) teacher = cls->homeroom_teacher;
  if (teacher.empty()) {
    fail(where, "no teacher: name the subject's teacher above the header (\"Teacher: Petrov P. I.\"), "
                "or give the class a homeroom teacher");
    return;
  }
  // The columns: lessons by date, period marks by the period's name.
  struct Col {
    size_t col;
    std::string lesson, period;
  };
  std::vector<Col> cols;
  std::vector<std::string> topics(head.cells.size());
  size_t first = size_t(hr) + 1;
  if (first < t.rows.size() && t.rows[first].number == head.number + 1 &&
      (name_col >= t.rows[first].cells.size() || t.rows[first].cells[name_col].empty())) {
    topics = t.rows[first].cells;  // the topics' row under the dates
    topics.resize(head.cells.size());
    ++first;
  }
  for (size_t c = 0; c < head.cells.size(); ++c) {
    const std::string& h = head.cells[c];
    if (c == name_col || h.empty() || is_word(h, "number")) continue;
    bool outside = false;
    if (auto d = lesson_date(h, *roster.year, outside)) {
      int n = ++numbers[{cls->id, *d}];
      std::string id = fmt::format("{}-{}-{}-{}", cls->id, subject->id, format_date(*d), n);
      json l{{"id", id},           {"class", cls->id}, {"subject", subject->id},
             {"teacher", teacher}, {"date", format_date(*d)}, {"number", std::min(n, 20)}};
      if (!topics[c].empty()) l["topic"] = topics[c];
      feed.record("lessons", l, grid_index(head.number, c));
      cols.push_back({c, id, ""});
      continue;
    }
    if (outside) {
      fail(cell_ref(t, c, head.number),
           fmt::format("the date {} is outside the school year {}", quoted_for_message(h), roster.year->label));
      continue;
    }
    std::string period;
    for (auto* p : roster.periods)
      if (fold_name(p->name) == fold_name(h) || p->id == h) period = p->id;
    if (!period.empty()) {
      cols.push_back({c, "", period});
      continue;
    }
    feed.warning("grid-column", cell_ref(t, c, head.number),
                 fmt::format("column {} is neither a lesson's date (DD.MM) nor a period; ignored",
                             quoted_for_message(h)));
  }
  // Pupils: matched by name among the class's pupils, ё as е, spaces and case aside.
  std::map<std::string, std::vector<const Student*>> by_name;
  for (auto* s : roster.students) {
    bool in_class = false;
    for (const auto& e : s->enrollments) in_class = in_class || e.class_id == cls->id;
    if (!in_class) continue;
    by_name[name_key(s->person, true)].push_back(s);
    if (!s->person.middle_name.empty()) by_name[name_key(s->person, false)].push_back(s);
  }
  const Settings& st = *roster.settings;
  auto is_mark = [&](const std::string& v, const std::vector<std::string>& list) -> std::string {
    for (const auto& m : list)
      if (fold_name(m) == fold_name(v)) return m;
    return {};
  };
  for (size_t r = first; r < t.rows.size(); ++r) {
    const TableRow& row = t.rows[r];
    std::string name = name_col < row.cells.size() ? row.cells[name_col] : "";
    if (fold_name(name).empty()) {
      fail(cell_ref(t, name_col, row.number), "a row with marks but no pupil's name");
      continue;
    }
    auto found = by_name.find(fold_name(name));
    if (found == by_name.end()) {
      fail(cell_ref(t, name_col, row.number),
           fmt::format("no pupil named {} in {}", quoted_for_message(name), cls->name));
      continue;
    }
    if (found->second.size() > 1) {
      fail(cell_ref(t, name_col, row.number),
           fmt::format("{} is ambiguous in {}: pupils {} and {}; add the middle name",
                       quoted_for_message(name), cls->name, found->second[0]->id, found->second[1]->id));
      continue;
    }
    const Student& s = *found->second[0];
    for (const auto& col : cols) {
      std::string cell = col.col < row.cells.size() ? row.cells[col.col] : "";
      std::string v = fold_name(cell);
      if (v.empty()) continue;
      uint32_t ix = grid_index(row.number, col.col);
      if (!col.period.empty()) {
        std::string value = is_mark(v, st.numeric_marks);
        if (value.empty()) value = is_mark(v, st.other_marks);
        if (value.empty()) value = v;  // the reader's checks say what is wrong with it
        feed.record("final_marks",
                    json{{"student", s.id}, {"subject", subject->id}, {"period", col.period},
                         {"value", value}},
                    ix);
        continue;
      }
      // The whole cell may be one mark that holds a slash (`н/а`); else marks and codes
      // separated by slashes or spaces (`4/5`, `н 2`).
      std::vector<std::string> tokens;
      if (!is_mark(v, st.other_marks).empty()) {
        tokens = {v};
      } else {
        std::string cur;
        for (char ch : v + "/") {
          if (ch == '/' || ch == ' ') {
            if (!cur.empty()) tokens.push_back(cur);
            cur.clear();
          } else {
            cur += ch;
          }
        }
      }
      int k = 0;
      bool attended = false;
      for (const auto& tok : tokens) {
        std::string mark = is_mark(tok, st.numeric_marks);
        if (mark.empty()) mark = is_mark(tok, st.other_marks);
        if (!mark.empty()) {
          feed.record("marks",
                      json{{"id", fmt::format("{}-{}-{}", col.lesson, s.id, ++k)},
                           {"student", s.id}, {"lesson", col.lesson}, {"value", mark}},
                      ix);
          continue;
        }
        std::string reason;
        for (const auto& [r2, code] : st.attendance_codes)
          if (fold_name(code) == tok) reason = r2;
        if (!reason.empty() && !attended) {
          attended = true;
          json a{{"student", s.id}, {"lesson", col.lesson}};
          if (reason == "late") {
            a["status"] = "late";
          } else {
            a["status"] = "absent";
            a["reason"] = reason;
          }
          feed.record("attendance", a, ix);
          continue;
        }
        std::string codes;
        for (const auto& [r2, code] : st.attendance_codes) codes += ", " + code;
        std::string marks;
        for (const auto& m : st.numeric_marks) marks += (marks.empty() ? "" : ", ") + m;
        fail(cell_ref(t, col.col, row.number),
             fmt::format("expected marks ({}; two as 4/5), an attendance code ({}) or one of the "
                         "other marks; got {}",
                         marks, codes.substr(2), quoted_for_message(cell)));
        break;
      }
    }
  }
}

}  // namespace jp
