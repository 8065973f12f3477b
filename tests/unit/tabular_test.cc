#include <catch2/catch.hpp>

#include "helpers.h"
#include "ingest/oneroster.h"
#include "ingest/tabular.h"

using namespace jp;
using namespace jp::test;
using V = std::vector<std::string>;

namespace {

/// Tables made from rows, one per (name, rows), as CSV files named `name.csv`.
std::vector<Table> tables(const std::vector<std::pair<std::string, std::vector<V>>>& spec,
                          const std::string& sheet_of = "") {
  std::vector<Table> out;
  for (const auto& [name, rows] : spec) {
    Table t;
    t.file = sheet_of.empty() ? name + ".csv" : sheet_of;
    t.sheet = sheet_of.empty() ? "" : name;
    t.digest = name;
    uint32_t n = 0;
    for (const auto& r : rows) t.rows.push_back({++n, r});
    out.push_back(std::move(t));
  }
  return out;
}

/// Reads tables through the whole import (load, validate, checks); the diagnostics as text.
V diagnose_tables(const std::vector<Table>& ts, Journal* out = nullptr) {
  Diagnostics d;
  TabularPlaces places;
  Journal j = read_tabular(ts, d, places);
  if (j.all_files_read) validate(j, d);
  if (d.errors() == 0) check_regulations(j, d);
  V lines;
  Diagnostics placed = places.translate(d);
  for (const auto& x : placed.all()) lines.push_back(format(x));
  if (out) *out = std::move(j);
  return lines;
}

/// The journal's tables as the exporter writes them.
std::vector<Table> export_tables(const Journal& j) {
  std::vector<std::pair<std::string, std::vector<V>>> spec;
  for (const auto& s : tabular_sections()) spec.emplace_back(s, tabular_rows(j, s));
  return tables(spec);
}

const std::vector<std::pair<std::string, std::vector<V>>> kSmall{
    {"school", {{"id", "name", "director.last_name", "director.first_name"}, {"s1", "School 1", "Ivanova", "Anna"}}},
    {"year", {{"label", "start", "end"}, {"2023/2024", "01.09.2023", "2024-05-31"}}},
    {"subjects", {{"id", "name"}, {"math", "Maths"}}},
    {"teachers", {{"id", "last_name", "first_name"}, {"t1", "Petrov", "Pavel"}}},
    {"classes", {{"id", "name", "grade"}, {"c5a", "5A", "5"}}},
    {"students", {{"id", "last_name", "first_name", "class"}, {"p1", "Sidorov", "Ivan", "c5a"}}},
};

}  // namespace

TEST_CASE("tabular: columns come from the field description") {
  CHECK(tabular_columns("marks") == V{"id", "student", "lesson", "value", "work_type", "weight",
                                      "comment", "created_at", "author"});
  CHECK(tabular_columns("enrollments") ==
        V{"student", "class", "from", "to", "groups", "reason_in", "reason_out"});
  CHECK(tabular_columns("school")[2] == "director.last_name");
  CHECK(tabular_columns("settings") == V{"key", "value"});
  CHECK(tabular_section_of("dir/marks.csv") == "marks");
  CHECK(tabular_section_of("\xD0\x9E\xD1\x82\xD0\xBC\xD0\xB5\xD1\x82\xD0\xBA\xD0\xB8") == "marks");  // Отметки
  CHECK(tabular_section_of("notes.csv").empty());
}

TEST_CASE("tabular: a small hand-made journal reads; a student's class on its row") {
  Journal j;
  CHECK(diagnose_tables(tables(kSmall), &j) == V{});
  REQUIRE(j.students.size() == 1);
  REQUIRE(j.students[0].enrollments.size() == 1);
  CHECK(j.students[0].enrollments[0].class_id == "c5a");
  CHECK(format_date(j.students[0].enrollments[0].from) == "2023-09-01");  // ДД.ММ.ГГГГ
  CHECK(j.school.director.last_name == "Ivanova");
  CHECK(j.classes[0].grade == 5);
}

TEST_CASE("tabular: every error names the row and the column") {
  auto spec = kSmall;
  spec[4].second.push_back({"c5b", "5B", "five"});
  spec[5].second.push_back({"p2", "", "Olga", "c5a"});
  spec.push_back({"enrollments", {{"student", "class", "from"}, {"nobody", "c5a", "2023-09-01"}}});
  spec.push_back({"marks", {{"id", "student", "lesson", "value", "weight"}, {"m1", "p1", "l1", "5", "x", "extra"}}});
  V d = diagnose_tables(tables(spec));
  CHECK(d == V{"classes.csv: row 3, column C (grade) (id c5b): expected an integer, got \"five\"",
               "students.csv: row 3 (id p2): missing required field \"last_name\"",
               "enrollments.csv: row 2, column A (student): student \"nobody\" is not in the students table",
               "marks.csv: row 2, column F (id m1): a value in a column without a header: \"extra\" (a "
               "row with too many fields?)",
               "marks.csv: row 2, column E (weight) (id m1): expected a number (4.5 or 4,5), got \"x\""});
  // With the weight right, the cell under no header still refuses the row.
  std::string two = "2";  // swapped in: GCC 12's -Wrestrict misfires on assigning a literal here
  spec.back().second[1][4].swap(two);
  d = diagnose_tables(tables(spec));
  CHECK(matching(d, "without a header") ==
        V{"marks.csv: row 2, column F (id m1): a value in a column without a header: \"extra\" (a row with too many fields?)"});
}

TEST_CASE("tabular: a workbook's places are sheet!cell") {
  auto spec = kSmall;
  spec[4].second.push_back({"c5b", "5B", "12"});
  V d = diagnose_tables(tables(spec, "book.xlsx"));
  CHECK(d == V{"book.xlsx: classes!C3 (grade) (id c5b): expected an integer from 1 to 11, got 12"});
}

TEST_CASE("tabular: Russian column titles and words") {
  auto spec = kSmall;
  // Фамилия, Имя, Класс
  spec[5].second[0] = {"id", "\xD0\xA4\xD0\xB0\xD0\xBC\xD0\xB8\xD0\xBB\xD0\xB8\xD1\x8F",
                       "\xD0\x98\xD0\xBC\xD1\x8F", "\xD0\x9A\xD0\x9B\xD0\x90\xD0\xA1\xD0\xA1"};
  spec.push_back({"subjects2", {}});
  Journal j;
  V d = diagnose_tables(tables(spec), &j);
  CHECK(d == V{"subjects2.csv: warning: not a table of journalpress-tabular/1 (its name is no "
               "section); ignored"});
  REQUIRE(j.students.size() == 1);
  CHECK(j.students[0].person.last_name == "Sidorov");
}

TEST_CASE("tabular: the base journal goes out and comes back the same") {
  Diagnostics d;
  Journal a = load_journal_text("j.json", base_journal(), d);
  REQUIRE(d.errors() == 0);
  validate(a, d);
  REQUIRE(d.errors() == 0);
  auto ts = export_tables(a);
  Journal b;
  V diag = diagnose_tables(ts, &b);
  CHECK(matching(diag, "error") == V{});
  CHECK(b.students.size() == a.students.size());
  CHECK(b.marks.size() == a.marks.size());
  CHECK(b.lessons.size() == a.lessons.size());
  CHECK(b.exported_at == a.exported_at);
  CHECK(b.settings.edit_lock == a.settings.edit_lock);
  // Written again, every table is the same, cell for cell.
  for (const auto& s : tabular_sections()) {
    INFO(s);
    CHECK(tabular_rows(b, s) == tabular_rows(a, s));
  }
}

TEST_CASE("oneroster: the gradebook files' columns are the 1.2.1 CSV binding's, in its order") {
  // 1EdTech's "OneRoster: CSV Binding" 1.2.1 Final Release, section 3; the export writes
  // these, and a change of them is a change of what other systems read.
  CHECK(oneroster_columns("categories") == V{"sourcedId", "status", "dateLastModified", "title", "weight"});
  CHECK(oneroster_columns("lineItems") ==
        V{"sourcedId", "status", "dateLastModified", "title", "description", "assignDate", "dueDate",
          "classSourcedId", "categorySourcedId", "academicSessionSourcedId", "resultValueMin",
          "resultValueMax", "schoolSourcedId"});
  CHECK(oneroster_columns("results") ==
        V{"sourcedId", "status", "dateLastModified", "lineItemSourcedId", "studentSourcedId",
          "scoreStatus", "score", "scoreDate", "comment", "textScore", "classSourcedId", "inProgress",
          "incomplete", "late", "missing"});
  // 1.2.1 took 1.2's resourceSourcedIds out of users.csv.
  const V& users = oneroster_columns("users");
  CHECK(std::find(users.begin(), users.end(), "resourceSourcedIds") == users.end());
  CHECK(users.size() == 22);
  CHECK(oneroster_columns("userProfiles").empty());  // a file journalpress neither reads nor writes
}

TEST_CASE("oneroster: a 1.2 result's textScore is its mark; 1.1's and 1.2.0's columns are known") {
  // Columns of three versions at once: 1.1's users.role, orgSourcedIds and lineItems'
  // gradingPeriodSourcedId, 1.2.0's users.resourceSourcedIds, 1.2's academicSessionSourcedId.
  auto ts = tables({
      {"orgs", {{"sourcedId", "name", "type"}, {"sch1", "School 1", "school"}}},
      {"users", {{"sourcedId", "enabledUser", "orgSourcedIds", "role", "givenName", "familyName", "resourceSourcedIds"},
                 {"p1", "true", "sch1", "student", "Ivan", "Sidorov", ""}}},
      {"classes", {{"sourcedId", "title", "classType", "courseSourcedId"}, {"c5a", "5A", "homeroom", "math"}}},
      {"lineItems", {{"sourcedId", "title", "assignDate", "classSourcedId", "categorySourcedId",
                      "gradingPeriodSourcedId", "academicSessionSourcedId", "schoolSourcedId"},
                     {"li1", "Test", "2024-09-10", "c5a", "", "q1", "q1", "sch1"}}},
      {"results", {{"sourcedId", "lineItemSourcedId", "studentSourcedId", "scoreStatus", "score", "textScore", "classSourcedId"},
                   {"r1", "li1", "p1", "fully graded", "", "\xD0\xB7\xD0\xB0\xD1\x87", "c5a"},  // зач
                   {"r2", "li1", "p1", "fully graded", "4.0", "", "c5a"},
                   {"r3", "li1", "p1", "fully graded", "5", "5", "c5a"}}},
  });
  Diagnostics d;
  oneroster_to_tabular(ts, d);
  V said;
  for (const auto& x : d.all()) said.push_back(format(x));
  CHECK(said == V{});
  auto marks = std::find_if(ts.begin(), ts.end(), [](const Table& t) { return t.section == "marks"; });
  REQUIRE(marks != ts.end());
  const V& cols = tabular_columns("marks");
  size_t value = std::find(cols.begin(), cols.end(), "value") - cols.begin();
  REQUIRE(marks->rows.size() == 4);
  CHECK(marks->rows[1].cells[value] == "\xD0\xB7\xD0\xB0\xD1\x87");
  CHECK(marks->rows[2].cells[value] == "4");  // a float score, as 1.1 readers wrote them
  CHECK(marks->rows[3].cells[value] == "5");  // score before textScore
}
