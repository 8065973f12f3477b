// Excel copies of the summary sheets (Output 2), made with libxlsxwriter: a workbook per
// class with a worksheet per column (period, year, exam, final), and the school's summary.
// Marks and figures are numbers, so the copies can be recounted in a spreadsheet.
#pragma once

#include <string>

#include "core/journal.h"

namespace jp {

std::string summary_xlsx(const Journal& j, int class_ix, Day today);
std::string school_xlsx(const Journal& j, Day today);

}  // namespace jp
