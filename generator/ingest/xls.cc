#include "ingest/xls.h"

#include <fmt/format.h>
#include <freexl.h>

#include <cmath>

#include "core/files.h"
#include "core/hash.h"

namespace jp {

namespace {

struct Handle {
  const void* h = nullptr;
  ~Handle() {
    if (h) freexl_close(h);
  }
};

}  // namespace

bool read_xls(const std::string& file, std::vector<Table>& out, Diagnostics& diag) {
  // Read once through the safe reader first: a FIFO or a device must not reach freexl.
  std::string bytes;
  if (auto why = try_read_file(file, bytes)) {
    diag.error(file, "", "", *why);
    return false;
  }
  std::string digest = sha256_hex(bytes);
  Handle x;
  if (int rc = freexl_open(file.c_str(), &x.h); rc != FREEXL_OK) {
    diag.error(file, "", "",
               fmt::format("not a readable Excel 97-2003 workbook (.xls): freexl error {}", rc));
    return false;
  }
  unsigned int info = 0;
  if (freexl_get_info(x.h, FREEXL_BIFF_PASSWORD, &info) == FREEXL_OK &&
      info == FREEXL_BIFF_OBFUSCATED) {
    diag.error(file, "", "", "the workbook is password-protected: save it without a password");
    return false;
  }
  unsigned int sheets = 0;
  freexl_get_info(x.h, FREEXL_BIFF_SHEET_COUNT, &sheets);
  for (unsigned short s = 0; s < sheets; ++s) {
    const char* name = nullptr;
    if (freexl_get_worksheet_name(x.h, s, &name) != FREEXL_OK ||
        freexl_select_active_worksheet(x.h, s) != FREEXL_OK) {
      diag.error(file, "", "", fmt::format("sheet {} cannot be read", s + 1));
      return false;
    }
    Table t;
    t.file = file;
    t.sheet = name ? name : fmt::format("Sheet{}", s + 1);
    t.digest = digest + ":" + t.sheet;
    unsigned int rows = 0;
    unsigned short cols = 0;
    if (freexl_worksheet_dimensions(x.h, &rows, &cols) != FREEXL_OK ||
        (unsigned long long)rows * cols > kMaxXlsCells) {
      diag.error(file, t.sheet, "",
                 fmt::format("a sheet of {} rows and {} columns: larger than any journal", rows, cols));
      return false;
    }
    for (unsigned int r = 0; r < rows; ++r) {
      TableRow row;
      row.number = r + 1;
      bool any = false;
      for (unsigned short c = 0; c < cols; ++c) {
        FreeXL_CellValue v;
        std::string cell;
        if (freexl_get_cell_value(x.h, r, c, &v) == FREEXL_OK) {
          switch (v.type) {
            case FREEXL_CELL_INT:
              cell = std::to_string(v.value.int_value);
              break;
            case FREEXL_CELL_DOUBLE:
              cell = v.value.double_value == std::floor(v.value.double_value) &&
                             std::fabs(v.value.double_value) < 1e15
                         ? fmt::format("{}", (long long)v.value.double_value)
                         : fmt::format("{:.15g}", v.value.double_value);
              break;
            case FREEXL_CELL_TEXT:
            case FREEXL_CELL_SST_TEXT:
            case FREEXL_CELL_DATE:
            case FREEXL_CELL_TIME:
              cell = v.value.text_value ? v.value.text_value : "";
              break;
            case FREEXL_CELL_DATETIME:
              cell = v.value.text_value ? std::string(v.value.text_value).substr(0, 10) : "";
              break;
            default:
              break;
          }
        }
        if (!cell.empty()) any = true;
        row.cells.push_back(std::move(cell));
      }
      if (any) t.rows.push_back(std::move(row));
    }
    out.push_back(std::move(t));
  }
  return true;
}

}  // namespace jp
