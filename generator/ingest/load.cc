#include "ingest/load.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <span>
#include <sstream>
#include <thread>
#include <type_traits>

#include "core/files.h"
#include "core/hash.h"
#include "core/thread_pool.h"
#include "core/records.h"
#include "core/text.h"

namespace jp {
namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

const char* type_name(const json& v) {
  switch (v.type()) {
    case json::value_t::null:
      return "null";
    case json::value_t::boolean:
      return "a boolean";
    case json::value_t::string:
      return "a string";
    case json::value_t::array:
      return "an array";
    case json::value_t::object:
      return "an object";
    case json::value_t::discarded:
      return "nothing";
    default:
      return "a number";
  }
}

bool valid_id(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '_' || c == '-'))
      return false;
  return true;
}

/// A value quoted in a message: control characters escaped, long values cut.
std::string qs(const std::string& s) { return quoted_for_message(s); }

/// A number as written, for messages.
std::string number_text(const json& v) { return v.dump(); }

/// The largest numeric mark or forecast threshold (a 100-point scale), like kMaxWeight
/// (core/records.h): far beyond real use, small enough that no sum of a year's marks
/// overflows (docs/data-format.md, "Limits").
constexpr int kMaxMark = 100;

/// What the format allows in a string field, by field name (docs/data-format.md, "Limits").
struct TextRule {
  size_t max_chars;
  bool free_text;  ///< hidden control characters are replaced (and warned about), not refused
};

TextRule text_rule(std::string_view key) {
  // People's names: the longest real Russian surnames and patronymics are under 40.
  if (key == "last_name" || key == "first_name" || key == "middle_name") return {100, false};
  // Markdown: a homework page, a remark or an event's description.
  if (key == "homework" || key == "text") return {10000, true};
  if (key == "topic" || key == "comment") return {1000, true};
  // Names of schools, classes, subjects, periods; addresses, codes, e-mail, ...
  return {500, false};
}

/// Unknown field names seen while loading, reported once per (section, name).
struct Unknown {
  std::string file, pointer, record;
  size_t count = 0;
};
using UnknownMap = std::map<std::string, Unknown>;

/// An error the parser found inside a value before the value was complete (a duplicate
/// key, a number out of range): reported with the record that holds it once the record is
/// complete, so that the message names the record like every other.
struct Pending {
  std::string pointer, message;
  bool reported = false;
};

/// One file's results, merged in file order afterwards.
struct FileResult {
  std::vector<Pending> pending;
  Journal j;
  Diagnostics diag;
  UnknownMap unknown;
  bool has_school = false, has_year = false, has_settings = false;
  bool unreadable = false;  ///< not parsed at all: its sections are unknown
  std::string digest;       ///< SHA-256 of the file's bytes
};

/// Reads the fields of one JSON object (a record, or an object inside one), reporting
/// missing and mistyped fields at their JSON pointers. `ok` turns false on any error,
/// and the caller then drops the record.
class Rec {
 public:
  Rec(FileResult& out, const std::string& file, std::string section, std::string pointer,
      const json& j, std::string label)
      : out_(out),
        file_(file),
        section_(std::move(section)),
        pointer_(std::move(pointer)),
        j_(j),
        label_(std::move(label)) {}

  bool ok = true;
  const std::string& pointer() const { return pointer_; }
  const std::string& label() const { return label_; }
  const std::string& file() const { return file_; }
  const std::string& section() const { return section_; }
  FileResult& out() { return out_; }

  void error(const std::string& key, const std::string& msg) {
    out_.diag.error(file_, key.empty() ? pointer_ : pointer_ + "/" + key, label_, msg);
    ok = false;
  }

  /// The value under key, or nullptr if absent or null (an error if required).
  const json* get(const char* key, bool required) {
    seen_.push_back(key);
    auto it = j_.find(key);
    if (it == j_.end() || it->is_null()) {
      if (required) error("", fmt::format("missing required field \"{}\"", key));
      return nullptr;
    }
    return &*it;
  }

  /// Present (possibly null) check for fields whose null has a meaning.
  const json* get_nullable(const char* key, bool required, bool& present) {
    seen_.push_back(key);
    auto it = j_.find(key);
    present = it != j_.end();
    if (!present) {
      if (required) error("", fmt::format("missing required field \"{}\"", key));
      return nullptr;
    }
    return &*it;
  }

  std::string str(const char* key, bool required = false) {
    const json* v = get(key, required);
    if (!v) return {};
    if (!v->is_string()) {
      error(key, fmt::format("expected a string, got {}", type_name(*v)));
      return {};
    }
    return checked_text(key, v->get_ref<const std::string&>());
  }

  /// A string value held to the format's limits: its length, and no hidden control
  /// characters (refused in names and codes; made visible as U+FFFD in free text, with a
  /// warning, since a stray one in a teacher's homework should not refuse a whole import).
  std::string checked_text(const std::string& key, const std::string& raw) {
    TextRule rule = text_rule(key.substr(key.rfind('/') + 1));
    size_t chars = raw.size() <= rule.max_chars ? 0 : utf8_length(raw);
    if (chars > rule.max_chars) {
      error(key, fmt::format("expected at most {} characters, got {}", rule.max_chars, chars));
      return {};
    }
    if (auto cp = first_hidden_control(raw, rule.free_text)) {
      if (!rule.free_text) {
        error(key, fmt::format("expected text without control or bidirectional-override "
                               "characters, got U+{:04X} in {}",
                               unsigned(*cp), qs(raw)));
        return {};
      }
      std::string text = raw;
      size_t n = replace_hidden_controls(text);
      out_.diag.warning("control-character", file_, pointer_ + "/" + key, label_,
                        fmt::format("{} control or bidirectional-override {} (the first U+{:04X}) "
                                    "shown as U+FFFD",
                                    n, n == 1 ? "character" : "characters", unsigned(*cp)));
      return nfc(text);
    }
    if (rule.free_text) return nfc(raw);
    // Names: a zero-width character pasted from a messenger is invisible on the site and a
    // gap or a blank in a PDF, and it makes two equal-looking names differ; dropped, said.
    std::string text = nfc(raw);
    char32_t first = 0;
    if (size_t n = drop_zero_width(text, &first))
      out_.diag.warning(
          "zero-width", file_, pointer_ + "/" + key, label_,
          fmt::format("{} zero-width {} (the first U+{:04X}) dropped from {}", n,
                      n == 1 ? "character" : "characters", unsigned(first), qs(text)));
    return text;
  }

  /// A string, or an integer written as a number (`5` for `"5"`): marks and rooms.
  std::string str_or_int(const char* key, bool required = false) {
    const json* v = get(key, required);
    if (!v) return {};
    return value_text(*v, key);
  }

  std::string value_text(const json& v, const std::string& key) {
    if (v.is_string()) return checked_text(key, v.get_ref<const std::string&>());
    // dump(), not get<long long>(): an unsigned above 2^63 would wrap to a negative mark.
    if (v.is_number_integer()) return v.dump();
    error(key, fmt::format("expected a string, got {}", type_name(v)));
    return {};
  }

  std::string id(const char* key = "id") {
    std::string s = str(key, true);
    if (ok && !valid_id(s))
      error(key,
            fmt::format("expected an id of 1-64 characters from [A-Za-z0-9._-], got {}", qs(s)));
    return s;
  }

  std::optional<long long> integer(const char* key, bool required, long long lo, long long hi) {
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_number_integer()) {
      error(key, fmt::format("expected an integer, got {}", type_name(*v)));
      return std::nullopt;
    }
    // An unsigned above 2^63 does not fit a long long: out of any range we use.
    bool fits = !v->is_number_unsigned() || v->get<unsigned long long>() <= 1ull << 62;
    long long n = fits ? v->get<long long>() : hi + 1;
    if (n < lo || n > hi) {
      error(key, fmt::format("expected an integer from {} to {}, got {}", lo, hi, number_text(*v)));
      return std::nullopt;
    }
    return n;
  }

  /// A positive number of at most `max`: weights (docs/data-format.md, "Limits").
  std::optional<double> positive_number(const char* key, bool required, double max) {
    const json* v = get(key, required);
    if (!v) return std::nullopt;
    if (!v->is_number()) {
      error(key, fmt::format("expected a number, got {}", type_name(*v)));
      return std::nullopt;
    }
    double d = v->get<double>();
    if (!(d > 0)) {
      error(key, fmt::format("expected a positive number, got {}", number_text(*v)));
      return std::nullopt;
    }
    if (!(d <= max)) {
      error(key, fmt::format("expected a number of at most {}, got {}", max, number_text(*v)));
      return std::nullopt;
    }
    return d;
  }

  std::optional<bool> boolean(const char* key) {
    const json* v = get(key, false);
    if (!v) return std::nullopt;
    if (!v->is_boolean()) {
      error(key, fmt::format("expected true or false, got {}", type_name(*v)));
      return std::nullopt;
    }
    return v->get<bool>();
  }

  std::optional<Day> date(const char* key, bool required) {
    std::string s = str(key, required);
    if (s.empty()) {
      if (ok && required) error(key, "expected a date YYYY-MM-DD, got \"\"");
      return std::nullopt;
    }
    auto d = parse_date(s);
    if (!d) error(key, fmt::format("expected a date YYYY-MM-DD, got {}", qs(s)));
    return d;
  }

  /// A timestamp: returns the text (stored as written) and its parsed value.
  std::string timestamp(const char* key, bool required, std::optional<Timestamp>& ts) {
    std::string s = str(key, required);
    if (s.empty()) return s;
    ts = parse_timestamp(s);
    if (!ts)
      error(key, fmt::format("expected a timestamp with offset such as "
                             "2024-03-12T14:05:00+05:00, got {}",
                             qs(s)));
    return s;
  }

  std::optional<int> clock(const char* key) {
    std::string s = str(key, true);
    if (s.empty()) return std::nullopt;
    auto c = parse_clock(s);
    if (!c) error(key, fmt::format("expected a time HH:MM, got {}", qs(s)));
    return c;
  }

  std::string one_of(const char* key, bool required, std::span<const char* const> allowed,
                     const char* dflt = "") {
    std::string s = str(key, required);
    if (s.empty()) return ok ? std::string(dflt) : std::string();
    for (const char* a : allowed)
      if (s == a) return s;
    std::string list;
    for (const char* a : allowed) list += (list.empty() ? "" : ", ") + qs(a);
    error(key, fmt::format("expected one of {}, got {}", list, qs(s)));
    return {};
  }

  std::vector<std::string> strings(const char* key, bool required) {
    std::vector<std::string> r;
    const json* v = get(key, required);
    if (!v) return r;
    if (!v->is_array()) {
      error(key, fmt::format("expected an array of strings, got {}", type_name(*v)));
      return r;
    }
    for (size_t i = 0; i < v->size(); ++i) {
      const json& e = (*v)[i];
      if (!e.is_string()) {
        error(fmt::format("{}/{}", key, i), fmt::format("expected a string, got {}", type_name(e)));
        continue;
      }
      std::string text = checked_text(fmt::format("{}/{}", key, i), e.get<std::string>());
      if (ok) r.push_back(std::move(text));
    }
    return r;
  }

  Person person() {
    Person p;
    p.last_name = str("last_name", true);
    p.first_name = str("first_name", true);
    p.middle_name = str("middle_name");
    return p;
  }

  /// Records every field that no accessor asked for: one warning per name later.
  void finish() {
    for (auto it = j_.begin(); it != j_.end(); ++it) {
      const std::string& k = it.key();
      bool known = false;
      for (const char* s : seen_)
        if (k == s) {
          known = true;
          break;
        }
      if (known) continue;
      auto& u = out_.unknown[section_ + "\x1f" + k];
      if (u.count++ == 0) {
        u.file = file_;
        u.pointer = pointer_ + "/" + k;
        u.record = label_;
      }
    }
  }

 private:
  FileResult& out_;
  const std::string& file_;
  std::string section_, pointer_;
  const json& j_;
  std::string label_;
  std::vector<const char*> seen_;
};

/// `id X`, or for records without an id the fields that identify them.
std::string record_label(const char* section, const json& j) {
  auto field = [&](const char* k) -> std::string {
    auto it = j.find(k);
    if (it == j.end()) return {};
    if (it->is_string()) {
      const std::string& v = it->get_ref<const std::string&>();
      // A label is printed: a hostile id must not rewrite the terminal or run to megabytes.
      if (v.size() <= 100 && !first_hidden_control(v, false)) return v;
      std::string q = quoted_for_message(v, 100);
      return q.substr(1, q.size() - 2);
    }
    if (it->is_number_integer()) return it->dump();
    return {};
  };
  std::string id = field("id");
  if (!id.empty()) return "id " + id;
  static const std::map<std::string, std::vector<const char*>> keys{
      {"attendance", {"student", "lesson"}},
      {"final_marks", {"student", "subject", "period"}},
      {"individual_homework", {"lesson", "student"}},
      {"mark_changes", {"mark", "changed_at"}},
      {"holidays", {"name"}},
      {"bells", {"number"}}};
  auto it = keys.find(section);
  if (it == keys.end()) return {};
  std::string label;
  for (const char* k : it->second) {
    std::string v = field(k);
    if (v.empty()) continue;
    label += (label.empty() ? "" : ", ") + std::string(k) + " " + v;
  }
  return label;
}

/// Reads a record's fields as core/records.h describes them, through `Rec`.
struct JsonFields {
  Rec& r;
  /// Called after each field: for checks that belong right after one field.
  void (*after)(Rec&, const char* key) = nullptr;

  void done(const Field& f) {
    if (after) after(r, f.key);
  }
  void id(const Field& f, std::string& s) {
    s = r.id(f.key);
    done(f);
  }
  void text(const Field& f, std::string& s) {
    // Empty or absent leaves the record's default (the school's timezone has one).
    if (std::string t = r.str(f.key, f.required); !t.empty()) s = std::move(t);
    done(f);
  }
  void text_or_int(const Field& f, std::string& s) {
    s = r.str_or_int(f.key, f.required);
    done(f);
  }
  void one_of(const Field& f, std::string& s) {
    s = r.one_of(f.key, f.required, f.allowed, f.fallback);
    done(f);
  }
  void timestamp(const Field& f, std::string& s, std::optional<Timestamp>& ts) {
    s = r.timestamp(f.key, f.required, ts);
    done(f);
  }
  void nullable_value(const Field& f, std::optional<std::string>& v) {
    bool present = false;
    if (const json* x = r.get_nullable(f.key, f.required, present); x && !x->is_null())
      v = r.value_text(*x, f.key);
    done(f);
  }
  void integer(const Field& f, int& n) {
    if (auto x = r.integer(f.key, f.required, f.lo, f.hi)) n = int(*x);
    done(f);
  }
  void integer(const Field& f, std::optional<int>& n) {
    if (auto x = r.integer(f.key, f.required, f.lo, f.hi)) n = int(*x);
    done(f);
  }
  void positive(const Field& f, double& d) {
    if (auto x = r.positive_number(f.key, f.required, f.max)) d = *x;
    done(f);
  }
  void positive(const Field& f, std::optional<double>& d) {
    d = r.positive_number(f.key, f.required, f.max);
    done(f);
  }
  void boolean(const Field& f, bool& b) {
    if (auto x = r.boolean(f.key)) b = *x;
    done(f);
  }
  void date(const Field& f, Day& d) {
    if (auto x = r.date(f.key, true)) d = *x;
    done(f);
  }
  void date(const Field& f, std::optional<Day>& d) {
    d = r.date(f.key, false);
    done(f);
  }
  void clock(const Field& f, int& c) {
    if (auto x = r.clock(f.key)) c = *x;
    done(f);
  }
  void person(const Field& f, Person& p) {
    if (!f.key) {
      p = r.person();
    } else if (const json* d = r.get(f.key, f.required)) {
      if (!d->is_object()) {
        r.error(f.key, fmt::format("expected a person object, got {}", type_name(*d)));
      } else {
        Rec n(r.out(), r.file(), r.section() + "." + f.key, r.pointer() + "/" + f.key, *d,
              r.label());
        p = n.person();
        n.finish();
        if (!n.ok) r.ok = false;
      }
    }
    done(f);
  }
  void strings(const Field& f, std::vector<std::string>& v) {
    v = r.strings(f.key, f.required);
    done(f);
  }
  void strings(const Field& f, std::optional<std::vector<std::string>>& v) {
    if (r.get(f.key, f.required)) v = r.strings(f.key, false);
    done(f);
  }
  void grades(const Field& f, std::vector<int>& v) {
    if (const json* g = r.get(f.key, f.required)) {
      if (!g->is_array()) {
        r.error(f.key, fmt::format("expected an array of grades {}-{}, got {}", f.lo, f.hi,
                                   type_name(*g)));
      } else {
        for (size_t i = 0; i < g->size(); ++i) {
          const json& e = (*g)[i];
          if (!e.is_number_integer() || e.get<long long>() < f.lo || e.get<long long>() > f.hi) {
            r.error(fmt::format("{}/{}", f.key, i),
                    fmt::format("expected a grade from {} to {}, got {}", f.lo, f.hi, e.dump()));
            continue;
          }
          v.push_back(e.get<int>());
        }
      }
    }
    done(f);
  }
  /// Nested records (a class's groups, a student's enrollments): each read like a record,
  /// its unknown fields reported under `section.key`.
  template <class T>
  void records(const Field& f, std::vector<T>& v) {
    std::string noun(f.key, std::strlen(f.key) - 1);  // groups -> group
    const char* article = std::strchr("aeiou", noun[0]) ? "an" : "a";
    if (const json* a = r.get(f.key, f.required)) {
      if (!a->is_array() || (f.required && a->empty())) {
        r.error(f.key, f.required
                           ? fmt::format("expected an array of at least one {}, got {}", noun,
                                         a->is_array() ? "an empty array" : type_name(*a))
                           : fmt::format("expected an array of {}, got {}", f.key, type_name(*a)));
      } else {
        for (size_t i = 0; i < a->size(); ++i) {
          const json& e = (*a)[i];
          if (!e.is_object()) {
            r.error(fmt::format("{}/{}", f.key, i),
                    fmt::format("expected {} {} object, got {}", article, noun, type_name(e)));
            continue;
          }
          Rec n(r.out(), r.file(), r.section() + "." + f.key,
                fmt::format("{}/{}/{}", r.pointer(), f.key, i), e, r.label());
          JsonFields fields{n};
          T x;
          describe(fields, x);
          n.finish();
          if (!n.ok) r.ok = false;
          v.push_back(std::move(x));
        }
      }
    }
    done(f);
  }
};

// ---- sections ------------------------------------------------------------------------

void read_school(Rec& r) {
  JsonFields fields{r};
  describe(fields, r.out().j.school);
}

/// `YYYY/YYYY`, two consecutive years: the label names the archive's folder and is a
/// line of the writer's journal, so `..`, `/` or a line break in it would be a path.
bool valid_year_label(const std::string& s) {
  if (s.size() != 9 || s[4] != '/') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 7, 8})
    if (s[i] < '0' || s[i] > '9') return false;
  return std::stoi(s.substr(5)) == std::stoi(s.substr(0, 4)) + 1;
}

void read_year(Rec& r) {
  JsonFields fields{r, [](Rec& r, const char* key) {
                      const std::string& label = r.out().j.year.label;
                      if (r.ok && std::strcmp(key, "label") == 0 && !valid_year_label(label))
                        r.error("label",
                                fmt::format("expected a year label of two consecutive years "
                                            "such as \"2023/2024\", got {}",
                                            qs(label)));
                    }};
  describe(fields, r.out().j.year);
}

/// A numeric mark as the settings must spell it: digits, an optional decimal fraction, at
/// most kMaxMark. strtod would also take "1e308", "inf", "nan" or " 5", and any of them
/// turns every average on the site into `-nan`.
bool plain_mark_number(const std::string& m) {
  size_t i = 0, digits = 0;
  while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i, ++digits;
  if (digits == 0 || digits > 3) return false;
  if (i < m.size() && m[i] == '.') {
    size_t frac = ++i;
    while (i < m.size() && m[i] >= '0' && m[i] <= '9') ++i;
    if (i == frac || i - frac > 3) return false;
  }
  return i == m.size() && std::stod(m) <= kMaxMark;
}

void read_settings(Rec& r, const json& j) {
  Settings& s = r.out().j.settings;
  auto mark_list = [&](const char* key, std::vector<std::string>& target) {
    if (!j.contains(key)) {
      r.get(key, false);
      return;
    }
    auto v = r.strings(key, false);
    if (r.ok) target = v;
  };
  mark_list("numeric_marks", s.numeric_marks);
  for (const auto& m : s.numeric_marks)
    if (!plain_mark_number(m))
      r.error("numeric_marks", fmt::format("expected marks written as numbers from 0 to {}, got {}",
                                           kMaxMark, qs(m)));
  mark_list("other_marks", s.other_marks);
  if (const json* v = r.get("forecast_thresholds", false)) {
    if (!v->is_object()) {
      r.error("forecast_thresholds",
              fmt::format("expected an object of mark: threshold, got {}", type_name(*v)));
    } else {
      s.forecast_thresholds.clear();
      for (auto it = v->begin(); it != v->end(); ++it) {
        if (!it->is_number()) {
          r.error("forecast_thresholds/" + it.key(),
                  fmt::format("expected a number, got {}", type_name(*it)));
          continue;
        }
        if (double t = it->get<double>(); !(t >= 0 && t <= kMaxMark)) {
          r.error(
              "forecast_thresholds/" + it.key(),
              fmt::format("expected a number from 0 to {}, got {}", kMaxMark, number_text(*it)));
          continue;
        }
        s.forecast_thresholds.emplace_back(it.key(), it->get<double>());
      }
      std::sort(s.forecast_thresholds.begin(), s.forecast_thresholds.end(),
                [](auto& a, auto& b) { return a.second > b.second; });
    }
  }
  if (auto n = r.integer("control_limit", false, 0, 100)) s.control_limit = int(*n);
  if (const json* v = r.get("grading_deadline_days", false)) {
    if (!v->is_object()) {
      r.error("grading_deadline_days",
              fmt::format("expected an object {{\"primary\": days, \"basic\": days}}, got {}",
                          type_name(*v)));
    } else {
      Rec g(r.out(), r.file(), "settings.grading_deadline_days",
            r.pointer() + "/grading_deadline_days", *v, r.label());
      if (auto n = g.integer("primary", false, 0, 366)) s.grading_deadline_primary = int(*n);
      if (auto n = g.integer("basic", false, 0, 366)) s.grading_deadline_basic = int(*n);
      g.finish();
      if (!g.ok) r.ok = false;
    }
  }
  if (auto n = r.integer("homework_deadline_hours", false, 0, 24 * 366))
    s.homework_deadline_hours = int(*n);
  if (const json* v = r.get("attendance_codes", false)) {
    if (!v->is_object()) {
      r.error("attendance_codes", fmt::format("expected an object, got {}", type_name(*v)));
    } else {
      Rec g(r.out(), r.file(), "settings.attendance_codes", r.pointer() + "/attendance_codes", *v,
            r.label());
      for (const char* k : {"illness", "valid", "unexcused", "late"}) {
        std::string c = g.str(k);
        if (!c.empty()) s.attendance_codes[k] = c;
      }
      g.finish();
      if (!g.ok) r.ok = false;
    }
  }
  if (auto n = r.integer("min_marks", false, 0, 1000)) s.min_marks = int(*n);
  static constexpr const char* kEditLocks[] = {"never", "1w", "2w", "3w", "1m"};
  s.edit_lock = r.one_of("edit_lock", false, kEditLocks, "never");
}

/// A record of an array section, read as described; kept when it has no error.
template <class T>
void read_record(Rec& r, Src src, std::vector<T>& into, void (*after)(Rec&, const char*) = nullptr,
                 void (*check)(Rec&, const T&) = nullptr) {
  T x;
  x.src = src;
  JsonFields fields{r, after};
  describe(fields, x);
  if (check && r.ok) check(r, x);
  if (r.ok) into.push_back(std::move(x));
}

void read_bell(Rec& r, Src src) {
  read_record<Bell>(r, src, r.out().j.bells, nullptr, [](Rec& r, const Bell& b) {
    if (b.end <= b.start) r.error("end", "expected the end of the lesson after its start");
  });
}

void read_attendance(Rec& r, Src src) {
  read_record<Attendance>(r, src, r.out().j.attendance, nullptr, [](Rec& r, const Attendance& a) {
    if (a.status == "late" && !a.reason.empty())
      r.error("reason", "a reason is given only for an absence, not for a late arrival");
    if (r.ok && a.status == "absent" && a.minutes)
      r.error("minutes", "minutes are given only for a late arrival, not for an absence");
  });
}

/// Keeps the id (and a class's group ids) of a rejected record, so that references to
/// it are not reported a second time as unknown.
void remember_dropped(Journal& j, const std::string& section, const json& value) {
  auto id = value.find("id");
  if (id != value.end() && id->is_string()) j.dropped[section].insert(id->get<std::string>());
  auto groups = value.find("groups");
  if (section == "classes" && groups != value.end() && groups->is_array())
    for (const auto& g : *groups)
      if (g.is_object() && g.contains("id") && g["id"].is_string())
        j.dropped["groups"].insert(g["id"].get<std::string>());
}

using ArrayReader = void (*)(Rec&, Src);
const std::map<std::string, ArrayReader>& array_sections() {
#define JP_SECTION(name)                                                 \
  {                                                                      \
#name, [](Rec & r, Src src) { read_record(r, src, r.out().j.name); } \
  }
  static const std::map<std::string, ArrayReader> m{JP_SECTION(periods),
                                                    JP_SECTION(holidays),
                                                    {"bells", read_bell},
                                                    JP_SECTION(work_types),
                                                    JP_SECTION(subjects),
                                                    JP_SECTION(teachers),
                                                    JP_SECTION(classes),
                                                    JP_SECTION(students),
                                                    JP_SECTION(guardians),
                                                    JP_SECTION(lessons),
                                                    JP_SECTION(individual_homework),
                                                    JP_SECTION(marks),
                                                    {"attendance", read_attendance},
                                                    JP_SECTION(final_marks),
                                                    JP_SECTION(mark_changes),
                                                    JP_SECTION(remarks),
                                                    JP_SECTION(events)};
#undef JP_SECTION
  return m;
}

/// 1-based line and column (in characters) of a byte offset.
std::pair<int, int> line_column(const std::string& text, size_t byte) {
  int line = 1, col = 1;
  byte = std::min(byte, text.size());
  for (size_t i = 0; i < byte; ++i) {
    unsigned char c = text[i];
    if (c == '\n') {
      ++line;
      col = 1;
    } else if ((c & 0xc0) != 0x80) {
      ++col;
    }
  }
  return {line, col};
}

/// Where the parser is: one frame per open object or array, so that what the parser finds
/// in the middle of a record (a duplicate key, a number out of range) gets its JSON pointer.
/// Frames are reused from record to record: no allocation per record.
class Path {
 public:
  void open(bool array) {
    if (frames_.size() <= depth_) frames_.emplace_back();
    Frame& f = frames_[depth_++];
    f.array = array;
    f.index = 0;
    f.key.clear();
    f.keys.clear();
  }
  void close() {
    --depth_;
    value_done();
  }
  void value_done() {
    if (depth_ > 0 && frames_[depth_ - 1].array) ++frames_[depth_ - 1].index;
  }
  /// Enters `key` of the open object; false if the object has it already.
  bool key(const std::string& k) {
    Frame& f = frames_[depth_ - 1];
    f.key = k;
    for (const auto& seen : f.keys)
      if (seen == k) return false;
    f.keys.push_back(k);
    return true;
  }
  size_t depth() const { return depth_; }
  std::string pointer() const {
    std::string p;
    for (size_t i = 0; i < depth_; ++i)
      p += "/" + (frames_[i].array ? std::to_string(frames_[i].index) : frames_[i].key);
    return p;
  }

 private:
  struct Frame {
    bool array = false;
    uint32_t index = 0;
    std::string key;
    std::vector<std::string> keys;
  };
  std::vector<Frame> frames_;
  size_t depth_ = 0;
};

/// journalpress/1 nests six levels (/students/0/enrollments/0/groups/0); a file nested far
/// deeper is not a journal, and would cost memory per level.
constexpr size_t kMaxDepth = 32;

/// What stopped the parser.
struct ParseFailure {
  int id = 0;            ///< nlohmann's exception id: 101-103 syntax, 406 number overflow
  std::string message;   ///< nlohmann's text, without the "[json.exception...]" prefix
  size_t byte = 0;       ///< a syntax error's byte offset (1-based, as nlohmann gives it)
  size_t token_end = 0;  ///< bytes read when the error was raised
  std::string token;     ///< the token being read
  std::string pointer;   ///< where in the document
};

/// nlohmann's callback parser, with its parse_error replaced (hidden: sax_parse calls it
/// through the static type) so that no exception crosses it and the error's position and
/// kind are kept. json::parse throws out_of_range (406) for `1e400`, which is not a
/// parse_error and carries no position: an abort before this class existed.
class Sax : public nlohmann::detail::json_sax_dom_callback_parser<json> {
 public:
  using json_sax_dom_callback_parser::json_sax_dom_callback_parser;
  std::optional<ParseFailure> failure;
  const Path* path = nullptr;

  template <class E>
  bool parse_error(std::size_t position, const std::string& token, const E& e) {
    ParseFailure f;
    f.id = e.id;
    std::string msg = e.what();
    // "[json.exception.parse_error.101] parse error at line 1, column 5: syntax error ..."
    auto colon = msg.find(": ");
    f.message = colon == std::string::npos ? msg : msg.substr(colon + 2);
    if constexpr (std::is_base_of_v<nlohmann::detail::parse_error, E>) f.byte = e.byte;
    f.token_end = position;
    f.token = token;
    f.pointer = path ? path->pointer() : "";
    failure = std::move(f);
    return false;
  }
};

/// Thrown from the parser's callback: the document nests deeper than kMaxDepth.
struct TooDeep {
  std::string pointer;
};

bool under(const std::string& pointer, const std::string& record) {
  return pointer.size() >= record.size() && pointer.compare(0, record.size(), record) == 0 &&
         (pointer.size() == record.size() || pointer[record.size()] == '/');
}

/// Reports the pending errors under `pointer` with `record`; true if there were any.
bool report_pending(FileResult& out, const std::string& file, const std::string& pointer,
                    const std::string& record) {
  bool any = false;
  for (auto& p : out.pending)
    if (!p.reported && under(p.pointer, pointer)) {
      out.diag.error(file, p.pointer, record, p.message);
      p.reported = any = true;
    }
  return any;
}

/// The parser's callback for one pass. Streaming: each element of a section array is
/// converted into the model as soon as it is complete and then dropped, so the DOM of a
/// 100 MB file never exists at once.
class SectionStream {
 public:
  SectionStream(const std::string& name, uint32_t file_ix, FileResult& out)
      : name_(name), file_ix_(file_ix), out_(out) {}

  const Path& path() const { return path_; }

  /// nlohmann's parser_callback_t: false drops the value just parsed from the DOM.
  bool operator()(int depth, json::parse_event_t ev, json& parsed) {
    using E = json::parse_event_t;
    track(ev, parsed);
    if (depth == 1) {
      if (ev == E::key) {
        section_ = parsed.get<std::string>();
        auto it = array_sections().find(section_);
        reader_ = it == array_sections().end() ? nullptr : &it->second;
      } else if (ev == E::array_start && reader_) {
        in_array_ = true;
        known_ = true;
        index_ = 0;
      } else if (ev == E::array_end && in_array_) {
        in_array_ = false;  // the array stays, empty: every element was consumed already
      }
      return true;
    }
    if (depth == 2 && in_array_ && (ev == E::object_end || ev == E::array_end || ev == E::value)) {
      element(parsed);
      return false;
    }
    return true;
  }

 private:
  const std::string& name_;
  const uint32_t file_ix_;
  FileResult& out_;
  std::string section_;
  const ArrayReader* reader_ = nullptr;
  bool in_array_ = false, known_ = false;
  uint32_t index_ = 0;
  Path path_;

  /// Keeps `path_` at the event's place; a key seen twice in an object is kept pending.
  void track(json::parse_event_t ev, json& parsed) {
    using E = json::parse_event_t;
    switch (ev) {
      case E::object_start:
      case E::array_start:
        if (path_.depth() >= kMaxDepth) throw TooDeep{path_.pointer()};
        path_.open(ev == E::array_start);
        break;
      case E::object_end:
      case E::array_end:
        path_.close();
        break;
      case E::key:
        if (!path_.key(parsed.get_ref<const std::string&>()))
          out_.pending.push_back(
              {path_.pointer(), fmt::format("duplicate key {}: a key may appear once in an object",
                                            qs(parsed.get_ref<const std::string&>()))});
        break;
      case E::value:
        path_.value_done();
        break;
    }
  }

  /// One complete element of a section array.
  void element(json& value) {
    if (!known_) {
      ++index_;
      return;
    }
    std::string pointer = fmt::format("/{}/{}", section_, index_);
    Src src{file_ix_, index_++};
    if (!out_.pending.empty() &&
        report_pending(out_, name_, pointer, record_label(section_.c_str(), value))) {
      remember_dropped(out_.j, section_, value);
      return;
    }
    if (!value.is_object()) {
      out_.diag.error(name_, pointer, "",
                      fmt::format("expected a record object, got {}", type_name(value)));
      return;
    }
    Rec r(out_, name_, section_, pointer, value, record_label(section_.c_str(), value));
    (*reader_)(r, src);
    r.finish();
    if (!r.ok) remember_dropped(out_.j, section_, value);
  }
};

/// A syntax error that stopped the parser: reported with the line and column.
void report_syntax_error(const std::string& name, const std::string& text,
                         const ParseFailure& failure, FileResult& out) {
  Diagnostic d;
  d.file = name;
  size_t byte = failure.byte;
  std::tie(d.line, d.column) = line_column(text, byte == 0 ? 0 : byte - 1);
  d.message = failure.message;
  out.diag.add(std::move(d));
  out.unreadable = true;
}

void read_exported_at(const std::string& name, const json& value, FileResult& out) {
  std::optional<Timestamp> ts;
  if (!value.is_string() || !(ts = parse_timestamp(value.get<std::string>())))
    out.diag.error(name, "/exported_at", "",
                   fmt::format("expected a timestamp with offset, got {}", value.dump()));
  else
    out.j.exported_at = value.get<std::string>();
}

/// `school`, `year` or `settings`: one object each, read once the parse is done.
void read_object_section(const std::string& name, const std::string& key, const json& value,
                         FileResult& out) {
  if (!value.is_object()) {
    out.diag.error(name, "/" + key, "",
                   fmt::format("expected an object, got {}", type_name(value)));
    return;
  }
  Rec r(out, name, key, "/" + key, value, key == "school" ? record_label("school", value) : "");
  if (key == "school") {
    read_school(r);
    out.has_school = true;
  } else if (key == "year") {
    read_year(r);
    out.has_year = true;
  } else {
    read_settings(r, value);
    out.has_settings = true;
    if (!r.ok) {
      // Half-read settings (a mark scale with a typo) would make every mark look wrong.
      out.j.settings = Settings{};
      out.j.dropped["settings"].insert("settings");
    }
  }
  r.finish();
}

/// What the parse left at the top level: `format`, the object sections, and anything that is
/// not a section. The arrays' records were read as they went by.
void read_top_level(const std::string& name, const json& root, FileResult& out) {
  auto fmt_it = root.find("format");
  if (fmt_it == root.end() || !fmt_it->is_string() || *fmt_it != "journalpress/1") {
    out.diag.error(name, "/format", "",
                   fmt_it == root.end()
                       ? std::string("missing \"format\": \"journalpress/1\"")
                       : fmt::format("expected \"journalpress/1\", got {}", fmt_it->dump()));
  }
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string& key = it.key();
    if (!out.pending.empty() &&
        report_pending(out, name, "/" + key,
                       key == "school" && it->is_object() ? record_label("school", *it) : "")) {
      // Counted as present: "no file has the school section" would only be noise.
      out.has_school = out.has_school || key == "school";
      out.has_year = out.has_year || key == "year";
      out.has_settings = out.has_settings || key == "settings";
      if (key == "settings") out.j.dropped["settings"].insert("settings");
      continue;
    }
    if (key == "format") continue;
    if (key == "exported_at") {
      read_exported_at(name, *it, out);
      continue;
    }
    if (key == "school" || key == "year" || key == "settings") {
      read_object_section(name, key, *it, out);
      continue;
    }
    if (array_sections().count(key)) {
      // Arrays were consumed by the callback; what is left here was not an array.
      if (!it->is_array())
        out.diag.error(name, "/" + key, "",
                       fmt::format("expected an array of records, got {}", type_name(*it)));
      continue;
    }
    out.diag.warning("unknown-section", name, "/" + key, "",
                     fmt::format("unknown section {} ignored", qs(key)));
  }
  // Anything the records did not claim (a duplicate key at the top level).
  report_pending(out, name, "", "");
}

/// One pass over the text. Returns the failure that stopped it, if any; a number out of
/// range is the caller's to handle (see parse_file).
std::optional<ParseFailure> parse_pass(const std::string& name, uint32_t file_ix,
                                       const std::string& text, FileResult& out) {
  SectionStream stream(name, file_ix, out);
  json root;
  Sax sax(root, std::ref(stream), false);
  sax.path = &stream.path();
  try {
    json::sax_parse(text, &sax);
  } catch (const TooDeep& e) {
    out.diag.error(
        name, e.pointer, "",
        fmt::format("nested deeper than {} levels; a journalpress/1 file nests 6", kMaxDepth));
    out.unreadable = true;
    return std::nullopt;
  }
  if (sax.failure) {
    if (sax.failure->id == 406) return sax.failure;
    report_syntax_error(name, text, *sax.failure, out);
    return std::nullopt;
  }
  if (!root.is_object()) {
    out.unreadable = true;
    out.diag.error(
        name, "", "",
        fmt::format("expected a journalpress/1 object at the top, got {}", type_name(root)));
    return std::nullopt;
  }
  read_top_level(name, root, out);
  return std::nullopt;
}

/// At most this many numbers out of range are reported per file: each costs a parse.
constexpr size_t kMaxOutOfRange = 10;

void parse_file(const std::string& name, uint32_t file_ix, const std::string& text,
                FileResult& out) {
  // nlohmann stops at a number out of range (`1e400`). To name its record, and report the
  // file's other errors as usual, the number is blanked to `null` in a copy of the text
  // and the file parsed again, the pointer remembered: the record holding it is then
  // reported with that error instead of being read.
  std::vector<std::string> out_of_range;
  std::string patched;
  const std::string* src = &text;
  for (;;) {
    FileResult pass;
    pass.digest = out.digest;
    for (const auto& p : out_of_range) pass.pending.push_back({p, "number out of range"});
    auto failure = parse_pass(name, file_ix, *src, pass);
    if (!failure) {
      out = std::move(pass);
      return;
    }
    out_of_range.push_back(failure->pointer);
    size_t len = failure->token.size();
    if (out_of_range.size() > kMaxOutOfRange || len < 4 || failure->token_end < len ||
        failure->token_end > src->size()) {
      out.diag = Diagnostics{};
      for (const auto& p : out_of_range) out.diag.error(name, p, "", "number out of range");
      out.diag.error(name, "", "",
                     fmt::format("more than {} numbers out of range; the rest of the file was "
                                 "not read",
                                 kMaxOutOfRange));
      out.unreadable = true;
      return;
    }
    if (src == &text) {
      patched = text;
      src = &patched;
    }
    patched.replace(failure->token_end - len, len, "null" + std::string(len - 4, ' '));
  }
}

template <class T>
void move_append(std::vector<T>& to, std::vector<T>& from) {
  // Into the room reserved for every file's rows (merge), or, for the only file with
  // rows, its vector itself.
  if (to.empty() && to.capacity() <= from.size()) {
    to = std::move(from);
  } else {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  }
  from.clear();
}

}  // namespace

std::string record_pointer(const char* section, const Src& src) {
  return fmt::format("/{}/{}", section, src.index);
}

namespace {

/// What a path is, after following symbolic links; `dangling` if a link leads nowhere.
struct Kind {
  bool exists = false, link = false, directory = false, regular = false;
  std::string target;  ///< where a symbolic link points
  dev_t dev = 0;
  ino_t ino = 0;
  const char* other = nullptr;  ///< a FIFO, a device, ... (names it for the message)
  int error = 0;                ///< errno of a failed lstat
};

Kind kind_of(const std::string& path) {
  Kind k;
  struct stat l, st;
  if (::lstat(path.c_str(), &l) != 0) {
    k.error = errno;
    return k;
  }
  k.link = S_ISLNK(l.st_mode);
  if (k.link) {
    std::error_code ec;
    k.target = fs::read_symlink(path, ec).string();
  }
  if (::stat(path.c_str(), &st) != 0) return k;  // a dangling link
  k.exists = true;
  k.directory = S_ISDIR(st.st_mode);
  k.regular = S_ISREG(st.st_mode);
  k.dev = st.st_dev;
  k.ino = st.st_ino;
  if (S_ISFIFO(st.st_mode))
    k.other = "a FIFO";
  else if (S_ISCHR(st.st_mode))
    k.other = "a character device";
  else if (S_ISBLK(st.st_mode))
    k.other = "a block device";
  else if (S_ISSOCK(st.st_mode))
    k.other = "a socket";
  else if (!k.directory && !k.regular)
    k.other = "not a regular file";
  return k;
}

/// Walks a directory, following symbolic links to folders (a linked folder is still the
/// admin's data) and refusing what cannot be read as data: a link that leads nowhere, a
/// FIFO or device named `*.json`, a folder reached twice (a link loop). Nothing is skipped
/// silently: a skipped file would import a journal with its records missing.
void walk(const std::string& dir, std::vector<std::pair<dev_t, ino_t>>& open_dirs,
          std::vector<std::string>& found, Diagnostics& diag) {
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec); !ec && it != fs::directory_iterator(); it.increment(ec))
    names.push_back(it->path().string());
  if (ec) {
    diag.error(dir, "", "", "cannot list the directory: " + ec.message());
    return;
  }
  std::sort(names.begin(), names.end());
  for (const auto& p : names) {
    Kind k = kind_of(p);
    bool json_name = fs::path(p).extension() == ".json";
    if (k.link && !k.exists) {
      diag.error(p, "", "", fmt::format("a symbolic link to {} that does not exist", qs(k.target)));
      continue;
    }
    if (!k.exists) {
      diag.error(p, "", "", "cannot read: " + std::string(std::strerror(k.error)));
      continue;
    }
    if (k.directory) {
      auto id = std::make_pair(k.dev, k.ino);
      if (std::find(open_dirs.begin(), open_dirs.end(), id) != open_dirs.end()) {
        diag.error(p, "", "",
                   "a folder that is being read already, reached again through a symbolic "
                   "link: a loop");
        continue;
      }
      open_dirs.push_back(id);
      walk(p, open_dirs, found, diag);
      open_dirs.pop_back();
      continue;
    }
    if (!json_name) continue;  // other files beside the data (README, .csv) are not input
    if (k.regular)
      found.push_back(p);
    else
      diag.error(p, "", "", fmt::format("{}; regular files only", k.other));
  }
}

}  // namespace

std::vector<std::string> expand_inputs(const std::vector<std::string>& paths, Diagnostics& diag) {
  std::vector<std::string> files;
  for (const auto& p : paths) {
    Kind k = kind_of(p);
    if (!k.exists) {
      diag.error(p, "", "",
                 k.link ? fmt::format("a symbolic link to {} that does not exist", qs(k.target))
                        : std::string("cannot read: no such file or directory"));
      continue;
    }
    if (k.directory) {
      std::vector<std::string> found;
      std::vector<std::pair<dev_t, ino_t>> open_dirs{{k.dev, k.ino}};
      size_t errors = diag.errors();
      walk(p, open_dirs, found, diag);
      std::sort(found.begin(), found.end());  // sorted path order, as the format says
      if (found.empty() && diag.errors() == errors)
        diag.error(p, "", "", "the directory holds no .json files");
      files.insert(files.end(), found.begin(), found.end());
    } else if (k.regular) {
      files.push_back(p);
    } else {
      diag.error(p, "", "", fmt::format("{}; regular files only", k.other));
    }
  }
  return files;
}

namespace {

/// The journal's content digest: each file's name and the digest of its bytes.
std::string combined_digest(const std::vector<std::string>& files,
                            const std::vector<std::string>& digests) {
  std::string all;
  for (size_t f = 0; f < files.size(); ++f) all += files[f] + "\n" + digests[f] + "\n";
  return sha256_hex(all);
}

Journal merge(const std::vector<std::string>& files, std::vector<FileResult>& parts,
              Diagnostics& diag) {
  Journal j;
  j.files = files;
  UnknownMap unknown;
  const char* single[] = {"school", "year", "settings"};
  int first_with[3] = {-1, -1, -1};
  bool unreadable = false;
  // Each table's rows are moved once: room for all files' rows is made before the first
  // file's (a quarter of a million marks grown file by file were moved about twice).
  auto reserve = [&](auto table) {
    size_t n = 0;
    for (const FileResult& p : parts) n += (p.j.*table).size();
    (j.*table).reserve(n);
  };
  reserve(&Journal::lessons), reserve(&Journal::marks), reserve(&Journal::attendance);
  reserve(&Journal::final_marks), reserve(&Journal::mark_changes);
  for (size_t f = 0; f < parts.size(); ++f) {
    FileResult& p = parts[f];
    diag.append(std::move(p.diag));
    unreadable = unreadable || p.unreadable;
    bool has[3] = {p.has_school, p.has_year, p.has_settings};
    for (int k = 0; k < 3; ++k) {
      if (!has[k]) continue;
      if (first_with[k] >= 0) {
        diag.error(files[f], std::string("/") + single[k], "",
                   fmt::format("\"{}\" appears in {} too; it may appear in one file only",
                               single[k], files[first_with[k]]));
        continue;
      }
      first_with[k] = int(f);
      if (k == 0) j.school = std::move(p.j.school);
      if (k == 1) j.year = std::move(p.j.year);
      if (k == 2) j.settings = std::move(p.j.settings);
    }
    if (!p.j.exported_at.empty() && j.exported_at.empty()) j.exported_at = p.j.exported_at;
    if (p.unreadable) j.all_files_read = false;
    for (auto& [section, ids] : p.j.dropped) j.dropped[section].merge(ids);
    move_append(j.periods, p.j.periods);
    move_append(j.holidays, p.j.holidays);
    move_append(j.bells, p.j.bells);
    move_append(j.work_types, p.j.work_types);
    move_append(j.subjects, p.j.subjects);
    move_append(j.teachers, p.j.teachers);
    move_append(j.classes, p.j.classes);
    move_append(j.students, p.j.students);
    move_append(j.guardians, p.j.guardians);
    move_append(j.lessons, p.j.lessons);
    move_append(j.individual_homework, p.j.individual_homework);
    move_append(j.marks, p.j.marks);
    move_append(j.attendance, p.j.attendance);
    move_append(j.final_marks, p.j.final_marks);
    move_append(j.mark_changes, p.j.mark_changes);
    move_append(j.remarks, p.j.remarks);
    move_append(j.events, p.j.events);
    for (auto& [k, u] : p.unknown) {
      auto& dst = unknown[k];
      if (dst.count == 0) {
        dst = u;
      } else {
        dst.count += u.count;
      }
    }
  }
  std::vector<std::string> digests;
  for (const auto& p : parts) digests.push_back(p.digest);
  j.content_digest = combined_digest(files, digests);
  // A file that could not be parsed may well hold the school; don't guess.
  if (!files.empty() && !unreadable) {
    if (first_with[0] < 0)
      diag.error(files[0], "/school", "", "no file has the \"school\" section");
    if (first_with[1] < 0) diag.error(files[0], "/year", "", "no file has the \"year\" section");
  }
  // The school's zone sets its "today", the deadlines and the calendars' times: a name
  // tzdata does not know would silently be UTC+3.
  if (first_with[0] >= 0)
    if (std::string problem = zone_problem(j.school.timezone); !problem.empty())
      diag.error(files[size_t(first_with[0])], "/school/timezone", "", problem);
  for (auto& [k, u] : unknown) {
    auto sep = k.find('\x1f');
    std::string section = k.substr(0, sep), field = k.substr(sep + 1);
    diag.warning("unknown-field", u.file, u.pointer, u.record,
                 u.count == 1 ? fmt::format("unknown field \"{}\" in {} ignored", field, section)
                              : fmt::format("unknown field \"{}\" in {} ignored ({} records)",
                                            field, section, u.count));
  }
  return j;
}

}  // namespace

Journal load_journal(const std::vector<std::string>& files, Diagnostics& diag, ThreadPool* pool) {
  std::vector<FileResult> parts(files.size());
  // Largest files first, so that two workers finish at about the same time.
  std::vector<size_t> order(files.size());
  std::vector<uintmax_t> sizes(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    order[i] = i;
    std::error_code ec;
    sizes[i] = fs::file_size(files[i], ec);
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return sizes[a] > sizes[b]; });
  auto parse = [&](size_t k, unsigned) {
    size_t i = order[k];
    std::string text;
    if (auto why = try_read_file(files[i], text)) {
      parts[i].diag.error(files[i], "", "", *why);
      parts[i].unreadable = true;
      return;
    }
    parts[i].digest = sha256_hex(text);
    parse_file(files[i], uint32_t(i), text, parts[i]);
  };
  for_each(pool, order.size(), parse);
  return merge(files, parts, diag);
}

std::optional<std::string> journal_files_digest(const std::vector<std::string>& files,
                                                ThreadPool* pool) {
  std::vector<std::string> digests(files.size());
  std::vector<char> read(files.size(), 0);
  for_each(pool, files.size(), [&](size_t i, unsigned) {
    std::string text;
    if (try_read_file(files[i], text)) return;
    digests[i] = sha256_hex(text);
    read[i] = 1;
  });
  if (std::find(read.begin(), read.end(), 0) != read.end()) return std::nullopt;
  return combined_digest(files, digests);
}

Journal load_journal_text(const std::string& name, const std::string& text, Diagnostics& diag) {
  std::vector<FileResult> parts(1);
  parts[0].digest = sha256_hex(text);
  parse_file(name, 0, text, parts[0]);
  return merge({name}, parts, diag);
}

}  // namespace jp

namespace jp {

struct FeedState {
  FileResult out;
};

RecordFeed::RecordFeed(std::string file, uint32_t file_ix, std::string digest)
    : file_(std::move(file)), file_ix_(file_ix), s_(std::make_unique<FeedState>()) {
  s_->out.digest = std::move(digest);
}
RecordFeed::~RecordFeed() = default;
RecordFeed::RecordFeed(RecordFeed&&) noexcept = default;
RecordFeed& RecordFeed::operator=(RecordFeed&&) noexcept = default;

void RecordFeed::field_error(std::string pointer, std::string message) {
  s_->out.pending.push_back({std::move(pointer), std::move(message)});
}

bool RecordFeed::record(const std::string& section, const json& value, uint32_t index) {
  FileResult& out = s_->out;
  auto reader = array_sections().find(section);
  std::string pointer = fmt::format("/{}/{}", section, index);
  std::string label = record_label(section.c_str(), value);
  if (!out.pending.empty() && report_pending(out, file_, pointer, label)) {
    remember_dropped(out.j, section, value);
    std::erase_if(out.pending, [](const Pending& p) { return p.reported; });
    return false;
  }
  if (reader == array_sections().end()) {  // the caller names sections it knows
    out.diag.error(file_, pointer, label, fmt::format("unknown section {}", qs(section)));
    return false;
  }
  Rec r(out, file_, section, pointer, value, label);
  reader->second(r, Src{file_ix_, index});
  r.finish();
  if (!r.ok) remember_dropped(out.j, section, value);
  return r.ok;
}

void RecordFeed::object(const std::string& key, const json& value) {
  FileResult& out = s_->out;
  if (!out.pending.empty() &&
      report_pending(out, file_, "/" + key, key == "school" ? record_label("school", value) : "")) {
    out.has_school = out.has_school || key == "school";
    out.has_year = out.has_year || key == "year";
    out.has_settings = out.has_settings || key == "settings";
    if (key == "settings") out.j.dropped["settings"].insert("settings");
    std::erase_if(out.pending, [](const Pending& p) { return p.reported; });
    return;
  }
  if (key == "exported_at")
    read_exported_at(file_, value, out);
  else
    read_object_section(file_, key, value, out);
}

void RecordFeed::unreadable(std::string pointer, std::string message) {
  s_->out.diag.error(file_, std::move(pointer), "", std::move(message));
  s_->out.unreadable = true;
}

const Journal& RecordFeed::journal() const { return s_->out.j; }

void RecordFeed::warning(std::string code, std::string pointer, std::string message) {
  s_->out.diag.warning(std::move(code), file_, std::move(pointer), "", std::move(message));
}

Journal merge_feeds(std::vector<RecordFeed>& feeds, Diagnostics& diag) {
  std::vector<std::string> files;
  std::vector<FileResult> parts;
  for (auto& f : feeds) {
    files.push_back(f.file_);
    // Errors pending for records that never came (a nested row whose owner is missing is
    // the caller's to report): reported at their own place rather than lost.
    report_pending(f.s_->out, f.file_, "", "");
    parts.push_back(std::move(f.s_->out));
  }
  return merge(files, parts, diag);
}

}  // namespace jp
