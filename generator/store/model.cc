#include "store/model.h"

#include <fmt/format.h>

#include <exception>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <thread>

#include "ingest/validate.h"
#include "store/sqlite.h"
#include "store/store.h"

namespace jp {
namespace {

Day date_col(const Stmt& st, int col) {
  auto d = parse_date(st.text(col));
  if (!d)
    throw std::runtime_error(fmt::format("the database holds a bad date \"{}\"", st.text(col)));
  return *d;
}

std::optional<Day> opt_date_col(const Stmt& st, int col) {
  if (st.is_null(col)) return std::nullopt;
  return date_col(st, col);
}

int clock_col(const Stmt& st, int col) { return parse_clock(st.text(col)).value_or(0); }

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

Journal read_journal(const std::string& db_path, const DatasetRef& ref) {
  Db db(db_path, false);
  map_for_reading(db);
  Journal j;
  j.files = {db_path};
  long long ds = ref.ds;
  // One read transaction: its shared lock keeps an import from committing while the
  // tables are read (on two connections, below).
  db.exec("BEGIN");
  each(db, ds, "SELECT exported_at, settings FROM datasets WHERE ds = ?1", [&](Stmt& st, Src) {
    j.exported_at = st.text(0);
    j.settings = settings_from_json(st.text(1));
  });
  // The marks, the largest table, are read on a second connection and core meanwhile.
  std::exception_ptr marks_error;
  std::thread marks_reader([&] {
    try {
      Db db2(db_path, false);
      map_for_reading(db2);
      j.marks.reserve(row_count(db2, ds, "marks"));
      each(db2, ds,
           "SELECT id, student, lesson, value, work_type, weight, comment, created_at, author FROM "
           "marks "
           "WHERE ds = ?1 ORDER BY seq",
           [&](Stmt& st, Src src) {
             Mark& m = j.marks.emplace_back();  // in place: a Mark is 9 strings
             m.id = st.text(0), m.student = st.text(1), m.lesson = st.text(2), m.value = st.text(3);
             m.work_type = st.text(4);
             if (!st.is_null(5)) m.weight = st.real(5);
             m.comment = st.text(6), m.created_at = st.text(7), m.author = st.text(8);
             if (!m.created_at.empty()) m.created_ts = parse_timestamp(m.created_at);
             m.src = src;
           });
    } catch (...) {
      marks_error = std::current_exception();
    }
  });
  struct Join {
    std::thread& t;
    ~Join() {
      if (t.joinable()) t.join();
    }
  } join{marks_reader};
  each(db, ds,
       "SELECT id, name, short_name, city, address, phone, email, website, timezone, "
       "director_last_name, director_first_name, director_middle_name FROM schools WHERE ds = ?1",
       [&](Stmt& st, Src) {
         School& s = j.school;
         s.id = st.text(0), s.name = st.text(1), s.short_name = st.text(2), s.city = st.text(3);
         s.address = st.text(4), s.phone = st.text(5), s.email = st.text(6), s.website = st.text(7);
         s.timezone = st.text(8);
         s.director = {st.text(9), st.text(10), st.text(11)};
       });
  each(db, ds, "SELECT label, start, end FROM years WHERE ds = ?1", [&](Stmt& st, Src) {
    j.year = {st.text(0), date_col(st, 1), date_col(st, 2)};
  });
  each(db, ds, "SELECT id, kind, name, start, end, grades FROM periods WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         Period p;
         p.id = st.text(0), p.kind = st.text(1), p.name = st.text(2);
         p.start = date_col(st, 3), p.end = date_col(st, 4);
         std::string g = st.text(5);
         for (size_t pos = 0; pos < g.size();) {
           size_t comma = g.find(',', pos);
           if (comma == std::string::npos) comma = g.size();
           p.grades.push_back(std::stoi(g.substr(pos, comma - pos)));
           pos = comma + 1;
         }
         p.src = src;
         j.periods.push_back(std::move(p));
       });
  each(db, ds, "SELECT start, end, name FROM holidays WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         j.holidays.push_back({date_col(st, 0), date_col(st, 1), st.text(2), src});
       });
  each(db, ds, "SELECT number, start, end FROM bells WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         j.bells.push_back({int(st.integer(0)), clock_col(st, 1), clock_col(st, 2), src});
       });
  each(db, ds, "SELECT id, name, weight, control FROM work_types WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         j.work_types.push_back({st.text(0), st.text(1), st.real(2), st.integer(3) != 0, src});
       });
  each(db, ds,
       "SELECT id, name, short_name, ord, graded, control_limit FROM subjects WHERE ds = ?1 ORDER "
       "BY seq",
       [&](Stmt& st, Src src) {
         Subject s;
         s.id = st.text(0), s.name = st.text(1), s.short_name = st.text(2);
         if (!st.is_null(3)) s.order = int(st.integer(3));
         s.graded = st.integer(4) != 0;
         if (!st.is_null(5)) s.control_limit = int(st.integer(5));
         s.src = src;
         j.subjects.push_back(std::move(s));
       });
  each(db, ds,
       "SELECT id, last_name, first_name, middle_name, position FROM teachers WHERE ds = ?1 ORDER "
       "BY seq",
       [&](Stmt& st, Src src) {
         j.teachers.push_back({st.text(0), {st.text(1), st.text(2), st.text(3)}, st.text(4), src});
       });
  each(db, ds,
       "SELECT id, name, grade, homeroom_teacher, days_per_week FROM classes WHERE ds = ?1 ORDER "
       "BY seq",
       [&](Stmt& st, Src src) {
         SchoolClass c;
         c.id = st.text(0), c.name = st.text(1), c.grade = int(st.integer(2));
         c.homeroom_teacher = st.text(3), c.days_per_week = int(st.integer(4));
         c.src = src;
         j.classes.push_back(std::move(c));
       });
  {
    std::map<std::string, size_t> class_ix;
    for (size_t i = 0; i < j.classes.size(); ++i) class_ix[j.classes[i].id] = i;
    each(db, ds, "SELECT id, class, subject, name FROM groups WHERE ds = ?1 ORDER BY seq",
         [&](Stmt& st, Src) {
           Group g;
           g.id = st.text(0), g.subject = st.text(2), g.name = st.text(3);
           j.classes[class_ix.at(st.text(1))].groups.push_back(std::move(g));
         });
  }
  std::map<std::string, size_t> student_ix;
  each(db, ds,
       "SELECT id, last_name, first_name, middle_name, birth_date, consent FROM students WHERE ds "
       "= ?1 "
       "ORDER BY seq",
       [&](Stmt& st, Src src) {
         Student s;
         s.id = st.text(0);
         s.person = {st.text(1), st.text(2), st.text(3)};
         s.birth_date = opt_date_col(st, 4);
         s.consent = st.integer(5) != 0;
         s.src = src;
         student_ix[s.id] = j.students.size();
         j.students.push_back(std::move(s));
       });
  each(db, ds,
       "SELECT student, class, from_date, to_date, reason_in, reason_out FROM enrollments WHERE ds "
       "= ?1 "
       "ORDER BY student, seq",
       [&](Stmt& st, Src) {
         Enrollment e;
         e.class_id = st.text(1);
         e.from = date_col(st, 2);
         e.to = opt_date_col(st, 3);
         e.reason_in = st.text(4), e.reason_out = st.text(5);
         j.students[student_ix.at(st.text(0))].enrollments.push_back(std::move(e));
       });
  each(db, ds,
       "SELECT student, seq, grp FROM enrollment_groups WHERE ds = ?1 ORDER BY student, seq, grp",
       [&](Stmt& st, Src) {
         j.students[student_ix.at(st.text(0))]
             .enrollments.at(st.integer(1))
             .groups.push_back(st.text(2));
       });
  {
    std::map<std::string, size_t> guardian_ix;
    each(db, ds,
         "SELECT id, last_name, first_name, middle_name, relation, email, phone, delivery FROM "
         "guardians "
         "WHERE ds = ?1 ORDER BY seq",
         [&](Stmt& st, Src src) {
           Guardian g;
           g.id = st.text(0);
           g.person = {st.text(1), st.text(2), st.text(3)};
           g.relation = st.text(4), g.email = st.text(5), g.phone = st.text(6),
           g.delivery = st.text(7);
           g.src = src;
           guardian_ix[g.id] = j.guardians.size();
           j.guardians.push_back(std::move(g));
         });
    // The children in the order the input gave them is not kept; order by the student's seq.
    each(db, ds,
         "SELECT gc.guardian, gc.student FROM guardian_children gc JOIN students s ON s.ds = gc.ds "
         "AND "
         "s.id = gc.student WHERE gc.ds = ?1 ORDER BY gc.guardian, s.seq",
         [&](Stmt& st, Src) {
           j.guardians[guardian_ix.at(st.text(0))].children.push_back(st.text(1));
         });
  }
  j.lessons.reserve(row_count(db, ds, "lessons"));
  each(db, ds,
       "SELECT id, class, subject, teacher, date, number, grp, substitute, topic, homework, kind, "
       "room, "
       "cancelled, homework_set_at FROM lessons WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         Lesson& l = j.lessons.emplace_back();
         l.id = st.text(0), l.class_id = st.text(1), l.subject = st.text(2), l.teacher = st.text(3);
         l.date = date_col(st, 4);
         l.number = int(st.integer(5));
         l.group = st.text(6), l.substitute = st.text(7), l.topic = st.text(8),
         l.homework = st.text(9);
         l.kind = st.text(10), l.room = st.text(11);
         l.cancelled = st.integer(12) != 0;
         l.homework_set_at = st.text(13);
         if (!l.homework_set_at.empty()) l.homework_set_ts = parse_timestamp(l.homework_set_at);
         l.src = src;
       });
  each(db, ds, "SELECT lesson, student, text FROM individual_homework WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         IndividualHomework h;
         h.lesson = st.text(0), h.student = st.text(1), h.text = st.text(2);
         h.src = src;
         j.individual_homework.push_back(std::move(h));
       });
  j.attendance.reserve(row_count(db, ds, "attendance"));
  each(db, ds,
       "SELECT student, lesson, status, reason, minutes FROM attendance WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         Attendance& a = j.attendance.emplace_back();
         a.student = st.text(0), a.lesson = st.text(1), a.status = st.text(2),
         a.reason = st.text(3);
         if (!st.is_null(4)) a.minutes = int(st.integer(4));
         a.src = src;
       });
  each(db, ds,
       "SELECT student, subject, period, value, created_at, author FROM final_marks WHERE ds = ?1 "
       "ORDER BY seq",
       [&](Stmt& st, Src src) {
         FinalMark f;
         f.student = st.text(0), f.subject = st.text(1), f.period = st.text(2),
         f.value = st.text(3);
         f.created_at = st.text(4), f.author = st.text(5);
         if (!f.created_at.empty()) f.created_ts = parse_timestamp(f.created_at);
         f.src = src;
         j.final_marks.push_back(std::move(f));
       });
  each(db, ds,
       "SELECT mark, changed_at, teacher, old, new FROM mark_changes WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         MarkChange c;
         c.mark = st.text(0), c.changed_at = st.text(1), c.teacher = st.text(2);
         if (!st.is_null(3)) c.old_value = st.text(3);
         if (!st.is_null(4)) c.new_value = st.text(4);
         c.changed_ts = parse_timestamp(c.changed_at);
         c.src = src;
         j.mark_changes.push_back(std::move(c));
       });
  each(db, ds,
       "SELECT id, student, date, teacher, text, kind FROM remarks WHERE ds = ?1 ORDER BY seq",
       [&](Stmt& st, Src src) {
         Remark r;
         r.id = st.text(0), r.student = st.text(1), r.date = date_col(st, 2),
         r.teacher = st.text(3);
         r.text = st.text(4), r.kind = st.text(5);
         r.src = src;
         j.remarks.push_back(std::move(r));
       });
  {
    std::map<std::string, size_t> event_ix;
    each(db, ds,
         "SELECT id, date, end_date, title, text, whole_school FROM events WHERE ds = ?1 ORDER BY "
         "seq",
         [&](Stmt& st, Src src) {
           Event e;
           e.id = st.text(0), e.date = date_col(st, 1), e.end_date = opt_date_col(st, 2);
           e.title = st.text(3), e.text = st.text(4);
           if (st.integer(5) == 0) e.classes = std::vector<std::string>{};
           e.src = src;
           event_ix[e.id] = j.events.size();
           j.events.push_back(std::move(e));
         });
    each(db, ds, "SELECT event, class FROM event_classes WHERE ds = ?1 ORDER BY event, class",
         [&](Stmt& st, Src) { j.events[event_ix.at(st.text(0))].classes->push_back(st.text(1)); });
  }
  Diagnostics diag;
  marks_reader.join();
  if (marks_error) std::rethrow_exception(marks_error);
  db.exec("COMMIT");
  validate(j, diag);
  if (diag.errors() > 0)
    throw std::runtime_error(fmt::format("the journal stored in {} does not resolve: {}", db_path,
                                         format(diag.all().front())));
  return j;
}

}  // namespace jp
