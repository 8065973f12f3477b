#include "reports/render_pdf.h"

#include <algorithm>

#include "core/wording.h"
#include "print/archive_doc.h"
#include "print/pdf.h"

namespace jp {
namespace {

/// Column widths from the widest cell of each column (header words may wrap), scaled to
/// the page's width.
std::vector<float> widths(const PdfDoc& doc, const ReportTable& t, float size, float total) {
  std::vector<float> w(t.head.size(), 0);
  for (size_t c = 0; c < t.head.size(); ++c) {
    // A header wraps at spaces: its longest word is the least it needs.
    std::string word;
    for (char ch : t.head[c] + " ") {
      if (ch == ' ') {
        w[c] = std::max(w[c], doc.width(PdfDoc::narrow, size, word));
        word.clear();
      } else {
        word += ch;
      }
    }
    for (const auto& r : t.rows)
      if (c < r.size())
        w[c] = std::max(w[c], std::min(doc.width(PdfDoc::regular, size, r[c].text), 220.f));
    w[c] += 6;
  }
  float sum = 0;
  for (float x : w) sum += x;
  if (sum > 0)
    for (float& x : w) x *= total / sum;
  return w;
}

}  // namespace

std::string render_report_pdf(const Journal& j, int class_ix, const ReportPage& page, Day today) {
  const Locale& loc = Locale::ru();
  const SchoolClass& cls = j.classes[class_ix];
  std::string title =
      loc.format("reports.pdf_title", {{"class", cls.name}, {"year", j.year.label}});
  PdfDoc doc(title, school_label(j), j.school.name);
  doc.set_date(year_of(today), month_of(today), day_of_month(today));
  doc.set_record("class " + cls.id);
  doc.new_page(true);
  const float width = doc.right() - doc.left();
  float y = doc.top();
  auto room = [&](float need) {
    if (y - need < doc.bottom()) {
      doc.new_page(true);
      y = doc.top();
    }
  };
  auto para = [&](PdfDoc::Font f, float size, const std::string& text, float after = 2) {
    for (const auto& l : doc.wrap(f, size, text, width)) {
      room(size * 1.35f);
      y -= size * 1.35f;
      doc.text(doc.left(), y, f, size, l);
    }
    y -= after;
  };
  para(PdfDoc::regular, 10, j.school.name, 4);
  para(PdfDoc::bold, 14, page.title, 4);
  for (const auto& a : page.about) para(PdfDoc::regular, 10, a);
  y -= 6;
  for (const ReportSection& s : page.sections) {
    // The heading, its clause and the first rows of its table together on a page.
    room(120);
    doc.bookmark(s.title);
    y -= 6;
    para(PdfDoc::bold, 12, s.title, 2);
    if (!s.clause.empty()) para(PdfDoc::regular, 8, s.clause, 4);
    bool any = false;
    for (const ReportTable& t : s.tables) {
      if (t.rows.empty()) continue;
      any = true;
      room(60);
      para(PdfDoc::bold, 9, t.caption, 2);
      PdfDoc::Table pt;
      pt.size = 8;
      pt.header = t.head;
      pt.widths = widths(doc, t, pt.size, width);
      for (size_t r = 0; r < t.rows.size(); ++r) {
        std::vector<std::string> row;
        for (const auto& c : t.rows[r]) row.push_back(c.text);
        if (t.flagged[r] || (t.total_last && r + 1 == t.rows.size()))
          pt.bold_rows.push_back(pt.rows.size());
        pt.rows.push_back(std::move(row));
      }
      doc.table(pt, y);
      y -= 8;
    }
    if (!any) para(PdfDoc::regular, 9, s.empty, 4);
  }
  room(90);
  y -= 24;
  para(PdfDoc::regular, 10, loc.text("reports.sign_deputy"), 14);
  std::string homeroom = cls.homeroom_ix >= 0 ? short_name(j.teachers[cls.homeroom_ix].person)
                                              : std::string("____________________");
  para(PdfDoc::regular, 10, loc.format("reports.sign_homeroom", {{"name", homeroom}}), 14);
  para(PdfDoc::regular, 10, loc.format("pdf.date", {{"date", loc.date_short(today)}}), 4);
  return doc.finish(loc.text("pdf.page"));
}

}  // namespace jp
