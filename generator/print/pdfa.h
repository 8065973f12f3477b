// PDF/A-1b (ISO 19005-1, ГОСТ Р ИСО 19005-1) from libharu's output. libharu 2.3 writes
// what a validator rejects: ToUnicode maps with `begincidrange` (poppler and PDFBox fall
// back to guessing), font descriptors without /CapHeight or /CIDSet, indirect outline
// destinations and `/Type /Outlines` on every item, no output intent, no XMP and no /ID.
// Its own PDF/A switch fixes only the last three. So the finished file is read back with
// qpdf, corrected object by object, and written again; the page content is left as it is.
// The fallback fonts of print/fonts get their glyph maps, widths, ToUnicode and an
// hb-subset font program here, from the table of what the document drew.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jp {

struct FallbackFont;  // print/fonts.h

/// What a PDF/A document says about itself, written identically to the Info dictionary
/// and to the XMP metadata (PDF/A-1 6.7.3 wants both to agree).
struct PdfMeta {
  std::string title, author, subject, creator;
  int year = 0, month = 0, day = 0;  ///< creation and modification date; 0: none
};

/// `pdf` (as libharu wrote it) made PDF/A-1b conformant. Deterministic: the same input
/// gives the same bytes (the /ID is derived from the content), so a signed document stays
/// recognisable as signed over the same content. Throws std::runtime_error naming
/// `meta.title` if qpdf cannot read the input. `fallbacks`: the fallback fonts the
/// document drew (print/fonts.h), whose maps, widths and subset programs are written here.
std::string make_pdfa(std::string_view pdf, const PdfMeta& meta,
                      const std::vector<FallbackFont>* fallbacks = nullptr);

}  // namespace jp
