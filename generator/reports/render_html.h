// The audit reports as HTML pages (templates/report.mustache): each page a single file
// with its stylesheet inside, so it reads offline when opened from disk and prints on A4
// (the print stylesheet). Bytes in memory; reports/reports decides the files.
#pragma once

#include <string>

#include "core/journal.h"
#include "reports/tables.h"

namespace jp {

std::string render_report_html(const Journal& j, const ReportPage& page);

}  // namespace jp
