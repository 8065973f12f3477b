#include "app/import.h"

#include <fmt/format.h>

#include <chrono>
#include <future>
#include <optional>
#include <ostream>
#include <sstream>
#include <stdexcept>

#include "core/dates.h"
#include "core/thread_pool.h"
#include "ingest/checks.h"
#include "ingest/formats.h"
#include "ingest/load.h"
#include "ingest/validate.h"
#include "store/store.h"

namespace jp {

namespace {

/// "3 days", "5 hours", "12 minutes": how far apart two exports are, for the message.
std::string duration_words(int64_t seconds) {
  if (seconds >= 2 * 86400) return fmt::format("{} days", seconds / 86400);
  if (seconds >= 2 * 3600) return fmt::format("{} hours", seconds / 3600);
  if (seconds >= 120) return fmt::format("{} minutes", seconds / 60);
  return fmt::format("{} seconds", seconds);
}

}  // namespace

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

std::string export_order_refusal(const std::string& stored, const std::string& now,
                                 int64_t clock_utc) {
  auto stored_ts = parse_timestamp(stored), now_ts = parse_timestamp(now);
  if (!now_ts && stored_ts)
    return fmt::format(
        "the export has no exported_at, while the stored import was exported at {}: its age "
        "cannot be told, and an older export would roll marks back. If intended, import with "
        "--accept-older",
        stored);
  if (now_ts && now_ts->utc > clock_utc + kFutureTolerance)
    return fmt::format(
        "the export says it was made at {}, {} after this machine's clock ({}): a wrong clock "
        "on the exporting or this machine would let the next older export through; put the "
        "clock right (an export is not accepted from the future)",
        now, duration_words(now_ts->utc - clock_utc), format_utc_iso(clock_utc));
  if (now_ts && stored_ts && now_ts->utc < stored_ts->utc)
    return fmt::format(
        "the export was made at {}, {} before the stored import's export ({}): importing it "
        "would roll the journal back. If intended (restoring an older export), import with "
        "--accept-older",
        now, duration_words(stored_ts->utc - now_ts->utc), stored);
  return {};
}

namespace {

std::string already_imported(const std::string& school_name, const std::string& school_id,
                             const std::string& year, size_t files, const std::string& exported_at,
                             const std::string& db) {
  return fmt::format(
      "already imported: {} ({}), year {}, from the same {} {} ({}); the database {} was not "
      "changed\n",
      school_name, school_id, year, files, files == 1 ? "file" : "files",
      exported_at.empty() ? "no exported_at" : "exported at " + exported_at, db);
}

}  // namespace

int run_import(const ImportOptions& o, std::ostream& out, std::ostream& err) {
  std::string timings;
  auto last = std::chrono::steady_clock::now();
  auto mark = [&](const char* what) {
    auto now = std::chrono::steady_clock::now();
    timings += fmt::format("  {:<22} {:6.2f} s\n", what,
                           std::chrono::duration<double>(now - last).count());
    last = now;
  };
  // Printed however the import ends (refused, already imported, imported).
  struct PrintTimings {
    const bool on;
    std::ostream& out;
    const std::string& text;
    ~PrintTimings() {
      if (on) out << "timings:\n" << text;
    }
  } print_timings{o.timings, out, timings};
  Diagnostics diag;
  InputOptions io;
  auto format = parse_input_format(o.format);
  auto encoding = parse_encoding(o.encoding);
  if (!format || !encoding) {  // the command line checks them; a caller may not have
    err << fmt::format("journalpress: import refused: unknown {} {}\n",
                       format ? "--encoding" : "--format", format ? o.encoding : o.format);
    return 1;
  }
  io.format = *format;
  io.encoding = *encoding;
  ThreadPool pool(o.threads);
  io.pool = &pool;
  // The export the stored import was made from, byte for byte (the nightly with nothing
  // new): nothing is parsed, its records were checked when it was imported. Only JSON is
  // digested before parsing (the tabular formats' digests come from their parsed tables).
  if (auto d = input_digest(o.inputs, io)) {
    std::optional<StoredImport> stored;
    try {
      stored = stored_import_of(o.db, d->content_digest);
    } catch (const std::exception&) {
      // A database that cannot be read: the import below says so, after the journal's errors.
    }
    mark("digest of the export");
    if (stored) {
      out << already_imported(stored->school_name, stored->school_id, stored->year_label, d->files,
                              stored->exported_at, o.db);
      if (o.report)
        *o.report = {stored->school_id, stored->students, stored->marks, stored->warnings};
      return 0;
    }
  }
  LoadedInput in;
  load_inputs(o.inputs, io, in, diag);
  mark("read the export");
  Journal& j = in.journal;
  const std::vector<std::string> files = j.files;
  const size_t nfiles = in.files;  // a workbook is one file of many tables
  const std::string imported_at = o.imported_at.empty() ? utc_now_iso() : o.imported_at;

  // What the stored import says of this export: already imported (nothing to do), or
  // refused (older, from the future, shrinking). Read before the store's transaction.
  // `probe`: asked before the checks, to choose the way; says nothing and fills no report.
  auto guards = [&](std::ostream& out, std::ostream& err, bool probe) -> std::optional<int> {
    if (auto stored = stored_export(o.db, j.school.id, j.year.label)) {
      if (stored->content_digest == j.content_digest && stored->exported_at == j.exported_at) {
        out << already_imported(j.school.name, j.school.id, j.year.label, nfiles, j.exported_at,
                                o.db);
        if (o.report && !probe)
          *o.report = {j.school.id, j.students.size(), j.marks.size(), diag.warnings()};
        return 0;
      }
      std::string why = export_order_refusal(stored->exported_at, j.exported_at, utc_now_seconds());
      // The clock is never overridden: an export from the future is a broken clock.
      if (!why.empty() && (!o.accept_older || why.find("--accept-older") == std::string::npos)) {
        err << fmt::format("journalpress: import refused: {}; the database {} was not changed\n",
                           why, o.db);
        return 1;
      }
    } else if (auto ts = parse_timestamp(j.exported_at);
               ts && ts->utc > utc_now_seconds() + kFutureTolerance) {
      err << fmt::format("journalpress: import refused: {}; the database {} was not changed\n",
                         export_order_refusal("", j.exported_at, utc_now_seconds()), o.db);
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
        err << fmt::format("journalpress: import refused: {}; the database {} was not changed\n",
                           why, o.db);
        return 1;
      }
    }
    return std::nullopt;
  };
  // Validation and the regulation checks, then what they found. Records rejected while
  // loading are left out; validate still checks the rest, so that every error is reported
  // in one run (unless a file could not be parsed at all).
  auto check = [&] {
    if (!files.empty() && j.all_files_read) validate(j, diag);
    if (diag.errors() == 0) check_regulations(j, diag);
  };
  auto report = [&] {
    if (in.places) diag = in.places->translate(diag);
    if (!in.detected.empty())
      out << fmt::format("read {}{}\n", in.detected,
                         diag.errors() == 0 ? ": " + record_counts(j) : std::string());
    err << diag.report(o.max_errors, o.warnings_per_kind);
    if (diag.errors() == 0) return false;
    err << fmt::format(
        "journalpress: import refused: {} {}, {} {}; the database {} was not changed\n",
        diag.errors(), diag.errors() == 1 ? "error" : "errors", diag.warnings(),
        diag.warnings() == 1 ? "warning" : "warnings", o.db);
    return true;
  };

  std::optional<ImportResult> stored;
  // A journal that loaded cleanly and that the stored import lets in (the nightly's case)
  // is checked on one core while its rows are written on the other, inside the store's
  // transaction: an error found then rolls it back, and the database is as it was. The
  // checks set only the records' links (*_ix), which no row holds (store.h). Any other
  // journal goes the sequential way, which says its errors before what the guards say.
  bool parallel = !files.empty() && j.all_files_read && diag.errors() == 0 && !in.places &&
                  pool.size() > 1 && ready_for_checked_store(o.db);
  if (parallel) {
    std::ostringstream said_out, said_err;
    try {
      parallel = !guards(said_out, said_err, true);
    } catch (const std::exception&) {
      parallel = false;  // the sequential way says the journal's errors first, then this
    }
  }
  if (parallel) {
    mark("guards");
    std::future<void> checking = pool.submit(check);
    struct Wait {  // the checks use `j` and `diag`: never left running past this scope
      std::future<void>& f;
      ~Wait() {
        if (f.valid()) f.wait();
      }
    } wait{checking};
    auto refused_early = [&] {
      return checking.wait_for(std::chrono::seconds(0)) == std::future_status::ready &&
             diag.errors() > 0;
    };
    try {
      stored = store_journal_when(
          o.db, j, imported_at,
          [&]() -> const Diagnostics* {
            checking.get();
            mark("store, checks beside");
            return diag.errors() == 0 ? &diag : nullptr;
          },
          refused_early);
    } catch (const std::exception&) {
      // A database that cannot be written (full disk, locked, broken): the journal's own
      // errors, if it has any, are what the user must hear first, as without the store.
      if (checking.valid()) checking.get();
      if (report()) return 1;
      throw;
    }
    if (checking.valid()) checking.get();  // given up early: the checks' verdict is in
    if (report()) return 1;
    if (!stored) throw std::logic_error("the store refused a journal without errors");
  } else {
    check();
    mark("validate and check");
    if (report()) return 1;
    // Exports only move forward: an older one (a stale copy, a restored backup of the
    // export folder) replaced the stored journal silently and rolled marks back.
    if (auto code = guards(out, err, false)) return *code;
    mark("guards");
    stored = store_journal(o.db, j, diag, imported_at);
  }
  const ImportResult& r = *stored;

  mark("store");
  if (o.report) *o.report = {j.school.id, j.students.size(), j.marks.size(), diag.warnings()};
  out << fmt::format(
      "imported {} ({}), year {}, from {} {} into {}{}:\n"
      "  {} classes, {} students, {} guardians, {} teachers, {} lessons, {} marks, "
      "{} attendance entries, {} final marks\n"
      "  {} {} stored for the audit report\n",
      j.school.name, j.school.id, j.year.label, nfiles, nfiles == 1 ? "file" : "files", o.db,
      r.replaced ? " (replacing the earlier import)" : "", j.classes.size(), j.students.size(),
      j.guardians.size(), j.teachers.size(), j.lessons.size(), j.marks.size(), j.attendance.size(),
      j.final_marks.size(), diag.warnings(), diag.warnings() == 1 ? "warning" : "warnings");
  return 0;
}

}  // namespace jp
