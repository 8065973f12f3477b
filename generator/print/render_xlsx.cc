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
#include "print/xlsx_book.h"

namespace jp {

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
