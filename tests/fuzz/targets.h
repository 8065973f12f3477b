// What the fuzz targets run, shared with the unit test that replays every input the
// fuzzers ever crashed on (tests/fuzz/regressions/): the importer on one JSON file, and
// markdown to HTML and to plain text. Nothing may crash, leak or hang on any bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "ingest/checks.h"
#include "ingest/load.h"
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

/// Homework, remarks and events: markdown to the site's HTML and the PDFs' plain text.
inline std::string markdown_one(const uint8_t* data, size_t size) {
  std::string md(reinterpret_cast<const char*>(data), size);
  return markdown_html(md) + markdown_plain(md);
}

}  // namespace jp::fuzz
