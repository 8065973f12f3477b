// The import pipeline: load -> validate -> check -> store, all or nothing.
#pragma once

#include <iosfwd>
#include <cstdint>
#include <string>
#include <vector>

#include "core/diag.h"

namespace jp {

/// What an import loaded (for `nightly`'s summary).
struct ImportReport {
  std::string school;
  size_t students = 0, marks = 0, warnings = 0;
};

struct ImportOptions {
  std::vector<std::string> inputs;
  std::string db;
  std::string format = "auto";    ///< auto, json, tabular (ingest/formats)
  std::string encoding = "auto";  ///< CSV files: auto, utf-8, windows-1251
  size_t max_errors = 100;
  size_t warnings_per_kind = 5;
  unsigned threads = 0;
  std::string imported_at;         ///< empty: now
  bool allow_shrink = false;       ///< accept an import that drops many stored records
  bool accept_older = false;       ///< accept an export older than the stored one
  bool timings = false;            ///< print the time of each phase
  ImportReport* report = nullptr;  ///< filled on success if given
};

/// An import that would drop more than this share of any of the stored dataset's students,
/// lessons, marks, attendance entries or final marks is refused without --allow-shrink:
/// a year's journal only grows, and an export that came out empty or half would otherwise
/// replace it (docs/manual.md).
constexpr double kMaxShrink = 0.10;

/// The refusal for a shrinking import, or empty: `stored` as from stored_counts, `now`
/// the same tables' counts in the new journal.
std::string shrink_refusal(const std::vector<std::pair<std::string, long long>>& stored,
                           const std::vector<std::pair<std::string, long long>>& now);

/// How far an export's exported_at may lie ahead of this machine's clock (clocks of two
/// machines differ a little; a day ahead is a wrong clock or a wrong date typed by hand).
constexpr int64_t kFutureTolerance = 15 * 60;

/// Why an export made at `now` (its exported_at; empty if it has none) may not replace one
/// made at `stored`, or empty: older than the stored one, without exported_at over one
/// that had it, or more than kFutureTolerance ahead of `clock_utc` (seconds since the epoch).
/// The first two can be overridden by --accept-older (their message says so); the last not.
std::string export_order_refusal(const std::string& stored, const std::string& now,
                                 int64_t clock_utc);

/// Returns 0 on success, 1 when the input was refused (nothing written).
int run_import(const ImportOptions& o, std::ostream& out, std::ostream& err);

}  // namespace jp
