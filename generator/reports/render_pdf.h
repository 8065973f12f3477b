// A class's audit report as a PDF for signing and filing (A4 landscape, the print
// layer's fonts, numbered pages, bookmarks per report, PDF/A-1b like every PDF of the
// archive), with the signature lines of the deputy director and the class teacher.
// Bytes in memory.
#pragma once

#include <string>

#include "core/journal.h"
#include "reports/tables.h"

namespace jp {

std::string render_report_pdf(const Journal& j, int class_ix, const ReportPage& page, Day today);

}  // namespace jp
