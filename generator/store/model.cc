#include "store/model.h"

#include <fmt/format.h>

#include <exception>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "core/thread_pool.h"
#include "ingest/validate.h"
#include "store/record_sql.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace jp {
namespace {

/// Runs `sql` (with `?1` = the dataset) and calls `row` for each row.
template <class F>
void each(Db& db, long long ds, const std::string& sql, F row) {
  Stmt st(db.handle(), sql);
  st.bind(1, ds);
  uint32_t n = 0;
  while (st.step()) row(st, Src{0, n++});
}

/// Rows of a dataset's table: read first so that the big vectors are allocated once
/// (growing a vector of 240,000 marks moves every mark's strings several times).
size_t row_count(Db& db, long long ds, const char* table) {
  size_t n = 0;
  each(db, ds, fmt::format("SELECT count(*) FROM {} WHERE ds = ?1", table),
       [&](Stmt& st, Src) { n = size_t(st.integer(0)); });
  return n;
}

/// Prepares a connection for reading a dataset. The file is mapped rather than read page by page
/// into SQLite's small cache: the journal (~70 MB for a large school) is read whole, and
/// mapping saves a copy of every page (measured with the vectors sized once: the whole read,
/// median of 10, 0.80 s -> 0.72 s).
void map_for_reading(Db& db) { db.exec("PRAGMA mmap_size = 1073741824"); }

Settings settings_from_json(const std::string& text) {
  Settings s;
  auto j = nlohmann::json::parse(text);
  s.numeric_marks = j.at("numeric_marks").get<std::vector<std::string>>();
  s.other_marks = j.at("other_marks").get<std::vector<std::string>>();
  s.forecast_thresholds.clear();
  for (auto it = j.at("forecast_thresholds").begin(); it != j.at("forecast_thresholds").end(); ++it)
    s.forecast_thresholds.emplace_back(it.key(), it->get<double>());
  std::sort(s.forecast_thresholds.begin(), s.forecast_thresholds.end(),
            [](auto& a, auto& b) { return a.second > b.second; });
  s.control_limit = j.at("control_limit");
  s.grading_deadline_primary = j.at("grading_deadline_days").at("primary");
  s.grading_deadline_basic = j.at("grading_deadline_days").at("basic");
  s.homework_deadline_hours = j.at("homework_deadline_hours");
  s.attendance_codes = j.at("attendance_codes").get<std::map<std::string, std::string>>();
  s.min_marks = j.at("min_marks");
  s.edit_lock = j.at("edit_lock");
  return s;
}

}  // namespace

DatasetRef choose_dataset(const std::string& db_path, const std::string& school,
                          const std::string& year) {
  check_database(db_path);
  Db db(db_path, false);
  Stmt st(db.handle(),
          "SELECT ds, school_id, year_label FROM datasets ORDER BY school_id, year_label");
  std::vector<DatasetRef> all, match;
  while (st.step()) {
    DatasetRef r{st.integer(0), st.text(1), st.text(2)};
    all.push_back(r);
    if ((school.empty() || r.school_id == school) && (year.empty() || r.year_label == year))
      match.push_back(r);
  }
  if (match.size() == 1) return match[0];
  std::string list;
  for (const auto& r : all)
    list += fmt::format("\n  --school {} --year {}", r.school_id, r.year_label);
  if (all.empty())
    throw std::runtime_error(
        fmt::format("the database {} holds no journal; run `journalpress import` first", db_path));
  if (match.empty())
    throw std::runtime_error(fmt::format("the database {} holds no journal for{}{}; it holds:{}",
                                         db_path, school.empty() ? "" : " school " + school,
                                         year.empty() ? "" : " year " + year, list));
  throw std::runtime_error(
      fmt::format("the database {} holds several journals; choose one with --school and --year:{}",
                  db_path, list));
}

namespace {

/// Every record of a table, in input order, read as core/records.h describes them.
template <class T>
void read_records(Db& db, long long ds, const char* table, std::vector<T>& into) {
  into.reserve(row_count(db, ds, table));
  each(db, ds, sql::select_sql<T>(table, {}), [&](Stmt& st, Src src) {
    T& x = into.emplace_back();  // in place: records are mostly strings
    sql::Read r{st, 0};
    describe(r, x);
    x.src = src;
  });
}

template <class T>
void read_one(Db& db, long long ds, const char* table, T& x) {
  each(db, ds, sql::select_sql<T>(table, {}, ""), [&](Stmt& st, Src) {
    sql::Read r{st, 0};
    describe(r, x);
  });
}

std::map<std::string, size_t> index_of(const auto& records) {
  std::map<std::string, size_t> ix;
  for (size_t i = 0; i < records.size(); ++i) ix[records[i].id] = i;
  return ix;
}

/// The tables of lists and nested records, back into their records.
void read_children(Db& db, long long ds, Journal& j) {
  auto class_ix = index_of(j.classes);
  each(db, ds, sql::select_sql<Group>("groups", {"class"}), [&](Stmt& st, Src) {
    Group& g = j.classes[class_ix.at(st.text(0))].groups.emplace_back();
    sql::Read r{st, 1};
    describe(r, g);
  });
  auto student_ix = index_of(j.students);
  each(db, ds, sql::select_sql<Enrollment>("enrollments", {"student"}, "student, seq"),
       [&](Stmt& st, Src) {
         Enrollment& e = j.students[student_ix.at(st.text(0))].enrollments.emplace_back();
         sql::Read r{st, 1};
         describe(r, e);
       });
  each(db, ds,
       "SELECT student, seq, grp FROM enrollment_groups WHERE ds = ?1 ORDER BY student, seq, grp",
       [&](Stmt& st, Src) {
         j.students[student_ix.at(st.text(0))]
             .enrollments.at(st.integer(1))
             .groups.push_back(st.text(2));
       });
  auto guardian_ix = index_of(j.guardians);
  // The children in the order the input gave them is not kept; order by the student's seq.
  each(db, ds,
       "SELECT gc.guardian, gc.student FROM guardian_children gc JOIN students s ON s.ds = gc.ds "
       "AND s.id = gc.student WHERE gc.ds = ?1 ORDER BY gc.guardian, s.seq",
       [&](Stmt& st, Src) {
         j.guardians[guardian_ix.at(st.text(0))].children.push_back(st.text(1));
       });
  auto event_ix = index_of(j.events);
  each(db, ds, "SELECT id, whole_school FROM events WHERE ds = ?1", [&](Stmt& st, Src) {
    if (st.integer(1) == 0) j.events[event_ix.at(st.text(0))].classes = std::vector<std::string>{};
  });
  each(db, ds, "SELECT event, class FROM event_classes WHERE ds = ?1 ORDER BY event, class",
       [&](Stmt& st, Src) { j.events[event_ix.at(st.text(0))].classes->push_back(st.text(1)); });
}

/// Everything but the marks.
void read_tables(Db& db, long long ds, Journal& j) {
  each(db, ds, "SELECT exported_at, settings FROM datasets WHERE ds = ?1", [&](Stmt& st, Src) {
    j.exported_at = st.text(0);
    j.settings = settings_from_json(st.text(1));
  });
  read_one(db, ds, "schools", j.school);
  read_one(db, ds, "years", j.year);
  read_records(db, ds, "periods", j.periods);
  read_records(db, ds, "holidays", j.holidays);
  read_records(db, ds, "bells", j.bells);
  read_records(db, ds, "work_types", j.work_types);
  read_records(db, ds, "subjects", j.subjects);
  read_records(db, ds, "teachers", j.teachers);
  read_records(db, ds, "classes", j.classes);
  read_records(db, ds, "students", j.students);
  read_records(db, ds, "guardians", j.guardians);
  read_records(db, ds, "lessons", j.lessons);
  read_records(db, ds, "individual_homework", j.individual_homework);
  read_records(db, ds, "attendance", j.attendance);
  read_records(db, ds, "final_marks", j.final_marks);
  read_records(db, ds, "mark_changes", j.mark_changes);
  read_records(db, ds, "remarks", j.remarks);
  read_records(db, ds, "events", j.events);
  read_children(db, ds, j);
}

}  // namespace

Journal read_journal(const std::string& db_path, const DatasetRef& ref, ThreadPool* pool) {
  Journal j;
  j.files = {db_path};
  long long ds = ref.ds;
  // The marks, the largest table, are read on a second connection and core meanwhile.
  // Each connection reads in one transaction, and the first holds its shared lock until
  // the second has read: no import can commit in between (it needs an exclusive lock).
  Db db(db_path, false);
  map_for_reading(db);
  Transaction reading(db);
  each(db, ds, "SELECT count(*) FROM datasets WHERE ds = ?1", [](Stmt&, Src) {});
  auto read = [&](size_t task, unsigned) {
    if (task == 0) return read_tables(db, ds, j);
    Db marks_db(db_path, false);
    map_for_reading(marks_db);
    read_records(marks_db, ds, "marks", j.marks);
  };
  for_each(pool, 2, read);
  reading.commit();
  Diagnostics diag;
  validate(j, diag, pool);
  if (diag.errors() > 0)
    throw std::runtime_error(fmt::format("the journal stored in {} does not resolve: {}", db_path,
                                         format(diag.all().front())));
  return j;
}

DatasetFacts dataset_facts(Db& db, long long ds) {
  DatasetFacts f;
  Stmt st(db.handle(),
          "SELECT d.content_digest, s.timezone, y.label, y.start, y.end FROM datasets d "
          "LEFT JOIN schools s ON s.ds = d.ds LEFT JOIN years y ON y.ds = d.ds WHERE d.ds = ?");
  st.bind(1, ds);
  if (st.step()) {
    f.content_digest = st.text(0), f.timezone = st.text(1), f.year_label = st.text(2);
    f.year_start = parse_date(st.text(3)).value_or(0);
    f.year_end = parse_date(st.text(4)).value_or(0);
  }
  return f;
}

LessonSpan lesson_span(Db& db, long long ds, Day today) {
  LessonSpan span;
  // Dates are stored as YYYY-MM-DD, so text order is date order.
  Stmt st(db.handle(),
          "SELECT (SELECT max(date) FROM lessons WHERE ds = ?1 AND date <= ?2), "
          "(SELECT min(date) FROM lessons WHERE ds = ?1)");
  st.bind(1, ds).bind(2, format_date(today));
  if (st.step()) {
    if (!st.is_null(0)) span.last_before = parse_date(st.text(0));
    if (!st.is_null(1)) span.first = parse_date(st.text(1));
  }
  return span;
}

std::string archive_horizon(Db& db, long long ds, Day today) {
  // The entry's date as written (the date part of its ISO timestamp), as archive_dates
  // reads it.
  Stmt st(db.handle(),
          "SELECT (SELECT max(date) FROM lessons WHERE ds = ?1 AND date <= ?2), "
          "(SELECT max(substr(created_at, 1, 10)) FROM final_marks WHERE ds = ?1 AND "
          "substr(created_at, 1, 10) <= ?2), "
          "(SELECT max(end) FROM periods WHERE ds = ?1 AND end <= ?2), "
          "(SELECT end < ?2 FROM years WHERE ds = ?1)");
  st.bind(1, ds).bind(2, format_date(today));
  std::string key;
  if (st.step())
    for (int c = 0; c < 4; ++c) key += (st.is_null(c) ? std::string("-") : st.text(c)) + ";";
  return key;
}

}  // namespace jp
