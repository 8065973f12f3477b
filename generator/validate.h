// Stage 2: the importer's cross-record rules (data-format.md, "Rules the importer
// enforces"). Resolves every reference into the model's `*_ix` indices; any error
// refuses the whole import.
#pragma once

#include "diag.h"
#include "journal.h"

namespace jp {

/// Resolves references and checks the rules; appends an error for each violation.
void validate(Journal& j, Diagnostics& diag);

/// The class a student was in on a day (index into classes), or -1.
int class_on(const Student& s, Day d);

/// The enrollment of a student that covers a lesson (its class and group), or nullptr.
const Enrollment* enrollment_for(const Student& s, const Lesson& l);

}  // namespace jp
