#include "app/export.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <ostream>

#include "core/dates.h"
#include "core/files.h"
#include "ingest/tabular.h"
#include "print/xlsx_book.h"
#include "store/model.h"

namespace jp {

namespace fs = std::filesystem;

std::string csv_field(const std::string& s) {
  bool quote = s.find_first_of(",\"\r\n;\t") != std::string::npos ||
               (!s.empty() && (s.front() == ' ' || s.back() == ' '));
  if (!quote) return s;
  std::string q = "\"";
  for (char c : s) {
    if (c == '"') q += '"';
    q += c;
  }
  return q + "\"";
}

namespace {

std::string csv_text(const std::vector<std::vector<std::string>>& rows) {
  std::string out;
  for (const auto& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) out += (i ? "," : "") + csv_field(r[i]);
    out += "\r\n";  // RFC 4180's line break
  }
  return out;
}

}  // namespace

int run_export(const ExportOptions& o, std::ostream& out, std::ostream& err) {
  if (o.format != "tabular") {
    err << fmt::format("journalpress: export: the format {} is not written yet; "
                       "--format tabular is\n",
                       o.format);
    return 1;
  }
  Journal j = read_journal(o.db, choose_dataset(o.db, o.school, o.year));
  std::error_code ec;
  fs::create_directories(o.out, ec);
  if (ec) throw std::runtime_error(fmt::format("cannot make the folder {}: {}", o.out, ec.message()));
  ::chmod(o.out.c_str(), 0700);  // pupils' names and marks
  size_t records = 0;
  if (o.xlsx) {
    // The date is fixed (the year's start) so that the same journal gives the same bytes.
    Book book("journalpress-tabular/1", j.school.name, j.year.start);
    for (const auto& section : tabular_sections()) {
      auto rows = tabular_rows(j, section);
      records += rows.size() - 1;
      lxw_worksheet* ws = book.sheet(section);
      for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < rows[r].size(); ++c)
          if (!rows[r][c].empty())
            worksheet_write_string(ws, lxw_row_t(r), lxw_col_t(c), rows[r][c].c_str(),
                                   r == 0 ? book.head : nullptr);
    }
    std::string path = (fs::path(o.out) / "journal.xlsx").string();
    write_file_atomic(path, book.bytes(), 0600);
    out << fmt::format("exported {} ({}), year {}: {} records in {}\n", j.school.name, j.school.id,
                       j.year.label, records, path);
    return 0;
  }
  for (const auto& section : tabular_sections()) {
    auto rows = tabular_rows(j, section);
    records += rows.size() - 1;
    write_file_atomic((fs::path(o.out) / (section + ".csv")).string(), csv_text(rows), 0600);
  }
  out << fmt::format("exported {} ({}), year {}: {} records in {} CSV files in {}\n",
                     j.school.name, j.school.id, j.year.label, records,
                     tabular_sections().size(), o.out);
  return 0;
}

}  // namespace jp
