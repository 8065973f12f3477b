#include "app/export.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <filesystem>
#include <ostream>

#include <nlohmann/json.hpp>

#include "core/dates.h"
#include "core/files.h"
#include "core/records.h"
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

namespace {

/// A drop-down list on a column's data rows. libxlsxwriter copies the strings.
void drop_down(lxw_worksheet* ws, size_t col, std::vector<std::string> values,
               const std::string& formula = "") {
  // libxlsxwriter 1.1.4 takes `char**` but only reads the strings.
  std::vector<char*> list;
  for (const auto& v : values) list.push_back(const_cast<char*>(v.c_str()));
  list.push_back(nullptr);
  lxw_data_validation dv{};
  if (formula.empty()) {
    dv.validate = LXW_VALIDATION_TYPE_LIST;
    dv.value_list = list.data();
  } else {
    dv.validate = LXW_VALIDATION_TYPE_LIST_FORMULA;
    dv.value_formula = const_cast<char*>(formula.c_str());
  }
  worksheet_data_validation_range(ws, 1, lxw_col_t(col), 10000, lxw_col_t(col), &dv);
}

std::vector<std::string> strings_of(std::span<const char* const> a) {
  return std::vector<std::string>(a.begin(), a.end());
}

}  // namespace

std::string template_workbook() {
  // A fixed date (libxlsxwriter takes 0 for "now"): the same bytes every time.
  Book book("journalpress-tabular/1", "journalpress", *parse_date("2024-09-01"));
  const Settings defaults;
  std::vector<std::string> marks = defaults.numeric_marks;
  marks.insert(marks.end(), defaults.other_marks.begin(), defaults.other_marks.end());
  for (const auto& section : tabular_sections()) {
    lxw_worksheet* ws = book.sheet(section);
    auto cols = tabular_columns(section);
    for (size_t c = 0; c < cols.size(); ++c) {
      worksheet_write_string(ws, 0, lxw_col_t(c), cols[c].c_str(), book.head);
      const std::string& k = cols[c];
      if (section == "marks" && k == "value") drop_down(ws, c, marks);
      if (section == "final_marks" && k == "value") drop_down(ws, c, marks);
      if ((section == "marks" && k == "work_type"))
        drop_down(ws, c, {}, "=work_types!$A$2:$A$10001");
      if (section == "attendance" && k == "status") drop_down(ws, c, strings_of(kAttendanceStatuses));
      if (section == "attendance" && k == "reason") drop_down(ws, c, strings_of(kAbsenceReasons));
      if (section == "lessons" && k == "kind") drop_down(ws, c, strings_of(kLessonKinds));
      if (section == "periods" && k == "kind") drop_down(ws, c, strings_of(kPeriodKinds));
      if (section == "guardians" && k == "delivery") drop_down(ws, c, strings_of(kDeliveries));
      if (section == "remarks" && k == "kind") drop_down(ws, c, strings_of(kRemarkKinds));
    }
    worksheet_freeze_panes(ws, 1, 0);
  }
  // A journal grid to fill in (ingest/grid): the teacher above the header, «№», «ФИО», a
  // column per lesson (ДД.ММ), a period's column; marks and attendance codes in the cells.
  const auto& w = tabular_words();
  const auto& t = w["template"];
  lxw_worksheet* g = book.sheet(t["grid_sheet"].get<std::string>());
  worksheet_write_string(g, 0, 0, t["grid_teacher"].get<std::string>().c_str(), nullptr);
  std::vector<std::string> head{w["grid"]["number"][0].get<std::string>(),
                                w["grid"]["name"][0].get<std::string>()};
  for (const char* d : {"02.09", "04.09", "09.09", "11.09", "16.09"}) head.push_back(d);
  head.push_back(t["grid_period"].get<std::string>());
  for (size_t c = 0; c < head.size(); ++c)
    worksheet_write_string(g, 1, lxw_col_t(c), head[c].c_str(), book.head);
  std::vector<std::string> cells = marks;
  for (const auto& [reason, code] : defaults.attendance_codes) cells.push_back(code);
  std::vector<char*> list;
  for (const auto& v : cells) list.push_back(const_cast<char*>(v.c_str()));
  list.push_back(nullptr);
  lxw_data_validation dv{};
  dv.validate = LXW_VALIDATION_TYPE_LIST;
  dv.value_list = list.data();
  dv.error_type = LXW_VALIDATION_ERROR_TYPE_WARNING;  // `4/5` is two marks: allowed
  worksheet_data_validation_range(g, 2, 2, 200, lxw_col_t(head.size() - 1), &dv);
  return book.bytes();
}

int run_export(const ExportOptions& o, std::ostream& out, std::ostream& err) {
  if (o.template_only) {
    std::error_code ec;
    fs::create_directories(o.out, ec);
    std::string path = (fs::path(o.out) / "template.xlsx").string();
    write_file_atomic(path, template_workbook(), 0644);
    out << fmt::format("wrote the template workbook {}\n", path);
    return 0;
  }
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
