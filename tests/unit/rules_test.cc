// figures/rules: the rules the importer's warnings and the audit reports share.
// The equivalence test runs both over the same journals and compares what they find late
// and the control works they find over the limit.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <set>
#include <sstream>

#include "app/import.h"
#include "core/thread_pool.h"
#include "figures/audit.h"
#include "figures/diary.h"
#include "figures/rules.h"
#include "helpers.h"
#include "store/model.h"

using namespace jp;
namespace fs = std::filesystem;

namespace {

struct Late {
  std::set<std::string> marks, homework;  ///< mark ids, lesson ids
  std::set<std::string> changes;          ///< "mark ID, changed_at TIME", after the edit lock
  std::set<std::string> control;  ///< "LESSON #N in PERIOD": the N-th work, beyond the limit
  bool operator==(const Late&) const = default;
};

/// What the importer warns about (ingest/checks): `late-mark`, `late-homework`,
/// `late-change` and `control-limit`.
Late by_import(const Journal& j) {
  Diagnostics d;
  check_regulations(j, d);
  Late late;
  for (const auto& x : d.all()) {
    if (x.code.rfind("late-", 0) == 0 && x.code != "late-change") REQUIRE(x.record.rfind("id ", 0) == 0);
    if (x.code == "late-mark") late.marks.insert(x.record.substr(3));
    if (x.code == "late-homework") late.homework.insert(x.record.substr(3));
    if (x.code == "late-change") late.changes.insert(x.record);
    if (x.code == "control-limit") {
      static const std::regex number(R"(^control work number (\d+) in .* in (.+); the limit is \d+$)");
      std::smatch m;
      REQUIRE(std::regex_match(x.message, m, number));
      late.control.insert(x.record.substr(3) + " #" + m[1].str() + " in " + m[2].str());
    }
  }
  return late;
}

/// What the deputy's reports 2, 4 and 7 list over the whole school year (figures/audit).
Late by_audit(const Journal& j) {
  DiaryIndex ix(j);
  AuditOptions o;
  o.from = format_date(j.year.start), o.to = format_date(j.year.end);
  o.today = j.year.end;
  o.offset_minutes = school_offset_minutes(j.school);
  ThreadPool pool(2);
  SchoolAudit a = school_audit(ix, o, archive_figures(j, pool), pool);
  Late late;
  for (const ClassAudit& c : a.classes) {
    for (const auto& x : c.late_marks) late.marks.insert(j.marks[size_t(x.mark)].id);
    for (const auto& x : c.late_homework) late.homework.insert(j.lessons[size_t(x.lesson)].id);
    for (const auto& x : c.changes)
      if (x.after_lock) {
        const MarkChange& mc = j.mark_changes[size_t(x.change)];
        late.changes.insert("mark " + mc.mark + ", changed_at " + mc.changed_at);
      }
    for (const auto& x : c.control)
      for (size_t k = size_t(x.limit); k < x.lessons.size(); ++k)
        late.control.insert(j.lessons[size_t(x.lessons[k])].id + " #" + std::to_string(k + 1) +
                            " in " + j.periods[size_t(x.period)].name);
  }
  return late;
}

Journal load_folder(const std::vector<std::string>& paths) {
  Diagnostics d;
  Journal j = load_journal(expand_inputs(paths, d), d);
  if (j.all_files_read) validate(j, d);
  return d.errors() == 0 ? j : Journal{};
}

}  // namespace

TEST_CASE("rules: the school's offset comes from its time zone") {
  School s;
  CHECK(school_offset_minutes(s) == 180);
  s.timezone = "Asia/Yekaterinburg";
  CHECK(school_offset_minutes(s) == 300);
  s.timezone = "Nowhere/Nothing";
  CHECK(school_offset_minutes(s) == 180);
}

TEST_CASE("rules: a mark change after its lesson's edit lock, counted in school days") {
  Journal j = load_folder({std::string(JP_SOURCE_DIR) + "/tests/corpus/base"});
  REQUIRE_FALSE(j.marks.empty());
  const int offset = 180;  // Moscow
  MarkChange c;
  c.mark_ix = 0;
  const Day lesson = j.lessons[size_t(j.marks[0].lesson_ix)].date;
  j.settings.edit_lock = "2w";
  // 23:30 Moscow on the lock's last day is 20:30 UTC: still that day, in time.
  c.changed_ts = Timestamp{int64_t(lesson + 14) * 86400 + (20 * 60 + 30) * 60, 0};
  auto f = mark_change(j, c, offset);
  REQUIRE(f);
  CHECK(f->changed == lesson + 14);
  CHECK(f->lock_until == std::optional<Day>(lesson + 14));
  CHECK_FALSE(f->after_lock);
  // 00:30 Moscow the next day is 21:30 UTC the day before: after the lock.
  c.changed_ts = Timestamp{int64_t(lesson + 14) * 86400 + (21 * 60 + 30) * 60, 0};
  f = mark_change(j, c, offset);
  REQUIRE(f);
  CHECK(f->changed == lesson + 15);
  CHECK(f->after_lock);
  // No lock: never late.
  j.settings.edit_lock = "never";
  f = mark_change(j, c, offset);
  REQUIRE(f);
  CHECK_FALSE(f->lock_until);
  CHECK_FALSE(f->after_lock);
  // Nothing to say without the change's time, or for a mark not in the journal.
  c.changed_ts.reset();
  CHECK_FALSE(mark_change(j, c, offset));
  c.changed_ts = Timestamp{int64_t(lesson) * 86400, 0};
  c.mark_ix = -1;
  CHECK_FALSE(mark_change(j, c, offset));
}

TEST_CASE("rules: the importer and the audit report find the same marks and homework late") {
  // data/ (the sample: late marks and late homework of every kind it seeds) ...
  Journal sample = load_folder({std::string(JP_SOURCE_DIR) + "/data"});
  REQUIRE_FALSE(sample.marks.empty());
  Late a = by_import(sample), b = by_audit(sample);
  CHECK(a.marks.size() > 0);
  CHECK(a.homework.size() > 0);
  CHECK(a.changes.size() > 0);
  CHECK(a.control.size() > 0);
  CHECK(a == b);
  // ... and every case of the test corpus that imports (with the base journal beside it).
  fs::path corpus = fs::path(JP_SOURCE_DIR) / "tests/corpus";
  size_t cases = 0, with_late = 0, with_control = 0;
  for (const auto& e : fs::directory_iterator(corpus)) {
    if (!e.is_directory() || e.path().filename() == "base") continue;
    std::vector<std::string> files;
    std::set<std::string> own;
    for (const auto& f : fs::directory_iterator(e.path()))
      if (f.path().extension() == ".json") {
        own.insert(f.path().filename().string());
        files.push_back(f.path().string());
      }
    if (!fs::exists(e.path() / "no-base"))
      for (const auto& f : fs::directory_iterator(corpus / "base"))
        if (f.path().extension() == ".json" && !own.count(f.path().filename().string()))
          files.push_back(f.path().string());
    Journal j = load_folder(files);
    if (j.lessons.empty()) continue;  // refused: nothing to compare
    ++cases;
    Late x = by_import(j), y = by_audit(j);
    with_late += !x.marks.empty() || !x.homework.empty() || !x.changes.empty();
    with_control += !x.control.empty();
    INFO(e.path().filename().string());
    CHECK(x == y);
  }
  CHECK(cases >= 10);
  CHECK(with_late >= 3);  // 043_warn_late_mark, 044_warn_late_homework, 047_warn_late_change
  CHECK(with_control >= 1);  // 042_warn_control_limit
}

TEST_CASE("rules: a day whose every lesson was cancelled has no homework deadline, in both") {
  // The drift this module ended: the report looked up the bell of lesson 0 for such a day
  // (a school with a «нулевой урок» has one) and listed homework the importer did not.
  Journal j = load_folder({std::string(JP_SOURCE_DIR) + "/tests/corpus/base"});
  REQUIRE_FALSE(j.lessons.empty());
  j.bells.push_back(Bell{0, 7 * 60 + 30, 8 * 60 + 15, {}});
  Lesson l = j.lessons.front();
  l.id = "cancelled-with-homework";
  auto busy = [&](Day d) {
    for (const auto& other : j.lessons)
      if (other.class_ix == l.class_ix && other.date == d) return true;
    return weekday(d) > 5;
  };
  for (l.date = j.lessons.front().date + 1; busy(l.date);) ++l.date;
  l.cancelled = true;
  l.homework = "№ 1";
  l.homework_set_ts = Timestamp{int64_t(l.date + 2) * 86400, 0};
  j.lessons.push_back(l);
  HomeworkDeadlines deadlines(j, school_offset_minutes(j.school));
  CHECK_FALSE(deadlines.minutes_late(j.lessons.back()));
  CHECK(by_import(j) == by_audit(j));
}

TEST_CASE("rules: a group's control works are its own, even a group of another class, in both") {
  // The drift this rule ended: the report counted the works of a group that is not the
  // class's own as the whole class's, where the importer counted them for the group. The
  // validator refuses such a lesson, so only a journal built by hand has one; the rule
  // still keys on the whole GroupRef and both sides agree.
  Journal j = load_folder({std::string(JP_SOURCE_DIR) + "/tests/corpus/base"});
  REQUIRE_FALSE(j.lessons.empty());
  auto class_ix = [&](const std::string& id) {
    for (size_t c = 0; c < j.classes.size(); ++c)
      if (j.classes[c].id == id) return int(c);
    return -1;
  };
  const int a5 = class_ix("5a"), b5 = class_ix("5b");
  REQUIRE(a5 >= 0);
  REQUIRE(b5 >= 0);
  REQUIRE_FALSE(j.classes[size_t(a5)].groups.empty());
  const Lesson first = j.lessons.front();  // 2023-09-04, a Monday of 1 четверть
  auto control = [&](const std::string& id, int day, GroupRef g) {
    Lesson l = first;
    l.id = id, l.class_ix = b5, l.date = first.date + day, l.kind = "control", l.group_ref = g;
    l.group = g.class_ix >= 0 ? j.group(g).id : std::string();
    j.lessons.push_back(l);
  };
  const GroupRef foreign{a5, 0};
  control("whole-class", 7, GroupRef{});
  control("foreign-group-1", 8, foreign);
  // One work for 5Б and one for 5А's group: within the limit of 1 for each.
  CHECK(control_breaches(j, control_works(j), {int(j.lessons.size()) - 2, int(j.lessons.size()) - 1}).empty());
  Late a = by_import(j), b = by_audit(j);
  CHECK(a.control.empty());
  CHECK(a == b);
  // A second work for that group is one too many, for the group, not for 5Б.
  control("foreign-group-2", 9, foreign);
  std::vector<int> all(j.lessons.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = int(i);
  auto breaches = control_breaches(j, control_works(j), all);
  REQUIRE(breaches.size() == 1);
  CHECK(breaches[0].class_ix == b5);
  CHECK(breaches[0].group.class_ix == a5);
  CHECK(breaches[0].group.group == 0);
  CHECK(breaches[0].limit == 1);
  REQUIRE(breaches[0].lessons.size() == 2);
  CHECK(j.lessons[size_t(breaches[0].lessons[1])].id == "foreign-group-2");
  a = by_import(j), b = by_audit(j);
  CHECK(a.control == std::set<std::string>{"foreign-group-2 #2 in 1 четверть"});
  CHECK(a == b);
}

TEST_CASE("rules: control works are numbered by date, not by their place in the export") {
  Journal j = load_folder({std::string(JP_SOURCE_DIR) + "/tests/corpus/base"});
  REQUIRE_FALSE(j.lessons.empty());
  Lesson l = j.lessons.front();
  l.kind = "control";
  l.id = "later", l.date = j.lessons.front().date + 14;
  j.lessons.push_back(l);
  l.id = "earlier", l.date = j.lessons.front().date + 7;
  j.lessons.push_back(l);
  Late a = by_import(j);
  CHECK(a.control == std::set<std::string>{"later #2 in 1 четверть"});
  CHECK(a == by_audit(j));
}

TEST_CASE("rules: too few marks is fewer than min_marks") {
  Settings s;
  s.min_marks = 3;
  CHECK(too_few_marks(s, 0));
  CHECK(too_few_marks(s, 2));
  CHECK_FALSE(too_few_marks(s, 3));
}
