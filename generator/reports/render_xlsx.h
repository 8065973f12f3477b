// The audit reports as one Excel workbook (`reports/reports.xlsx`) for those who work in
// Excel: a worksheet per table of the reports, every class's rows with the class first,
// the header row frozen and an autofilter on it. Bytes in memory.
#pragma once

#include <string>
#include <vector>

#include "core/journal.h"
#include "reports/tables.h"

namespace jp {

std::string render_reports_xlsx(const Journal& j, const std::vector<ReportTable>& sheets,
                                const std::vector<std::string>& about, Day today);

}  // namespace jp
