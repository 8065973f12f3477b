#include <catch2/catch.hpp>

#include "core/thread_pool.h"
#include "helpers.h"

using namespace jp;
using namespace jp::test;
using V = std::vector<std::string>;

namespace {
Journal validated(const std::string& text, Diagnostics& d) {
  Journal j = load_journal_text("j.json", text, d);
  validate(j, d);
  return j;
}
}  // namespace

TEST_CASE("validate: resolves every reference into indices") {
  Diagnostics d;
  Journal j = validated(base_journal(), d);
  REQUIRE(d.errors() == 0);
  const Lesson& l2 = j.lessons[1];
  CHECK(j.classes[l2.class_ix].id == "5a");
  CHECK(j.subjects[l2.subject_ix].id == "eng");
  CHECK(j.group(l2.group_ref).id == "5a-en1");
  CHECK(j.marks[0].student_ix == 0);
  CHECK(j.marks[0].work_type_ix == 0);
  CHECK(j.final_marks[0].period_ix == 0);
  CHECK(j.guardians[2].children_ix == std::vector<int>{3, 1});
  CHECK(j.events[1].classes_ix == std::vector<int>{0});
  CHECK(j.classes[0].homeroom_ix == 0);
}

TEST_CASE("validate: a transferred student belongs to each class only in its dates") {
  Diagnostics d;
  Journal j = validated(base_journal(), d);
  const Student& s2 = j.students[1];
  CHECK(class_on(s2, *parse_date("2023-12-29")) == 0);
  CHECK(class_on(s2, *parse_date("2024-01-05")) == -1);  // between the two enrollments
  CHECK(class_on(s2, *parse_date("2024-01-09")) == 1);
  CHECK(enrollment_for(s2, j.lessons[5]) == &s2.enrollments[1]);
  CHECK(enrollment_for(s2, j.lessons[1]) == nullptr);  // l2 is group 5a-en1; s2 is in en2
}

TEST_CASE("validate: the example from the format, word for word") {
  auto d = diagnose(base_journal(
      R"("lessons": [{"id": "l9", "class": "5a", "subject": "math", "teacher": "t1", "date": "2024-02-12", "number": 1, "topic": "x"}],
         "marks": [{"id": "m1041", "student": "s2", "lesson": "l9", "value": "4"}],
         "attendance": [], "final_marks": [], "mark_changes": [])"));
  CHECK(d == V{"j.json: /marks/0 (id m1041): student \"s2\" is not enrolled in 5А on 2024-02-12"});
}

TEST_CASE("validate: all errors are collected, not only the first") {
  auto d = diagnose(base_journal(
      R"("marks": [{"id": "m1", "student": "x1", "lesson": "l1", "value": "5"},
                   {"id": "m1", "student": "s1", "lesson": "y1", "value": "9"}],
         "mark_changes": [])"));
  CHECK(d ==
        V{"j.json: /marks/1/id (id m1): duplicate id \"m1\"; first defined at j.json: /marks/0",
          "j.json: /marks/0/student (id m1): unknown student \"x1\"",
          "j.json: /marks/1/lesson (id m1): unknown lesson \"y1\"",
          "j.json: /marks/1/value (id m1): mark \"9\" is not one of the school's marks (\"5\", "
          "\"4\", \"3\", \"2\", \"1\", \"н/а\", \"зач\", \"незач\", \"осв\")"});
}

TEST_CASE("validate: custom mark scales are honoured") {
  auto d = diagnose(base_journal(
      R"("settings": {"numeric_marks": ["10", "9", "8"], "other_marks": ["зач"], "min_marks": 0},
         "marks": [{"id": "m1", "student": "s1", "lesson": "l1", "value": "9"}],
         "final_marks": [], "mark_changes": [])"));
  CHECK(d.empty());
}

TEST_CASE("validate: the marks resolved on the cores give what one thread gives, in order") {
  // Enough marks for the ranges (20,000 and more), with an error of each kind spread over
  // them: unknown references, duplicate ids, a value off the scale, a student not in the
  // lesson's group.
  std::string marks;
  const int n = 25000;
  for (int i = 0; i < n; ++i) {
    std::string id = "m" + std::to_string(i), student = "s1", lesson = "l1", value = "5";
    if (i % 997 == 5) student = "nobody" + std::to_string(i);
    if (i % 1499 == 7) id = "m" + std::to_string(i / 2);  // an id given before
    if (i % 2003 == 11) value = "9";
    if (i % 3001 == 13) lesson = "nowhere";
    if (i % 4001 == 17) student = "s2";  // not in 5a-en1, lesson l2's group
    if (i % 4001 == 17) lesson = "l2";
    marks += (marks.empty() ? "" : ",\n") + std::string(R"({"id": ")") + id +
             R"(", "student": ")" + student + R"(", "lesson": ")" + lesson +
             R"(", "value": ")" + value + "\"}";
  }
  const std::string text =
      base_journal(R"("marks": [)" + marks + R"(], "final_marks": [], "mark_changes": [])");
  auto run = [&](ThreadPool* pool, std::vector<int>& resolved) {
    Diagnostics d;
    Journal j = load_journal_text("j.json", text, d);
    REQUIRE(d.errors() == 0);
    validate(j, d, pool);
    for (const Mark& m : j.marks) resolved.push_back(m.student_ix * 100000 + m.lesson_ix);
    std::vector<std::string> all;
    for (const auto& x : d.all()) all.push_back(format(x));
    return all;
  };
  std::vector<int> one_ix, two_ix, four_ix;
  ThreadPool two(2), four(4);
  const auto one = run(nullptr, one_ix);
  CHECK(one.size() > 60);  // every kind of error, many times
  CHECK(run(&two, two_ix) == one);
  CHECK(run(&four, four_ix) == one);
  CHECK(two_ix == one_ix);
  CHECK(four_ix == one_ix);
  // In input order: the duplicate ids first (the index), then each mark's own.
  CHECK(one.front().find("duplicate id") != std::string::npos);
  CHECK(one.back().find("/marks/24") != std::string::npos);
}
