#include "print/render_pdf_summary.h"

#include <cmath>

#include "core/text.h"
#include "core/wording.h"
#include "figures/summary.h"
#include "print/archive_doc.h"
#include "print/pdf.h"

namespace jp {
namespace {

std::string pct(const std::optional<double>& v) { return v ? Locale::number(*v, 1, false) : "—"; }
std::string avg(const std::optional<double>& v) { return v ? Locale::number(*v, 2, true) : "—"; }

}  // namespace

ArchivePdf render_pdf_summary(const Journal& j, int class_ix,
                              const std::vector<SummarySheet>& sheets, Day today,
                              const SignerInfo* signer) {
  const Locale& loc = Locale::ru();
  const SchoolClass& cls = j.classes[class_ix];
  std::string school = school_label(j);
  std::string subject =
      loc.format("pdf.summary_subject", {{"class", cls.name}, {"year", j.year.label}});
  PdfDoc doc(loc.text("pdf.summary_title") + ". " + subject, school, subject);
  doc.set_date(year_of(today), month_of(today), day_of_month(today));
  std::string homeroom = cls.homeroom_ix >= 0 ? short_name(j.teachers[cls.homeroom_ix].person) : "";
  std::string director = short_name(j.school.director);

  for (const SummarySheet& sh : sheets) {
    doc.new_page(true);
    doc.bookmark(sh.title);
    float y = doc.top();
    doc.text(doc.left(), y - 10, PdfDoc::regular, 10, school);
    doc.text(doc.left(), y - 26, PdfDoc::bold, 13,
             loc.text("pdf.summary_title") + " — " + sh.title);
    doc.text(doc.left(), y - 40, PdfDoc::regular, 10, subject);
    if (!homeroom.empty())
      doc.text(doc.left(), y - 53, PdfDoc::regular, 10,
               loc.format("pdf.homeroom", {{"name", homeroom}}));
    y -= 62;

    PdfDoc::Table t;
    float avail = doc.right() - doc.left();
    float fixed = 18 + 150 + 4 * 16 + 30;
    float subj_w =
        std::max(22.0f, (avail - fixed) / float(std::max<size_t>(1, sh.subjects.size())));
    t.widths = {18, 150};
    t.header = {loc.text("pdf.col_number"), loc.text("pdf.col_name")};
    for (int s : sh.subjects) {
      t.widths.push_back(subj_w);
      const Subject& subj = j.subjects[s];
      t.header.push_back(subj.short_name.empty() ? subj.name : subj.short_name);
    }
    for (const char* m : {"5", "4", "3", "2"}) t.widths.push_back(16), t.header.push_back(m);
    t.widths.push_back(30);
    t.header.push_back(loc.text("pdf.col_average"));
    for (size_t a = 0; a < sh.students.size(); ++a) {
      std::vector<std::string> row{std::to_string(a + 1),
                                   full_name(j.students[sh.students[a]].person)};
      for (const auto& v : sh.marks[a]) row.push_back(v);
      const MarkCounts& c = sh.per_student[a];
      for (int k = 0; k < 4; ++k) row.push_back(std::to_string(c.by_value[k]));
      row.push_back(avg(c.average()));
      t.rows.push_back(std::move(row));
    }
    auto subject_row = [&](const std::string& label, auto value) {
      std::vector<std::string> row{"", label};
      for (const auto& c : sh.per_subject) row.push_back(value(c));
      t.rows.push_back(std::move(row));
    };
    const char* marks[] = {"5", "4", "3", "2"};
    for (int k = 0; k < 4; ++k)
      subject_row(loc.format("pdf.row_count", {{"mark", marks[k]}}),
                  [&](const MarkCounts& c) { return std::to_string(c.by_value[k]); });
    subject_row(loc.text("pdf.row_quality"), [&](const MarkCounts& c) { return pct(c.quality()); });
    subject_row(loc.text("pdf.row_success"), [&](const MarkCounts& c) { return pct(c.success()); });
    subject_row(loc.text("pdf.row_average"), [&](const MarkCounts& c) { return avg(c.average()); });
    doc.table(t, y);

    std::vector<std::string> closing =
        doc.wrap(PdfDoc::regular, 10,
                 loc.format("pdf.totals", {{"excellent", std::to_string(sh.excellent)},
                                           {"good", std::to_string(sh.good)},
                                           {"single", std::to_string(sh.single_three)},
                                           {"failing", std::to_string(sh.failing)},
                                           {"quality", pct(sh.total.quality())},
                                           {"success", pct(sh.total.success())}}),
                 doc.right() - doc.left());
    closing.push_back("");
    if (!homeroom.empty()) closing.push_back(loc.format("pdf.sign_homeroom", {{"name", homeroom}}));
    closing.push_back(loc.format("pdf.sign_director", {{"name", director}}));
    closing.push_back(loc.text("pdf.seal") + "        " +
                      loc.format("pdf.date", {{"date", loc.date_full(today)}}));
    if (y - 16 * float(closing.size()) - 10 < doc.bottom()) {
      doc.new_page(true);
      y = doc.top();
    }
    y -= 10;
    for (const auto& line : closing) {
      y -= 16;
      doc.text(doc.left(), y, PdfDoc::regular, 10, line);
    }
  }

  return finish_archive_pdf(doc, j, today, true, signer);
}

}  // namespace jp
