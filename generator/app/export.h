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
  std::string school, year;  ///< which dataset, when the database holds several
};

/// Returns 0 on success, 1 when the request cannot be met (said on `err`).
int run_export(const ExportOptions& o, std::ostream& out, std::ostream& err);

/// A CSV field as RFC 4180 writes it: quoted when it holds the delimiter, a quote, a line
/// break or leading/trailing spaces.
std::string csv_field(const std::string& s);

}  // namespace jp
