#include "print/xlsx_book.h"

#include <fmt/format.h>

#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "core/files.h"

namespace jp {

Book::Book(const std::string& title, const std::string& author, Day today) {
  lxw_workbook_options opt{};
  opt.constant_memory = LXW_FALSE;
  wb_ = workbook_new_opt(file_.path().c_str(), &opt);
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
  flag = workbook_add_format(wb_);
  format_set_border(flag, LXW_BORDER_THIN);
  format_set_bold(flag);
  format_set_bg_color(flag, 0xFFF1D6);
}

Book::~Book() {
  if (wb_) workbook_close(wb_);
}

lxw_worksheet* Book::sheet(std::string name) {
  // Excel: at most 31 characters, none of []:*?/\ .
  for (char& c : name)
    if (std::string_view("[]:*?/\\").find(c) != std::string_view::npos) c = '-';
  lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
  if (!ws) throw std::runtime_error("libxlsxwriter could not add the worksheet " + name);
  return ws;
}

void Book::put(lxw_worksheet* ws, int row, int col, const std::string& v, lxw_format* format) {
  if (!format) format = cell;
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
                           format);
  else if (!v.empty())
    worksheet_write_string(ws, lxw_row_t(row), lxw_col_t(col), v.c_str(), format);
  else
    worksheet_write_blank(ws, lxw_row_t(row), lxw_col_t(col), format);
}

std::string Book::bytes() {
  lxw_error e = workbook_close(wb_);
  wb_ = nullptr;
  if (e != LXW_NO_ERROR)
    throw std::runtime_error(
        fmt::format("libxlsxwriter could not write {}: {}", file_.path(), lxw_strerror(e)));
  return read_file(file_.path(), "temporary workbook");
}

}  // namespace jp
