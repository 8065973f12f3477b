// What the fuzz targets run, shared with the unit test that replays every input the
// fuzzers ever crashed on (tests/fuzz/regressions/): the importer on one JSON file, on one
// CSV file and on one .xlsx workbook of the tabular profile, and markdown to HTML and to
// plain text. Nothing may crash, leak or hang on any bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/checks.h"
#include "ingest/csv.h"
#include "ingest/load.h"
#include "ingest/tabular.h"
#include "ingest/xlsx.h"
#include "site/render_html.h"
#include "ingest/validate.h"

namespace jp::fuzz {

/// One file through load, validate and the checks, as `journalpress import` runs them.
inline std::string import_one(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  Journal j = load_journal_text("fuzz.json", text, diag);
  if (j.all_files_read) validate(j, diag);
  if (diag.errors() == 0) check_regulations(j, diag);
  return diag.report(100, 5);
}

/// Tables through the tabular profile's reader, validate and the checks.
inline std::string tables_one(std::vector<Table>& tables, Diagnostics& diag) {
  TabularPlaces places;
  Journal j = read_tabular(tables, diag, places);
  if (j.all_files_read) validate(j, diag);
  if (diag.errors() == 0) check_regulations(j, diag);
  return places.translate(diag).report(100, 5);
}

/// One CSV file, named as the marks table (the largest), read as `import` reads it.
inline std::string csv_one(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  std::vector<Table> tables(1);
  if (!read_csv("marks.csv", bytes, Encoding::detect, tables[0], diag)) return diag.report(100, 5);
  return tables_one(tables, diag);
}

/// One .xlsx workbook: the zip archive, its XML parts and every sheet as a table.
inline std::string xlsx_one(const uint8_t* data, size_t size) {
  std::string bytes(reinterpret_cast<const char*>(data), size);
  Diagnostics diag;
  std::vector<Table> tables;
  // Small limits: the fuzzer's memory cap is the bomb it must not trip.
  ZipLimits limits;
  limits.member = limits.total = 64 << 20;
  if (!read_xlsx_bytes("fuzz.xlsx", bytes, tables, diag, limits)) return diag.report(100, 5);
  return tables_one(tables, diag);
}

/// Homework, remarks and events: markdown to the site's HTML and the PDFs' plain text.
inline std::string markdown_one(const uint8_t* data, size_t size) {
  std::string md(reinterpret_cast<const char*>(data), size);
  return markdown_html(md) + markdown_plain(md);
}

}  // namespace jp::fuzz
