// The signature inside a PDF: an incremental update to a file libharu wrote (a classic
// xref table) that adds an AcroForm with one signature field, whose /Contents hold a
// detached CMS (archive/cms.h, PAdES: SubFilter ETSI.CAdES.detached) over the whole file
// but the /Contents value (/ByteRange), and, for long-term validation, a /DSS with the
// certificates, CRLs and OCSP responses (PAdES B-LT). The original bytes stay as they are.
//
// The /DSS goes into the signed update itself rather than a later one: everything in it is
// known before signing (the TSA's certificates from the Signer's trial time stamp), and a
// signature that covers the whole file is what pdfsig and readers call "total document
// signed"; a later update would leave the signature covering only a part.
#pragma once

#include <string>
#include <string_view>

#include "archive/cms.h"

namespace jp {

/// `pdf` signed by `signer` at `when`; the field's widget covers `stamp_rect` on the last
/// page ("x1 y1 x2 y2" in points, or empty for an invisible field).
/// With `timestamp` false and a signer with a TSA, the signature is left without its time
/// stamp: timestamp_pdf adds it later into the room reserved.
std::string sign_pdf(const std::string& pdf, const Signer& signer, long long when,
                     const std::string& stamp_rect, bool timestamp = true);

/// `signed_pdf` (sign_pdf's, without its time stamp) with the time stamp added to the
/// signature: the /Contents value is outside /ByteRange, so nothing signed changes. One
/// request to the TSA; the archive makes them for all its documents at once.
std::string timestamp_pdf(std::string signed_pdf, const Signer& signer);

/// True when `existing` is `pdf` signed by this signer's certificate: a nightly rebuild
/// keeps an already signed document rather than signing the same content again (the
/// signing time would change every byte of the signature).
bool is_signed_copy(std::string_view existing, std::string_view pdf, const Signer& signer);

/// Checks the last signature of a PDF: a /ByteRange that covers the whole file but the
/// signature value, and a CMS that verifies over it (trust as check_detached; the signing
/// time a signature without signingTime claims is its dictionary's /M).
PdfSignatureCheck check_pdf_signature(const std::string& pdf, const std::string& ca_pem,
                                      const std::string& tsa_ca_pem = "");

}  // namespace jp
