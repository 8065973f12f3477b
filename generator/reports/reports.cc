#include "reports/reports.h"

#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "core/embedded.h"
#include "core/hash.h"
#include "core/thread_pool.h"
#include "publish/output_folder.h"
#include "figures/rules.h"
#include "reports/render_html.h"
#include "reports/render_pdf.h"
#include "reports/render_xlsx.h"
#include "reports/tables.h"

namespace jp {

ReportsResult build_reports(const Journal& j, const SchoolAudit& a, Day today, Writer& w,
                            ThreadPool& pool) {
  ReportsResult r;
  ReportPage index = index_page(j, a, today);
  w.put(index.file, render_report_html(j, index));
  const size_t classes = a.classes.size(), teachers = a.teachers.size();
  // Jobs: each class's page and PDF, each teacher's page, and the workbook.
  pool.for_each(classes + teachers + 1, [&](size_t i, unsigned) {
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

void ReportsOutput::prepare(BuildContext& ctx) {
  o_.today = ctx.today;
  // report.mustache, reports.css: not in the context's templates digest
  const std::string own = embedded_text(true);
  fingerprint_ = sha256_hex(fmt::format("{}\n{}\n{}\n{}\n{}|{}|{}|{}", ctx.templates_digest,
                                        sha256_hex(own), ctx.content_digest, format_date(ctx.today),
                                        o_.period, o_.from, o_.to, o_.absence_threshold));
}

std::vector<PublishedFolder> ReportsOutput::folders() const {
  WriterOptions wo;
  wo.private_files = true;
  return {{"reports", wo}};
}

void ReportsOutput::check(BuildContext&, const DiaryIndex& ix) {
  o_.offset_minutes = school_offset_minutes(ix.journal().school);
  check_audit_options(ix.journal(), o_);
}

void ReportsOutput::render(BuildContext& ctx, const DiaryIndex& ix) {
  const Journal& j = ix.journal();
  auto t0 = std::chrono::steady_clock::now();
  ArchiveFigures figures = archive_figures(j, *ctx.pool);
  SchoolAudit audit = school_audit(ix, o_, figures, *ctx.pool);
  ctx.mark("reports: figures");
  std::unique_ptr<Writer> w = ctx.writer("reports", folders()[0].options);
  ctx.report_repairs(*w);
  ReportsResult r = build_reports(j, audit, ctx.today, *w, *ctx.pool);
  WriteStats st = ctx.commit(*w, "reports", [&](Db& state) {
    save_build_fingerprint(state, "reports", ctx.dry_run ? "" : fingerprint_, format_date(ctx.today));
  });
  *ctx.log << fmt::format(
      "reports{}: {} page{} ({} classes, {} teachers with problems), {} class PDFs and "
      "reports.xlsx in {}/reports/, for staff only; {} problems found: {} written, {} "
      "unchanged, {} deleted; {:.2f} s\n",
      ctx.dry(), r.pages, r.pages == 1 ? "" : "s", audit.classes.size(), r.teachers, r.pdfs,
      ctx.out, r.problems, st.written, st.unchanged, st.deleted,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
}

}  // namespace jp
