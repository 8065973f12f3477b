#include "print/render_pdf_school.h"

#include "core/wording.h"
#include "figures/summary.h"

namespace jp {
namespace {

std::string pct(const std::optional<double>& v) { return v ? Locale::number(*v, 1, false) : "—"; }
std::string avg(const std::optional<double>& v) { return v ? Locale::number(*v, 2, true) : "—"; }

std::vector<std::string> line(const std::string& label, const ClassSummary& c) {
  std::vector<std::string> r{label,
                             std::to_string(c.students),
                             std::to_string(c.excellent),
                             std::to_string(c.good),
                             std::to_string(c.single_three),
                             std::to_string(c.failing)};
  for (int k = 0; k < 4; ++k) r.push_back(std::to_string(c.marks.by_value[k]));
  r.push_back(pct(c.marks.quality()));
  r.push_back(pct(c.marks.success()));
  r.push_back(avg(c.marks.average()));
  return r;
}

}  // namespace

std::vector<std::string> school_summary_header() {
  const Locale& loc = Locale::ru();
  std::vector<std::string> h;
  for (const char* k :
       {"col_class", "col_students", "col_excellent", "col_good", "col_single", "col_failing"})
    h.push_back(loc.text(std::string("pdf.school.") + k));
  for (const char* m : {"5", "4", "3", "2"})
    h.push_back(loc.format("pdf.row_count", {{"mark", m}}));
  h.push_back(loc.text("pdf.row_quality"));
  h.push_back(loc.text("pdf.row_success"));
  h.push_back(loc.text("pdf.row_average"));
  return h;
}

std::vector<std::vector<std::string>> school_summary_rows(const Journal& j,
                                                          const SchoolSummary& s) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& c : s.classes) rows.push_back(line(j.classes[c.class_ix].name, c));
  rows.push_back(line(Locale::ru().text("pdf.school.total"), s.total));
  return rows;
}

ArchivePdf render_pdf_school(const Journal& j, const std::vector<SchoolSummary>& summaries,
                             Day today, const SignerInfo* signer) {
  const Locale& loc = Locale::ru();
  std::string school = school_label(j);
  std::string title = loc.text("pdf.school.title");
  std::string subject = loc.format("pdf.school.subject", {{"year", j.year.label}});
  PdfDoc doc(title + ". " + subject, school, subject);
  doc.set_date(year_of(today), month_of(today), day_of_month(today));
  if (summaries.empty()) {
    doc.new_page(true);
    doc.text(doc.left(), doc.top() - 26, PdfDoc::bold, 13, title);
    doc.text(doc.left(), doc.top() - 44, PdfDoc::regular, 10, loc.text("pdf.school.none"));
  }
  for (const auto& s : summaries) {
    doc.new_page(true);
    doc.bookmark(s.title);
    float y = doc.top();
    doc.text(doc.left(), y - 10, PdfDoc::regular, 10, school);
    doc.text(doc.left(), y - 26, PdfDoc::bold, 13, title + " — " + s.title);
    doc.text(doc.left(), y - 40, PdfDoc::regular, 10, subject);
    y -= 52;
    PdfDoc::Table t;
    t.header = school_summary_header();
    t.widths = {70, 50, 55, 55, 55, 60, 40, 40, 40, 40, 55, 60, 45};
    t.rows = school_summary_rows(j, s);
    t.size = 9;
    doc.table(t, y);
  }
  return finish_archive_pdf(doc, j, today, true, signer);
}

}  // namespace jp
