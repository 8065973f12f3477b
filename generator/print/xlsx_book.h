// A workbook made with libxlsxwriter and returned as bytes: the Excel copies of the
// archive (render_xlsx) and the audit reports' workbook (reports/render_xlsx) share it.
#pragma once

#include <xlsxwriter.h>

#include <string>

#include "core/dates.h"
#include "core/unique_fd.h"

namespace jp {

/// A workbook written to a private temporary file (libxlsxwriter 1.1.4 cannot write to
/// memory) and read back as bytes.
class Book {
 public:
  Book(const std::string& title, const std::string& author, Day today);
  ~Book();
  Book(const Book&) = delete;
  Book& operator=(const Book&) = delete;

  /// A worksheet; the name is made acceptable to Excel ([]:*?/\ replaced).
  lxw_worksheet* sheet(std::string name);
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
};

}  // namespace jp
