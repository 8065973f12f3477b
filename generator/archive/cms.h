// The CMS signer (OpenSSL 3): a detached signature of bytes with the signer's key, and
// the check of one. The archive's PDFs embed such a signature (archive/pdf_sign.h), and the
// manifest has one beside it (Положение 6.x: archives keep integrity control with an
// electronic signature).
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
  /// `key_path`, `cert_path`, `chain_path`: PEM files (the chain may be empty). Throws
  /// naming the file and what was wrong (unreadable, not PEM, key and certificate that do
  /// not belong together).
  Signer(const std::string& key_path, const std::string& cert_path,
         const std::string& chain_path = "");
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  const SignerInfo& info() const { return info_; }
  /// A detached CMS signature (DER) of `data`, SHA-256, with the signing time `when`
  /// (seconds since the epoch, UTC) as its signed signingTime attribute. Deterministic
  /// for RSA keys.
  std::string sign(std::string_view data, long long when) const;
  /// Same, over several pieces taken as one message (the two ranges of a PDF).
  std::string sign(const std::vector<std::string_view>& parts, long long when) const;
  /// The size of a signature: the same for any data (a fixed-size digest is signed).
  size_t signature_size() const { return cms_size_; }
  /// The certificate (DER), upper-case hex: found in a signature this signer made.
  const std::string& certificate_hex() const { return cert_der_hex_; }
  /// What a signature depends on beyond the data and the time (the certificate and the
  /// chain it carries), as a digest: part of the archive documents' fingerprints, so that
  /// a new certificate signs every document again.
  const std::string& identity() const { return identity_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SignerInfo info_;
  size_t cms_size_ = 0;
  std::string cert_der_hex_, identity_;
};

/// The result of checking one signature.
struct PdfSignatureCheck {
  bool ok = false;
  std::string problem;      ///< when not ok: what is wrong, in words
  std::string signer;       ///< the signer's subject, when it could be read
  std::string fingerprint;  ///< SHA-256 of the signer's certificate (DER), lowercase hex
};

/// SHA-256 of the first certificate in `pem` (DER), lowercase hex; throws naming `what`
/// if there is none.
std::string certificate_fingerprint(const std::string& pem, const std::string& what);

/// True when `cms_der` is this signer's signature of `data`: a nightly rebuild keeps an
/// already signed manifest rather than signing the same content again.
bool is_signature_of(std::string_view cms_der, std::string_view data, const Signer& signer);

/// Checks a detached CMS signature (DER) of `data`. `ca_pem`: certificates to trust (the
/// chain is then checked at the signing time); empty: only the signature itself is
/// checked, with the certificate it carries.
PdfSignatureCheck check_detached(std::string_view data, std::string_view cms_der,
                                 const std::string& ca_pem);

/// Bytes as upper-case hex (a PDF's hex strings).
std::string hex_upper(std::string_view bytes);

}  // namespace jp
