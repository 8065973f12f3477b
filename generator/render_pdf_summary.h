// Output 2, the summary sheets of final marks of a class as one print-ready PDF (A4
// landscape, duplex binding margin, numbered pages, signature lines, the seal place and the
// certification sheet). Bytes in memory; the writer writes.
#pragma once

#include <string>

#include "journal.h"

namespace jp {

std::string render_pdf_summary(const Journal& j, int class_ix, Day today);

}  // namespace jp
