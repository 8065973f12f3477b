#include "ingest/tabular.h"

#include <fmt/format.h>
#include <glib.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "core/embedded.h"
#include "core/thread_pool.h"
#include "core/records.h"
#include "core/text.h"
#include "ingest/grid.h"
#include "ingest/load.h"

namespace jp {

using json = nlohmann::json;

const nlohmann::json& tabular_words() {
  static const json j = json::parse(embedded_files().at("tabular.ru.json"));
  return j;
}

std::string fold_name(std::string_view s) {
  std::string in(s);
  gchar* folded = g_utf8_casefold(in.c_str(), gssize(in.size()));
  std::string f = folded ? folded : in;
  g_free(folded);
  std::string out;
  bool space = false;
  for (size_t i = 0; i < f.size();) {
    char32_t cp = next_cp(f, i);
    if (cp == 0x451) cp = 0x435;  // CYRILLIC SMALL LETTER IO as IE: ё as е
    if (cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' || cp == 0xA0) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    put_cp(out, cp);
  }
  return out;
}

namespace {

const json& words() { return tabular_words(); }

/// Lists a record's columns by visiting its description.
struct ColumnLister {
  std::vector<std::string>& out;
  void add(const Field& f) { out.push_back(f.key); }
  template <class T>
  void id(const Field& f, T&) { add(f); }
  template <class T>
  void text(const Field& f, T&) { add(f); }
  template <class T>
  void text_or_int(const Field& f, T&) { add(f); }
  template <class T>
  void one_of(const Field& f, T&) { add(f); }
  template <class T, class U>
  void timestamp(const Field& f, T&, U&) { add(f); }
  template <class T>
  void nullable_value(const Field& f, T&) { add(f); }
  template <class T>
  void integer(const Field& f, T&) { add(f); }
  template <class T>
  void positive(const Field& f, T&) { add(f); }
  template <class T>
  void boolean(const Field& f, T&) { add(f); }
  template <class T>
  void date(const Field& f, T&) { add(f); }
  template <class T>
  void clock(const Field& f, T&) { add(f); }
  template <class T>
  void strings(const Field& f, T&) { add(f); }
  template <class T>
  void grades(const Field& f, T&) { add(f); }
  template <class T>
  void person(const Field& f, T&) {
    std::string prefix = f.key ? std::string(f.key) + "." : "";
    for (const char* k : {"last_name", "first_name", "middle_name"}) out.push_back(prefix + k);
  }
  template <class T>
  void records(const Field&, T&) {}  // a table of its own
};

template <class T>
std::vector<std::string> columns_of() {
  std::vector<std::string> out;
  ColumnLister l{out};
  T x{};
  describe(l, x);
  return out;
}

/// Calls `f.template operator()<T>()` with the record type of a section.
template <class F>
bool with_type(const std::string& section, F&& f) {
  if (section == "school") return f.template operator()<School>(), true;
  if (section == "year") return f.template operator()<Year>(), true;
  if (section == "periods") return f.template operator()<Period>(), true;
  if (section == "holidays") return f.template operator()<Holiday>(), true;
  if (section == "bells") return f.template operator()<Bell>(), true;
  if (section == "work_types") return f.template operator()<WorkType>(), true;
  if (section == "subjects") return f.template operator()<Subject>(), true;
  if (section == "teachers") return f.template operator()<Teacher>(), true;
  if (section == "classes") return f.template operator()<SchoolClass>(), true;
  if (section == "groups") return f.template operator()<Group>(), true;
  if (section == "students") return f.template operator()<Student>(), true;
  if (section == "enrollments") return f.template operator()<Enrollment>(), true;
  if (section == "guardians") return f.template operator()<Guardian>(), true;
  if (section == "lessons") return f.template operator()<Lesson>(), true;
  if (section == "individual_homework") return f.template operator()<IndividualHomework>(), true;
  if (section == "marks") return f.template operator()<Mark>(), true;
  if (section == "attendance") return f.template operator()<Attendance>(), true;
  if (section == "final_marks") return f.template operator()<FinalMark>(), true;
  if (section == "mark_changes") return f.template operator()<MarkChange>(), true;
  if (section == "remarks") return f.template operator()<Remark>(), true;
  if (section == "events") return f.template operator()<Event>(), true;
  return false;
}

/// A nested table: its owner's section and the owner's id column.
struct Nesting {
  const char* section;
  const char* owner;
  const char* owner_column;
  const char* key;  ///< the owner's field
};
constexpr Nesting kNested[] = {{"groups", "classes", "class", "groups"},
                               {"enrollments", "students", "student", "enrollments"}};

const Nesting* nesting_of(const std::string& section) {
  for (const auto& n : kNested)
    if (section == n.section) return &n;
  return nullptr;
}

/// The settings keys whose value is a list or an object, written as JSON in one cell.
bool structured_setting(const std::string& k) {
  return k == "numeric_marks" || k == "other_marks" || k == "forecast_thresholds" ||
         k == "grading_deadline_days" || k == "attendance_codes";
}

std::string trim(std::string_view s) {
  size_t a = 0, b = s.size();
  while (a < b && (s[a] == ' ' || s[a] == '\t' || s[a] == '\r' || s[a] == '\n')) ++a;
  while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t' || s[b - 1] == '\r' || s[b - 1] == '\n'))
    --b;
  // A no-break space (U+00A0) that Excel puts around pasted values.
  while (b - a >= 2 && s.substr(a, 2) == "\xC2\xA0") a += 2;
  while (b - a >= 2 && s.substr(b - 2, 2) == "\xC2\xA0") b -= 2;
  return std::string(s.substr(a, b - a));
}

bool free_text_key(std::string_view k) {
  return k == "homework" || k == "text" || k == "topic" || k == "comment";
}

/// `ДД.ММ.ГГГГ` as `YYYY-MM-DD`; anything else unchanged (the reader's check reports it).
std::string iso_date(const std::string& s) {
  if (s.size() == 10 && s[2] == '.' && s[5] == '.')
    return s.substr(6, 4) + "-" + s.substr(3, 2) + "-" + s.substr(0, 2);
  return s;
}

std::optional<long long> parse_integer(const std::string& s) {
  long long n = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec == std::errc() && p == s.data() + s.size()) return n;
  return std::nullopt;
}

/// A decimal number with a point or a comma (`4,5`), digits only around it.
std::optional<double> parse_decimal(std::string s) {
  for (auto& c : s)
    if (c == ',') c = '.';
  size_t digits = 0, points = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9') ++digits;
    else if (s[i] == '.') ++points;
    else if (!(i == 0 && s[i] == '-')) return std::nullopt;
  }
  if (digits == 0 || points > 1 || digits > 30) return std::nullopt;
  double d = std::strtod(s.c_str(), nullptr);
  return std::isfinite(d) ? std::optional<double>(d) : std::nullopt;
}

/// Items of a list cell: separated by commas, semicolons or spaces.
std::vector<std::string> split_list(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',' || c == ';' || c == ' ' || c == '\n' || c == '\t' || c == '\r') {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

std::optional<bool> parse_bool(const std::string& s) {
  std::string f = fold_name(s);
  if (f == "true" || f == "1" || f == "yes") return true;
  if (f == "false" || f == "0" || f == "no") return false;
  for (const auto& w : words()["true"])
    if (f == fold_name(w.get<std::string>())) return true;
  for (const auto& w : words()["false"])
    if (f == fold_name(w.get<std::string>())) return false;
  return std::nullopt;
}

/// One row's cells by column key.
struct RowCells {
  const std::vector<std::string>* cells = nullptr;
  const std::map<std::string, size_t>* columns = nullptr;
  /// The cell under `key`; nullptr when the table has no such column.
  const std::string* raw(const std::string& key) const {
    auto it = columns->find(key);
    if (it == columns->end()) return nullptr;
    static const std::string empty;
    return it->second < cells->size() ? &(*cells)[it->second] : &empty;
  }
  std::string get(const std::string& key) const {
    const std::string* r = raw(key);
    return r ? (free_text_key(key) ? *r : trim(*r)) : std::string();
  }
};

/// Makes a record's JSON object from a row, as core/records.h describes the record: the
/// JSON reader's checks then apply unchanged. A value that cannot even be given its JSON
/// type (`abc` for an integer) is a field error: the record is dropped with it.
struct CellFields {
  const RowCells& row;
  json& obj;
  RecordFeed& feed;
  std::string pointer;  ///< `/marks/17`
  /// The nested rows of this record, by field key.
  const std::map<std::string, json>* nested = nullptr;

  void bad(const Field& f, const std::string& what, const std::string& cell) {
    feed.field_error(pointer + "/" + f.key,
                     fmt::format("expected {}, got {}", what, quoted_for_message(cell)));
  }
  void str(const Field& f) {
    std::string v = row.get(f.key);
    if (!v.empty()) obj[f.key] = std::move(v);
  }
  template <class T>
  void id(const Field& f, T&) { str(f); }
  template <class T>
  void text(const Field& f, T&) { str(f); }
  template <class T>
  void text_or_int(const Field& f, T&) { str(f); }
  template <class T>
  void one_of(const Field& f, T&) {
    std::string v = row.get(f.key);
    if (v.empty()) return;
    // Vocabulary in the wrong case (`Absent`) is still the word.
    std::string folded = fold_name(v);
    for (const char* a : f.allowed)
      if (folded == a) v = a;
    obj[f.key] = std::move(v);
  }
  template <class T, class U>
  void timestamp(const Field& f, T&, U&) { str(f); }
  template <class T>
  void nullable_value(const Field& f, T&) {
    if (!row.raw(f.key)) return;
    std::string v = row.get(f.key);
    obj[f.key] = v.empty() ? json(nullptr) : json(v);
  }
  template <class T>
  void integer(const Field& f, T&) {
    std::string v = row.get(f.key);
    if (v.empty()) return;
    if (auto n = parse_integer(v)) {
      obj[f.key] = *n;
    } else if (auto d = parse_decimal(v); d && *d == std::floor(*d) && std::fabs(*d) < 1e15) {
      obj[f.key] = (long long)*d;  // `5.0`, `5,0`
    } else {
      bad(f, "an integer", v);
    }
  }
  template <class T>
  void positive(const Field& f, T&) {
    std::string v = row.get(f.key);
    if (v.empty()) return;
    if (auto d = parse_decimal(v))
      obj[f.key] = *d;
    else
      bad(f, "a number (4.5 or 4,5)", v);
  }
  template <class T>
  void boolean(const Field& f, T&) {
    std::string v = row.get(f.key);
    if (v.empty()) return;
    if (auto b = parse_bool(v))
      obj[f.key] = *b;
    else
      bad(f, "true or false", v);
  }
  template <class T>
  void date(const Field& f, T&) {
    std::string v = row.get(f.key);
    if (!v.empty()) obj[f.key] = iso_date(v);
  }
  template <class T>
  void clock(const Field& f, T&) { str(f); }
  template <class T>
  void person(const Field& f, T&) {
    json p = json::object();
    std::string prefix = f.key ? std::string(f.key) + "." : "";
    for (const char* k : {"last_name", "first_name", "middle_name"})
      if (std::string v = row.get(prefix + k); !v.empty()) p[k] = std::move(v);
    if (!f.key) {
      for (auto& [k, v] : p.items()) obj[k] = v;
    } else if (!p.empty()) {
      obj[f.key] = std::move(p);
    }
  }
  template <class T>
  void strings(const Field& f, T&) {
    const std::string* r = row.raw(f.key);
    if (!r) return;
    std::string v = trim(*r);
    // An empty list is said so: a guardian with no children yet (the field is required,
    // so its column there means an empty list), or `[]` (an event for no class, not for
    // the whole school, which is an empty cell).
    if (v == "[]" || (v.empty() && f.required)) obj[f.key] = json::array();
    if (v.empty() || v == "[]") return;
    obj[f.key] = split_list(v);
  }
  template <class T>
  void grades(const Field& f, T&) {
    std::string v = row.get(f.key);
    if (v.empty()) return;
    json a = json::array();
    for (const auto& item : split_list(v)) {
      auto n = parse_integer(item);
      if (!n) return bad(f, fmt::format("grades {}-{} separated by commas", f.lo, f.hi), v);
      a.push_back(*n);
    }
    obj[f.key] = std::move(a);
  }
  template <class T>
  void records(const Field& f, T&) {
    if (!nested) return;
    auto it = nested->find(f.key);
    if (it != nested->end()) obj[f.key] = it->second;
  }
};

template <class T>
void row_object(const RowCells& row, json& obj, RecordFeed& feed, const std::string& pointer,
                const std::map<std::string, json>* nested) {
  CellFields c{row, obj, feed, pointer, nested};
  T x{};
  describe(c, x);
}

}  // namespace

const std::vector<std::string>& tabular_sections() {
  static const std::vector<std::string> s{
      "school",   "year",        "settings", "periods",  "holidays",
      "bells",    "work_types",  "subjects", "teachers", "classes",
      "groups",   "students",    "enrollments", "guardians", "lessons",
      "individual_homework", "marks", "attendance", "final_marks", "mark_changes",
      "remarks",  "events"};
  return s;
}

std::vector<std::string> tabular_columns(const std::string& section) {
  if (section == "settings") return {"key", "value"};
  std::vector<std::string> cols;
  if (const Nesting* n = nesting_of(section)) cols.push_back(n->owner_column);
  with_type(section, [&]<class T>() {
    auto c = columns_of<T>();
    cols.insert(cols.end(), c.begin(), c.end());
  });
  return cols;
}

std::string tabular_section_of(const std::string& name) {
  std::string stem = std::filesystem::path(name).filename().string();
  for (const char* ext : {".csv", ".CSV", ".txt", ".tsv"})
    if (stem.size() > 4 && stem.ends_with(ext)) stem.resize(stem.size() - 4);
  std::string f = fold_name(stem);
  for (const auto& s : tabular_sections()) {
    if (f == s) return s;
    if (auto it = words()["sheets"].find(s); it != words()["sheets"].end())
      for (const auto& alias : *it)
        if (f == fold_name(alias.get<std::string>())) return s;
  }
  return {};
}

// ---- reading -------------------------------------------------------------------------

class TabularReader {
 public:
  TabularReader(const std::vector<Table>& tables, Diagnostics& diag, TabularPlaces& places,
                ThreadPool* pool)
      : tables_(tables), diag_(diag), places_(places), pool_(pool) {}

  Journal run(bool quiet_unknown) {
    std::vector<size_t> grids;  // journal grids: read once the roster is
    for (size_t i = 0; i < tables_.size(); ++i) {
      const Table& t = tables_[i];
      std::string section =
          !t.section.empty() ? t.section : tabular_section_of(t.sheet.empty() ? t.file : t.sheet);
      if (section.empty() && looks_like_grid(t)) {
        grids.push_back(i);
        continue;
      }
      if (section.empty()) {
        if (!quiet_unknown)
          diag_.warning("unknown-table", t.file, t.sheet, "",
                        "not a table of journalpress-tabular/1 (its name is no section); "
                        "ignored");
        continue;
      }
      if (t.rows.empty()) {
        diag_.warning("empty-table", t.file, t.sheet, "", "no header row: an empty table");
        continue;
      }
      TabularPlaces::Source src;
      src.table = &t;
      src.section = section;
      bool ok = bind(src);
      places_.by_file_[t.file].push_back(places_.sources_.size());
      places_.sources_.push_back(std::move(src));
      feeds_.emplace_back(t.file, uint32_t(feeds_.size()), t.digest);
      // Left unread, said already: the merge then skips the cross-record rules (they would
      // only report this table's records as missing).
      if (!ok) feeds_.back().unreadable(t.sheet, "the table was not read");
      readable_.push_back(ok);
    }
    // Nested rows first, gathered by their owner's id.
    for (size_t s = 0; s < places_.sources_.size(); ++s)
      if (readable_[s] && nesting_of(places_.sources_[s].section)) gather_nested(s);
    year_start_ = find_year_start();
    // The tables that hold nested rows or a single record first, one at a time (they
    // share the nested rows and the diagnostics); the others each touch only their own
    // feed, and are read on all cores: a year's marks are most of the work.
    auto shared = [&](size_t s) {
      const std::string& sec = places_.sources_[s].section;
      return sec == "classes" || sec == "students" || sec == "school" || sec == "year" ||
             sec == "settings";
    };
    std::vector<size_t> rest;
    for (size_t s = 0; s < places_.sources_.size(); ++s) {
      if (!readable_[s] || nesting_of(places_.sources_[s].section)) continue;
      if (shared(s))
        read_source(s);
      else
        rest.push_back(s);
    }
    for_each(pool_, rest.size(), [&](size_t k, unsigned) { read_source(rest[k]); });
    if (!grids.empty()) read_grids(grids);
    for (auto& [owner, rows] : nested_)
      for (auto& r : rows) {
        const auto& src = places_.sources_[r.source];
        const Nesting* n = nesting_of(src.section);
        feeds_[r.source].field_error(
            fmt::format("/{}/{}/{}", src.section, r.row, n->owner_column),
            fmt::format("{} {} is not in the {} table", n->owner_column,
                        quoted_for_message(owner.second), n->owner));
      }
    return merge_feeds(feeds_, diag_);
  }

 private:
  const std::vector<Table>& tables_;
  Diagnostics& diag_;
  TabularPlaces& places_;
  std::vector<RecordFeed> feeds_;
  struct NestedRow {
    size_t source;
    uint32_t row;
    json value;
  };
  /// (owner section, owner id) -> its nested rows, in table order
  std::map<std::pair<std::string, std::string>, std::vector<NestedRow>> nested_;
  std::string year_start_;
  std::vector<bool> readable_;  ///< by source
  ThreadPool* pool_ = nullptr;

  /// The journal grids, against the roster the other tables gave (ingest/grid).
  void read_grids(const std::vector<size_t>& grids) {
    Roster roster;
    static const Settings defaults;
    roster.settings = &defaults;
    for (size_t s = 0; s < feeds_.size(); ++s) {
      const Journal& j = feeds_[s].journal();
      if (places_.sources_[s].section == "year") roster.year = &j.year;
      if (places_.sources_[s].section == "settings") roster.settings = &j.settings;
      for (const auto& x : j.classes) roster.classes.push_back(&x);
      for (const auto& x : j.students) roster.students.push_back(&x);
      for (const auto& x : j.subjects) roster.subjects.push_back(&x);
      for (const auto& x : j.teachers) roster.teachers.push_back(&x);
      for (const auto& x : j.periods) roster.periods.push_back(&x);
    }
    // The feeds grow below: the roster's pointers are into records already read, which
    // the vector's moves keep (each feed's journal lives behind its own pointer).
    std::map<std::pair<std::string, Day>, int> numbers;
    for (size_t i : grids) {
      const Table& t = tables_[i];
      TabularPlaces::Source src;
      src.table = &t;
      src.section = "*grid*";
      places_.by_file_[t.file].push_back(places_.sources_.size());
      places_.sources_.push_back(std::move(src));
      feeds_.emplace_back(t.file, uint32_t(feeds_.size()), t.digest);
      readable_.push_back(true);
      read_grid(t, roster, feeds_.back(), numbers, diag_);
    }
  }

  /// Maps the header to column keys; false (with an error) if it cannot be read.
  bool bind(TabularPlaces::Source& src) {
    const Table& t = *src.table;
    std::vector<std::string> known = tabular_columns(src.section);
    if (src.section == "students") {  // a student's one enrollment, on the student's row
      known.push_back("class");
      known.push_back("from");
    }
    const json& aliases = words()["columns"];
    const auto& header = t.rows[0].cells;
    bool ok = true;
    for (size_t c = 0; c < header.size(); ++c) {
      std::string h = trim(header[c]);
      if (h.empty()) continue;
      std::string f = fold_name(h), key;
      for (const auto& k : known) {
        if (f == fold_name(k)) key = k;
        if (key.empty() && aliases.contains(k))
          for (const auto& a : aliases[k])
            if (f == fold_name(a.get<std::string>())) key = k;
        if (!key.empty()) break;
      }
      if (key.empty()) key = h;  // unknown: the reader warns "unknown field"
      if (src.columns.count(key)) {
        diag_.error(t.file, cell_ref(t, c, t.rows[0].number), "",
                    fmt::format("column {} appears twice (also {}); the table was not read",
                                quoted_for_message(key),
                                column_letters(src.columns[key])));
        ok = false;
      }
      src.columns[key] = c;
    }
    // One value per cell: a merged range would give its value to one record and leave
    // the others' cells empty, silently.
    for (const auto& m : t.merges) {
      diag_.error(t.file, cell_ref(t, m.col, m.row), "",
                  fmt::format("merged cells {}: a record sheet holds one value per cell; "
                              "unmerge them",
                              m.ref));
      ok = false;
    }
    if (src.section == "settings" && (!src.columns.count("key") || !src.columns.count("value"))) {
      diag_.error(t.file, t.sheet, "",
                  "expected the columns \"key\" and \"value\" in the settings table");
      ok = false;
    }
    if (const Nesting* n = nesting_of(src.section); n && !src.columns.count(n->owner_column)) {
      diag_.error(t.file, t.sheet, "",
                  fmt::format("expected the column {} (the {} each row belongs to)",
                              quoted_for_message(n->owner_column), n->owner));
      ok = false;
    }
    return ok;
  }

  /// Errors common to every data row: cells under no header.
  void check_width(size_t s, const TableRow& r) {
    const auto& src = places_.sources_[s];
    size_t width = src.table->rows[0].cells.size();
    for (size_t c = 0; c < r.cells.size(); ++c) {
      bool headed = c < width && !trim(src.table->rows[0].cells[c]).empty();
      if (!headed && !trim(r.cells[c]).empty()) {
        feeds_[s].field_error(fmt::format("/{}/{}/#{}", src.section, r.number, c),
                              fmt::format("a value in a column without a header: {} (a row "
                                          "with too many fields?)",
                                          quoted_for_message(r.cells[c])));
        return;
      }
    }
  }

  void gather_nested(size_t s) {
    const auto& src = places_.sources_[s];
    const Nesting* n = nesting_of(src.section);
    const auto& rows = src.table->rows;
    for (size_t i = 1; i < rows.size(); ++i) {
      check_width(s, rows[i]);
      RowCells cells{&rows[i].cells, &src.columns};
      std::string owner = cells.get(n->owner_column);
      json obj = json::object();
      std::string pointer = fmt::format("/{}/{}", src.section, rows[i].number);
      with_type(src.section, [&]<class T>() {
        row_object<T>(cells, obj, feeds_[s], pointer, nullptr);
      });
      for (auto& [k, c] : src.columns)  // unknown columns travel, to be warned about
        if (k != n->owner_column && !obj.contains(k) && !is_column(src.section, k) &&
            !cells.get(k).empty())
          obj[k] = cells.get(k);
      if (owner.empty()) {
        // Reported when the feeds are merged: no record holds this row.
        feeds_[s].field_error(pointer + "/" + n->owner_column,
                              fmt::format("missing the {} this row belongs to", n->owner_column));
        continue;
      }
      nested_[{n->owner, owner}].push_back({s, rows[i].number, std::move(obj)});
    }
  }

  static bool is_column(const std::string& section, const std::string& key) {
    for (const auto& c : tabular_columns(section))
      if (c == key) return true;
    return false;
  }

  std::string find_year_start() {
    for (const auto& src : places_.sources_)
      if (src.section == "year" && src.table->rows.size() > 1) {
        RowCells cells{&src.table->rows[1].cells, &src.columns};
        return iso_date(cells.get("start"));
      }
    return {};
  }

  void read_source(size_t s) {
    const auto& src = places_.sources_[s];
    RecordFeed& feed = feeds_[s];
    const auto& rows = src.table->rows;
    if (src.section == "settings") return read_settings(s);
    bool single = src.section == "school" || src.section == "year";
    if (single && rows.size() != 2) {
      feed.unreadable(src.table->sheet,
                      fmt::format("expected one row under the header in the {} table, got {}",
                                  src.section, rows.size() - 1));
      return;
    }
    std::vector<std::string> known = tabular_columns(src.section);
    for (size_t i = 1; i < rows.size(); ++i) {
      check_width(s, rows[i]);
      RowCells cells{&rows[i].cells, &src.columns};
      std::string pointer = single ? "/" + src.section
                                   : fmt::format("/{}/{}", src.section, rows[i].number);
      json obj = json::object();
      std::map<std::string, json> nested;
      if (src.section == "classes" || src.section == "students") {
        const char* key = src.section == "classes" ? "groups" : "enrollments";
        auto it = nested_.find({src.section, cells.get("id")});
        if (it != nested_.end()) {
          json a = json::array();
          auto& list = places_.nested_[{s, rows[i].number, key}];
          for (auto& r : it->second) {
            a.push_back(std::move(r.value));
            list.push_back({r.source, r.row});
          }
          nested[key] = std::move(a);
          nested_.erase(it);
        } else if (src.section == "students" && !cells.get("class").empty()) {
          json e = {{"class", cells.get("class")},
                    {"from", cells.get("from").empty() ? year_start_ : iso_date(cells.get("from"))}};
          nested[key] = json::array({e});
          places_.nested_[{s, rows[i].number, key}].push_back({s, rows[i].number});
        }
      }
      with_type(src.section, [&]<class T>() {
        row_object<T>(cells, obj, feed, pointer, &nested);
      });
      for (auto& [k, c] : src.columns)
        if (!obj.contains(k) && std::find(known.begin(), known.end(), k) == known.end() &&
            !(src.section == "students" && (k == "class" || k == "from")) && !cells.get(k).empty())
          obj[k] = cells.get(k);
      if (single)
        feed.object(src.section, obj);
      else
        feed.record(src.section, obj, rows[i].number);
    }
  }

  void read_settings(size_t s) {
    const auto& src = places_.sources_[s];
    RecordFeed& feed = feeds_[s];
    json obj = json::object();
    for (size_t i = 1; i < src.table->rows.size(); ++i) {
      const auto& r = src.table->rows[i];
      RowCells cells{&r.cells, &src.columns};
      std::string k = cells.get("key"), v = cells.get("value");
      std::string at = fmt::format("/settings/{}", r.number);
      if (k.empty()) continue;
      if (k == "format") {
        if (v != "journalpress-tabular/1")
          feed.unreadable(at, fmt::format("expected the format \"journalpress-tabular/1\", got {}",
                                          quoted_for_message(v)));
        continue;
      }
      if (k == "exported_at") {
        feed.object("exported_at", v);
        continue;
      }
      if (v.empty()) continue;
      if (structured_setting(k)) {
        json parsed = json::parse(v, nullptr, false);
        if (parsed.is_discarded() && (k == "numeric_marks" || k == "other_marks"))
          parsed = split_list(v);
        if (parsed.is_discarded()) {
          feed.field_error("/settings/" + k,
                           fmt::format("expected a JSON value in row {}, got {}", r.number,
                                       quoted_for_message(v)));
          obj[k] = nullptr;
          continue;
        }
        obj[k] = std::move(parsed);
      } else if (auto n = parse_integer(v)) {
        obj[k] = *n;
      } else {
        obj[k] = v;
      }
    }
    feed.object("settings", obj);
  }
};

Journal read_tabular(const std::vector<Table>& tables, Diagnostics& diag, TabularPlaces& places,
                     bool quiet_unknown, ThreadPool* pool) {
  TabularReader r(tables, diag, places, pool);
  return r.run(quiet_unknown);
}

// ---- places --------------------------------------------------------------------------

std::pair<std::string, std::string> TabularPlaces::place(size_t source, uint32_t row,
                                                         const std::string& rest) const {
  const Source& s = sources_[source];
  const Table& t = *s.table;
  std::string key = rest.substr(0, rest.find('/'));
  std::string after = key.size() < rest.size() ? rest.substr(key.size() + 1) : "";
  // A nested record: `enrollments/0/class` is a row of the enrollments table.
  if (auto it = nested_.find({source, row, key}); it != nested_.end() && !after.empty()) {
    size_t i = std::strtoul(after.c_str(), nullptr, 10);
    if (i < it->second.size()) {
      auto [ns, nrow] = it->second[i];
      std::string inner = after.find('/') == std::string::npos ? "" : after.substr(after.find('/') + 1);
      if (ns != source) return place(ns, nrow, inner);
      return place(ns, nrow, inner == "class" || inner == "from" ? inner : "class");
    }
  }
  std::optional<size_t> col;
  if (!key.empty() && key[0] == '#') {
    col = std::strtoul(key.c_str() + 1, nullptr, 10);
  } else if (s.section == "school" && key == "director" && !after.empty()) {
    key = "director." + after.substr(0, after.find('/'));
  }
  if (!col && !key.empty())
    if (auto c = s.columns.find(key); c != s.columns.end()) col = c->second;
  std::string label = key.empty() || key[0] == '#' ? "" : " (" + key + ")";
  if (col && *col < t.origin_col.size()) {  // made from another format's table
    label = t.origin_col[*col] == std::string::npos ? label : " (" + t.origin_name[*col] + ")";
    col = t.origin_col[*col] == std::string::npos ? std::nullopt : std::optional(t.origin_col[*col]);
  }
  if (!t.sheet.empty())
    return {t.file, col ? cell_ref(t, *col, row) + label
                        : fmt::format("{}!{}{}{}", t.sheet, row == 0 ? "" : "row ",
                                      row == 0 ? "" : std::to_string(row), label)};
  if (col) return {t.file, fmt::format("row {}, column {}{}", row, column_letters(*col), label)};
  return {t.file, row == 0 ? key : fmt::format("row {}{}", row, label)};
}

Diagnostics TabularPlaces::translate(const Diagnostics& d) const {
  Diagnostics out;
  for (Diagnostic x : d.all()) {
    auto files = by_file_.find(x.file);
    if (files != by_file_.end() && !x.pointer.empty() && x.pointer[0] == '/') {
      // `/section/row/rest`, or `/school/rest` for the single sections.
      std::string p = x.pointer.substr(1);
      std::string section = p.substr(0, p.find('/'));
      std::string tail = section.size() < p.size() ? p.substr(section.size() + 1) : "";
      for (size_t s : files->second) {
        if (sources_[s].section == "*grid*") {  // a record's index is its cell
          uint32_t ix = uint32_t(std::strtoul(tail.c_str(), nullptr, 10));
          std::string key = tail.find('/') == std::string::npos ? "" : tail.substr(tail.find('/') + 1);
          x.pointer = cell_ref(*sources_[s].table, ix % 16384, ix / 16384) +
                      (key.empty() ? "" : " (" + key + ")");
          break;
        }
        if (sources_[s].section != section) continue;
        uint32_t row = 0;
        std::string rest = tail;
        if (section == "school" || section == "year") {
          row = sources_[s].table->rows.size() > 1 ? sources_[s].table->rows[1].number : 0;
        } else if (section == "settings") {
          rest = tail;
        } else {
          row = uint32_t(std::strtoul(tail.c_str(), nullptr, 10));
          rest = tail.find('/') == std::string::npos ? "" : tail.substr(tail.find('/') + 1);
        }
        std::tie(x.file, x.pointer) = place(s, row, rest);
        break;
      }
    }
    out.add(std::move(x));
  }
  return out;
}

// ---- writing -------------------------------------------------------------------------

namespace {

std::string number_cell(double d) { return fmt::format("{}", d); }

/// A record's cells, in the order of tabular_columns.
struct CellWriter {
  std::vector<std::string>& out;
  void put(std::string s) { out.push_back(std::move(s)); }
  void id(const Field&, const std::string& s) { put(s); }
  void text(const Field&, const std::string& s) { put(s); }
  void text_or_int(const Field&, const std::string& s) { put(s); }
  void one_of(const Field&, const std::string& s) { put(s); }
  template <class U>
  void timestamp(const Field&, const std::string& s, const U&) { put(s); }
  void nullable_value(const Field&, const std::optional<std::string>& v) { put(v ? *v : ""); }
  void integer(const Field&, const int& n) { put(std::to_string(n)); }
  void integer(const Field&, const std::optional<int>& n) { put(n ? std::to_string(*n) : ""); }
  void positive(const Field&, const double& d) { put(number_cell(d)); }
  void positive(const Field&, const std::optional<double>& d) { put(d ? number_cell(*d) : ""); }
  void boolean(const Field&, const bool& b) { put(b ? "true" : "false"); }
  void date(const Field&, const Day& d) { put(format_date(d)); }
  void date(const Field&, const std::optional<Day>& d) { put(d ? format_date(*d) : ""); }
  void clock(const Field&, const int& c) { put(fmt::format("{:02}:{:02}", c / 60, c % 60)); }
  void person(const Field&, const Person& p) {
    put(p.last_name);
    put(p.first_name);
    put(p.middle_name);
  }
  static std::string joined(const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  }
  void strings(const Field&, const std::vector<std::string>& v) { put(joined(v)); }
  void strings(const Field&, const std::optional<std::vector<std::string>>& v) {
    put(!v ? "" : v->empty() ? "[]" : joined(*v));
  }
  void grades(const Field&, const std::vector<int>& v) {
    std::string s;
    for (int g : v) s += (s.empty() ? "" : ", ") + std::to_string(g);
    put(s);
  }
  template <class T>
  void records(const Field&, const T&) {}
};

template <class T>
void add_rows(std::vector<std::vector<std::string>>& rows, const std::vector<T>& items) {
  for (const auto& x : items) {
    std::vector<std::string> r;
    CellWriter w{r};
    describe(w, x);
    rows.push_back(std::move(r));
  }
}

}  // namespace

std::vector<std::vector<std::string>> tabular_rows(const Journal& j, const std::string& section) {
  std::vector<std::vector<std::string>> rows{tabular_columns(section)};
  auto one = [&](const auto& x) {
    std::vector<std::string> r;
    CellWriter w{r};
    describe(w, x);
    rows.push_back(std::move(r));
  };
  if (section == "school") one(j.school);
  else if (section == "year") one(j.year);
  else if (section == "settings") {
    const Settings& s = j.settings;
    json thresholds = json::object();
    for (const auto& [m, t] : s.forecast_thresholds) thresholds[m] = t;
    json codes(s.attendance_codes);
    rows.push_back({"format", "journalpress-tabular/1"});
    if (!j.exported_at.empty()) rows.push_back({"exported_at", j.exported_at});
    rows.push_back({"numeric_marks", json(s.numeric_marks).dump()});
    rows.push_back({"other_marks", json(s.other_marks).dump()});
    rows.push_back({"forecast_thresholds", thresholds.dump()});
    rows.push_back({"control_limit", std::to_string(s.control_limit)});
    rows.push_back({"grading_deadline_days",
                    json{{"primary", s.grading_deadline_primary}, {"basic", s.grading_deadline_basic}}
                        .dump()});
    rows.push_back({"homework_deadline_hours", std::to_string(s.homework_deadline_hours)});
    rows.push_back({"attendance_codes", codes.dump()});
    rows.push_back({"min_marks", std::to_string(s.min_marks)});
    rows.push_back({"edit_lock", s.edit_lock});
  } else if (section == "groups") {
    for (const auto& c : j.classes)
      for (const auto& g : c.groups) {
        std::vector<std::string> r{c.id};
        CellWriter w{r};
        describe(w, g);
        rows.push_back(std::move(r));
      }
  } else if (section == "enrollments") {
    for (const auto& s : j.students)
      for (const auto& e : s.enrollments) {
        std::vector<std::string> r{s.id};
        CellWriter w{r};
        describe(w, e);
        rows.push_back(std::move(r));
      }
  }
#define JP_ROWS(name) else if (section == #name) add_rows(rows, j.name);
  JP_ROWS(periods)
  JP_ROWS(holidays)
  JP_ROWS(bells)
  JP_ROWS(work_types)
  JP_ROWS(subjects)
  JP_ROWS(teachers)
  JP_ROWS(classes)
  JP_ROWS(students)
  JP_ROWS(guardians)
  JP_ROWS(lessons)
  JP_ROWS(individual_homework)
  JP_ROWS(marks)
  JP_ROWS(attendance)
  JP_ROWS(final_marks)
  JP_ROWS(mark_changes)
  JP_ROWS(remarks)
  JP_ROWS(events)
#undef JP_ROWS
  return rows;
}

}  // namespace jp
