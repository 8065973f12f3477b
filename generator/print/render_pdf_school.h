// Output 2, the school's summary of final marks across all classes: one table per column
// (period, year, exam, final) with a line per class and the school's total, certified and
// ready for signing.
#pragma once

#include "figures/summary.h"
#include "print/archive_doc.h"

namespace jp {

/// `summaries`: the school's summary (figures/summary.h).
ArchivePdf render_pdf_school(const Journal& j, const std::vector<SchoolSummary>& summaries,
                             Day today, const SignerInfo* signer);

/// The table's header and lines (shared with the Excel copy).
std::vector<std::string> school_summary_header();
std::vector<std::vector<std::string>> school_summary_rows(const Journal& j, const SchoolSummary& s);

}  // namespace jp
