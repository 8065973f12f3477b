// Stage 3: the regulation checks (data-format.md, "Rules reported as warnings").
// The import goes on; every warning is stored for the audit reports. Runs only on a
// journal that passed `validate` (all `*_ix` resolved).
#pragma once

#include "core/diag.h"
#include "core/journal.h"

namespace jp {

void check_regulations(const Journal& j, Diagnostics& diag);

}  // namespace jp
