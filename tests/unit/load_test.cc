#include <catch2/catch.hpp>

#include "helpers.h"

using namespace jp;
using namespace jp::test;
using V = std::vector<std::string>;

TEST_CASE("load: the base journal has no diagnostics and all its records") {
  Diagnostics d;
  Journal j = load_journal_text("j.json", base_journal(), d);
  CHECK(d.all().empty());
  CHECK(j.school.id == "s1");
  CHECK(j.school.timezone == "Europe/Moscow");
  CHECK(j.year.label == "2023/2024");
  CHECK(j.students.size() == 4);
  CHECK(j.lessons.size() == 6);
  CHECK(j.marks.size() == 3);
  CHECK(j.settings.min_marks == 1);
  CHECK(j.settings.edit_lock == "2w");
  CHECK(j.settings.control_limit == 1);  // default
  CHECK(j.lessons[4].cancelled);
  CHECK(j.lessons[5].kind == "control");
  CHECK(j.students[1].enrollments.size() == 2);
  CHECK(j.students[1].enrollments[0].to.has_value());
  CHECK(j.guardians[1].delivery == "paper");
  CHECK(j.guardians[0].delivery == "electronic");
  CHECK(j.work_types[0].weight == 1);
  CHECK(j.work_types[1].control);
}

TEST_CASE("load: syntax errors give FILE:LINE:COLUMN") {
  CHECK(diagnose("{\"format\": \"journalpress/1\",\n  \"marks\": [}\n") ==
        V{"j.json:2:13: syntax error while parsing value - unexpected '}'; expected '[', '{', or a "
          "literal"});
  CHECK(diagnose("") == V{"j.json:1:1: syntax error while parsing value - unexpected end of input; "
                          "expected '[', '{', or a literal"});
  CHECK(diagnose("{\"format\": \"journalpress/1\", \"x\": \"\xff\"}") ==
        V{"j.json:1:36: syntax error while parsing value - invalid string: ill-formed UTF-8 byte; "
          "last read: '\"\xff'"});
}

TEST_CASE("load: required fields and types, at the field's pointer") {
  auto d = matching(
      diagnose(
          base_journal(R"("marks": [{"id": "m9", "student": "s1", "lesson": "l1", "weight": 0}])")),
      "/marks/");
  CHECK(d == V{"j.json: /marks/0 (id m9): missing required field \"value\"",
               "j.json: /marks/0/weight (id m9): expected a positive number, got 0"});
  d = diagnose(base_journal(
      R"("bells": [{"number": 1, "start": "09:00", "end": "08:45"}, {"number": "2", "start": "9:00", "end": "09:45"}])"));
  CHECK(d == V{"j.json: /bells/0/end (number 1): expected the end of the lesson after its start",
               "j.json: /bells/1/number (number 2): expected an integer, got a string",
               "j.json: /bells/1/start (number 2): expected a time HH:MM, got \"9:00\""});
}

TEST_CASE("load: a rejected record is reported once, not again by every reference to it") {
  // Class 5a and its groups are dropped; students, lessons and marks that name them
  // must not each add an "unknown class" error.
  auto d = diagnose(base_journal(
      R"("classes": [{"id": "5a", "name": "5А", "grade": 12, "days_per_week": 7,
                      "groups": [{"id": "5a-en1", "subject": "eng", "name": "1"}, {"id": "5a-en2", "subject": "eng", "name": "2"}]},
                     {"id": "5b", "name": "5Б", "grade": 5}, {"id": "1a", "name": "1А", "grade": 1},
                     {"id": "10a", "name": "10А", "grade": 10}])"));
  CHECK(d == V{"j.json: /classes/0/grade (id 5a): expected an integer from 1 to 11, got 12",
               "j.json: /classes/0/days_per_week (id 5a): expected an integer from 5 to 6, got 7"});
}

TEST_CASE("load: marks written as numbers are read as their text") {
  Diagnostics d;
  Journal j = load_journal_text(
      "j.json",
      base_journal(R"("marks": [{"id": "m9", "student": "s1", "lesson": "l1", "value": 5}])"), d);
  REQUIRE(j.marks.size() == 1);
  CHECK(j.marks[0].value == "5");
}

TEST_CASE("load: null optional fields are absent, null required ones are missing") {
  Diagnostics d;
  Journal j = load_journal_text(
      "j.json",
      base_journal(
          R"("remarks": [{"id": "r1", "student": "s1", "date": "2023-09-04", "teacher": "t1", "text": null, "kind": null}])"),
      d);
  REQUIRE(d.all().size() == 1);
  CHECK(format(d.all()[0]) == "j.json: /remarks/0 (id r1): missing required field \"text\"");
}

TEST_CASE("load: unknown fields warn once per name, with a count") {
  auto d = diagnose(
      base_journal(
          R"("events": [{"id": "e1", "date": "2023-09-01", "title": "x", "place": "зал"}, {"id": "e2", "date": "2023-09-01", "title": "y", "place": "двор"}])"),
      false);
  CHECK(d == V{"j.json: /events/0/place (id e1): warning: unknown field \"place\" in events "
               "ignored (2 records)"});
}

TEST_CASE("load: diagnostics report limits errors and counts the rest") {
  Diagnostics d;
  for (int i = 0; i < 5; ++i)
    d.error("f.json", "/marks/" + std::to_string(i), "id m" + std::to_string(i), "bad");
  for (int i = 0; i < 4; ++i)
    d.warning("late-mark", "f.json", "/marks/" + std::to_string(i), "", "late");
  CHECK(d.report(2, 3) ==
        "f.json: /marks/0 (id m0): bad\nf.json: /marks/1 (id m1): bad\n... and 3 more errors not "
        "shown\n"
        "f.json: /marks/0: warning: late\nf.json: /marks/1: warning: late\nf.json: /marks/2: "
        "warning: late\n"
        "... and 1 more warnings of kind late-mark\n");
}

namespace {

/// A document written as text (base_journal() parses its extra sections, which would
/// throw on 1e400 and drop a duplicate key).
std::string raw(const std::string& sections) {
  return R"({"format": "journalpress/1", )" + sections + "}";
}

}  // namespace

TEST_CASE("load: a number out of range is an error at its pointer, never an abort") {
  // nlohmann throws out_of_range 406 for these: the process used to abort (rc 134).
  CHECK(matching(diagnose(raw(R"("exported_at": 1e400)"), false), "/exported_at") ==
        V{"j.json: /exported_at: number out of range"});
  auto d = matching(
      diagnose(raw(
          R"("marks": [{"id": "m9", "student": "s1", "lesson": "l1", "value": "5", "weight": -1e999}])")),
      "/marks/");
  CHECK(d == V{"j.json: /marks/0/weight (id m9): number out of range"});
  d = matching(diagnose(raw(R"("periods": [{"id": "q9", "grades": [5, 1e400]}])")), "/periods/");
  CHECK(d == V{"j.json: /periods/0/grades/1 (id q9): number out of range"});
}

TEST_CASE("load: a file with many numbers out of range is reported up to a limit") {
  std::string marks;
  for (int i = 0; i < 12; ++i)
    marks += std::string(i ? "," : "") + R"({"id": "m)" + std::to_string(i) +
             R"(", "student": "s1", "lesson": "l1", "value": "5", "weight": 1e999})";
  auto d = diagnose(R"({"format": "journalpress/1", "marks": [)" + marks + "]}", false);
  REQUIRE(d.size() == 12);
  CHECK(d[0] == "j.json: /marks/0/weight: number out of range");
  CHECK(d[10] == "j.json: /marks/10/weight: number out of range");
  CHECK(d[11] == "j.json: more than 10 numbers out of range; the rest of the file was not read");
}

TEST_CASE("load: integers beyond 64 bits and absurd weights are refused") {
  auto d =
      matching(diagnose(base_journal(
                   R"("bells": [{"number": 18446744073709551615, "start": "08:00", "end": "08:45"}],
                           "work_types": [{"id": "w9", "name": "x", "weight": 1e308}])")),
               "number");
  CHECK(d == V{"j.json: /bells/0/number (number 18446744073709551615): expected an integer from 0 "
               "to 20, got 18446744073709551615",
               "j.json: /work_types/0/weight (id w9): expected a number of at most 100, got "
               "1e+308"});
}

TEST_CASE("load: a duplicate key is refused, naming the key and its record") {
  CHECK(matching(diagnose(raw(R"("format": "journalpress/1")"), false), "/format") ==
        V{"j.json: /format: duplicate key \"format\": a key may appear once in an object"});
  auto d = matching(
      diagnose(raw(
          R"("students": [{"id": "s9", "last_name": "А", "first_name": "Б", "first_name": "В",
                           "enrollments": [{"class": "5a", "from": "2023-09-01", "from": "2023-09-02"}]}])")),
      "duplicate");
  CHECK(d == V{"j.json: /students/0/first_name (id s9): duplicate key \"first_name\": a key may "
               "appear once in an object",
               "j.json: /students/0/enrollments/0/from (id s9): duplicate key \"from\": a key may "
               "appear once in an object"});
}

TEST_CASE("load: nesting far deeper than the format's is refused, not followed") {
  std::string deep =
      R"({"format": "journalpress/1", "x": )" + std::string(100, '[') + std::string(100, ']') + "}";
  CHECK(diagnose(deep, false) ==
        V{"j.json: /x/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0/0: nested "
          "deeper than 32 levels; a journalpress/1 file nests 6"});
}

TEST_CASE("load: the year label is YYYY/YYYY of two consecutive years") {
  auto label = [](const std::string& l) {
    std::string text = base_journal();
    auto at = text.find("\"2023/2024\"");
    text.replace(at, 11, l);
    return matching(diagnose(text), "/year/label");
  };
  CHECK(label(R"("2023/2024")").empty());
  const std::string want =
      "j.json: /year/label: expected a year label of two consecutive years "
      "such as \"2023/2024\", got ";
  CHECK(label(R"("..")") == V{want + "\"..\""});
  CHECK(label(R"("2023/2025")") == V{want + "\"2023/2025\""});
  CHECK(label(R"("2023-2024")") == V{want + "\"2023-2024\""});
  CHECK(label(R"("2023/2024/")") == V{want + "\"2023/2024/\""});
  CHECK(label(R"("")") == V{want + "\"\""});
  CHECK(label(R"("2023/2024\n")") ==
        V{"j.json: /year/label: expected text without control or bidirectional-override "
          "characters, got U+000A in \"2023/2024\\u000A\""});
  CHECK(label(R"("2023\t2024")") ==
        V{"j.json: /year/label: expected text without control or bidirectional-override "
          "characters, got U+0009 in \"2023\\u00092024\""});
}

TEST_CASE("load: free text keeps tabs and line breaks and shows other controls as U+FFFD") {
  Diagnostics d;
  Journal j = load_journal_text(
      "j.json",
      base_journal(
          R"("remarks": [{"id": "r9", "student": "s1", "date": "2023-09-04", "teacher": "t1", "text": "a\tb\nc\u202ed\u0000"}])"),
      d);
  REQUIRE(j.remarks.size() == 1);
  CHECK(j.remarks[0].text ==
        "a\tb\nc\xEF\xBF\xBD"
        "d\xEF\xBF\xBD");
  REQUIRE(d.all().size() == 1);
  CHECK(format(d.all()[0]) ==
        "j.json: /remarks/0/text (id r9): warning: 2 control or bidirectional-override characters "
        "(the first U+202E) shown as U+FFFD");
}

TEST_CASE("load: a hostile id is quoted in the record label, cut and with controls escaped") {
  auto d = diagnose(base_journal(R"("remarks": [{"id": "r\u202e1", "student": "s1"}])"), false);
  REQUIRE(!d.empty());
  CHECK(d[0] ==
        "j.json: /remarks/0/id (id r\\u202E1): expected text without control or "
        "bidirectional-override characters, got U+202E in \"r\\u202E1\"");
}
