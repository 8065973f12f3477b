// Output 4, the audit reports for staff (`DIR/reports/`): which file holds what. The
// figures (figures/audit.h) become tables once (reports/tables.h); the pages, the
// workbook and the classes' PDFs are rendered on all cores and offered to the writer,
// which keeps the folder owner-only (it is never part of site/).
#pragma once

#include <cstddef>

#include "figures/audit.h"
#include "publish/output.h"
#include "publish/writer.h"

namespace jp {

class ThreadPool;

struct ReportsResult {
  size_t pages = 0, pdfs = 0, teachers = 0, problems = 0;
};

/// `index.html`, `class-<id>.html` and `.pdf` per class, `teacher-<id>.html` per teacher
/// with a problem, `reports.xlsx`.
ReportsResult build_reports(const Journal& j, const SchoolAudit& audit, Day today, Writer& w,
                            ThreadPool& pool);

/// Output 4 as an `Output` (publish/output.h): the audit reports, for staff only
/// (DIR/reports/ is owner-only like private/, and nothing of site/ names it).
class ReportsOutput : public Output {
 public:
  /// `o`: the reporting period and threshold (its today and time zone are the build's).
  explicit ReportsOutput(AuditOptions o) : o_(std::move(o)) {}
  std::string name() const override { return "reports"; }
  /// The fingerprint: the journal, the options, the build's day (the reports' range ends
  /// on it and they say the day they were made), the templates, theirs included.
  void prepare(BuildContext& ctx) override;
  std::vector<PublishedFolder> folders() const override;
  std::string fingerprint() const override { return fingerprint_; }
  std::string depends_on() const override { return "journal, date, options and templates"; }
  void check(BuildContext& ctx, const DiaryIndex& ix) override;
  void render(BuildContext& ctx, const DiaryIndex& ix) override;

 private:
  AuditOptions o_;
  std::string fingerprint_;
};

}  // namespace jp
