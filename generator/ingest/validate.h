// Stage 2: the importer's cross-record rules (data-format.md, "Rules the importer
// enforces"). Resolves every reference into the model's `*_ix` indices; any error
// refuses the whole import.
#pragma once

#include "core/diag.h"
#include "core/journal.h"

namespace jp {

class ThreadPool;

/// Resolves references and checks the rules; appends an error for each violation, in input
/// order. `pool`: the cores for the marks (none: this thread).
void validate(Journal& j, Diagnostics& diag, ThreadPool* pool = nullptr);

}  // namespace jp
