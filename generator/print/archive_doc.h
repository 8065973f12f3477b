// What every document of the archive ends with (Положение 6.x: the printed archive is
// numbered, stitched, certified, signed and sealed): the certification sheet giving the
// number of sheets in figures and in words, the director's signature line, the seal place
// and the date, and — when the archive is signed — the visible stamp of the electronic
// signature on that last page.
#pragma once

#include <string>

#include "core/dates.h"
#include "core/journal.h"
#include "print/pdf.h"

namespace jp {

/// What the visible stamp says about the signer.
struct SignerInfo {
  std::string subject;  ///< the certificate's CN (or the whole subject)
  std::string serial;   ///< hex, upper case, e.g. `3A5F…`
  Day not_before = 0, not_after = 0;
};

/// A finished, not yet signed archive PDF and where its signature stamp is drawn.
struct ArchivePdf {
  std::string bytes;
  std::string stamp_rect;  ///< "x1 y1 x2 y2", empty when unsigned
};

ArchivePdf finish_archive_pdf(PdfDoc& doc, const Journal& j, Day today, bool landscape,
                              const SignerInfo* signer);

/// The school's name as documents print it (the short name when there is one).
std::string school_label(const Journal& j);

}  // namespace jp
