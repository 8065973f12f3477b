// Electronic signatures of the archive (Положение 6.x: archives keep integrity control
// with an electronic signature). OpenSSL 3 CMS: a detached SHA-256 signature, embedded in
// each PDF by an incremental update (AcroForm, a /Sig field with /ByteRange), and a
// detached signature of the archive's MANIFEST.sha256. Plus the checks of `verify`.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "print/archive_doc.h"

namespace jp {

/// A signing key with its certificate and optional chain, loaded and checked once.
class Signer {
 public:
  /// Throws naming the file and what was wrong (unreadable, not PEM, key and certificate
  /// that do not belong together).
  Signer(const std::string& key_pem, const std::string& cert_pem,
         const std::string& chain_pem = "");
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  const SignerInfo& info() const { return info_; }
  /// A detached CMS signature (DER) of `data`, SHA-256, with the signing time `when`
  /// (seconds since the epoch, UTC). Deterministic for RSA keys.
  std::string sign(std::string_view data, long long when) const;
  /// Same, over several pieces taken as one message (the two ranges of a PDF).
  std::string sign(const std::vector<std::string_view>& parts, long long when) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SignerInfo info_;
  size_t cms_size_ = 0;
  std::string cert_der_hex_;
  friend bool is_signed_copy(std::string_view, std::string_view, const Signer&);
  friend bool is_signature_of(std::string_view, std::string_view, const Signer&);
  friend std::string sign_pdf(const std::string&, const Signer&, long long, const std::string&);
};

/// Adds an embedded signature to a PDF written by libharu (classic xref table), as an
/// incremental update: the catalog gains an AcroForm with one signature field, whose
/// widget covers `stamp` on the last page; the /Contents hold a detached CMS over the
/// whole file but the /Contents value (/ByteRange). The original bytes are kept as they
/// are. `stamp_rect` is "x1 y1 x2 y2" in points, or empty for an invisible field.
std::string sign_pdf(const std::string& pdf, const Signer& signer, long long when,
                     const std::string& stamp_rect);

/// The result of checking one embedded PDF signature.
struct PdfSignatureCheck {
  bool ok = false;
  std::string problem;      ///< when not ok: what is wrong, in words
  std::string signer;       ///< the signer's subject, when it could be read
  std::string fingerprint;  ///< SHA-256 of the signer's certificate (DER), lowercase hex
};

/// SHA-256 of the first certificate in `pem` (DER), lowercase hex; throws naming `what`
/// if there is none.
std::string certificate_fingerprint(const std::string& pem, const std::string& what);

/// True when `existing` is `pdf` signed by this signer's certificate: a nightly rebuild
/// keeps an already signed document rather than signing the same content again (the
/// signing time would change every byte of the signature).
bool is_signed_copy(std::string_view existing, std::string_view pdf, const Signer& signer);
/// Same for a detached signature of `data`.
bool is_signature_of(std::string_view cms_der, std::string_view data, const Signer& signer);

/// Checks the last signature of a PDF: a /ByteRange that covers the whole file but the
/// signature value, and a CMS that verifies over it. `ca_pem`: certificates to trust
/// (the chain is then checked at the signing time); empty: only the signature itself
/// is checked, with the certificate it carries.
PdfSignatureCheck check_pdf_signature(const std::string& pdf, const std::string& ca_pem);

/// Checks a detached CMS signature (DER) of `data`; same trust rule as above.
PdfSignatureCheck check_detached(std::string_view data, std::string_view cms_der,
                                 const std::string& ca_pem);

}  // namespace jp
