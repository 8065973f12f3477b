// CSV files (RFC 4180) as schools' programs write them: quoted fields with doubled
// quotes and line breaks inside, `,` `;` or tab as the delimiter (found from the header
// line), UTF-8 with or without a BOM, or Windows-1251 (Russian Excel's "CSV"), detected.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/diag.h"
#include "ingest/table.h"

namespace jp {

enum class Encoding { detect, utf8, windows1251 };

/// `utf-8`, `windows-1251` (also `cp1251`), `auto`; nullopt for anything else.
std::optional<Encoding> parse_encoding(const std::string& name);
const char* encoding_name(Encoding e);

/// Whether `s` is valid UTF-8 (no overlong forms, surrogates or code points past U+10FFFF);
/// if not, `bad` is the offset of the first invalid byte.
bool valid_utf8(std::string_view s, size_t* bad = nullptr);

/// Windows-1251 bytes as UTF-8.
std::string windows1251_to_utf8(std::string_view s);

/// The longest field a CSV file may hold: the longest text of the format (a homework, 10,000
/// characters) several times over; a 100 MB field is refused rather than carried along.
inline constexpr size_t kMaxCsvField = 1 << 20;

/// What the reader found out about a file, for `import`'s summary line.
struct CsvInfo {
  Encoding encoding = Encoding::utf8;
  char delimiter = ',';
  bool bom = false;
};

/// Reads `bytes` (the file `file`) into `out` (its rows; the first is the header). Errors
/// (a NUL byte, bytes that are not text in the encoding, a quote never closed, text after a
/// closing quote, a field longer than kMaxCsvField) name the file and line; the file is
/// then not read at all (false).
bool read_csv(const std::string& file, std::string_view bytes, Encoding enc, Table& out,
              Diagnostics& diag, CsvInfo* info = nullptr);

}  // namespace jp
