#include "ingest/csv.h"

#include <fmt/format.h>

#include "core/hash.h"
#include "core/text.h"

namespace jp {

std::optional<Encoding> parse_encoding(const std::string& name) {
  std::string n;
  for (char c : name) n += char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (n == "auto" || n.empty()) return Encoding::detect;
  if (n == "utf-8" || n == "utf8") return Encoding::utf8;
  if (n == "windows-1251" || n == "cp1251" || n == "win1251") return Encoding::windows1251;
  return std::nullopt;
}

const char* encoding_name(Encoding e) {
  switch (e) {
    case Encoding::utf8:
      return "UTF-8";
    case Encoding::windows1251:
      return "Windows-1251";
    default:
      return "auto";
  }
}

bool valid_utf8(std::string_view s, size_t* bad) {
  size_t i = 0, n = s.size();
  auto fail = [&] {
    if (bad) *bad = i;
    return false;
  };
  while (i < n) {
    unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    char32_t cp;
    if (c >= 0xc2 && c <= 0xdf) {
      len = 2;
      cp = c & 0x1f;
    } else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      cp = c & 0x0f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return fail();
    }
    if (i + len > n) return fail();
    for (size_t k = 1; k < len; ++k) {
      unsigned char d = s[i + k];
      if ((d & 0xc0) != 0x80) return fail();
      cp = (cp << 6) | (d & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
        (cp >= 0xd800 && cp <= 0xdfff))
      return fail();
    i += len;
  }
  return true;
}

std::string windows1251_to_utf8(std::string_view s) {
  // 0xC0-0xFF are А-я in order (U+0410-U+044F); the upper half's first 64 bytes are
  // Ё/ё, the other Cyrillic letters of Ukrainian, Belarusian, Serbian and Macedonian, the
  // typographic quotes and dashes, №. 0x98 is unassigned: it becomes U+FFFD.
  static constexpr char16_t kHigh[64] = {
      0x0402, 0x0403, 0x201A, 0x0453, 0x201E, 0x2026, 0x2020, 0x2021, 0x20AC, 0x2030, 0x0409,
      0x2039, 0x040A, 0x040C, 0x040B, 0x040F, 0x0452, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
      0x2013, 0x2014, 0xFFFD, 0x2122, 0x0459, 0x203A, 0x045A, 0x045C, 0x045B, 0x045F, 0x00A0,
      0x040E, 0x045E, 0x0408, 0x00A4, 0x0490, 0x00A6, 0x00A7, 0x0401, 0x00A9, 0x0404, 0x00AB,
      0x00AC, 0x00AD, 0x00AE, 0x0407, 0x00B0, 0x00B1, 0x0406, 0x0456, 0x0491, 0x00B5, 0x00B6,
      0x00B7, 0x0451, 0x2116, 0x0454, 0x00BB, 0x0458, 0x0405, 0x0455, 0x0457};
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    if (c < 0x80)
      out += char(c);
    else if (c >= 0xc0)
      put_cp(out, char32_t(0x0410 + (c - 0xc0)));
    else
      put_cp(out, kHigh[c - 0x80]);
  }
  return out;
}

namespace {

/// 1-based line of byte `at`.
size_t line_of(std::string_view s, size_t at) {
  size_t line = 1;
  for (size_t i = 0; i < at && i < s.size(); ++i) line += s[i] == '\n';
  return line;
}

/// The delimiter of the header line: the most frequent of `,` `;` tab outside quotes
/// (a header of one column has none: `,`).
char find_delimiter(std::string_view s) {
  size_t counts[3] = {0, 0, 0};
  bool quoted = false;
  for (char c : s) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '\n') break;
    if (c == ',') ++counts[0];
    if (c == ';') ++counts[1];
    if (c == '\t') ++counts[2];
  }
  char best = ',';
  size_t most = counts[0];
  if (counts[1] > most) best = ';', most = counts[1];
  if (counts[2] > most) best = '\t';
  return best;
}

}  // namespace

bool read_csv(const std::string& file, std::string_view bytes, Encoding enc, Table& out,
              Diagnostics& diag, CsvInfo* info) {
  out.file = file;
  out.sheet.clear();
  out.rows.clear();
  out.digest = sha256_hex(bytes);
  CsvInfo found;
  if (bytes.size() >= 3 && bytes.substr(0, 3) == "\xEF\xBB\xBF") {
    bytes.remove_prefix(3);
    found.bom = true;
    if (enc == Encoding::detect) enc = Encoding::utf8;
  }
  if (size_t nul = bytes.find('\0'); nul != std::string_view::npos) {
    diag.error(file, fmt::format("line {}", line_of(bytes, nul)), "",
               "a NUL byte: not a text file (a spreadsheet saved in its own format, or a "
               "UTF-16 file? save it as CSV in UTF-8 or Windows-1251)");
    return false;
  }
  std::string converted;
  size_t bad = 0;
  if (enc == Encoding::detect) enc = valid_utf8(bytes, &bad) ? Encoding::utf8 : Encoding::windows1251;
  if (enc == Encoding::utf8 && !valid_utf8(bytes, &bad)) {
    diag.error(file, fmt::format("line {}", line_of(bytes, bad)), "",
               fmt::format("byte 0x{:02X} is not UTF-8 (the file was read as UTF-8 as asked; "
                           "--encoding windows-1251 reads Russian Excel's CSV)",
                           unsigned(static_cast<unsigned char>(bytes[bad]))));
    return false;
  }
  if (enc == Encoding::windows1251) {
    converted = windows1251_to_utf8(bytes);
    bytes = converted;
  }
  found.encoding = enc;
  found.delimiter = find_delimiter(bytes);
  const char delim = found.delimiter;
  if (info) *info = found;

  size_t i = 0, n = bytes.size(), line = 1;
  uint32_t record = 0;
  TableRow row;
  std::string field;
  while (i < n) {
    // One record: fields up to an unquoted line break or the end.
    ++record;
    row.number = record;
    row.cells.clear();
    bool end_of_record = false;
    while (!end_of_record) {
      field.clear();
      if (i < n && bytes[i] == '"') {
        size_t open_line = line;
        ++i;
        bool closed = false;
        while (i < n) {
          if (bytes[i] == '"') {
            if (i + 1 < n && bytes[i + 1] == '"') {
              field += '"';
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          // Scan to the next quote at once: a long quoted text is one append.
          size_t q = bytes.find('"', i);
          size_t upto = q == std::string_view::npos ? n : q;
          for (size_t k = i; k < upto; ++k) line += bytes[k] == '\n';
          field.append(bytes.substr(i, upto - i));
          i = upto;
          if (field.size() > kMaxCsvField) break;
        }
        if (field.size() > kMaxCsvField) {
          diag.error(file, fmt::format("line {}", open_line), "",
                     fmt::format("a field longer than {} bytes; the file was not read",
                                 kMaxCsvField));
          return false;
        }
        if (!closed) {
          diag.error(file, fmt::format("line {}", open_line), "",
                     "a quoted field opened here is not closed by the end of the file (an "
                     "unbalanced \"); the file was not read");
          return false;
        }
        if (i < n && bytes[i] != delim && bytes[i] != '\n' && bytes[i] != '\r') {
          diag.error(file, fmt::format("line {}", line), "",
                     "text after the closing quote of a field: a quote inside a quoted field "
                     "is written twice (\"\"); the file was not read");
          return false;
        }
      } else {
        size_t start = i;
        while (i < n && bytes[i] != delim && bytes[i] != '\n' && bytes[i] != '\r') ++i;
        if (i - start > kMaxCsvField) {
          diag.error(file, fmt::format("line {}", line), "",
                     fmt::format("a field longer than {} bytes; the file was not read",
                                 kMaxCsvField));
          return false;
        }
        field.assign(bytes.substr(start, i - start));
      }
      row.cells.push_back(field);
      if (i < n && bytes[i] == delim) {
        ++i;
        continue;
      }
      // A line break (CRLF, LF, or a lone CR) or the end ends the record.
      if (i < n && bytes[i] == '\r') ++i;
      if (i < n && bytes[i] == '\n') ++i;
      ++line;
      end_of_record = true;
    }
    bool empty = true;
    for (const auto& c : row.cells)
      if (!c.empty()) {
        empty = false;
        break;
      }
    if (!empty) out.rows.push_back(std::move(row));
    row = TableRow{};
    if (i >= n) break;
  }
  return true;
}

}  // namespace jp
