#include "reports/reports.h"

#include "core/parallel.h"
#include "reports/render_html.h"
#include "reports/render_pdf.h"
#include "reports/render_xlsx.h"
#include "reports/tables.h"

namespace jp {

ReportsResult build_reports(const Journal& j, const SchoolAudit& a, Day today, Writer& w,
                            unsigned threads) {
  ReportsResult r;
  ReportPage index = index_page(j, a, today);
  w.put(index.file, render_report_html(j, index));
  const size_t classes = a.classes.size(), teachers = a.teachers.size();
  // Jobs: each class's page and PDF, each teacher's page, and the workbook.
  parallel_for(classes + teachers + 1, threads, [&](size_t i) {
    if (i < classes) {
      const ClassAudit& ca = a.classes[i];
      ReportPage p = class_page(j, a, ca, today);
      w.put(p.file, render_report_html(j, p));
      w.put(class_report_file(j.classes[ca.class_ix], "pdf"),
            render_report_pdf(j, ca.class_ix, p, today));
    } else if (i < classes + teachers) {
      ReportPage p = teacher_page(j, a, a.teachers[i - classes], today);
      w.put(p.file, render_report_html(j, p));
    } else {
      w.put("reports.xlsx", render_reports_xlsx(j, workbook_tables(j, a), index.about, today));
    }
  });
  r.pages = 1 + classes + teachers;
  r.pdfs = classes;
  r.teachers = teachers;
  for (const auto& ca : a.classes) r.problems += size_t(ca.problems());
  return r;
}

}  // namespace jp
