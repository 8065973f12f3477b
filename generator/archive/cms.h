// The CMS signer (OpenSSL 3): a detached signature of bytes with the signer's key, and
// the check of one. The archive's PDFs embed such a signature (archive/pdf_sign.h), and the
// manifest has one beside it (Положение 6.x: archives keep integrity control with an
// electronic signature).
#pragma once

#include <openssl/types.h>

#include <ctime>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "archive/signing_key.h"
#include "print/archive_doc.h"

namespace jp {

/// Who signs and how: the key (a file, a token, an engine), the certificate and chain, and
/// for long-term validation a time-stamping authority and revocation data (PAdES B-T, B-LT).
struct SignerOptions {
  KeyOptions key;
  std::string cert, chain;  ///< PEM files (the chain may be empty)
  std::string tsa;          ///< an RFC 3161 TSA's http:// address (empty: no time stamps)
  std::string tsa_ca;       ///< PEM file: the CA that vouches for the TSA (optional)
  int tsa_timeout = 60;     ///< seconds to wait for each time stamp
  std::vector<std::string> crls, ocsps;  ///< CRL files (PEM or DER), OCSP responses (DER)
};

/// What a document's /DSS holds so that it validates with no network (DER each).
struct ValidationData {
  std::vector<std::string> certs, crls, ocsps;
};

/// A signing key with its certificate and optional chain, loaded and checked once.
class Signer {
 public:
  /// Throws naming the file (or token, engine, TSA) and what was wrong: unreadable, not
  /// PEM, key and certificate that do not belong together, a PIN the token refuses, a TSA
  /// that does not answer (one trial time stamp is asked for here, before any work).
  explicit Signer(const SignerOptions& o);
  /// A key and certificate in PEM files (the chain may be empty).
  Signer(const std::string& key_path, const std::string& cert_path,
         const std::string& chain_path = "");
  ~Signer();
  Signer(const Signer&) = delete;
  Signer& operator=(const Signer&) = delete;

  const SignerInfo& info() const { return info_; }
  /// A detached CAdES signature (CMS, DER) of `data`: SHA-256 (Streebog for a GOST key),
  /// the signing-certificate-v2 attribute, the signing time `when` (seconds since the
  /// epoch, UTC) as its signingTime attribute, and a time-stamp token over the signature
  /// value when a TSA is set. Deterministic for RSA keys without a TSA.
  std::string sign(std::string_view data, long long when) const;
  /// Same, over several pieces taken as one message (the two ranges of a PDF); with
  /// `timestamp` false, without the time stamp, for add_timestamp later.
  std::string sign(const std::vector<std::string_view>& parts, long long when,
                   bool timestamp = true) const;
  /// `cms_der` (made by sign) with a time-stamp token over its signature value, from one
  /// request to the TSA: the archive asks for every document's at once, once all are signed.
  std::string add_timestamp(std::string_view cms_der) const;
  /// The most a signature takes: the same for any data (a fixed-size digest is signed),
  /// with room for a time-stamp token's variations.
  size_t signature_size() const { return cms_size_; }
  /// True when signatures carry a time-stamp token (a TSA is set).
  bool timestamps() const;
  /// The /DSS of a signed document: the signer's certificate and chain, the TSA's, and the
  /// CRLs and OCSP responses given; empty when neither a TSA nor revocation data is set.
  const ValidationData& validation() const { return validation_; }
  /// The certificate (DER), upper-case hex: found in a signature this signer made.
  const std::string& certificate_hex() const { return cert_der_hex_; }
  /// What a signature depends on beyond the data and the time (the certificate and the
  /// chain it carries, whether it is time-stamped, the CRLs and OCSP responses of the /DSS),
  /// as a digest: part of the archive documents' fingerprints, so that a new certificate
  /// signs every document again, and a first --tsa time-stamps them.
  const std::string& identity() const { return identity_; }
  /// What the build should say before it signs (a certificate about to expire).
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  SignerInfo info_;
  ValidationData validation_;
  size_t cms_size_ = 0;
  void describe_certificate();
  std::string cert_der_hex_, identity_;
  std::vector<std::string> warnings_;
};

/// A signing certificate closer to its end than this is signed with, and warned about.
constexpr int kCertificateWarnDays = 30;
/// Why `cert` may not sign at `when` (not yet valid, expired, a key usage without
/// digitalSignature and nonRepudiation), or empty; `warning` gets the expiry within
/// kCertificateWarnDays.
std::string certificate_use_problem(X509* cert, std::time_t when, std::string* warning);

/// The result of checking one signature.
struct PdfSignatureCheck {
  bool ok = false;
  std::string problem;         ///< when not ok: what is wrong, in words
  std::string signer;          ///< the signer's subject, when it could be read
  std::string fingerprint;     ///< SHA-256 of the signer's certificate (DER), lowercase hex
  long long signing_time = 0;  ///< the signer's claimed time (signingTime, or the PDF's /M)
  bool time_stamped = false;   ///< carries a time-stamp token that covers the signature
  bool tsa_trusted = false;    ///< ... from a TSA that the --tsa-ca chain vouches for
  long long stamp_time = 0;    ///< the token's time
  std::string tsa;             ///< the TSA's subject
  std::string stamp_note;      ///< why a token is not trusted (or is damaged), in words
};

/// SHA-256 of the first certificate in `pem` (DER), lowercase hex; throws naming `what`
/// if there is none.
std::string certificate_fingerprint(const std::string& pem, const std::string& what);

/// True when `cms_der` is this signer's signature of `data`: a nightly rebuild keeps an
/// already signed manifest rather than signing the same content again.
bool is_signature_of(std::string_view cms_der, std::string_view data, const Signer& signer);

/// Checks a detached CMS signature (DER) of `data`. `ca_pem`: certificates to trust (the
/// chain is then checked at the signing time); empty: only the signature itself is
/// checked, with the certificate it carries. The signing time is the time-stamp token's
/// when there is one, else the signingTime attribute, else `claimed_time` (a PDF's /M); the
/// signer's certificate must have been valid then. `tsa_ca_pem`: the CA that vouches for
/// time-stamping authorities (empty: a token is checked only against itself).
PdfSignatureCheck check_detached(std::string_view data, std::string_view cms_der,
                                 const std::string& ca_pem, const std::string& tsa_ca_pem = "",
                                 long long claimed_time = 0);

/// The time-stamp token (DER) in a CMS signature's first signer, or empty.
std::string timestamp_token(std::string_view cms_der);

/// `when` (seconds since the epoch) as `2024-05-30 12:00:00 UTC`.
std::string utc_text(long long when);

/// Bytes as upper-case hex (a PDF's hex strings).
std::string hex_upper(std::string_view bytes);

}  // namespace jp
