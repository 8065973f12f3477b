#include "paper/extracts.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <ostream>
#include <set>
#include <stdexcept>

#include "core/hash.h"
#include "core/record_hash.h"
#include "core/thread_pool.h"
#include "core/text.h"
#include "publish/output_folder.h"

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

std::string extract_fingerprint(const DiaryIndex& ix, const ExtractBatch& b,
                                const std::string& global) {
  const Journal& j = ix.journal();
  uint64_t h = school_wide_hash(j, hash_text(0, global));
  h = hash_mix(hash_mix(hash_mix(h, uint64_t(b.from)), uint64_t(b.to)), b.a5 ? 1 : 2);
  h = hash_text(hash_mix(h, uint64_t(b.class_ix)), b.file);
  for (int s : b.students) {
    h = record_hash(j.students[size_t(s)], h);
    for (int l : ix.lessons(s)) {
      const Lesson& le = j.lessons[size_t(l)];
      if (le.date > b.to) continue;
      h = record_hash(le, h);
      if (const auto* ms = ix.marks_at(s, l))
        for (int m : *ms) h = record_hash(j.marks[size_t(m)], h);
      if (const Attendance* a = ix.attendance_at(s, l)) h = record_hash(*a, h);
      if (const auto* hw = ix.homework_at(s, l))
        for (int x : *hw) h = record_hash(j.individual_homework[size_t(x)], h);
    }
    for (int r : ix.remarks(s)) h = record_hash(j.remarks[size_t(r)], h);
    for (int e : ix.events(s)) h = record_hash(j.events[size_t(e)], h);
    h = hash_mix(h, 0x656e64);  // the student's records end here
  }
  return fmt::format("{:016x}", h);
}

ExtractsResult build_extracts(const DiaryIndex& ix, const std::vector<ExtractBatch>& batches,
                              Day today, Writer& w, ThreadPool& pool, const std::string& global) {
  ExtractsResult r;
  std::atomic<size_t> kept{0};
  pool.for_each(batches.size(), [&](size_t i, unsigned) {
    const ExtractBatch& b = batches[i];
    // Dated by the period's end, not the build: the same data gives the same bytes (and a
    // week still running is dated today, never in its future).
    const Day date = std::min(b.to, today);
    if (global.empty()) return w.put(b.file, render_pdf_extracts(ix, b, date));
    std::string fp = extract_fingerprint(ix, b, global + "\n" + format_date(date));
    if (w.keep({b.file}, fp)) {
      ++kept;
      return;
    }
    w.put_many({b.file}, render_pdf_extracts(ix, b, date), fp);
  });
  r.kept = kept;
  r.classes = batches.size();
  for (const auto& b : batches) r.students += b.students.size();
  return r;
}

void ExtractsOutput::prepare(BuildContext& ctx) {
  period_ = extract_period(o_, ctx.today);
  auto list = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += x + "\x1f";
    return s;
  };
  fingerprint_ = sha256_hex(fmt::format(
      "{}\n{}\n{}\nextracts {} {} {}\n{}\n{}\n{}{}", ctx.templates_digest, ctx.content_digest,
      format_date(ctx.today), format_date(period_.from), format_date(period_.to), period_.folder,
      list(o_.classes), list(o_.students), o_.all ? "all" : "", o_.a5 ? " a5" : ""));
}

std::vector<PublishedFolder> ExtractsOutput::folders() const {
  // Children's marks on paper: owner-only, like private/ (the folder of all periods too).
  WriterOptions wo;
  wo.private_files = true;
  return {{"extracts/" + period_.folder, wo}};
}

void ExtractsOutput::render(BuildContext& ctx, const DiaryIndex& ix) {
  const Journal& j = ix.journal();
  auto t0 = std::chrono::steady_clock::now();
  auto batches = extract_batches(j, period_, o_);
  WriterOptions wo = folders()[0].options;
  // A run answers only for its own scope: `--student` never touches the class files.
  wo.in_scope = [&](const std::string& f) { return extract_file_in_scope(j, o_, batches, f); };
  std::unique_ptr<Writer> w = ctx.writer("extracts/" + period_.folder, wo);
  ctx.report_repairs(*w);
  // A dry run and `--full` render every file.
  ExtractsResult r = build_extracts(ix, batches, ctx.today, *w, *ctx.pool,
                                    ctx.dry_run || ctx.full ? "" : ctx.templates_digest);
  WriteStats st = ctx.commit(*w, "extracts", [&](Db& state) {
    save_build_fingerprint(state, folders()[0].name, ctx.dry_run ? "" : fingerprint_,
                           format_date(ctx.today));
  });
  *ctx.log << fmt::format(
      "extracts{}: {} for {} ({}), {} extracts in {} PDFs ({} not rendered: inputs unchanged) "
      "in {}/extracts/{}/: {} written, {} unchanged, {} deleted; {:.2f} s\n",
      ctx.dry(),
      o_.all                ? "every student"
      : o_.students.empty() ? "students with a paper delivery"
                            : "the students asked for",
      format_date(period_.from) + " to " + format_date(period_.to), period_.folder, r.students,
      r.classes, r.kept, ctx.out, period_.folder, st.written, st.unchanged, st.deleted,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace jp
