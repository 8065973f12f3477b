// Output 4, the audit reports for staff (`DIR/reports/`): which file holds what. The
// figures (figures/audit.h) become tables once (reports/tables.h); the pages, the
// workbook and the classes' PDFs are rendered on all cores and offered to the writer,
// which keeps the folder owner-only (it is never part of site/).
#pragma once

#include <cstddef>

#include "figures/audit.h"
#include "publish/writer.h"

namespace jp {

struct ReportsResult {
  size_t pages = 0, pdfs = 0, teachers = 0, problems = 0;
};

/// `index.html`, `class-<id>.html` and `.pdf` per class, `teacher-<id>.html` per teacher
/// with a problem, `reports.xlsx`.
ReportsResult build_reports(const Journal& j, const SchoolAudit& audit, Day today, Writer& w,
                            unsigned threads);

}  // namespace jp
