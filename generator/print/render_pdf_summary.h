// Output 2, the summary sheets of final marks of a class as one print-ready PDF (A4
// landscape, duplex binding margin, numbered pages, signature lines, the seal place and the
// certification sheet). Bytes in memory; the writer writes.
#pragma once

#include <string>

#include "core/journal.h"
#include "figures/summary.h"
#include "print/archive_doc.h"

namespace jp {

/// `signer`: the stamp to draw on the last page (null: unsigned).
/// `sheets`: the class's summary sheets (figures/summary.h).
ArchivePdf render_pdf_summary(const Journal& j, int class_ix,
                              const std::vector<SummarySheet>& sheets, Day today,
                              const SignerInfo* signer);

}  // namespace jp
