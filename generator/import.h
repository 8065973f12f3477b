// The import pipeline: load -> validate -> check -> store, all or nothing.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "diag.h"

namespace jp {

struct ImportOptions {
  std::vector<std::string> inputs;
  std::string db;
  size_t max_errors = 100;
  size_t warnings_per_kind = 5;
  unsigned threads = 0;
  std::string imported_at;  ///< empty: now
};

/// Returns 0 on success, 1 when the input was refused (nothing written).
int run_import(const ImportOptions& o, std::ostream& out, std::ostream& err);

}  // namespace jp
