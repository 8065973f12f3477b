#include "print/render_xlsx.h"

#include <fmt/format.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "core/files.h"
#include "core/wording.h"
#include "figures/summary.h"
#include "print/archive_doc.h"
#include "print/render_pdf_school.h"

namespace jp {
namespace {

/// A workbook written to a private temporary file (libxlsxwriter 1.1.4 cannot write to
/// memory) and read back as bytes.
class Book {
 public:
  Book(const std::string& title, const std::string& author, Day today) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "journalpress-XXXXXX").string();
    int fd = ::mkstemp(tmpl.data());
    if (fd < 0) throw std::runtime_error("cannot create a temporary file for an Excel copy");
    ::close(fd);
    path_ = tmpl;
    lxw_workbook_options opt{};
    opt.constant_memory = LXW_FALSE;
    wb_ = workbook_new_opt(path_.c_str(), &opt);
    if (!wb_) throw std::runtime_error("libxlsxwriter could not start a workbook");
    title_ = title, author_ = author;
    props_.title = title_.data();
    props_.author = author_.data();
    // The build's date, not the clock: the same journal gives the same bytes.
    props_.created = time_t(today) * 86400;
    workbook_set_properties(wb_, &props_);
    head = workbook_add_format(wb_);
    format_set_bold(head);
    format_set_text_wrap(head);
    format_set_border(head, LXW_BORDER_THIN);
    format_set_align(head, LXW_ALIGN_VERTICAL_TOP);
    cell = workbook_add_format(wb_);
    format_set_border(cell, LXW_BORDER_THIN);
    title_fmt = workbook_add_format(wb_);
    format_set_bold(title_fmt);
    format_set_font_size(title_fmt, 13);
  }
  ~Book() {
    if (wb_) workbook_close(wb_);
    std::error_code ec;
    std::filesystem::remove(path_, ec);
  }

  lxw_worksheet* sheet(std::string name) {
    // Excel: at most 31 characters, none of []:*?/\ .
    for (char& c : name)
      if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '-';
    lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
    if (!ws) throw std::runtime_error("libxlsxwriter could not add the worksheet " + name);
    return ws;
  }
  /// A value: a number when it is written as one (digits, a decimal comma or point), else
  /// a text cell, which a spreadsheet never evaluates: a class named `=1+1` or `inf` stays
  /// that text (strtod alone took "inf", "1e5" and "0x1F" for numbers).
  void put(lxw_worksheet* ws, int row, int col, const std::string& v) {
    std::string dot = v;
    size_t digits = 0, points = 0;
    for (char& c : dot) {
      if (c == ',') c = '.';
      if (c >= '0' && c <= '9')
        ++digits;
      else if (c == '.')
        ++points;
    }
    bool plain = digits > 0 && points <= 1 && digits + points == dot.size() && dot[0] != '.' &&
                 dot.back() != '.';
    if (plain)
      worksheet_write_number(ws, lxw_row_t(row), lxw_col_t(col), std::strtod(dot.c_str(), nullptr),
                             cell);
    else if (!v.empty())
      worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(col), v.c_str(), cell);
    else
      worksheet_write_blank(ws, lxw_row_t(row), lxw_col_t(col), cell);
  }
  std::string bytes() {
    lxw_error e = workbook_close(wb_);
    wb_ = nullptr;
    if (e != LXW_NO_ERROR)
      throw std::runtime_error(
          fmt::format("libxlsxwriter could not write {}: {}", path_, lxw_strerror(e)));
    return read_file(path_, "temporary workbook");
  }

  lxw_format *head = nullptr, *cell = nullptr, *title_fmt = nullptr;

 private:
  std::string path_, title_, author_;
  lxw_workbook* wb_ = nullptr;
  lxw_doc_properties props_{};
};

}  // namespace

std::string summary_xlsx(const Journal& j, int class_ix, const std::vector<SummarySheet>& sheets,
                         Day today) {
  const Locale& loc = Locale::ru();
  const SchoolClass& cls = j.classes[class_ix];
  std::string subject =
      loc.format("pdf.summary_subject", {{"class", cls.name}, {"year", j.year.label}});
  Book book(loc.text("pdf.summary_title") + ". " + subject, school_label(j), today);
  for (const SummarySheet& sh : sheets) {
    lxw_worksheet* ws = book.sheet(sh.title);
    worksheet_write_string(ws, 0, 0, (loc.text("pdf.summary_title") + " — " + sh.title).c_str(),
                           book.title_fmt);
    worksheet_write_string(ws, 1, 0, subject.c_str(), nullptr);
    int row = 3;
    std::vector<std::string> header{loc.text("pdf.col_number"), loc.text("pdf.col_name")};
    for (int s : sh.subjects) header.push_back(j.subjects[s].name);
    for (const char* m : {"5", "4", "3", "2"}) header.push_back(m);
    header.push_back(loc.text("pdf.col_average"));
    for (size_t c = 0; c < header.size(); ++c)
      worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(c), header[c].c_str(), book.head);
    worksheet_set_column(ws, 1, 1, 36, nullptr);
    worksheet_freeze_panes(ws, lxw_row_t(row + 1), 2);
    for (size_t a = 0; a < sh.students.size(); ++a) {
      ++row;
      book.put(ws, row, 0, std::to_string(a + 1));
      worksheet_write_string(ws, lxw_row_t(row), 1,
                             full_name(j.students[sh.students[a]].person).c_str(), book.cell);
      int col = 2;
      for (const auto& v : sh.marks[a]) book.put(ws, row, col++, v);
      const MarkCounts& c = sh.per_student[a];
      for (int k = 0; k < 4; ++k) book.put(ws, row, col++, std::to_string(c.by_value[k]));
      book.put(ws, row, col, c.average() ? Locale::number(*c.average(), 2, true) : "");
    }
    auto line = [&](const std::string& label, auto value) {
      ++row;
      worksheet_write_string(ws, lxw_row_t(row), 1, label.c_str(), book.head);
      int col = 2;
      for (const auto& c : sh.per_subject) book.put(ws, row, col++, value(c));
    };
    const char* marks[] = {"5", "4", "3", "2"};
    for (int k = 0; k < 4; ++k)
      line(loc.format("pdf.row_count", {{"mark", marks[k]}}),
           [&](const MarkCounts& c) { return std::to_string(c.by_value[k]); });
    line(loc.text("pdf.row_quality"), [](const MarkCounts& c) {
      return c.quality() ? Locale::number(*c.quality(), 1, false) : "";
    });
    line(loc.text("pdf.row_success"), [](const MarkCounts& c) {
      return c.success() ? Locale::number(*c.success(), 1, false) : "";
    });
    line(loc.text("pdf.row_average"), [](const MarkCounts& c) {
      return c.average() ? Locale::number(*c.average(), 2, true) : "";
    });
  }
  return book.bytes();
}

std::string school_xlsx(const Journal& j, const std::vector<SchoolSummary>& summaries, Day today) {
  const Locale& loc = Locale::ru();
  std::string title = loc.text("pdf.school.title");
  std::string subject = loc.format("pdf.school.subject", {{"year", j.year.label}});
  Book book(title + ". " + subject, school_label(j), today);
  if (summaries.empty()) book.sheet(loc.text("pdf.school.col_class"));
  for (const auto& s : summaries) {
    lxw_worksheet* ws = book.sheet(s.title);
    worksheet_write_string(ws, 0, 0, (title + " — " + s.title).c_str(), book.title_fmt);
    worksheet_write_string(ws, 1, 0, subject.c_str(), nullptr);
    auto header = school_summary_header();
    for (size_t c = 0; c < header.size(); ++c)
      worksheet_write_string(ws, 3, lxw_col_t(c), header[c].c_str(), book.head);
    worksheet_set_column(ws, 0, 0, 16, nullptr);
    int row = 3;
    for (const auto& r : school_summary_rows(j, s)) {
      ++row;
      for (size_t c = 0; c < r.size(); ++c)
        book.put(ws, row, int(c), r[c] == "—" ? std::string() : r[c]);
    }
  }
  return book.bytes();
}

}  // namespace jp
