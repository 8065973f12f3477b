#include "print/xlsx_book.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "core/files.h"
#include "core/text.h"

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

std::string excel_sheet_name(std::string_view wanted, const std::vector<std::string>& taken) {
  constexpr size_t kMax = 31;  // characters (Excel's limit, and libxlsxwriter's check)
  std::string base;
  for (size_t i = 0; i < wanted.size();) {
    char32_t cp = next_cp(wanted, i);
    put_cp(base, std::u32string_view(U"[]:*?/\\").find(cp) != std::u32string_view::npos ? U'-' : cp);
  }
  // No apostrophe first or last (Excel quotes sheet names in formulas with them).
  while (!base.empty() && base.front() == '\'') base.erase(0, 1);
  while (!base.empty() && base.back() == '\'') base.pop_back();
  if (base.empty()) base = "-";
  // The first `n` characters of `s`; when cut, without the apostrophes or spaces it ends in.
  auto cut = [](const std::string& s, size_t n) {
    size_t i = 0;
    for (size_t k = 0; k < n && i < s.size(); ++k) next_cp(s, i);
    if (i == s.size()) return s;
    std::string r = s.substr(0, i);
    while (r.size() > 1 && (r.back() == '\'' || r.back() == ' ')) r.pop_back();
    return r;
  };
  auto used = [&](const std::string& name) {
    const std::string key = casefold(name);
    return std::any_of(taken.begin(), taken.end(),
                       [&](const std::string& t) { return casefold(t) == key; });
  };
  std::string name = cut(base, kMax);
  for (int n = 2; used(name); ++n) {
    const std::string suffix = fmt::format(" ({})", n);
    name = cut(base, kMax - suffix.size()) + suffix;
  }
  return name;
}

lxw_worksheet* Book::sheet(const std::string& wanted) {
  const std::string name = excel_sheet_name(wanted, names_);
  lxw_worksheet* ws = workbook_add_worksheet(wb_, name.c_str());
  if (!ws)
    throw std::runtime_error(fmt::format("libxlsxwriter could not add the worksheet {} (for {})",
                                         name, quoted_for_message(wanted)));
  names_.push_back(name);
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
