#include "import.h"

#include <fmt/format.h>

#include <chrono>
#include <ostream>

#include "checks.h"
#include "load.h"
#include "store.h"
#include "validate.h"

namespace jp {
namespace {}  // namespace

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
  auto r = store_journal(o.db, j, diag, o.imported_at.empty() ? utc_now_iso() : o.imported_at);
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
