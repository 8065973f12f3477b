#include "app/export.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <optional>
#include <ostream>
#include <set>

#include <nlohmann/json.hpp>

#include "core/dates.h"
#include "core/files.h"
#include "core/records.h"
#include "core/wording.h"
#include "ingest/oneroster.h"
#include "ingest/tabular.h"
#include "print/xlsx_book.h"
#include "store/model.h"

namespace jp {

namespace fs = std::filesystem;

std::string csv_field(const std::string& s) {
  bool quote = s.find_first_of(",\"\r\n;\t") != std::string::npos ||
               (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

namespace {

std::string csv_text(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_field(r[i]);
    out += "\r\n";  // RFC 4180's line break
  }
  return out;
}

}  // namespace

namespace {

/// A drop-down list on a column's data rows. libxlsxwriter copies the strings.
void drop_down(lxw_worksheet* ws, size_t col, std::vector<std::string> values,
               const std::string& formula = "") {
  // libxlsxwriter 1.1.4 takes `char**` but only reads the strings.
  std::vector<char*> list;
  for (const auto& v : values) list.push_back(const_cast<char*>(v.c_str()));
  list.push_back(nullptr);
  lxw_data_validation dv{};
  if (formula.empty()) {
    dv.validate = LXW_VALIDATION_TYPE_LIST;
    dv.value_list = list.data();
  } else {
    dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
    dv.value_formula = const_cast<char*>(formula.c_str());
  }
  worksheet_data_validation_range(ws, 1, lxw_col_t(col), 10000, lxw_col_t(col), &dv);
}

std::vector<std::string> strings_of(std::span<const char* const> a) {
  return std::vector<std::string>(a.begin(), a.end());
}

}  // namespace

std::string template_workbook() {
  // A fixed date (libxlsxwriter takes 0 for "now"): the same bytes every time.
  Book book("journalpress-tabular/1", "journalpress", *parse_date("2024-09-01"));
  const Settings defaults;
  std::vector<std::string> marks = defaults.numeric_marks;
  marks.insert(marks.end(), defaults.other_marks.begin(), defaults.other_marks.end());
  for (const auto& section : tabular_sections()) {
    lxw_worksheet* ws = book.sheet(section);
    auto cols = tabular_columns(section);
    for (size_t c = 0; c < cols.size(); ++c) {
      worksheet_write_string(ws, 0, lxw_col_t(c), cols[c].c_str(), book.head);
      const std::string& k = cols[c];
      if (section == "marks" && k == "value") drop_down(ws, c, marks);
      if (section == "final_marks" && k == "value") drop_down(ws, c, marks);
      if ((section == "marks" && k == "work_type"))
        drop_down(ws, c, {}, "=work_types!$A$2:$A$10001");
      if (section == "attendance" && k == "status") drop_down(ws, c, strings_of(kAttendanceStatuses));
      if (section == "attendance" && k == "reason") drop_down(ws, c, strings_of(kAbsenceReasons));
      if (section == "lessons" && k == "kind") drop_down(ws, c, strings_of(kLessonKinds));
      if (section == "periods" && k == "kind") drop_down(ws, c, strings_of(kPeriodKinds));
      if (section == "guardians" && k == "delivery") drop_down(ws, c, strings_of(kDeliveries));
      if (section == "remarks" && k == "kind") drop_down(ws, c, strings_of(kRemarkKinds));
    }
    worksheet_freeze_panes(ws, 1, 0);
  }
  // A journal grid to fill in (ingest/grid): the teacher above the header, «№», «ФИО», a
  // column per lesson (ДД.ММ), a period's column; marks and attendance codes in the cells.
  const auto& w = tabular_words();
  const auto& t = w["template"];
  lxw_worksheet* g = book.sheet(t["grid_sheet"].get<std::string>());
  worksheet_write_string(g, 0, 0, t["grid_teacher"].get<std::string>().c_str(), nullptr);
  std::vector<std::string> head{w["grid"]["number"][0].get<std::string>(),
                                w["grid"]["name"][0].get<std::string>()};
  for (const char* d : {"02.09", "04.09", "09.09", "11.09", "16.09"}) head.push_back(d);
  head.push_back(t["grid_period"].get<std::string>());
  for (size_t c = 0; c < head.size(); ++c)
    worksheet_write_string(g, 1, lxw_col_t(c), head[c].c_str(), book.head);
  std::vector<std::string> cells = marks;
  for (const auto& [reason, code] : defaults.attendance_codes) cells.push_back(code);
  std::vector<char*> list;
  for (const auto& v : cells) list.push_back(const_cast<char*>(v.c_str()));
  list.push_back(nullptr);
  lxw_data_validation dv{};
  dv.validate = LXW_VALIDATION_TYPE_LIST;
  dv.value_list = list.data();
  dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;  // `4/5` is two marks: allowed
  worksheet_data_validation_range(g, 2, 2, 200, lxw_col_t(head.size() - 1), &dv);
  return book.bytes();
}

namespace {

/// A OneRoster file being written: the specification's columns, then the extension
/// columns (`metadata.journalpress.*`) for what OneRoster has no field for.
struct OrFile {
  std::string name;
  std::vector<std::string> head;
  std::vector<std::vector<std::string>> rows;
  OrFile(std::string n, std::vector<std::string> meta) : name(std::move(n)), head(oneroster_columns(name)) {
    for (auto& m : meta) head.push_back(kOneRosterMeta + m);
  }
  /// A row from column -> value (the rest empty).
  void add(const std::map<std::string, std::string>& v) {
    std::vector<std::string> r;
    for (const auto& h : head) {
      auto it = v.find(h.rfind(kOneRosterMeta, 0) == 0 ? "." + h.substr(std::strlen(kOneRosterMeta)) : h);
      r.push_back(it == v.end() ? "" : it->second);
    }
    rows.push_back(std::move(r));
  }
  std::string text() const {
    std::vector<std::vector<std::string>> all{head};
    all.insert(all.end(), rows.begin(), rows.end());
    return csv_text(all);
  }
};

std::string yes(bool b) { return b ? "true" : "false"; }

/// The lowest and highest of the school's numeric marks, as written in its settings
/// (`1`, `5`): a line item's resultValueMin and resultValueMax. Empty when none is a number.
std::pair<std::string, std::string> score_range(const Settings& s) {
  std::pair<std::string, std::string> r;
  double lo = 0, hi = 0;
  for (const auto& m : s.numeric_marks) {
    char* end = nullptr;
    double v = std::strtod(m.c_str(), &end);
    if (m.empty() || end != m.c_str() + m.size()) continue;  // `5+` is no number
    if (r.first.empty() || v < lo) lo = v, r.first = m;
    if (r.second.empty() || v > hi) hi = v, r.second = m;
  }
  return r;
}
std::string opt(const std::optional<int>& n) { return n ? std::to_string(*n) : ""; }

/// A OneRoster 1.2 bulk set of the journal (docs/import-formats.md, "OneRoster"), plus the
/// tabular profile's files for what OneRoster cannot carry; returns the files written.
size_t write_oneroster(const Journal& j, const std::string& dir) {
  auto stamp = parse_timestamp(j.exported_at);
  // dateLastModified: the export's time in UTC (OneRoster's form), else the year's start.
  std::string modified = stamp ? format_utc_iso(stamp->utc) : format_date(j.year.start) + "T00:00:00Z";
  std::string year_id = "year-" + j.year.label.substr(0, 4);
  std::string school = j.school.id;
  auto base = [&](const std::string& id) {
    return std::map<std::string, std::string>{{"sourcedId", id}, {"status", "active"}, {"dateLastModified", modified}};
  };
  auto with = [&](std::map<std::string, std::string> m, std::map<std::string, std::string> more) {
    m.insert(more.begin(), more.end());
    return m;
  };
  std::vector<OrFile> files;
  OrFile orgs("orgs", {});
  orgs.add(with(base(school), {{"name", j.school.name}, {"type", "school"}}));
  OrFile sessions("academicSessions", {"kind", "grades"});
  std::string end_year = j.year.label.substr(5, 4);
  sessions.add(with(base(year_id), {{"title", j.year.label}, {"type", "schoolYear"},
                                    {"startDate", format_date(j.year.start)},
                                    {"endDate", format_date(j.year.end)}, {"schoolYear", end_year}}));
  for (const auto& p : j.periods) {
    std::string grades;
    for (int g : p.grades) grades += (grades.empty() ? "" : ", ") + std::to_string(g);
    sessions.add(with(base(p.id), {{"title", p.name}, {"type", "gradingPeriod"},
                                   {"startDate", format_date(p.start)}, {"endDate", format_date(p.end)},
                                   {"parentSourcedId", year_id}, {"schoolYear", end_year},
                                   {".kind", p.kind}, {".grades", grades}}));
  }
  OrFile courses("courses", {"order", "graded", "control_limit", "homeroom"});
  courses.add(with(base("homeroom"), {{"schoolYearSourcedId", year_id}, {"title", "Homeroom"},
                                      {"orgSourcedId", school}, {".homeroom", "true"}}));
  for (const auto& s : j.subjects)
    courses.add(with(base(s.id), {{"schoolYearSourcedId", year_id}, {"title", s.name},
                                  {"courseCode", s.short_name}, {"orgSourcedId", school},
                                  {".order", opt(s.order)}, {".graded", yes(s.graded)},
                                  {".control_limit", opt(s.control_limit)}}));
  // Classes: each class a homeroom class; each group, and each class's subject that has
  // lessons outside a group, a scheduled class (a section) with its teacher.
  OrFile classes("classes", {"class", "group", "days_per_week"});
  OrFile enrollments("enrollments", {"reason_in", "reason_out"});
  auto grade2 = [](int g) { return fmt::format("{:02}", g); };
  std::map<std::string, std::string> section_teacher;  // scheduled class -> teacher
  std::vector<std::string> sections;
  std::map<std::string, const SchoolClass*> section_of;
  for (const auto& l : j.lessons) {
    std::string sec = l.group.empty() ? l.class_id + "." + l.subject : l.group;
    if (!section_teacher.count(sec)) {
      section_teacher[sec] = l.teacher;
      sections.push_back(sec);
    }
  }
  for (const auto& c : j.classes) {
    classes.add(with(base(c.id), {{"title", c.name}, {"grades", grade2(c.grade)},
                                  {"courseSourcedId", "homeroom"}, {"classType", "homeroom"},
                                  {"schoolSourcedId", school}, {"termSourcedIds", year_id},
                                  {".days_per_week", std::to_string(c.days_per_week)}}));
    for (const auto& g : c.groups)
      classes.add(with(base(g.id), {{"title", g.name}, {"grades", grade2(c.grade)},
                                    {"courseSourcedId", g.subject}, {"classType", "scheduled"},
                                    {"schoolSourcedId", school}, {"termSourcedIds", year_id},
                                    {".class", c.id}, {".group", "true"}}));
    for (const auto& s : j.subjects) {
      std::string sec = c.id + "." + s.id;
      if (section_teacher.count(sec))
        classes.add(with(base(sec), {{"title", c.name + " " + s.name}, {"grades", grade2(c.grade)},
                                     {"courseSourcedId", s.id}, {"classType", "scheduled"},
                                     {"schoolSourcedId", school}, {"termSourcedIds", year_id},
                                     {".class", c.id}}));
    }
    if (!c.homeroom_teacher.empty())
      enrollments.add(with(base(c.id + ".t"), {{"classSourcedId", c.id}, {"schoolSourcedId", school},
                                               {"userSourcedId", c.homeroom_teacher},
                                               {"role", "teacher"}, {"primary", "true"}}));
  }
  for (const auto& sec : sections)
    enrollments.add(with(base(sec + ".t"), {{"classSourcedId", sec}, {"schoolSourcedId", school},
                                            {"userSourcedId", section_teacher[sec]},
                                            {"role", "teacher"}, {"primary", "true"}}));
  // People: users with their roles, guardians linked both ways (agentSourcedIds).
  OrFile users("users", {"position", "consent", "relation", "delivery"});
  OrFile roles("roles", {});
  OrFile demographics("demographics", {});
  std::map<std::string, std::vector<std::string>> guardians_of;
  for (const auto& g : j.guardians)
    for (const auto& c : g.children) guardians_of[c].push_back(g.id);
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ",") + x;
    return s;
  };
  auto person = [&](const std::string& id, const Person& p, const char* role,
                    std::map<std::string, std::string> more) {
    users.add(with(with(base(id), {{"enabledUser", "true"}, {"username", id}, {"givenName", p.first_name},
                                   {"familyName", p.last_name}, {"middleName", p.middle_name},
                                   {"primaryOrgSourcedId", school}}),
                   more));
    roles.add(with(base(id + ".role"), {{"userSourcedId", id}, {"roleType", "primary"}, {"role", role},
                                        {"orgSourcedId", school}}));
  };
  for (const auto& t : j.teachers) person(t.id, t.person, "teacher", {{".position", t.position}});
  for (const auto& s : j.students) {
    person(s.id, s.person, "student",
           {{"agentSourcedIds", join(guardians_of[s.id])}, {".consent", yes(s.consent)}});
    if (s.birth_date) demographics.add(with(base(s.id), {{"birthDate", format_date(*s.birth_date)}}));
    for (size_t i = 0; i < s.enrollments.size(); ++i) {
      const auto& e = s.enrollments[i];
      std::string id = fmt::format("{}.{}", s.id, i + 1);
      enrollments.add(with(base(id), {{"classSourcedId", e.class_id}, {"schoolSourcedId", school},
                                      {"userSourcedId", s.id}, {"role", "student"}, {"primary", "false"},
                                      {"beginDate", format_date(e.from)},
                                      {"endDate", e.to ? format_date(*e.to) : ""},
                                      {".reason_in", e.reason_in}, {".reason_out", e.reason_out}}));
      for (const auto& g : e.groups)
        enrollments.add(with(base(id + "." + g), {{"classSourcedId", g}, {"schoolSourcedId", school},
                                                  {"userSourcedId", s.id}, {"role", "student"},
                                                  {"primary", "false"}, {"beginDate", format_date(e.from)},
                                                  {"endDate", e.to ? format_date(*e.to) : ""}}));
    }
  }
  for (const auto& g : j.guardians)
    person(g.id, g.person, "guardian",
           {{"email", g.email}, {"phone", g.phone}, {"agentSourcedIds", join(g.children)},
            {".relation", g.relation}, {".delivery", g.delivery}});
  // The gradebook: work types as categories; a line item per lesson and work type that has
  // marks (the lesson named in metadata.journalpress.lesson); each mark a result.
  OrFile categories("categories", {"control"});
  for (const auto& w : j.work_types)
    categories.add(with(base(w.id), {{"title", w.name}, {"weight", fmt::format("{}", w.weight)},
                                     {".control", yes(w.control)}}));
  OrFile items("lineItems", {"lesson"});
  OrFile results("results", {"value", "weight", "created_at", "author"});
  std::map<std::string, const Lesson*> lesson;
  for (const auto& l : j.lessons) lesson[l.id] = &l;
  auto [lowest, highest] = score_range(j.settings);
  std::set<std::string> made;
  for (const auto& m : j.marks) {
    auto it = lesson.find(m.lesson);
    if (it == lesson.end()) continue;  // validated data: never
    const Lesson& l = *it->second;
    std::string item = l.id + "." + (m.work_type.empty() ? "_" : m.work_type);
    std::string section = l.group.empty() ? l.class_id + "." + l.subject : l.group;
    if (made.insert(item).second) {
      // 1.2 requires a line item's academic session: the grading period of its date, else
      // (a lesson between periods) the school year.
      std::string period;
      for (const auto& p : j.periods)
        if (p.start <= l.date && l.date <= p.end && period.empty()) period = p.id;
      items.add(with(base(item), {{"title", l.topic.empty() ? l.id : l.topic},
                                  {"assignDate", format_date(l.date)}, {"dueDate", format_date(l.date)},
                                  {"classSourcedId", section}, {"categorySourcedId", m.work_type},
                                  {"academicSessionSourcedId", period.empty() ? year_id : period},
                                  {"resultValueMin", lowest}, {"resultValueMax", highest},
                                  {"schoolSourcedId", school}, {".lesson", l.id}}));
    }
    // A numeric mark is the score; another (`н/а`, `зач`, `осв`) is 1.2's textScore, the
    // exemption mark also the status `exempt`. metadata.journalpress.value keeps the mark
    // exactly as the journal has it, whatever a reader makes of the two.
    bool number = !m.value.empty() && m.value.find_first_not_of("0123456789.") == std::string::npos;
    bool exempt = m.value == Locale::ru().text("marks.exempt");
    results.add(with(base(m.id), {{"lineItemSourcedId", item}, {"studentSourcedId", m.student},
                                  {"scoreStatus", exempt ? "exempt" : "fully graded"},
                                  {"score", number ? m.value : ""}, {"scoreDate", format_date(l.date)},
                                  {"comment", m.comment}, {"textScore", number ? "" : m.value},
                                  {"classSourcedId", section}, {".value", m.value},
                                  {".weight", m.weight ? fmt::format("{}", *m.weight) : ""},
                                  {".created_at", m.created_at}, {".author", m.author}}));
  }
  for (OrFile* f : {&sessions, &categories, &classes, &courses, &demographics, &enrollments, &items,
                    &orgs, &results, &roles, &users})
    write_file_atomic((fs::path(dir) / (f->name + ".csv")).string(), f->text(), 0600);
  // The manifest: all 21 files, each bulk (written) or absent.
  std::set<std::string> written{"academicSessions", "categories", "classes", "courses", "demographics",
                                "enrollments", "lineItems", "orgs", "results", "roles", "users"};
  std::vector<std::vector<std::string>> manifest{{"propertyName", "value"},
                                                 {"manifest.version", "1.0"},
                                                 {"oneroster.version", "1.2"}};
  for (const auto& f : oneroster_files())
    manifest.push_back({"file." + f, written.count(f) ? "bulk" : "absent"});
  manifest.push_back({"source.systemName", "journalpress"});
  manifest.push_back({"source.systemCode", JOURNALPRESS_VERSION});
  write_file_atomic((fs::path(dir) / "manifest.csv").string(), csv_text(manifest), 0600);
  // What OneRoster cannot carry, in the tabular profile (these sections win over the set).
  size_t n = written.size() + 1;
  for (const char* section : {"school", "year", "settings", "periods", "holidays", "bells", "lessons",
                              "individual_homework", "attendance", "final_marks", "mark_changes",
                              "remarks", "events"}) {
    write_file_atomic((fs::path(dir) / (std::string(section) + ".csv")).string(),
                      csv_text(tabular_rows(j, section)), 0600);
    ++n;
  }
  return n;
}

}  // namespace

namespace {

/// Whether a file name is one an export writes (of any format).
bool export_file(const std::string& name) {
  if (name == "journal.xlsx" || name == "manifest.csv") return true;
  for (const auto& s : tabular_sections())
    if (name == s + ".csv") return true;
  for (const auto& f : oneroster_files())
    if (name == f + ".csv") return true;
  return false;
}

/// Why DIR may not be replaced by an export: it is not a folder, or it holds something no
/// export writes (the export replaces the folder whole, and would lose it).
std::optional<std::string> foreign_content(const std::string& dir) {
  std::error_code ec;
  auto st = fs::symlink_status(dir, ec);
  if (ec || !fs::exists(st)) return std::nullopt;
  if (!fs::is_directory(st)) return fmt::format("{} is not a folder", dir);
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (!it->is_regular_file() || !export_file(it->path().filename().string()))
      return fmt::format("{} holds {}, which no export writes: export into an empty or new "
                         "folder, or one an export made",
                         dir, it->path().filename().string());
  return std::nullopt;
}

/// Puts the finished `stage` in the place of `dir` in one step, and removes what was there.
void swap_in(const std::string& stage, const std::string& dir) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) {
    if (::rename(stage.c_str(), dir.c_str()) != 0)
      throw std::runtime_error(fmt::format("cannot rename {} to {}: {}", stage, dir, std::strerror(errno)));
    return;
  }
  if (::renameat2(AT_FDCWD, stage.c_str(), AT_FDCWD, dir.c_str(), RENAME_EXCHANGE) != 0)
    throw std::runtime_error(fmt::format("cannot put {} in the place of {}: {}", stage, dir,
                                         std::strerror(errno)));
  fs::remove_all(stage, ec);  // the previous export, now under the stage's name
}

}  // namespace

int run_export(const ExportOptions& o, std::ostream& out, std::ostream& err) {
  if (o.template_only) {
    std::error_code ec;
    fs::create_directories(o.out, ec);
    std::string path = (fs::path(o.out) / "template.xlsx").string();
    write_file_atomic(path, template_workbook(), 0644);
    out << fmt::format("wrote the template workbook {}\n", path);
    return 0;
  }
  if (o.format != "tabular" && o.format != "oneroster") {
    err << fmt::format("journalpress: export: unknown format {}\n", o.format);
    return 1;
  }
  // Written into a new folder beside DIR, then swapped in at once (renameat2's exchange):
  // a run killed half way leaves the previous export whole, never half of each.
  std::string dir = fs::path(o.out).lexically_normal().string();
  while (dir.size() > 1 && dir.back() == '/') dir.pop_back();
  if (auto why = foreign_content(dir)) {
    err << "journalpress: export refused: " << *why << "; nothing was written\n";
    return 1;
  }
  Journal j = read_journal(o.db, choose_dataset(o.db, o.school, o.year));
  std::string stage = fmt::format("{}.partial-{}", dir, ::getpid());
  std::error_code ec;
  // What a killed export left beside DIR goes first.
  fs::path parent = fs::path(dir).parent_path().empty() ? "." : fs::path(dir).parent_path();
  std::string prefix = fs::path(dir).filename().string() + ".partial-";
  for (fs::directory_iterator it(parent, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    if (it->path().filename().string().starts_with(prefix)) {
      std::error_code rm;
      fs::remove_all(it->path(), rm);
    }
  ec.clear();
  fs::remove_all(stage, ec);
  fs::create_directories(stage, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot make the folder {}: {}", stage, ec.message()));
  ::chmod(stage.c_str(), 0700);  // pupils' names and marks
  std::string said;
  if (o.format == "oneroster") {
    size_t n = write_oneroster(j, stage);
    said = fmt::format("exported {} ({}), year {}: a OneRoster 1.2 bulk set and the tabular "
                       "profile's files for the rest, {} files in {}\n",
                       j.school.name, j.school.id, j.year.label, n, dir);
  } else if (o.xlsx) {
    size_t records = 0;
    // The date is fixed (the year's start) so that the same journal gives the same bytes.
    Book book("journalpress-tabular/1", j.school.name, j.year.start);
    for (const auto& section : tabular_sections()) {
      auto rows = tabular_rows(j, section);
      records += rows.size() - 1;
      lxw_worksheet* ws = book.sheet(section);
      for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < rows[r].size(); ++c)
          if (!rows[r][c].empty())
            worksheet_write_string(ws, lxw_row_t(r), lxw_col_t(c), rows[r][c].c_str(),
                                   r == 0 ? book.head : nullptr);
    }
    write_file_atomic((fs::path(stage) / "journal.xlsx").string(), book.bytes(), 0600);
    said = fmt::format("exported {} ({}), year {}: {} records in {}\n", j.school.name,
                       j.school.id, j.year.label, records, (fs::path(dir) / "journal.xlsx").string());
  } else {
    size_t records = 0;
    for (const auto& section : tabular_sections()) {
      auto rows = tabular_rows(j, section);
      records += rows.size() - 1;
      write_file_atomic((fs::path(stage) / (section + ".csv")).string(), csv_text(rows), 0600);
    }
    said = fmt::format("exported {} ({}), year {}: {} records in {} CSV files in {}\n",
                       j.school.name, j.school.id, j.year.label, records,
                       tabular_sections().size(), dir);
  }
  swap_in(stage, dir);
  out << said;
  return 0;
}

}  // namespace jp
