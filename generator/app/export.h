// `journalpress export`: a stored journal written back out in the tabular profile (a
// folder of CSV files, or one .xlsx workbook), so that a school can take its data out and
// import it again (docs/import-formats.md). The same journal always gives the same bytes.
#pragma once

#include <iosfwd>
#include <string>

namespace jp {

struct ExportOptions {
  std::string db, out;
  std::string format = "tabular";
  bool xlsx = false;
  bool template_only = false;  ///< the empty template workbook (no database)
  std::string school, year;  ///< which dataset, when the database holds several
};

/// Returns 0 on success, 1 when the request cannot be met (said on `err`).
int run_export(const ExportOptions& o, std::ostream& out, std::ostream& err);

/// The template workbook for schools that fill it in by hand (data/examples/template.xlsx):
/// every table's header, drop-down lists for marks, work types, attendance and the other
/// vocabularies, and a journal grid sheet. The same bytes every time.
std::string template_workbook();

/// A CSV field as RFC 4180 writes it: quoted when it holds the delimiter, a quote, a line
/// break or leading/trailing spaces.
std::string csv_field(const std::string& s);

}  // namespace jp
