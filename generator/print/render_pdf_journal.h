// Output 2, the class journal as the archive keeps it on paper (Положение 6.x): title
// page; class list with arrivals and departures; for every subject and group the grid of
// students by lesson dates (marks and attendance codes, as many pages wide as it takes),
// the list of lessons (topic, homework, teacher, substitutions) and the period marks; the
// attendance summary by period; the class's mark-change log; the certification sheet.
#pragma once

#include "figures/diary.h"
#include "print/archive_doc.h"

namespace jp {

/// `today`: the journal's date (figures/summary.h, ArchiveDates), printed and dating the
/// document; `year_over`: the school year is over («Окончен» and the last lesson's date).
ArchivePdf render_pdf_journal(const DiaryIndex& ix, int class_ix, Day today, bool year_over,
                              const SignerInfo* signer);

}  // namespace jp
