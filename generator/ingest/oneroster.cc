#include "ingest/oneroster.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include "core/dates.h"
#include "core/text.h"
#include "core/wording.h"
#include "ingest/tabular.h"

namespace jp {

namespace {

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s + ",") {
    if (c == ',') {
      while (!cur.empty() && cur.back() == ' ') cur.pop_back();
      size_t a = cur.find_first_not_of(' ');
      if (a != std::string::npos) out.push_back(cur.substr(a));
      cur.clear();
    } else {
      cur += c;
    }
  }
  return out;
}

/// The 1.2 CSV binding's columns of each file journalpress reads or writes, in its order:
/// 1EdTech's "OneRoster: CSV Binding" 1.2.1 Final Release, section 3 (a table per file).
/// Written in this order by `export`; read by name, so the order of a file read is free.
const std::map<std::string, std::vector<std::string>>& spec() {
  static const std::map<std::string, std::vector<std::string>> m{
      {"academicSessions", split("sourcedId,status,dateLastModified,title,type,startDate,endDate,"
                                 "parentSourcedId,schoolYear")},
      {"orgs", split("sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId")},
      {"courses", split("sourcedId,status,dateLastModified,schoolYearSourcedId,title,courseCode,"
                        "grades,orgSourcedId,subjects,subjectCodes")},
      {"classes", split("sourcedId,status,dateLastModified,title,grades,courseSourcedId,classCode,"
                        "classType,location,schoolSourcedId,termSourcedIds,subjects,subjectCodes,"
                        "periods")},
      // 1.2.1 removed 1.2's `resourceSourcedIds` (after `userMasterIdentifier`): see
      // legacy_columns.
      {"users", split("sourcedId,status,dateLastModified,enabledUser,username,userIds,givenName,"
                      "familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,"
                      "password,userMasterIdentifier,preferredGivenName,preferredMiddleName,"
                      "preferredFamilyName,primaryOrgSourcedId,pronouns")},
      {"roles", split("sourcedId,status,dateLastModified,userSourcedId,roleType,role,beginDate,"
                      "endDate,orgSourcedId,userProfileSourcedId")},
      {"enrollments", split("sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,"
                            "userSourcedId,role,primary,beginDate,endDate")},
      {"demographics",
       split("sourcedId,status,dateLastModified,birthDate,sex,americanIndianOrAlaskaNative,asian,"
             "blackOrAfricanAmerican,nativeHawaiianOrOtherPacificIslander,white,"
             "demographicRaceTwoOrMoreRaces,hispanicOrLatinoEthnicity,countryOfBirthCode,"
             "stateOfBirthAbbreviation,cityOfBirth,publicSchoolResidenceStatus")},
      {"categories", split("sourcedId,status,dateLastModified,title,weight")},
      {"lineItems", split("sourcedId,status,dateLastModified,title,description,assignDate,dueDate,"
                          "classSourcedId,categorySourcedId,academicSessionSourcedId,"
                          "resultValueMin,resultValueMax,schoolSourcedId")},
      {"results", split("sourcedId,status,dateLastModified,lineItemSourcedId,studentSourcedId,"
                        "scoreStatus,score,scoreDate,comment,textScore,classSourcedId,inProgress,"
                        "incomplete,late,missing")},
  };
  return m;
}

/// Columns of earlier versions that 1.2.1 no longer has: still read without a warning.
/// 1.1's users.csv `orgSourcedIds` and `role` (1.2 has roles.csv), 1.0's `agents`, 1.1's
/// lineItems.csv `gradingPeriodSourcedId` (1.2's `academicSessionSourcedId`), and 1.2.0's
/// users.csv `resourceSourcedIds` (1.2.1 removed it: userResources.csv says it).
const std::set<std::string>& legacy_columns() {
  static const std::set<std::string> s{"orgSourcedIds", "role", "agents", "gradingPeriodSourcedId",
                                       "resourceSourcedIds"};
  return s;
}

std::string stem(const std::string& path) {
  return std::filesystem::path(path).stem().string();
}

/// A OneRoster file's rows, by column name.
struct In {
  const Table* t = nullptr;
  std::string name;  ///< `users`
  std::map<std::string, size_t> cols;
  bool has(const std::string& c) const { return cols.count(c) > 0; }
  std::string get(const TableRow& r, const std::string& c) const {
    auto it = cols.find(c);
    if (it == cols.end() || it->second >= r.cells.size()) return {};
    std::string v = r.cells[it->second];
    while (!v.empty() && (v.back() == ' ' || v.back() == '\r')) v.pop_back();
    size_t a = v.find_first_not_of(' ');
    return a == std::string::npos ? std::string() : v.substr(a);
  }
  size_t col(const std::string& c) const {
    auto it = cols.find(c);
    return it == cols.end() ? std::string::npos : it->second;
  }
  std::vector<const TableRow*> rows() const {
    std::vector<const TableRow*> out;
    for (size_t i = 1; i < t->rows.size(); ++i)
      if (fold_name(get(t->rows[i], "status")) != "tobedeleted") out.push_back(&t->rows[i]);
    return out;
  }
};

/// A table of the tabular profile being made from one OneRoster file.
struct Out {
  Table t;
  std::map<std::string, size_t> ix;
  Out(const std::string& section, const In& from) {
    t.file = from.t->file;
    t.section = section;
    t.digest = from.t->digest;
    TableRow head{1, tabular_columns(section)};
    for (size_t c = 0; c < head.cells.size(); ++c) ix[head.cells[c]] = c;
    t.origin_col.assign(head.cells.size(), std::string::npos);
    t.origin_name.assign(head.cells.size(), "");
    t.rows.push_back(std::move(head));
  }
  /// Where a column's values come from, for the messages.
  void from(const std::string& key, const In& in, const std::string& column) {
    if (auto c = in.col(column); c != std::string::npos && ix.count(key)) {
      t.origin_col[ix[key]] = c;
      t.origin_name[ix[key]] = column;
    }
  }
  TableRow& row(uint32_t number) {
    t.rows.push_back({number, std::vector<std::string>(t.rows[0].cells.size())});
    return t.rows.back();
  }
  void set(TableRow& r, const std::string& key, const std::string& v) { r.cells[ix.at(key)] = v; }
};

std::string meta(const std::string& k) { return kOneRosterMeta + k; }

}  // namespace

const std::vector<std::string>& oneroster_columns(const std::string& file) {
  static const std::vector<std::string> none;
  auto it = spec().find(file);
  return it == spec().end() ? none : it->second;
}

const std::vector<std::string>& oneroster_files() {
  static const std::vector<std::string> f = split(
      "academicSessions,categories,classes,classResources,courses,courseResources,demographics,"
      "enrollments,lineItemLearningObjectiveIds,lineItems,lineItemScoreScales,orgs,resources,"
      "resultLearningObjectiveIds,results,resultScoreScales,roles,scoreScales,userProfiles,"
      "userResources,users");
  return f;
}

bool oneroster_file(const std::string& path) {
  std::string s = stem(path);
  if (s == "manifest") return true;
  for (const auto& f : oneroster_files())
    if (s == f) return true;
  return false;
}

bool has_oneroster(const std::vector<Table>& tables) {
  bool users = false, orgs = false;
  for (const auto& t : tables) {
    if (!t.sheet.empty()) continue;
    std::string s = stem(t.file);
    if (s == "manifest") return true;
    users = users || s == "users";
    orgs = orgs || s == "orgs";
  }
  return users && orgs;
}

void oneroster_to_tabular(std::vector<Table>& tables, Diagnostics& diag) {
  std::map<std::string, In> in;
  std::vector<Table> keep;
  std::set<std::string> tabular;  // sections a tabular file gives: they win
  for (auto& t : tables) {
    std::string s = stem(t.file);
    if (!t.sheet.empty() || !oneroster_file(t.file)) {
      std::string section = tabular_section_of(t.sheet.empty() ? t.file : t.sheet);
      if (!section.empty()) tabular.insert(section);
      continue;
    }
    In x;
    x.t = &t;
    x.name = s;
    if (!t.rows.empty())
      for (size_t c = 0; c < t.rows[0].cells.size(); ++c) x.cols[t.rows[0].cells[c]] = c;
    in[s] = x;
  }
  auto err = [&](const In& f, const TableRow& r, const std::string& col, const std::string& msg) {
    size_t c = f.col(col);
    diag.error(f.t->file,
               c == std::string::npos ? fmt::format("row {}", r.number)
                                      : fmt::format("row {}, column {} ({})", r.number,
                                                    column_letters(c), col),
               "", msg);
  };
  auto warn = [&](const char* code, const In& f, const TableRow& r, const std::string& col,
                  const std::string& msg) {
    size_t c = f.col(col);
    diag.warning(code, f.t->file,
                 c == std::string::npos ? fmt::format("row {}", r.number)
                                        : fmt::format("row {}, column {} ({})", r.number,
                                                      column_letters(c), col),
                 "", msg);
  };
  // The manifest: each file bulk, absent, or (not read) delta.
  if (auto m = in.find("manifest"); m != in.end()) {
    for (const TableRow* r : m->second.rows()) {
      std::string prop = m->second.get(*r, "propertyName"), v = fold_name(m->second.get(*r, "value"));
      if (prop == "oneroster.version" && v != "1.0" && v != "1.1" && v != "1.2")
        warn("oneroster", m->second, *r, "value",
             fmt::format("OneRoster version {}: read as 1.2", quoted_for_message(v)));
      if (prop.rfind("file.", 0) != 0) continue;
      std::string file = prop.substr(5);
      if (v == "bulk" && !in.count(file))
        err(m->second, *r, "value",
            fmt::format("the manifest says {}.csv is there (bulk), but it is missing", file));
      else if (v == "delta")
        err(m->second, *r, "value",
            fmt::format("{}.csv is a delta file: journalpress reads whole (bulk) sets only, "
                        "a journal being all or nothing",
                        file));
      else if (v == "absent" && in.count(file)) {
        warn("oneroster", m->second, *r, "value",
             fmt::format("the manifest says {}.csv is absent: the file there is not read", file));
        in.erase(file);
      }
    }
  }
  // Every file: columns the specification has (1.1's too, and extensions `metadata.*`),
  // rows no wider than the header.
  for (auto& [name, f] : in) {
    if (name == "manifest" || f.t->rows.empty()) continue;
    const auto& known = oneroster_columns(name);
    if (known.empty()) {
      diag.warning("oneroster", f.t->file, "", "", "not read: journalpress has no use for it");
      continue;
    }
    for (const auto& [col, c] : f.cols)
      if (std::find(known.begin(), known.end(), col) == known.end() && !legacy_columns().count(col) &&
          col.rfind("metadata.", 0) != 0)
        diag.warning("oneroster", f.t->file, fmt::format("column {} ({})", column_letters(c), col),
                     "", fmt::format("a column OneRoster does not have: {} ignored",
                                     quoted_for_message(col)));
    for (const TableRow* r : f.rows())
      if (r->cells.size() > f.t->rows[0].cells.size())
        for (size_t c = f.t->rows[0].cells.size(); c < r->cells.size(); ++c)
          if (!r->cells[c].empty()) {
            diag.error(f.t->file, fmt::format("row {}", r->number), "",
                       fmt::format("{} fields, the header has {}", r->cells.size(),
                                   f.t->rows[0].cells.size()));
            break;
          }
  }
  std::vector<Table> made;
  auto file = [&](const char* n) -> const In* {
    auto it = in.find(n);
    return it == in.end() || it->second.t->rows.empty() ? nullptr : &it->second;
  };
  // Roles: 1.2's roles.csv (the primary role of each user), else 1.1's users.role; the
  // vocabulary compared without case, a term in the wrong case said.
  std::map<std::string, std::string> role;
  static const std::vector<std::string> terms = split(
      "schoolYear,gradingPeriod,term,semester,homeroom,scheduled,student,teacher,guardian,parent,"
      "relative,administrator,aide,principal,proctor,siteAdministrator,districtAdministrator,"
      "systemAdministrator,school,district,department,local,state,national,primary,secondary,"
      "exempt,fully graded,not submitted,partially graded,submitted");
  auto vocab = [&](const In& f, const TableRow& r, const std::string& col) {
    std::string v = f.get(r, col), low = fold_name(v);
    for (const auto& t : terms)
      if (fold_name(t) == low && t != v)
        warn("oneroster", f, r, col,
             fmt::format("{} in the wrong case: read as {}", quoted_for_message(v), quoted_for_message(t)));
    return low;
  };
  if (const In* r = file("roles")) {
    for (const TableRow* row : r->rows()) {
      std::string u = r->get(*row, "userSourcedId");
      if (!role.count(u) || fold_name(r->get(*row, "roleType")) == "primary")
        role[u] = vocab(*r, *row, "role");
    }
  }
  const In* users = file("users");
  if (users && users->has("role"))
    for (const TableRow* row : users->rows())
      if (!role.count(users->get(*row, "sourcedId"))) role[users->get(*row, "sourcedId")] = vocab(*users, *row, "role");
  auto is = [&](const std::string& id, std::initializer_list<const char*> roles) {
    auto it = role.find(id);
    if (it == role.end()) return false;
    for (const char* x : roles)
      if (it->second == fold_name(x)) return true;
    return false;
  };
  // The school, the year, the periods.
  const In* orgs = file("orgs");
  std::string school_id;
  if (orgs && !tabular.count("school")) {
    Out o("school", *orgs);
    o.from("id", *orgs, "sourcedId");
    o.from("name", *orgs, "name");
    size_t schools = 0;
    for (const TableRow* row : orgs->rows()) {
      if (fold_name(orgs->get(*row, "type")) != "school") continue;
      if (++schools > 1) {
        err(*orgs, *row, "type", "a second school: journalpress reads one school's set");
        continue;
      }
      auto& r = o.row(row->number);
      school_id = orgs->get(*row, "sourcedId");
      o.set(r, "id", school_id);
      o.set(r, "name", orgs->get(*row, "name"));
      // The director: OneRoster has none; a principal or administrator of the school is.
      if (users)
        for (const TableRow* u : users->rows())
          if (is(users->get(*u, "sourcedId"), {"principal", "siteAdministrator", "administrator"})) {
            o.set(r, "director.last_name", users->get(*u, "familyName"));
            o.set(r, "director.first_name", users->get(*u, "givenName"));
            o.set(r, "director.middle_name", users->get(*u, "middleName"));
            break;
          }
    }
    made.push_back(std::move(o.t));
  }
  const In* sessions = file("academicSessions");
  std::string year_start;
  if (sessions) {
    Out y("year", *sessions), p("periods", *sessions);
    y.from("start", *sessions, "startDate");
    y.from("end", *sessions, "endDate");
    p.from("id", *sessions, "sourcedId");
    p.from("name", *sessions, "title");
    p.from("start", *sessions, "startDate");
    p.from("end", *sessions, "endDate");
    std::vector<const TableRow*> graded, terms;
    for (const TableRow* row : sessions->rows()) {
      std::string type = vocab(*sessions, *row, "type");
      if (type == "schoolyear") {
        std::string start = sessions->get(*row, "startDate").substr(0, 10);
        std::string end = sessions->get(*row, "endDate").substr(0, 10);
        year_start = start;
        auto& r = y.row(row->number);
        y.set(r, "label", start.size() >= 4 && end.size() >= 4
                              ? start.substr(0, 4) + "/" + end.substr(0, 4)
                              : sessions->get(*row, "schoolYear"));
        y.set(r, "start", start);
        y.set(r, "end", end);
      } else if (type == "gradingperiod") {
        graded.push_back(row);
      } else if (type == "term" || type == "semester") {
        terms.push_back(row);
      }
    }
    auto& periods = graded.empty() ? terms : graded;
    const char* kind = periods.size() == 2 ? "half" : periods.size() == 3 ? "trimester" : "quarter";
    for (const TableRow* row : periods) {
      auto& r = p.row(row->number);
      p.set(r, "id", sessions->get(*row, "sourcedId"));
      p.set(r, "kind", sessions->get(*row, meta("kind")).empty() ? kind : sessions->get(*row, meta("kind")));
      p.set(r, "name", sessions->get(*row, "title"));
      p.set(r, "start", sessions->get(*row, "startDate").substr(0, 10));
      p.set(r, "end", sessions->get(*row, "endDate").substr(0, 10));
      p.set(r, "grades", sessions->get(*row, meta("grades")));
    }
    if (!tabular.count("year")) made.push_back(std::move(y.t));
    if (!tabular.count("periods")) made.push_back(std::move(p.t));
  }
  if (const In* c = file("courses"); c && !tabular.count("subjects")) {
    Out o("subjects", *c);
    o.from("id", *c, "sourcedId");
    o.from("name", *c, "title");
    o.from("short_name", *c, "courseCode");
    for (const char* k : {"order", "graded", "control_limit"}) o.from(k, *c, meta(k));
    for (const TableRow* row : c->rows()) {
      // The course a homeroom class needs (OneRoster requires one) is no subject.
      if (fold_name(c->get(*row, meta("homeroom"))) == "true") continue;
      auto& r = o.row(row->number);
      o.set(r, "id", c->get(*row, "sourcedId"));
      o.set(r, "name", c->get(*row, "title"));
      o.set(r, "short_name", c->get(*row, "courseCode"));
      for (const char* k : {"order", "graded", "control_limit"}) o.set(r, k, c->get(*row, meta(k)));
    }
    made.push_back(std::move(o.t));
  }
  if (const In* c = file("categories"); c && !tabular.count("work_types")) {
    Out o("work_types", *c);
    o.from("id", *c, "sourcedId");
    o.from("name", *c, "title");
    o.from("weight", *c, "weight");
    o.from("control", *c, meta("control"));
    for (const TableRow* row : c->rows()) {
      // The course a homeroom class needs (OneRoster requires one) is no subject.
      if (fold_name(c->get(*row, meta("homeroom"))) == "true") continue;
      auto& r = o.row(row->number);
      o.set(r, "id", c->get(*row, "sourcedId"));
      o.set(r, "name", c->get(*row, "title"));
      o.set(r, "weight", c->get(*row, "weight"));
      o.set(r, "control", c->get(*row, meta("control")));
    }
    made.push_back(std::move(o.t));
  }
  // Classes: homeroom classes are classes; a scheduled class (a class x subject section)
  // with `metadata.journalpress.class` is that class's group; other sections give nothing
  // the journal keeps (their subject is the course's).
  const In* classes = file("classes");
  const In* enr = file("enrollments");
  std::map<std::string, std::string> class_type, group_class, class_course, section_class;
  if (classes)
    for (const TableRow* row : classes->rows()) {
      std::string id = classes->get(*row, "sourcedId");
      class_type[id] = vocab(*classes, *row, "classType");
      // `metadata.journalpress.group`: a group of the class (else a whole-class section).
      if (fold_name(classes->get(*row, meta("group"))) == "true")
        group_class[id] = classes->get(*row, meta("class"));
      else if (!classes->get(*row, meta("class")).empty())
        section_class[id] = classes->get(*row, meta("class"));
      class_course[id] = classes->get(*row, "courseSourcedId");
    }
  std::map<std::string, std::string> primary_teacher;
  if (enr)
    for (const TableRow* row : enr->rows()) {
      std::string c = enr->get(*row, "classSourcedId"), u = enr->get(*row, "userSourcedId");
      std::string r = vocab(*enr, *row, "role");
      if (!class_type.count(c)) {
        err(*enr, *row, "classSourcedId", fmt::format("class {} is not in classes.csv", quoted_for_message(c)));
        continue;
      }
      if (users && !role.count(u) && r != "student" && r != "teacher") continue;
      if (r == "teacher" && (!primary_teacher.count(c) || fold_name(enr->get(*row, "primary")) == "true"))
        primary_teacher[c] = u;
    }
  // A section without `metadata.journalpress.class` belongs to the homeroom class most of
  // its students are in (the whole class: not a group).
  if (enr) {
    std::map<std::string, std::string> homeroom_of;
    for (const TableRow* row : enr->rows())
      if (class_type[enr->get(*row, "classSourcedId")] == "homeroom" &&
          fold_name(enr->get(*row, "role")) == "student")
        homeroom_of[enr->get(*row, "userSourcedId")] = enr->get(*row, "classSourcedId");
    std::map<std::string, std::map<std::string, int>> votes;
    for (const TableRow* row : enr->rows()) {
      std::string c = enr->get(*row, "classSourcedId"), u = enr->get(*row, "userSourcedId");
      if (class_type[c] != "homeroom" && homeroom_of.count(u)) ++votes[c][homeroom_of[u]];
    }
    for (auto& [c, v] : votes)
      if (!section_class.count(c) && !group_class.count(c)) section_class[c] = std::max_element(v.begin(), v.end(), [](auto& a, auto& b) {
                           return a.second < b.second;
                         })->first;
  }
  if (classes && !tabular.count("classes")) {
    Out o("classes", *classes), g("groups", *classes);
    o.from("id", *classes, "sourcedId");
    o.from("name", *classes, "title");
    o.from("grade", *classes, "grades");
    o.from("days_per_week", *classes, meta("days_per_week"));
    g.from("id", *classes, "sourcedId");
    g.from("name", *classes, "title");
    g.from("subject", *classes, "courseSourcedId");
    g.from("class", *classes, meta("class"));
    for (const TableRow* row : classes->rows()) {
      std::string id = classes->get(*row, "sourcedId");
      if (class_type[id] == "homeroom") {
        auto& r = o.row(row->number);
        o.set(r, "id", id);
        o.set(r, "name", classes->get(*row, "title"));
        std::string grade = split(classes->get(*row, "grades")).empty() ? "" : split(classes->get(*row, "grades"))[0];
        while (grade.size() > 1 && grade[0] == '0') grade.erase(0, 1);  // CEDS "05"
        o.set(r, "grade", grade);
        o.set(r, "homeroom_teacher", primary_teacher.count(id) ? primary_teacher[id] : "");
        o.set(r, "days_per_week", classes->get(*row, meta("days_per_week")));
      } else if (!group_class[id].empty()) {
        auto& r = g.row(row->number);
        g.set(r, "class", group_class[id]);
        g.set(r, "id", id);
        g.set(r, "subject", classes->get(*row, "courseSourcedId"));
        g.set(r, "name", classes->get(*row, "title"));
      }
    }
    made.push_back(std::move(o.t));
    made.push_back(std::move(g.t));
  }
  // People.
  std::map<std::string, std::set<std::string>> children;  // guardian -> students
  if (users)
    for (const TableRow* row : users->rows()) {
      std::string id = users->get(*row, "sourcedId");
      for (const auto& a : split(users->get(*row, "agentSourcedIds"))) {
        if (is(id, {"guardian", "parent", "relative"})) children[id].insert(a);
        else if (is(id, {"student"})) children[a].insert(id);
      }
    }
  std::map<std::string, std::string> birth;
  if (const In* d = file("demographics"))
    for (const TableRow* row : d->rows()) birth[d->get(*row, "sourcedId")] = d->get(*row, "birthDate");
  if (users) {
    Out s("students", *users), t("teachers", *users), gd("guardians", *users);
    for (Out* o : {&s, &t, &gd}) {
      o->from("id", *users, "sourcedId");
      o->from("last_name", *users, "familyName");
      o->from("first_name", *users, "givenName");
      o->from("middle_name", *users, "middleName");
    }
    gd.from("email", *users, "email");
    gd.from("phone", *users, "phone");
    gd.from("children", *users, "agentSourcedIds");
    for (const char* k : {"relation", "delivery"}) gd.from(k, *users, meta(k));
    t.from("position", *users, meta("position"));
    s.from("consent", *users, meta("consent"));
    std::vector<std::string> guardian_order;
    for (const TableRow* row : users->rows()) {
      std::string id = users->get(*row, "sourcedId");
      Out* o = is(id, {"student"}) ? &s
               : is(id, {"teacher", "aide", "administrator", "principal", "siteAdministrator"}) ? &t
               : is(id, {"guardian", "parent", "relative"}) ? &gd
                                                           : nullptr;
      if (!o) {
        if (!role.count(id))
          warn("oneroster", *users, *row, "sourcedId",
               "a user with no role (in roles.csv or the role column): not read");
        continue;
      }
      auto& r = o->row(row->number);
      o->set(r, "id", id);
      o->set(r, "last_name", users->get(*row, "familyName"));
      o->set(r, "first_name", users->get(*row, "givenName"));
      o->set(r, "middle_name", users->get(*row, "middleName"));
      if (o == &gd) {
        o->set(r, "email", users->get(*row, "email"));
        o->set(r, "phone", users->get(*row, "phone"));
        // Children in the order of the guardian's own list, then those who name it.
        std::vector<std::string> kids = split(users->get(*row, "agentSourcedIds"));
        for (const auto& k : children[id])
          if (std::find(kids.begin(), kids.end(), k) == kids.end()) kids.push_back(k);
        std::string list;
        for (const auto& k : kids) list += (list.empty() ? "" : ", ") + k;
        o->set(r, "children", list);
        o->set(r, "relation", users->get(*row, meta("relation")));
        o->set(r, "delivery", users->get(*row, meta("delivery")));
      }
      if (o == &t) o->set(r, "position", users->get(*row, meta("position")));
      if (o == &s) {
        o->set(r, "birth_date", birth[id].substr(0, 10));
        o->set(r, "consent", users->get(*row, meta("consent")));
      }
    }
    if (!tabular.count("students")) made.push_back(std::move(s.t));
    if (!tabular.count("teachers")) made.push_back(std::move(t.t));
    if (!tabular.count("guardians")) made.push_back(std::move(gd.t));
  }
  // Enrollments: a student's in a homeroom class, with the groups (sections with
  // `metadata.journalpress.class`) of that class the student is enrolled in.
  if (enr && !tabular.count("enrollments")) {
    Out e("enrollments", *enr);
    e.from("student", *enr, "userSourcedId");
    e.from("class", *enr, "classSourcedId");
    e.from("from", *enr, "beginDate");
    e.from("to", *enr, "endDate");
    for (const char* k : {"reason_in", "reason_out"}) e.from(k, *enr, meta(k));
    std::map<std::pair<std::string, std::string>, std::vector<std::string>> groups;
    for (const TableRow* row : enr->rows()) {
      std::string c = enr->get(*row, "classSourcedId"), u = enr->get(*row, "userSourcedId");
      if (fold_name(enr->get(*row, "role")) == "student" && !group_class[c].empty())
        groups[{u, group_class[c]}].push_back(c);
    }
    for (const TableRow* row : enr->rows()) {
      std::string c = enr->get(*row, "classSourcedId"), u = enr->get(*row, "userSourcedId");
      if (fold_name(enr->get(*row, "role")) != "student" || class_type[c] != "homeroom") continue;
      auto& r = e.row(row->number);
      e.set(r, "student", u);
      e.set(r, "class", c);
      std::string from = enr->get(*row, "beginDate").substr(0, 10);
      e.set(r, "from", from.empty() ? year_start : from);
      e.set(r, "to", enr->get(*row, "endDate").substr(0, 10));
      std::string list;
      for (const auto& gid : groups[{u, c}]) list += (list.empty() ? "" : ", ") + gid;
      e.set(r, "groups", list);
      for (const char* k : {"reason_in", "reason_out"}) e.set(r, k, enr->get(*row, meta(k)));
    }
    made.push_back(std::move(e.t));
  }
  // The gradebook: a line item is a lesson's assessed work (journalpress's export names the
  // lesson in `metadata.journalpress.lesson`), else a lesson of its own on its assign date;
  // a result is a mark, `exempt` the exemption mark.
  const In* items = file("lineItems");
  std::map<std::string, std::pair<std::string, std::string>> item;  // id -> (lesson, work type)
  if (items) {
    Out l("lessons", *items);
    l.from("id", *items, "sourcedId");
    l.from("date", *items, "assignDate");
    l.from("topic", *items, "title");
    l.from("class", *items, "classSourcedId");
    for (const TableRow* row : items->rows()) {
      std::string id = items->get(*row, "sourcedId"), lesson = items->get(*row, meta("lesson"));
      item[id] = {lesson.empty() ? id : lesson, items->get(*row, "categorySourcedId")};
      if (!lesson.empty()) continue;
      std::string c = items->get(*row, "classSourcedId");
      if (!class_type.count(c)) {
        err(*items, *row, "classSourcedId", fmt::format("class {} is not in classes.csv", quoted_for_message(c)));
        continue;
      }
      auto& r = l.row(row->number);
      l.set(r, "id", id);
      bool group = class_type[c] != "homeroom" && !group_class[c].empty();
      l.set(r, "class", class_type[c] == "homeroom" ? c : group ? group_class[c] : section_class[c]);
      l.set(r, "group", group ? c : "");
      l.set(r, "subject", class_course[c]);
      l.set(r, "teacher", primary_teacher.count(c) ? primary_teacher[c] : "");
      std::string date = items->get(*row, "assignDate");
      l.set(r, "date", (date.empty() ? items->get(*row, "dueDate") : date).substr(0, 10));
      l.set(r, "number", "1");
      l.set(r, "topic", items->get(*row, "title"));
    }
    if (l.t.rows.size() > 1 && !tabular.count("lessons")) made.push_back(std::move(l.t));
  }
  if (const In* res = file("results"); res && !tabular.count("marks")) {
    Out m("marks", *res);
    m.from("id", *res, "sourcedId");
    m.from("student", *res, "studentSourcedId");
    m.from("lesson", *res, "lineItemSourcedId");
    m.from("value", *res, res->has("score") || !res->has("textScore") ? "score" : "textScore");
    m.from("comment", *res, "comment");
    for (const char* k : {"weight", "created_at", "author"}) m.from(k, *res, meta(k));
    size_t unscored = 0;
    for (const TableRow* row : res->rows()) {
      std::string li = res->get(*row, "lineItemSourcedId");
      auto it = item.find(li);
      if (it == item.end()) {
        err(*res, *row, "lineItemSourcedId", fmt::format("line item {} is not in lineItems.csv", quoted_for_message(li)));
        continue;
      }
      std::string status = vocab(*res, *row, "scoreStatus"), score = res->get(*row, "score");
      std::string value = res->get(*row, meta("value"));
      if (value.empty() && status == "exempt") value = Locale::ru().text("marks.exempt");
      if (value.empty() && !score.empty()) {
        // `5.0` as written by a program that keeps scores as floats is the mark 5.
        if (score.size() > 2 && score.ends_with(".0")) score.resize(score.size() - 2);
        value = score;
      }
      // 1.2's textScore: a mark that is no number (`н/а`, `зач`), or a score kept as text.
      if (value.empty()) value = res->get(*row, "textScore");
      if (value.empty()) {
        ++unscored;
        continue;
      }
      auto& r = m.row(row->number);
      m.set(r, "id", res->get(*row, "sourcedId"));
      m.set(r, "student", res->get(*row, "studentSourcedId"));
      m.set(r, "lesson", it->second.first);
      m.set(r, "value", value);
      m.set(r, "work_type", it->second.second);
      m.set(r, "comment", res->get(*row, "comment"));
      for (const char* k : {"weight", "created_at", "author"}) m.set(r, k, res->get(*row, meta(k)));
    }
    if (unscored)
      diag.warning("oneroster", res->t->file, "", "",
                   fmt::format("{} results without a score (not yet graded): no mark", unscored));
    made.push_back(std::move(m.t));
  }
  // The OneRoster files leave; what they made comes in.
  std::vector<Table> out;
  for (auto& t : tables)
    if (!t.sheet.empty() || !oneroster_file(t.file)) out.push_back(std::move(t));
  for (auto& t : made) out.push_back(std::move(t));
  tables = std::move(out);
}

}  // namespace jp
