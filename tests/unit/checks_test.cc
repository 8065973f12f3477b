#include <catch2/catch.hpp>

#include "helpers.h"

using namespace jp;
using namespace jp::test;
using V = std::vector<std::string>;

TEST_CASE("checks: late marks are counted in the school's days, not UTC's") {
  // The lesson is on 2023-09-04 (grade 5: 7 days allowed, so until 2023-09-11 local).
  auto at = [](const std::string& created, const std::string& tz) {
    return diagnose(base_journal(R"("school": {"id": "s1", "name": "Ш", "timezone": ")" + tz +
                                 R"(", "director": {"last_name": "А", "first_name": "Б"}},
           "marks": [{"id": "m1", "student": "s1", "lesson": "l1", "value": "5", "created_at": ")" +
                                 created + R"("}],
           "final_marks": [])"));
  };
  CHECK(at("2023-09-11T23:59:00+03:00", "Europe/Moscow").empty());
  CHECK(at("2023-09-11T22:00:00Z", "Europe/Moscow") ==
        V{"j.json: /marks/0 (id m1): warning: mark entered on 2023-09-12, 8 days after the lesson "
          "on 2023-09-04; the deadline is 7 days"});
  // (In Yekaterinburg the base lesson's homework, set at 10:30 Moscow, is late too.)
  CHECK(matching(at("2023-09-11T20:30:00Z", "Asia/Yekaterinburg"), "/marks/") ==
        V{"j.json: /marks/0 (id m1): warning: mark entered on 2023-09-12, 8 days after the lesson "
          "on 2023-09-04; the deadline is 7 days"});
  CHECK(at("2023-09-11T20:30:00Z", "Europe/Moscow").empty());
}

TEST_CASE("checks: a period mark within one point of the forecast is fine") {
  auto d = diagnose(base_journal(
      R"("final_marks": [{"student": "s1", "subject": "math", "period": "q1", "value": "4"}])"));
  CHECK(d.empty());
  d = diagnose(base_journal(
      R"("final_marks": [{"student": "s1", "subject": "math", "period": "q1", "value": "3"}])"));
  CHECK(d == V{"j.json: /final_marks/0 (student s1, subject math, period q1): warning: mark \"3\" "
               "for 1 четверть in Математика differs by more than one point from the forecast "
               "\"5\" (weighted average 5.00)"});
}

TEST_CASE("checks: a subject's own control limit overrides the school's") {
  auto text = base_journal(
      R"("subjects": [{"id": "math", "name": "Математика", "control_limit": 2}, {"id": "eng", "name": "Англ."}, {"id": "pe", "name": "Физ-ра"}],
         "lessons": [{"id": "l1", "class": "5a", "subject": "math", "teacher": "t1", "date": "2023-09-04", "number": 1, "topic": "a", "kind": "control"},
                     {"id": "l2", "class": "5a", "subject": "math", "teacher": "t1", "date": "2023-09-05", "number": 1, "topic": "b", "kind": "control"},
                     {"id": "l3", "class": "5a", "subject": "math", "teacher": "t1", "date": "2023-09-06", "number": 1, "topic": "c", "kind": "control"},
                     {"id": "l5", "class": "5a", "subject": "math", "teacher": "t1", "date": "2023-09-07", "number": 1, "cancelled": true, "kind": "control"},
                     {"id": "l4", "class": "10a", "subject": "math", "teacher": "t1", "date": "2023-09-05", "number": 1, "topic": "Степени"},
                     {"id": "l6", "class": "5b", "subject": "math", "teacher": "t1", "date": "2024-01-10", "number": 1, "topic": "Дроби"}],
         "attendance": [], "mark_changes": [], "final_marks": [])");
  auto d = diagnose(text);
  CHECK(d == V{"j.json: /lessons/2 (id l3): warning: control work number 3 in Математика for 5А in "
               "1 четверть; the limit is 2"});
}
