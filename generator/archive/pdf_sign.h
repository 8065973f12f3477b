// The signature inside a PDF: an incremental update to a file libharu wrote (a classic
// xref table) that adds an AcroForm with one signature field, whose /Contents hold a
// detached CMS (archive/cms.h) over the whole file but the /Contents value (/ByteRange).
// The original bytes stay as they are.
#pragma once

#include <string>
#include <string_view>

#include "archive/cms.h"

namespace jp {

/// `pdf` signed by `signer` at `when`; the field's widget covers `stamp_rect` on the last
/// page ("x1 y1 x2 y2" in points, or empty for an invisible field).
std::string sign_pdf(const std::string& pdf, const Signer& signer, long long when,
                     const std::string& stamp_rect);

/// True when `existing` is `pdf` signed by this signer's certificate: a nightly rebuild
/// keeps an already signed document rather than signing the same content again (the
/// signing time would change every byte of the signature).
bool is_signed_copy(std::string_view existing, std::string_view pdf, const Signer& signer);

/// Checks the last signature of a PDF: a /ByteRange that covers the whole file but the
/// signature value, and a CMS that verifies over it (trust as check_detached).
PdfSignatureCheck check_pdf_signature(const std::string& pdf, const std::string& ca_pem);

}  // namespace jp
