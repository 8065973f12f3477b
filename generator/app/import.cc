#include "app/import.h"

#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "ingest/checks.h"
#include "ingest/load.h"
#include "ingest/validate.h"
#include "store/store.h"

namespace jp {

std::string shrink_refusal(const std::vector<std::pair<std::string, long long>>& stored,
                           const std::vector<std::pair<std::string, long long>>& now) {
  std::string what;
  for (size_t i = 0; i < stored.size() && i < now.size(); ++i) {
    long long before = stored[i].second, after = now[i].second;
    if (before > 0 && double(before - after) > kMaxShrink * double(before)) {
      std::string table = stored[i].first;
      for (auto& c : table)
        if (c == '_') c = ' ';
      what +=
          fmt::format("{}{} of the {} {}", what.empty() ? "" : ", ", before - after, before, table);
    }
  }
  if (what.empty()) return {};
  return fmt::format(
      "it would drop {} stored (more than {:.0f}% of them); an export that came "
      "out empty or cut short? If intended, import with --allow-shrink",
      what, kMaxShrink * 100);
}

int run_import(const ImportOptions& o, std::ostream& out, std::ostream& err) {
  Diagnostics diag;
  auto files = expand_inputs(o.inputs, diag);
  Journal j;
  if (diag.errors() == 0) j = load_journal(files, diag, o.threads);
  // Records rejected while loading are left out; validate still checks the rest, so
  // that every error is reported in one run (unless a file could not be parsed at all).
  if (!files.empty() && j.all_files_read) validate(j, diag);
  if (diag.errors() == 0) check_regulations(j, diag);
  err << diag.report(o.max_errors, o.warnings_per_kind);
  if (diag.errors() > 0) {
    err << fmt::format(
        "journalpress: import refused: {} {}, {} {}; the database {} was not changed\n",
        diag.errors(), diag.errors() == 1 ? "error" : "errors", diag.warnings(),
        diag.warnings() == 1 ? "warning" : "warnings", o.db);
    return 1;
  }
  if (!o.allow_shrink) {
    std::vector<std::pair<std::string, long long>> now{{"students", j.students.size()},
                                                       {"lessons", j.lessons.size()},
                                                       {"marks", j.marks.size()},
                                                       {"attendance", j.attendance.size()},
                                                       {"final_marks", j.final_marks.size()}};
    std::string why = shrink_refusal(stored_counts(o.db, j.school.id, j.year.label), now);
    if (!why.empty()) {
      err << fmt::format("journalpress: import refused: {}; the database {} was not changed\n", why,
                         o.db);
      return 1;
    }
  }
  auto r = store_journal(o.db, j, diag, o.imported_at.empty() ? utc_now_iso() : o.imported_at);
  if (o.report) *o.report = {j.school.id, j.students.size(), j.marks.size(), diag.warnings()};
  out << fmt::format(
      "imported {} ({}), year {}, from {} {} into {}{}:\n"
      "  {} classes, {} students, {} guardians, {} teachers, {} lessons, {} marks, "
      "{} attendance entries, {} final marks\n"
      "  {} {} stored for the audit report\n",
      j.school.name, j.school.id, j.year.label, files.size(), files.size() == 1 ? "file" : "files",
      o.db, r.replaced ? " (replacing the earlier import)" : "", j.classes.size(),
      j.students.size(), j.guardians.size(), j.teachers.size(), j.lessons.size(), j.marks.size(),
      j.attendance.size(), j.final_marks.size(), diag.warnings(),
      diag.warnings() == 1 ? "warning" : "warnings");
  return 0;
}

}  // namespace jp
