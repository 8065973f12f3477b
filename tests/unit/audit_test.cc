#include "core/thread_pool.h"
#include "figures/audit.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "app/import.h"
#include "audit_fixture.h"
#include "core/wording.h"
#include "figures/summary.h"
#include "store/model.h"

using namespace jp;
namespace fs = std::filesystem;

namespace {

const ClassAudit& of(const jp::test::AuditFixture& f, const SchoolAudit& a, const char* id) {
  for (const auto& c : a.classes)
    if (f.journal.classes[c.class_ix].id == id) return c;
  throw std::runtime_error(std::string("no class ") + id);
}

std::string error_of(const Journal& j, const AuditOptions& o) {
  try {
    check_audit_options(j, o);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("audit: each planted problem is found once, in its class; the clean class has none",
          "[audit]") {
  jp::test::AuditFixture f;
  SchoolAudit a = f.audit();
  const Journal& j = f.journal;
  REQUIRE(a.classes.size() == 3);
  const ClassAudit &a5 = of(f, a, "5a"), &b5 = of(f, a, "5b"), &g1 = of(f, a, "1a");

  CHECK(b5.problems() == 0);
  CHECK(b5.changes.empty());
  for (const auto& r : b5.attendance) CHECK_FALSE(r.over);
  CHECK(g1.problems() == 2);  // the grade-1 mark and homework only

  // 1: Ёлкина has one mark in mathematics; everyone else has three or more.
  int short_of_marks = 0;
  for (const auto& l : a5.accumulation)
    for (const auto& [s, n] : l.short_of_marks) {
      ++short_of_marks;
      CHECK(j.students[s].id == "s2");
      CHECK(n == 1);
      CHECK(j.subjects[l.subject].id == "math");
      CHECK(j.teachers[l.teacher].id == "t1");
      CHECK(l.one == 1);
      CHECK(l.none == 0);
      CHECK(l.students == 3);
      CHECK(l.lessons == 6);
    }
  CHECK(short_of_marks == 1);

  // 2: m7 entered 9 days after its lesson (7 allowed); R2's homework 7 h 50 min late.
  REQUIRE(a5.late_marks.size() == 1);
  CHECK(j.marks[a5.late_marks[0].mark].id == "m7");
  CHECK(a5.late_marks[0].days == 9);
  CHECK(a5.late_marks[0].limit == 7);
  REQUIRE(a5.late_homework.size() == 1);
  CHECK(j.lessons[a5.late_homework[0].lesson].id == "R2");
  CHECK(a5.late_homework[0].minutes == 7 * 60 + 50);
  CHECK(a5.timeliness.size() == 2);  // Фёдорова's mark, Ким's homework

  // 3: L5 without a topic, L6 without homework.
  REQUIRE(a5.gaps.size() == 2);
  CHECK(j.lessons[a5.gaps[0].lesson].id == "L5");
  CHECK((a5.gaps[0].no_topic && !a5.gaps[0].no_homework));
  CHECK(j.lessons[a5.gaps[1].lesson].id == "L6");
  CHECK((!a5.gaps[1].no_topic && a5.gaps[1].no_homework));

  // 4: two control works in mathematics, one allowed (Russian allows two).
  REQUIRE(a5.control.size() == 1);
  CHECK(j.subjects[a5.control[0].subject].id == "math");
  CHECK(a5.control[0].limit == 1);
  REQUIRE(a5.control[0].lessons.size() == 2);
  CHECK(j.lessons[a5.control[0].lessons[1]].id == "L4");

  // 5: one of each kind.
  REQUIRE(a5.finals.size() == 4);
  CHECK(a5.finals[0].kind == FinalMarkIssue::far_from_forecast);
  CHECK(j.final_marks[a5.finals[0].final_mark].student == "s3");
  CHECK(a5.finals[0].forecast == "2");
  CHECK(a5.finals[1].kind == FinalMarkIssue::few_marks);
  CHECK(j.final_marks[a5.finals[1].final_mark].student == "s2");
  CHECK(a5.finals[1].current == 1);
  CHECK(a5.finals[2].kind == FinalMarkIssue::exempt);
  CHECK(j.final_marks[a5.finals[2].final_mark].student == "s1");
  CHECK(a5.finals[3].kind == FinalMarkIssue::not_assessed);
  CHECK(j.final_marks[a5.finals[3].final_mark].student == "s3");

  // 6: the grade-1 mark and homework.
  REQUIRE(g1.grade1.size() == 2);
  CHECK(g1.grade1[0].kind == Grade1Entry::mark);
  CHECK(g1.grade1[1].kind == Grade1Entry::homework);
  CHECK(a5.grade1.empty());
  CHECK(g1.gaps.empty());  // grade 1 gets no homework: none is missing

  // 7: two changes, the one after the two-week lock flagged.
  REQUIRE(a5.changes.size() == 2);
  CHECK(j.marks[j.mark_changes[a5.changes[0].change].mark_ix].id == "m5");
  CHECK_FALSE(a5.changes[0].after_lock);
  CHECK(a5.changes[1].after_lock);
  CHECK(format_date(*a5.changes[1].lock_until) == "2023-11-22");
  // A deleted mark's change: no class to file it under, listed for the school.
  REQUIRE(a.deleted_marks.size() == 1);
  CHECK(j.mark_changes[a.deleted_marks[0].change].mark == "m99");
  CHECK(a.deleted_marks[0].lesson == -1);

  // 8: Белых missed 3 of 9 lessons (33 %), over 30 %; the totals add up.
  int over = 0, missed = 0, lessons = 0;
  for (const auto& r : a5.attendance) {
    over += r.over;
    missed += r.absent(), lessons += r.lessons;
    if (r.over) CHECK(j.students[r.student].id == "s3");
  }
  CHECK(over == 1);
  CHECK(a5.attendance_total.absent() == missed);
  CHECK(a5.attendance_total.lessons == lessons);
  CHECK(a5.attendance_total.illness == 2);
  CHECK(a5.attendance_total.late == 1);

  // 10: Фёдорова and Ким have problems; Алёшина, of the clean class, has none.
  REQUIRE(a.teachers.size() == 2);
  CHECK(j.teachers[a.teachers[0].teacher].id == "t2");  // Ким before Фёдорова
  CHECK(j.teachers[a.teachers[1].teacher].id == "t1");
  size_t total = 0;
  for (const auto& c : a.classes) total += size_t(c.problems());
  size_t by_teacher = 0;
  for (const auto& t : a.teachers) by_teacher += t.problems();
  CHECK(by_teacher == total);
}

TEST_CASE("audit: report 9 shows the summary sheets' own figures, with the previous period",
          "[audit]") {
  jp::test::AuditFixture f;
  SchoolAudit a = f.audit();
  const Journal& j = f.journal;
  int compared = 0;
  for (const ClassAudit& ca : a.classes) {
    if (j.classes[ca.class_ix].grade == 1) {  // not marked: the archive has no summary sheet
      CHECK_FALSE(ca.results.present);
      continue;
    }
    auto sheets = summary_sheets(j, ca.class_ix);
    for (const ResultsFigures* r : {&ca.results, &ca.previous}) {
      if (r->period < 0) continue;
      for (const SummarySheet& s : sheets) {
        if (s.column != j.periods[r->period].id) continue;
        REQUIRE(r->present);
        CHECK(r->students == int(s.students.size()));
        CHECK(r->excellent == s.excellent);
        CHECK(r->good == s.good);
        CHECK(r->single_three == s.single_three);
        CHECK(r->failing == s.failing);
        CHECK(r->marks.quality() == s.total.quality());
        CHECK(r->marks.success() == s.total.success());
        CHECK(r->marks.average() == s.total.average());
        ++compared;
      }
    }
  }
  CHECK(compared == 4);  // 5А and 5Б, 2 and 1 четверть
  const ClassAudit& a5 = of(f, a, "5a");
  CHECK(j.periods[a5.scope.previous].id == "q1");
  CHECK(a5.results.failing == 1);  // Белых: н/а
  CHECK(a5.previous.good == 1);
}

TEST_CASE("audit: the scope by default, by period, by dates; options named when wrong", "[audit]") {
  jp::test::AuditFixture f;
  const Journal& j = f.journal;
  AuditOptions o;
  o.today = *parse_date("2023-11-20");
  AuditScope s = audit_scope(j, 5, o);
  CHECK(j.periods[s.period].id == "q2");
  CHECK(format_date(s.from) == "2023-11-07");
  CHECK(format_date(s.to) == "2023-11-20");  // up to today
  CHECK(j.periods[s.previous].id == "q1");
  CHECK(j.periods[audit_scope(j, 10, o).period].id == "h1");
  CHECK(audit_scope(j, 10, o).previous == -1);

  o.today = *parse_date("2023-11-01");  // the autumn holidays: the quarter just ended
  s = audit_scope(j, 5, o);
  CHECK(j.periods[s.period].id == "q1");
  CHECK(format_date(s.to) == "2023-10-27");

  o.from = "2023-09-15", o.to = "2023-11-10";
  s = audit_scope(j, 5, o);
  CHECK(format_date(s.from) == "2023-09-15");
  CHECK(format_date(s.to) == "2023-11-10");
  CHECK(j.periods[s.period].id == "q2");

  CHECK(error_of(j, o) == "");
  o.to = "2023-09-01";
  CHECK(error_of(j, o) == "--to 2023-09-01 is before --from 2023-09-15");
  o.to = "2023-13-01";
  CHECK(error_of(j, o) == "--to: expected a date YYYY-MM-DD, got \"2023-13-01\"");
  o.to = "";
  CHECK(error_of(j, o) == "a date range needs both --from and --to (YYYY-MM-DD)");
  o.period = "q2";
  CHECK(error_of(j, o) ==
        "--period and --from/--to both given: choose a reporting period or a date range");
  o.from = "";
  CHECK(error_of(j, o) == "");
  o.period = "q9";
  CHECK(error_of(j, o) ==
        "--period: there is no period \"q9\" in s1 2023/2024; the periods are: q1, q2, h1, y");
}

TEST_CASE("audit: odd input: an empty period, a class without students, a period of other grades",
          "[audit]") {
  jp::test::AuditFixture f;
  // Halves apply to grades 10 and 11 only: every class of the fixture is out of scope.
  SchoolAudit h = f.audit("h1");
  CHECK(h.classes.empty());
  CHECK(h.out_of_scope.size() == 3);
  CHECK(h.teachers.empty());

  // The first quarter has final marks but no lessons: they rest on no current marks.
  SchoolAudit q1 = f.audit("q1");
  for (const ClassAudit& c : q1.classes) {
    CHECK(c.accumulation.empty());
    CHECK(c.attendance.empty());
    CHECK(c.gaps.empty());
    for (const auto& i : c.finals) CHECK(i.kind == FinalMarkIssue::few_marks);
  }

  // A class with no students and no lessons, and a teacher with nothing: nothing to say.
  Journal j = f.journal;
  SchoolClass empty;
  empty.id = "7v", empty.name = "7В", empty.grade = 7;
  j.classes.push_back(empty);
  DiaryIndex ix(j);
  AuditOptions o;
  o.period = "q2";
  o.today = *parse_date("2024-01-10");
  ThreadPool pool(1);
  SchoolAudit a = school_audit(ix, o, archive_figures(j, pool), pool);
  REQUIRE(a.classes.size() == 4);
  const ClassAudit& e = a.classes.back();
  CHECK(e.problems() == 0);
  CHECK(e.attendance.empty());
  CHECK(e.results.students == 0);
  CHECK_FALSE(e.results.marks.quality());
}

TEST_CASE("audit: invariants on data/ for every kind of scope", "[audit]") {
  namespace fs = std::filesystem;
  fs::path dir = jp::test::temp_path("audit-data");
  fs::create_directories(dir);
  ImportOptions io;
  io.inputs = {std::string(JP_SOURCE_DIR) + "/data"};
  io.db = (dir / "j.db").string();
  std::ostringstream out, err;
  REQUIRE(run_import(io, out, err) == 0);
  Journal j = read_journal(io.db, choose_dataset(io.db, "", ""));
  DiaryIndex ix(j);
  ThreadPool one(1), two(2);
  ArchiveFigures figures = archive_figures(j, one);
  std::vector<AuditOptions> scopes(4);
  for (auto& o : scopes) o.today = *parse_date("2024-02-14");
  scopes[1].period = j.periods.front().id;
  scopes[2].from = "2023-09-01", scopes[2].to = "2024-05-31";
  scopes[3].today = *parse_date("2023-08-20");  // before the first period
  for (const AuditOptions& o : scopes) {
    SchoolAudit a = school_audit(ix, o, figures, two);
    size_t by_class = 0, by_teacher = 0;
    for (const ClassAudit& c : a.classes) {
      by_class += size_t(c.problems());
      CHECK(c.scope.from <= c.scope.to);
      // Attendance adds up to the class's total; nobody misses more lessons than held.
      AttendanceRow sum;
      for (const auto& r : c.attendance) {
        CHECK(r.absent() <= r.lessons);
        sum.lessons += r.lessons, sum.illness += r.illness, sum.late += r.late;
        sum.unexcused += r.unexcused, sum.valid += r.valid, sum.unspecified += r.unspecified;
      }
      CHECK(sum.lessons == c.attendance_total.lessons);
      CHECK(sum.absent() == c.attendance_total.absent());
      CHECK(sum.late == c.attendance_total.late);
      for (const auto& l : c.accumulation) {
        CHECK(l.none + l.one <= l.students);
        CHECK(int(l.short_of_marks.size()) <= l.students);
      }
      for (const auto& x : c.late_marks) CHECK(x.days > x.limit);
      for (const auto& x : c.control) CHECK(int(x.lessons.size()) > x.limit);
      if (j.classes[c.class_ix].grade == 1) {
        CHECK(c.accumulation.empty());
        CHECK(c.finals.empty());
      } else {
        CHECK(c.grade1.empty());
      }
    }
    for (const TeacherAudit& t : a.teachers) by_teacher += t.problems();
    CHECK(by_teacher <= by_class);  // a problem without a known teacher is the class's only
  }
  fs::remove_all(dir);
}
