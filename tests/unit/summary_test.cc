#include "figures/summary.h"

#include <catch2/catch.hpp>

#include "helpers.h"

using namespace jp;
using namespace jp::test;

TEST_CASE(
    "summary: students in alphabetical order, marks by subject, counts, quality and success") {
  Diagnostics d;
  Journal j = load_journal_text(
      "j.json",
      base_journal(
          R"("final_marks": [{"student": "s1", "subject": "math", "period": "q1", "value": "5"},
                                      {"student": "s1", "subject": "eng", "period": "q1", "value": "4"},
                                      {"student": "s2", "subject": "math", "period": "q1", "value": "2"},
                                      {"student": "s2", "subject": "eng", "period": "q1", "value": "3"},
                                      {"student": "s4", "subject": "math", "period": "h1", "value": "4"}])"),
      d);
  validate(j, d);
  REQUIRE(d.errors() == 0);
  auto sheets = summary_sheets(j, 0);  // 5А
  // q1, q2 and the year; no exam or final marks in 5А.
  REQUIRE(sheets.size() == 3);
  const SummarySheet& q1 = sheets[0];
  CHECK(q1.title == "1 четверть");
  REQUIRE(q1.students.size() == 2);
  CHECK(j.students[q1.students[0]].id == "s2");  // Римская-Корсакова before Соловьёв
  CHECK(j.students[q1.students[1]].id == "s1");
  REQUIRE(q1.subjects.size() == 2);
  CHECK(j.subjects[q1.subjects[0]].id == "math");
  CHECK(q1.marks[1][0] == "5");
  CHECK(q1.marks[0][1] == "3");
  const MarkCounts& math = q1.per_subject[0];
  CHECK(math.by_value[0] == 1);
  CHECK(math.by_value[3] == 1);
  CHECK(*math.quality() == Approx(50));
  CHECK(*math.success() == Approx(50));
  CHECK(*math.average() == Approx(3.5));
  CHECK(q1.excellent == 0);
  CHECK(q1.good == 1);     // s1: 5 and 4
  CHECK(q1.failing == 1);  // s2: a 2
  CHECK(*q1.total.quality() == Approx(50));
  // In the second quarter s2 is still in 5А (until 29 December); in the year column not.
  CHECK(sheets[1].students.size() == 2);
  CHECK(sheets[2].students.size() == 1);
}

TEST_CASE("summary: н/а counts against success, a single 3 is counted apart") {
  Settings s;
  MarkCounts c;
  for (const char* v : {"5", "4", "3", "н/а", "зач"}) c.add(s, v);
  CHECK(c.graded == 4);  // зач is not graded
  CHECK(c.failed == 1);
  CHECK(*c.success() == Approx(75));
  CHECK(*c.quality() == Approx(50));
  CHECK(*c.average() == Approx(4));
}
