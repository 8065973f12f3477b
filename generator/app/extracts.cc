#include "app/extracts.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "core/parallel.h"
#include "core/text.h"

namespace jp {

ExtractPeriod extract_period(const ExtractOptions& o, Day today) {
  ExtractPeriod p;
  if (!o.week.empty() && (!o.from.empty() || !o.to.empty()))
    throw std::runtime_error("--week and --from/--to both given: choose a week or a date range");
  if (!o.week.empty()) {
    auto monday = parse_iso_week(o.week);
    if (!monday)
      throw std::runtime_error(
          fmt::format("--week: expected an ISO week such as 2024-W12, got \"{}\"", o.week));
    p.from = *monday, p.to = *monday + 6;
    p.folder = iso_week(*monday);
    return p;
  }
  if (!o.from.empty() || !o.to.empty()) {
    auto [f, t] = parse_date_range(o.from, o.to);
    p.from = f, p.to = t;
    p.folder = o.from + "_" + o.to;
    return p;
  }
  // The last complete school week: on Monday to Saturday (Saturday can be a school day)
  // the week before; on Sunday the week that ends today.
  Day monday = weekday(today) == 7 ? week_monday(today) : week_monday(today) - 7;
  p.from = monday, p.to = monday + 6;
  p.folder = iso_week(monday);
  return p;
}

std::vector<ExtractBatch> extract_batches(const Journal& j, const ExtractPeriod& p,
                                          const ExtractOptions& o) {
  std::set<int> classes, picked;
  for (const auto& id : o.classes) {
    auto it = std::find_if(j.classes.begin(), j.classes.end(),
                           [&](const SchoolClass& c) { return c.id == id; });
    if (it == j.classes.end())
      throw std::runtime_error(
          fmt::format("--class: there is no class \"{}\" in {} {}", id, j.school.id, j.year.label));
    classes.insert(int(it - j.classes.begin()));
  }
  for (const auto& id : o.students) {
    auto it = std::find_if(j.students.begin(), j.students.end(),
                           [&](const Student& s) { return s.id == id; });
    if (it == j.students.end())
      throw std::runtime_error(fmt::format("--student: there is no student \"{}\" in {} {}", id,
                                           j.school.id, j.year.label));
    picked.insert(int(it - j.students.begin()));
  }
  std::vector<char> paper(j.students.size(), 0);
  for (const auto& g : j.guardians)
    if (g.delivery == "paper")
      for (int c : g.children_ix) paper[c] = 1;

  std::vector<ExtractBatch> batches(j.classes.size());
  for (size_t s = 0; s < j.students.size(); ++s) {
    bool wanted = !picked.empty() ? picked.count(int(s)) > 0 : (o.all || paper[s]);
    if (!wanted) continue;
    // The class of the student's last enrolled day within the period.
    int cls = -1;
    Day last = 0;
    for (const auto& e : j.students[s].enrollments) {
      Day a = std::max(e.from, p.from), b = std::min(e.to.value_or(p.to), p.to);
      if (a > b) continue;
      if (cls < 0 || b > last) cls = e.class_ix, last = b;
    }
    if (cls < 0) continue;  // not at school in the period
    if (!classes.empty() && !classes.count(cls)) continue;
    batches[cls].students.push_back(int(s));
  }
  std::vector<ExtractBatch> out;
  for (size_t c = 0; c < batches.size(); ++c) {
    ExtractBatch& b = batches[c];
    if (b.students.empty()) continue;
    b.class_ix = int(c);
    b.from = p.from, b.to = p.to, b.a5 = o.a5;
    std::sort(b.students.begin(), b.students.end(), [&](int x, int y) {
      return collation_key(full_name(j.students[x].person)) <
             collation_key(full_name(j.students[y].person));
    });
    if (picked.empty()) {
      b.file = j.classes[c].id + ".pdf";
      out.push_back(std::move(b));
    } else {
      for (int s : b.students) {
        ExtractBatch one = b;
        one.students = {s};
        one.file = j.classes[c].id + "~" + j.students[s].id + ".pdf";
        out.push_back(std::move(one));
      }
    }
  }
  return out;
}

bool extract_file_in_scope(const Journal& j, const ExtractOptions& o,
                           const std::vector<ExtractBatch>& batches, const std::string& file) {
  if (!o.students.empty())
    return std::any_of(batches.begin(), batches.end(),
                       [&](const ExtractBatch& b) { return b.file == file; });
  for (const auto& c : j.classes)
    if (file == c.id + ".pdf")
      return o.classes.empty() ||
             std::find(o.classes.begin(), o.classes.end(), c.id) != o.classes.end();
  return false;
}

ExtractsResult build_extracts(const DiaryIndex& ix, const std::vector<ExtractBatch>& batches,
                              Day today, Writer& w, unsigned threads) {
  ExtractsResult r;
  parallel_for(batches.size(), threads, [&](size_t b) {
    w.put(batches[b].file, render_pdf_extracts(ix, batches[b], today));
  });
  r.classes = batches.size();
  for (const auto& b : batches) r.students += b.students.size();
  return r;
}

}  // namespace jp
