// Excel copies of the summary sheets (Output 2), made with libxlsxwriter: a workbook per
// class with a worksheet per column (period, year, exam, final), and the school's summary.
// Marks and figures are numbers, so the copies can be recounted in a spreadsheet.
#pragma once

#include <string>

#include "core/journal.h"
#include "figures/summary.h"

namespace jp {

/// From the figures the PDFs show (figures/summary.h).
std::string summary_xlsx(const Journal& j, int class_ix, const std::vector<SummarySheet>& sheets,
                         Day today);
std::string school_xlsx(const Journal& j, const std::vector<SchoolSummary>& summaries, Day today);

}  // namespace jp
