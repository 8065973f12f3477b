#include "reports/render_xlsx.h"

#include <algorithm>

#include "core/text.h"
#include "core/wording.h"
#include "print/archive_doc.h"
#include "print/xlsx_book.h"

namespace jp {

std::string render_reports_xlsx(const Journal& j, const std::vector<ReportTable>& sheets,
                                const std::vector<std::string>& about, Day today) {
  Book book(Locale::ru().text("reports.title"), school_label(j), today);
  for (const ReportTable& t : sheets) {
    lxw_worksheet* ws = book.sheet(t.sheet);
    worksheet_write_string(ws, 0, 0, t.caption.c_str(), book.title_fmt);
    int row = 1;
    for (const auto& line : about)
      worksheet_write_string(ws, lxw_row_t(row++), 0, line.c_str(), nullptr);
    const int header = row + 1;
    for (size_t c = 0; c < t.head.size(); ++c) {
      worksheet_write_string(ws, lxw_row_t(header), lxw_col_t(c), t.head[c].c_str(), book.head);
      // Wide enough for the longest value of the column (names, dates), within reason.
      size_t width = 8;
      for (const auto& r : t.rows)
        if (c < r.size()) width = std::max(width, utf8_length(r[c].text) + 2);
      worksheet_set_column(ws, lxw_col_t(c), lxw_col_t(c), double(std::min<size_t>(width, 50)),
                           nullptr);
    }
    row = header;
    for (size_t r = 0; r < t.rows.size(); ++r) {
      ++row;
      for (size_t c = 0; c < t.rows[r].size(); ++c)
        book.put(ws, row, int(c), t.rows[r][c].text, t.flagged[r] ? book.flag : nullptr);
    }
    worksheet_freeze_panes(ws, lxw_row_t(header + 1), 0);
    if (!t.head.empty())
      worksheet_autofilter(ws, lxw_row_t(header), 0, lxw_row_t(std::max(row, header)),
                           lxw_col_t(t.head.size() - 1));
  }
  return book.bytes();
}

}  // namespace jp
