// A workbook made with libxlsxwriter and returned as bytes: the Excel copies of the
// archive (render_xlsx) and the audit reports' workbook (reports/render_xlsx) share it.
#pragma once

#include <xlsxwriter.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/dates.h"
#include "core/unique_fd.h"

namespace jp {

/// A workbook written to a private temporary file (libxlsxwriter 1.1.4 cannot write to
/// memory) and read back as bytes.
/// `wanted` as an Excel worksheet name: []:*?/\ replaced by '-', no apostrophe first or
/// last, cut to 31 characters (never inside a UTF-8 sequence), not empty, and unlike every
/// name in `taken` (compared as Excel does, ignoring case): a period called «1 четверть (с 1
/// сентября по 27 октября)» and its twin get distinct names instead of failing the book.
std::string excel_sheet_name(std::string_view wanted, const std::vector<std::string>& taken);

class Book {
 public:
  Book(const std::string& title, const std::string& author, Day today);
  ~Book();
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  /// A worksheet named as close to `name` as Excel accepts (excel_sheet_name).
  lxw_worksheet* sheet(const std::string& name);
  /// A value: a number when it is written as one (digits, a decimal comma or point), else
  /// a text cell, which a spreadsheet never evaluates: a class named `=1+1` or `inf` stays
  /// that text (strtod alone took "inf", "1e5" and "0x1F" for numbers).
  void put(lxw_worksheet* ws, int row, int col, const std::string& v, lxw_format* format = nullptr);
  /// Closes the workbook and returns its bytes.
  std::string bytes();

  lxw_format *head = nullptr, *cell = nullptr, *title_fmt = nullptr, *flag = nullptr;

 private:
  TempFile file_{"journalpress"};  ///< first: removed even when the constructor throws
  std::string title_, author_;
  lxw_workbook* wb_ = nullptr;
  lxw_doc_properties props_{};
  std::vector<std::string> names_;  ///< the worksheets' names so far
};

}  // namespace jp
