// The import pipeline: load -> validate -> check -> store, all or nothing.
#pragma once

#include <iosfwd>
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
  size_t max_errors = 100;
  size_t warnings_per_kind = 5;
  unsigned threads = 0;
  std::string imported_at;         ///< empty: now
  bool allow_shrink = false;       ///< accept an import that drops many stored records
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

/// Returns 0 on success, 1 when the input was refused (nothing written).
int run_import(const ImportOptions& o, std::ostream& out, std::ostream& err);

}  // namespace jp
