#include "ingest/xlsx.h"

#include <expat.h>
#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <functional>
#include <map>
#include <set>

#include "core/dates.h"
#include "core/hash.h"
#include "core/thread_pool.h"
#include "core/text.h"

namespace jp {

bool looks_like_zip(const std::string& bytes) { return bytes.rfind("PK\x03\x04", 0) == 0; }

namespace {

/// The local name of an element (`x:c` -> `c`): some writers prefix the main namespace.
std::string_view local(const char* name) {
  const char* colon = std::strrchr(name, ':');
  return colon ? colon + 1 : name;
}

const char* attr(const char** atts, std::string_view name) {
  for (size_t i = 0; atts[i]; i += 2)
    if (local(atts[i]) == name) return atts[i + 1];
  return nullptr;
}

/// One XML part parsed with expat, document types refused. `start`, `end` and `text` get
/// the element events; the parse stops at the first problem, which `error` then holds.
struct XmlPart {
  std::function<void(std::string_view, const char**)> start;
  std::function<void(std::string_view)> end;
  std::function<void(const char*, int)> text;
  std::string error;
  XML_Parser p = nullptr;

  void stop(std::string why) {
    if (error.empty()) error = std::move(why);
    XML_StopParser(p, XML_FALSE);
  }

  bool parse(const std::string& bytes) {
    p = XML_ParserCreate("UTF-8");
    if (!p) throw std::bad_alloc();
    XML_SetUserData(p, this);
    // A workbook never needs a document type: refusing any (and entity declarations and
    // external entities, should one slip by) closes entity expansion and outside reads.
    XML_SetParamEntityParsing(p, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetStartDoctypeDeclHandler(
        p, [](void* u, const XML_Char*, const XML_Char*, const XML_Char*, int) {
          static_cast<XmlPart*>(u)->stop(
              "a document type declaration (DOCTYPE): entity declarations are refused");
        });
    XML_SetEntityDeclHandler(p, [](void* u, const XML_Char*, int, const XML_Char*, int,
                                   const XML_Char*, const XML_Char*, const XML_Char*,
                                   const XML_Char*) {
      static_cast<XmlPart*>(u)->stop("an entity declaration: refused");
    });
    XML_SetExternalEntityRefHandler(
        p, [](XML_Parser, const XML_Char*, const XML_Char*, const XML_Char*, const XML_Char*) {
          return int(XML_STATUS_ERROR);
        });
    XML_SetElementHandler(
        p,
        [](void* u, const XML_Char* name, const XML_Char** atts) {
          auto* self = static_cast<XmlPart*>(u);
          if (self->start) self->start(local(name), atts);
        },
        [](void* u, const XML_Char* name) {
          auto* self = static_cast<XmlPart*>(u);
          if (self->end) self->end(local(name));
        });
    XML_SetCharacterDataHandler(p, [](void* u, const XML_Char* s, int len) {
      auto* self = static_cast<XmlPart*>(u);
      if (self->text) self->text(s, len);
    });
    // Fed in pieces: expat's int lengths.
    size_t at = 0;
    bool ok = true;
    do {
      size_t n = std::min<size_t>(bytes.size() - at, 1 << 24);
      bool last = at + n == bytes.size();
      if (XML_Parse(p, bytes.data() + at, int(n), last) != XML_STATUS_OK) {
        if (error.empty())
          error = fmt::format("not well-formed XML at line {}: {}",
                              XML_GetCurrentLineNumber(p), XML_ErrorString(XML_GetErrorCode(p)));
        ok = false;
        break;
      }
      at += n;
    } while (at < bytes.size());
    XML_ParserFree(p);
    p = nullptr;
    return ok && error.empty();
  }
};

/// Excel's built-in number formats that show a date (14-17, 22; 18-21 and 45-47 are times).
bool builtin_date_format(int id) { return (id >= 14 && id <= 17) || id == 22; }

/// A custom number format that shows a date: a `d` or `y` outside quotes and brackets.
bool custom_date_format(std::string_view code) {
  bool quoted = false, bracket = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (c == '"') quoted = !quoted;
    else if (!quoted && c == '[') bracket = true;
    else if (!quoted && c == ']') bracket = false;
    else if (!quoted && !bracket && c == '\\') ++i;
    else if (!quoted && !bracket && (c == 'd' || c == 'D' || c == 'y' || c == 'Y')) return true;
  }
  return false;
}

/// A number as a spreadsheet shows it in general format: integers without a fraction,
/// others with at most 15 significant digits (`0.30000000000000004` is `0.3`).
std::string number_text(std::string_view v, bool& ok) {
  double d = 0;
  auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), d);
  ok = ec == std::errc() && ptr == v.data() + v.size() && std::isfinite(d);
  if (!ok) return std::string(v);
  if (d == std::floor(d) && std::fabs(d) < 1e15) return fmt::format("{}", (long long)d);
  return fmt::format("{:.15g}", d);
}

struct Book {
  std::string file;
  Diagnostics& diag;
  ZipReader zip;
  std::vector<std::string> shared;
  std::vector<bool> date_style;  ///< by cellXfs index
  bool date1904 = false;

  bool fail(const std::string& part, const std::string& why) {
    diag.error(file, part, "", why);
    return false;
  }

  std::optional<std::string> part(const std::string& name) { return zip.read(name, diag); }

  bool read_shared() {
    if (!zip.has("xl/sharedStrings.xml")) return true;
    auto bytes = part("xl/sharedStrings.xml");
    if (!bytes) return false;
    XmlPart x;
    int depth_t = 0, in_ph = 0;
    std::string cur;
    x.start = [&](std::string_view n, const char**) {
      if (n == "si") cur.clear();
      else if (n == "rPh") ++in_ph;  // phonetic guides (Japanese furigana): not the text
      else if (n == "t" && !in_ph) ++depth_t;
    };
    x.end = [&](std::string_view n) {
      if (n == "si") {
        if (shared.size() >= 10'000'000) x.stop("more than 10 million shared strings");
        shared.push_back(cur);
      } else if (n == "rPh") --in_ph;
      else if (n == "t" && depth_t) --depth_t;
    };
    x.text = [&](const char* s, int len) {
      if (depth_t) cur.append(s, size_t(len));
    };
    if (!x.parse(*bytes)) return fail("xl/sharedStrings.xml", x.error);
    return true;
  }

  bool read_styles() {
    if (!zip.has("xl/styles.xml")) return true;
    auto bytes = part("xl/styles.xml");
    if (!bytes) return false;
    XmlPart x;
    std::map<int, bool> custom;
    bool in_xfs = false;
    x.start = [&](std::string_view n, const char** a) {
      if (n == "numFmt") {
        const char *id = attr(a, "numFmtId"), *code = attr(a, "formatCode");
        if (id && code) custom[std::atoi(id)] = custom_date_format(code);
      } else if (n == "cellXfs") {
        in_xfs = true;
      } else if (n == "xf" && in_xfs) {
        const char* id = attr(a, "numFmtId");
        int f = id ? std::atoi(id) : 0;
        auto it = custom.find(f);
        date_style.push_back(it != custom.end() ? it->second : builtin_date_format(f));
      }
    };
    x.end = [&](std::string_view n) {
      if (n == "cellXfs") in_xfs = false;
    };
    if (!x.parse(*bytes)) return fail("xl/styles.xml", x.error);
    return true;
  }

  struct SheetRef {
    std::string name, path;
  };

  bool read_workbook(std::vector<SheetRef>& sheets) {
    auto wb = part("xl/workbook.xml");
    if (!wb) return false;
    auto rels = part("xl/_rels/workbook.xml.rels");
    if (!rels) return false;
    std::map<std::string, std::string> targets;
    XmlPart r;
    r.start = [&](std::string_view n, const char** a) {
      if (n != "Relationship") return;
      const char *id = attr(a, "Id"), *target = attr(a, "Target"), *type = attr(a, "Type");
      if (!id || !target || !type) return;
      std::string_view t(type);
      if (t.size() < 10 || t.substr(t.size() - 10) != "/worksheet") return;
      std::string path = target;
      path = path[0] == '/' ? path.substr(1) : "xl/" + path;
      targets[id] = path;
    };
    if (!r.parse(*rels)) return fail("xl/_rels/workbook.xml.rels", r.error);
    XmlPart w;
    w.start = [&](std::string_view n, const char** a) {
      if (n == "workbookPr") {
        const char* d = attr(a, "date1904");
        date1904 = d && (std::strcmp(d, "1") == 0 || std::strcmp(d, "true") == 0);
      } else if (n == "sheet") {
        const char *name = attr(a, "name"), *id = attr(a, "id");
        if (!name || !id) return;
        auto it = targets.find(id);
        if (it != targets.end()) sheets.push_back({name, it->second});
      }
    };
    if (!w.parse(*wb)) return fail("xl/workbook.xml", w.error);
    return true;
  }

  /// One sheet's XML (read from the archive already) into `t`; problems into `out`, so
  /// that sheets can be parsed on several cores.
  bool read_sheet(const SheetRef& ref, const std::string* bytes, Table& t, Diagnostics& out) const {
    t.file = file;
    t.sheet = ref.name;
    t.digest = sha256_hex(*bytes);
    XmlPart x;
    TableRow row;
    uint32_t row_no = 0;
    size_t col = 0;
    std::string type, value, inline_text, cell;
    bool has_formula = false, has_value = false, in_v = false, in_is_t = false, in_is = false;
    bool date = false, in_row = false;
    size_t errors = 0;
    auto cell_error = [&](const std::string& msg) {
      if (++errors <= 20) out.error(file, cell_ref(t, col, row_no), "", msg);
    };
    auto flush_row = [&] {
      bool empty = true;
      for (auto& c : row.cells)
        if (!c.empty()) empty = false;
      if (!empty) {
        row.number = row_no;
        t.rows.push_back(std::move(row));
      }
      row = TableRow{};
    };
    x.start = [&](std::string_view n, const char** a) {
      if (n == "row") {
        in_row = true;
        const char* r = attr(a, "r");
        uint32_t next = r ? uint32_t(std::strtoul(r, nullptr, 10)) : row_no + 1;
        if (next <= row_no || next > 1048576) return x.stop(fmt::format("row {} out of order", next));
        row_no = next;
        col = 0;
      } else if (n == "c" && in_row) {
        const char* r = attr(a, "r");
        size_t c;
        uint32_t rr;
        if (r && parse_cell_ref(r, c, rr)) col = c;
        if (col >= 16384) return x.stop("a column past XFD");
        const char* tt = attr(a, "t");
        type = tt ? tt : "n";
        const char* s = attr(a, "s");
        size_t style = s ? size_t(std::strtoul(s, nullptr, 10)) : 0;
        date = style < date_style.size() && date_style[style];
        value.clear();
        inline_text.clear();
        has_formula = has_value = false;
      } else if (n == "v") {
        in_v = has_value = true;
      } else if (n == "f") {
        has_formula = true;
      } else if (n == "is") {
        in_is = true;
      } else if (n == "t" && in_is) {
        in_is_t = true;
      } else if (n == "rPh") {
        in_is = false;  // phonetic guide inside an inline string: not its text
      } else if (n == "mergeCell") {
        const char* r = attr(a, "ref");
        std::string s = r ? r : "";
        size_t c, c2;
        uint32_t rr, rr2;
        auto colon = s.find(':');
        if (colon != std::string::npos && parse_cell_ref(s.substr(0, colon), c, rr) &&
            parse_cell_ref(s.substr(colon + 1), c2, rr2))
          t.merges.push_back({c, rr, rr2, s});
      }
    };
    x.text = [&](const char* s, int len) {
      if (in_v) value.append(s, size_t(len));
      else if (in_is_t) inline_text.append(s, size_t(len));
    };
    x.end = [&](std::string_view n) {
      if (n == "v") {
        in_v = false;
      } else if (n == "t") {
        in_is_t = false;
      } else if (n == "is") {
        in_is = false;
      } else if (n == "row") {
        in_row = false;
        flush_row();
      } else if (n == "c" && in_row) {
        cell.clear();
        if (type == "inlineStr") {
          cell = inline_text;
        } else if (has_formula && (!has_value || value.empty()) && type != "str") {
          cell_error("a formula without a saved value (the file was written by a program "
                     "that does not compute formulas): open and save it in a spreadsheet "
                     "program, or type the value");
        } else if (type == "s") {
          size_t i = 0;
          auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), i);
          if (ec != std::errc() || i >= shared.size())
            cell_error(fmt::format("a shared string {} that the workbook does not have",
                                   quoted_for_message(value)));
          else
            cell = shared[i];
        } else if (type == "str") {
          cell = value;
        } else if (type == "b") {
          cell = value == "1" ? "true" : value == "0" ? "false" : value;
        } else if (type == "e") {
          cell_error(fmt::format("an error value {}", quoted_for_message(value)));
        } else if (!value.empty()) {  // a number, or an ISO date (`t="d"`)
          bool ok = false;
          cell = type == "d" ? value.substr(0, 10) : number_text(value, ok);
          if (type != "d" && !ok)
            cell_error(fmt::format("expected a number, got {}", quoted_for_message(value)));
          else if (type != "d" && date) {
            double d = std::strtod(value.c_str(), nullptr);
            long serial = long(std::floor(d));
            // 1900 system: serial 60 is Excel's 29 February 1900, which never was.
            if (!date1904 && serial < 61)
              cell_error(fmt::format("a date before 1 March 1900 (serial {})", serial));
            else if (serial > 2958465)
              cell_error(fmt::format("a date after 9999 (serial {})", serial));
            else
              cell = format_date(Day(serial - (date1904 ? 24107 : 25569)));
          }
        }
        if (row.cells.size() <= col) row.cells.resize(col + 1);
        row.cells[col] = std::move(cell);
        ++col;
      }
    };
    if (!x.parse(*bytes)) {
      out.error(file, ref.path, "", fmt::format("sheet {}: {}", quoted_for_message(ref.name), x.error));
      return false;
    }
    return errors == 0;
  }
};

}  // namespace

namespace {

bool read_book(Book& b, std::vector<Table>& out, ThreadPool* pool) {
  if (!b.zip.has("xl/workbook.xml"))
    return b.fail("", "not an Excel workbook (.xlsx): no xl/workbook.xml in the archive");
  std::vector<Book::SheetRef> sheets;
  if (!b.read_workbook(sheets) || !b.read_shared() || !b.read_styles()) return false;
  // Inflated one after another (one archive handle), parsed on all cores.
  std::vector<std::optional<std::string>> parts;
  for (const auto& s : sheets) {
    parts.push_back(b.part(s.path));
    if (!parts.back()) return false;
  }
  std::vector<Table> tables(sheets.size());
  std::vector<Diagnostics> notes(sheets.size());
  std::vector<char> ok(sheets.size(), 0);
  for_each(pool, sheets.size(), [&](size_t i, unsigned) {
    ok[i] = b.read_sheet(sheets[i], &*parts[i], tables[i], notes[i]);
    parts[i].reset();
  });
  bool all = true;
  for (size_t i = 0; i < sheets.size(); ++i) {
    b.diag.append(std::move(notes[i]));
    all = all && ok[i];
    out.push_back(std::move(tables[i]));
  }
  return all;
}

}  // namespace

bool read_xlsx(const std::string& file, std::vector<Table>& out, Diagnostics& diag,
               const ZipLimits& limits, ThreadPool* pool) {
  Book b{file, diag, ZipReader(limits), {}, {}, false};
  return b.zip.open(file, diag) && read_book(b, out, pool);
}

bool read_xlsx_bytes(const std::string& name, std::string bytes, std::vector<Table>& out,
                     Diagnostics& diag, const ZipLimits& limits, ThreadPool* pool) {
  Book b{name, diag, ZipReader(limits), {}, {}, false};
  return b.zip.open_bytes(name, std::move(bytes), diag) && read_book(b, out, pool);
}

}  // namespace jp
