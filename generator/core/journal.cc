#include "core/journal.h"

#include <algorithm>

#include "core/wording.h"

namespace jp {
namespace {

// The first letter of a name, as UTF-8 (Cyrillic letters are two bytes).
std::string initial(const std::string& name) {
  if (name.empty()) return {};
  unsigned char c = name[0];
  size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : 4;
  return name.substr(0, std::min(n, name.size())) + ".";
}

}  // namespace

std::vector<std::string> default_other_marks() {
  const Locale& l = Locale::ru();
  static const std::vector<std::string> v{l.text("marks.not_assessed"), l.text("marks.pass"),
                                          l.text("marks.fail"), l.text("marks.exempt")};
  return v;
}

std::map<std::string, std::string> default_attendance_codes() {
  static const auto v = [] {
    std::map<std::string, std::string> m;
    for (const char* k : {"illness", "valid", "unexcused", "late"})
      m[k] = Locale::ru().text(std::string("attendance_codes.") + k);
    return m;
  }();
  return v;
}

std::string full_name(const Person& p) {
  std::string s = p.last_name + " " + p.first_name;
  if (!p.middle_name.empty()) s += " " + p.middle_name;
  return s;
}

std::string short_name(const Person& p) {
  std::string s = p.last_name + " " + initial(p.first_name);
  if (!p.middle_name.empty()) s += " " + initial(p.middle_name);
  return s;
}

bool Period::applies_to(int grade) const {
  return grades.empty() || std::find(grades.begin(), grades.end(), grade) != grades.end();
}

int class_on(const Student& s, Day d) {
  for (const auto& e : s.enrollments)
    if (e.covers(d)) return e.class_ix;
  return -1;
}

int class_at(const Student& s, Day d) {
  int c = class_on(s, d);
  if (c >= 0) return c;
  // Not enrolled that day (between enrollments, before the year, after leaving): the
  // latest enrollment begun by then, else the first.
  const Enrollment* best = nullptr;
  for (const auto& e : s.enrollments)
    if (e.from <= d && (!best || e.from > best->from)) best = &e;
  if (!best)
    for (const auto& e : s.enrollments)
      if (!best || e.from < best->from) best = &e;
  return best ? best->class_ix : -1;
}

const Enrollment* enrollment_for(const Student& s, const Lesson& l) {
  for (const auto& e : s.enrollments) {
    if (e.class_ix != l.class_ix || !e.covers(l.date)) continue;
    if (l.group_ref.class_ix < 0) return &e;
    for (const auto& g : e.group_refs)
      if (g.class_ix == l.group_ref.class_ix && g.group == l.group_ref.group) return &e;
  }
  return nullptr;
}

}  // namespace jp
