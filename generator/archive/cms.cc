#include "archive/cms.h"

#include <fmt/format.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <mutex>
#include <sstream>

#include "archive/tsa.h"
#include "core/dates.h"
#include "core/files.h"
#include "core/hash.h"
#include "core/ossl.h"

namespace jp {
using namespace ossl;

std::string hex_upper(std::string_view bytes) {
  static const char* d = "0123456789ABCDEF";
  std::string r;
  r.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) r += d[c >> 4], r += d[c & 15];
  return r;
}

namespace {

BioPtr mem_bio(std::string_view bytes) {
  BioPtr b(BIO_new_mem_buf(bytes.data(), int(bytes.size())));
  check(b != nullptr, "make a memory buffer");
  return b;
}

Day day_of(const ASN1_TIME* t) {
  struct tm tm {};
  check(ASN1_TIME_to_tm(t, &tm) == 1, "read a certificate date");
  return Day(timegm(&tm) / 86400);
}

}  // namespace

namespace {

CmsPtr parse_cms(std::string_view der) {
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, long(der.size())));
  if (!cms) ERR_clear_error();
  return cms;
}

CMS_SignerInfo* first_signer(CMS_ContentInfo* cms) {
  auto* infos = CMS_get0_SignerInfos(cms);
  return infos && sk_CMS_SignerInfo_num(infos) > 0 ? sk_CMS_SignerInfo_value(infos, 0) : nullptr;
}

std::string der_of_cms(CMS_ContentInfo* cms) {
  return to_der<CMS_ContentInfo>(cms, i2d_CMS_ContentInfo, "encode the signature");
}

}  // namespace

struct Signer::Impl {
  SigningKey key;
  X509Ptr cert;
  X509StackPtr chain{sk_X509_new_null()};
  const EVP_MD* md = nullptr;
  TsaOptions tsa;
  /// A token's engine keeps one PKCS#11 session: its operations must not overlap.
  mutable std::mutex token;
};

namespace {

std::string der_of(X509* cert) { return to_der<X509>(cert, i2d_X509, "encode a certificate"); }

/// A CRL file (PEM or DER) as DER; throws naming the file when it is neither.
std::string load_crl(const std::string& path) {
  std::string bytes = read_file(path, "CRL (--crl)");
  BioPtr b = mem_bio(bytes);
  X509_CRL* crl = PEM_read_bio_X509_CRL(b.get(), nullptr, nullptr, nullptr);
  if (!crl) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
    crl = d2i_X509_CRL(nullptr, &p, long(bytes.size()));
  }
  ERR_clear_error();
  if (!crl)
    throw std::runtime_error(fmt::format(
        "{}: expected a certificate revocation list (PEM -----BEGIN X509 CRL----- or DER)", path));
  std::unique_ptr<X509_CRL, Deleter<X509_CRL, X509_CRL_free>> owned(crl);
  return to_der<X509_CRL>(crl, i2d_X509_CRL, "encode a CRL");
}

/// An OCSP response file (DER, as `openssl ocsp -respout` writes it), checked to be one
/// that answers (status successful); throws naming the file.
std::string load_ocsp(const std::string& path) {
  std::string bytes = read_file(path, "OCSP response (--ocsp)");
  const unsigned char* p = reinterpret_cast<const unsigned char*>(bytes.data());
  OCSP_RESPONSE* resp = d2i_OCSP_RESPONSE(nullptr, &p, long(bytes.size()));
  ERR_clear_error();
  if (!resp)
    throw std::runtime_error(
        fmt::format("{}: expected an OCSP response in DER (openssl ocsp -respout)", path));
  int status = OCSP_response_status(resp);
  OCSP_RESPONSE_free(resp);
  if (status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
    throw std::runtime_error(
        fmt::format("{}: the OCSP response's status is {} (expected successful)", path,
                    OCSP_response_status_str(status)));
  return bytes;
}

}  // namespace

namespace {

SignerOptions pem_files(const std::string& key, const std::string& cert, const std::string& chain) {
  SignerOptions o;
  o.key.key = key, o.cert = cert, o.chain = chain;
  return o;
}

}  // namespace

Signer::Signer(const std::string& key_path, const std::string& cert_path,
               const std::string& chain_path)
    : Signer(pem_files(key_path, cert_path, chain_path)) {}

namespace {

std::string asn1_date(const ASN1_TIME* t) {
  std::tm tm{};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return "an unreadable date";
  return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

}  // namespace

std::string certificate_use_problem(X509* cert, std::time_t when, std::string* warning) {
  const ASN1_TIME* from = X509_get0_notBefore(cert);
  const ASN1_TIME* until = X509_get0_notAfter(cert);
  std::time_t t = when;
  if (X509_cmp_time(from, &t) > 0)
    return fmt::format("the certificate is not valid yet: from {} (it would sign at {}); sign "
                       "once it is, or check this machine's clock",
                       asn1_date(from), format_utc_iso(when));
  if (X509_cmp_time(until, &t) < 0)
    return fmt::format("the certificate expired on {}: signatures made with it now are invalid "
                       "(`verify` would fail the archive); renew it with the certification "
                       "authority and sign with the new one",
                       asn1_date(until));
  // A key usage extension that allows neither is a certificate for something else (TLS,
  // encryption): the signatures' validation would reject it.
  if ((X509_get_extension_flags(cert) & EXFLAG_KUSAGE) &&
      !(X509_get_key_usage(cert) & (KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)))
    return "the certificate's key usage allows neither digitalSignature nor nonRepudiation: it "
           "is not a signing certificate";
  std::time_t soon = when + std::time_t(kCertificateWarnDays) * 86400;
  if (warning && X509_cmp_time(until, &soon) < 0)
    *warning = fmt::format("the signing certificate expires on {}, in less than {} days: renew it",
                           asn1_date(until), kCertificateWarnDays);
  return {};
}

Signer::Signer(const SignerOptions& o) : impl_(std::make_unique<Impl>()) {
  // The certificate first: a GOST one needs the GOST engine before its key can be read.
  std::string cert_pem = read_file(o.cert, "signing certificate");
  auto read_cert = [&] {
    BioPtr cb = mem_bio(cert_pem);
    impl_->cert.reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
    if (!impl_->cert)
      throw std::runtime_error(
          fmt::format("{}: expected an X.509 certificate in PEM (-----BEGIN CERTIFICATE-----): {}",
                      o.cert, error_text()));
  };
  read_cert();
  // OpenSSL decodes a certificate's key as it reads it: a GOST one is read again once the
  // engine that knows GOST keys is loaded.
  if (is_gost_certificate(impl_->cert.get())) {
    enable_gost();
    read_cert();
  }
  impl_->key = load_signing_key(o.key);
  if (X509_check_private_key(impl_->cert.get(), impl_->key.key.get()) != 1)
    throw std::runtime_error(fmt::format("{} is not the certificate of the key {}: {}", o.cert,
                                         o.key.key, error_text()));
  impl_->md = signing_digest(impl_->key.key.get());
  check(impl_->md != nullptr, "find the GOST R 34.11-2012 digest for the GOST key");
  std::string chain_pem;
  if (!o.chain.empty()) {
    chain_pem = read_file(o.chain, "certificate chain");
    BioPtr b = mem_bio(chain_pem);
    while (X509* c = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr))
      sk_X509_push(impl_->chain.get(), c);
    ERR_clear_error();  // the end of the file
    if (sk_X509_num(impl_->chain.get()) == 0)
      throw std::runtime_error(
          fmt::format("{}: expected one or more certificates in PEM", o.chain));
  }
  describe_certificate();
  // Checked before anything is rendered: a certificate out of date at the signing time
  // (the build's moment) made an archive that `verify` failed from the moment it was made.
  std::string warning;
  std::string problem = certificate_use_problem(impl_->cert.get(), std::time(nullptr), &warning);
  if (!problem.empty()) throw std::runtime_error(fmt::format("{}: {}", o.cert, problem));
  if (!warning.empty()) warnings_.push_back(fmt::format("warning: {}: {}", o.cert, warning));
  impl_->tsa.url = o.tsa;
  impl_->tsa.timeout_seconds = o.tsa_timeout;
  if (!o.tsa_ca.empty()) impl_->tsa.ca_pem = read_file(o.tsa_ca, "--tsa-ca file");
  // The size of a signature does not depend on what is signed (a fixed-size digest), so
  // one trial signature tells how much room a PDF must reserve for it. With a TSA, the
  // trial also proves the TSA answers before any document is rendered, and its token
  // carries the TSA's certificates for the documents' /DSS.
  std::string trial = sign(std::string_view("x"), 0);
  cms_size_ = trial.size() + (timestamps() ? 256 : 0);
  if (!o.tsa.empty() || !o.crls.empty() || !o.ocsps.empty()) {
    validation_.certs.push_back(der_of(impl_->cert.get()));
    for (int i = 0; i < sk_X509_num(impl_->chain.get()); ++i)
      validation_.certs.push_back(der_of(sk_X509_value(impl_->chain.get(), i)));
    if (timestamps())
      for (auto& c : timestamp_certificates(timestamp_token(trial)))
        validation_.certs.push_back(std::move(c));
    for (const auto& f : o.crls) validation_.crls.push_back(load_crl(f));
    for (const auto& f : o.ocsps) validation_.ocsps.push_back(load_ocsp(f));
  }
  std::string revocation;
  for (const auto* items : {&validation_.crls, &validation_.ocsps})
    for (const auto& der : *items) revocation += sha256_hex(der) + "\n";
  identity_ = sha256_hex(cert_der_hex_ + "\n" + chain_pem + "\n" +
                         (timestamps() ? "time-stamped\n" : "\n") + revocation);
}

void Signer::describe_certificate() {
  X509_NAME* name = X509_get_subject_name(impl_->cert.get());
  int cn = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (cn >= 0) {
    unsigned char* utf8 = nullptr;
    int n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, cn)));
    if (n >= 0) info_.subject.assign(reinterpret_cast<char*>(utf8), size_t(n));
    OPENSSL_free(utf8);
  }
  if (info_.subject.empty()) {
    char* line = X509_NAME_oneline(name, nullptr, 0);
    info_.subject = line ? line : "";
    OPENSSL_free(line);
  }
  BIGNUM* bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(impl_->cert.get()), nullptr);
  char* hex = bn ? BN_bn2hex(bn) : nullptr;
  info_.serial = hex ? hex : "";
  OPENSSL_free(hex);
  BN_free(bn);
  info_.not_before = day_of(X509_get0_notBefore(impl_->cert.get()));
  info_.not_after = day_of(X509_get0_notAfter(impl_->cert.get()));
  cert_der_hex_ = hex_upper(der_of(impl_->cert.get()));
}

Signer::~Signer() = default;

bool Signer::timestamps() const { return !impl_->tsa.url.empty(); }

std::string Signer::sign(std::string_view data, long long when) const {
  return sign(std::vector<std::string_view>{data}, when);
}

std::string Signer::sign(const std::vector<std::string_view>& parts, long long when,
                         bool timestamp) const {
  std::string data;
  size_t total = 0;
  for (auto p : parts) total += p.size();
  data.reserve(total);
  for (auto p : parts) data += p;
  const unsigned flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_NOSMIMECAP;
  CmsPtr cms(CMS_sign(nullptr, nullptr, impl_->chain.get(), nullptr, flags));
  check(cms != nullptr, "start a CMS signature");
  // CAdES: the signing-certificate-v2 attribute binds the certificate to the signature.
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), impl_->cert.get(), impl_->key.key.get(),
                                       impl_->md, flags | CMS_CADES);
  check(si != nullptr, "add the signer");
  // The signing time is the caller's `when` (the moment the build started signing), not
  // OpenSSL's own reading of the clock: every document of a build then carries the same
  // time, and a PDF's /M agrees with it. (PAdES baseline would rather have no signingTime
  // attribute, but OpenSSL's CMS signer always adds one.)
  std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>> t(
      ASN1_TIME_set(nullptr, time_t(when)));
  check(t && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t.get(), -1) == 1,
        "set the signing time");
  BioPtr in = mem_bio(data);
  {
    std::unique_lock<std::mutex> lock(impl_->token, std::defer_lock);
    if (impl_->key.on_token) lock.lock();
    if (CMS_final(cms.get(), in.get(), nullptr, flags) != 1)
      throw std::runtime_error(fmt::format(
          "the key {} could not sign{}: {}", impl_->key.name,
          impl_->key.on_token ? " (is the token still plugged in?)" : "", error_text()));
  }
  std::string out = der_of_cms(cms.get());
  return timestamp && timestamps() ? add_timestamp(out) : out;
}

std::string Signer::add_timestamp(std::string_view cms_der) const {
  CmsPtr cms = parse_cms(cms_der);
  CMS_SignerInfo* si = cms ? first_signer(cms.get()) : nullptr;
  check(si != nullptr, "read back a signature to time-stamp it");
  // PAdES B-T, CAdES-T: the token covers the signature value, as an unsigned attribute.
  const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
  std::string token = request_timestamp(
      impl_->tsa, std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                   size_t(ASN1_STRING_length(value))));
  check(CMS_unsigned_add1_attr_by_NID(si, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE,
                                      token.data(), int(token.size())) == 1,
        "add the time-stamp token to the signature");
  return der_of_cms(cms.get());
}

bool is_signature_of(std::string_view cms_der, std::string_view data, const Signer& signer) {
  if (hex_upper(cms_der).find(signer.certificate_hex()) == std::string::npos) return false;
  auto c = check_detached(data, cms_der, "");
  return c.ok && (!signer.timestamps() || c.time_stamped);
}

namespace {

std::string fingerprint_of(X509* cert) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (X509_digest(cert, EVP_sha256(), md, &n) != 1) {
    ERR_clear_error();
    return {};
  }
  static const char* hexd = "0123456789abcdef";
  std::string r;
  for (unsigned i = 0; i < n; ++i) r += {hexd[md[i] >> 4], hexd[md[i] & 15]};
  return r;
}

}  // namespace

std::string certificate_fingerprint(const std::string& pem, const std::string& what) {
  BioPtr b = mem_bio(pem);
  X509* cert = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr);
  if (!cert) {
    ERR_clear_error();
    throw std::runtime_error(what + ": expected a certificate in PEM");
  }
  std::string fp = fingerprint_of(cert);
  X509_free(cert);
  return fp;
}

namespace {

std::string token_of(CMS_SignerInfo* si) {
  int at = CMS_unsigned_get_attr_by_NID(si, NID_id_smime_aa_timeStampToken, -1);
  if (at < 0) return {};
  ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(CMS_unsigned_get_attr(si, at), 0);
  if (!v || v->type != V_ASN1_SEQUENCE) return {};
  return std::string(reinterpret_cast<const char*>(v->value.sequence->data),
                     size_t(v->value.sequence->length));
}

long long signing_time_of(CMS_SignerInfo* si) {
  int at = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
  if (at < 0) return 0;
  ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, at), 0);
  struct tm tm {};
  if (v && (v->type == V_ASN1_UTCTIME || v->type == V_ASN1_GENERALIZEDTIME) &&
      ASN1_TIME_to_tm(v->value.utctime, &tm) == 1)
    return timegm(&tm);
  return 0;
}

bool is_gost_digest(CMS_SignerInfo* si) {
  X509_ALGOR* dig = nullptr;
  CMS_SignerInfo_get0_algs(si, nullptr, nullptr, &dig, nullptr);
  int nid = dig ? OBJ_obj2nid(dig->algorithm) : NID_undef;
  return nid == NID_id_GostR3411_2012_256 || nid == NID_id_GostR3411_2012_512;
}

/// Fills the time-stamp fields from the token over the signature value, if there is one;
/// false (with the problem) when a token is there but does not hold.
bool check_token(CMS_SignerInfo* si, const std::string& tsa_ca_pem, PdfSignatureCheck& r) {
  std::string token = token_of(si);
  if (token.empty()) return true;
  const ASN1_OCTET_STRING* value = CMS_SignerInfo_get0_signature(si);
  TimestampCheck t =
      check_timestamp(token,
                      std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                       size_t(ASN1_STRING_length(value))),
                      tsa_ca_pem);
  r.tsa = t.tsa;
  r.stamp_time = t.time;
  r.stamp_note = t.problem;
  r.time_stamped = t.ok;
  r.tsa_trusted = t.trusted;
  if (!t.ok || (!tsa_ca_pem.empty() && !t.trusted)) {
    r.problem = "time stamp: " + t.problem;
    return false;
  }
  return true;
}

}  // namespace

std::string timestamp_token(std::string_view cms_der) {
  CmsPtr cms = parse_cms(cms_der);
  CMS_SignerInfo* si = cms ? first_signer(cms.get()) : nullptr;
  return si ? token_of(si) : std::string();
}

std::string utc_text(long long when) {
  time_t t = time_t(when);
  struct tm tm {};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return buf;
}

PdfSignatureCheck check_detached(std::string_view data, std::string_view der,
                                 const std::string& ca_pem, const std::string& tsa_ca_pem,
                                 long long claimed_time) {
  PdfSignatureCheck r;
  CmsPtr cms = parse_cms(der);
  CMS_SignerInfo* si = cms ? first_signer(cms.get()) : nullptr;
  if (!si) {
    r.problem = "the signature is not a CMS structure";
    return r;
  }
  if (is_gost_digest(si)) {
    try {
      enable_gost();
    } catch (const std::exception& e) {
      r.problem = std::string("a GOST signature, which cannot be checked here: ") + e.what();
      return r;
    }
    cms = parse_cms(der);  // its certificates' keys decoded now that GOST is known
    si = first_signer(cms.get());
  }
  r.signing_time = signing_time_of(si);
  if (!r.signing_time) r.signing_time = claimed_time;
  if (!check_token(si, tsa_ca_pem, r)) return r;
  // An archive is checked years after signing, when the certificate has long expired:
  // what matters is that it was valid when the document was signed, which a time stamp
  // proves and the signer's own clock only claims.
  long long at = r.time_stamped ? r.stamp_time : r.signing_time;
  StorePtr store(X509_STORE_new());
  unsigned flags = CMS_BINARY | CMS_DETACHED;
  if (ca_pem.empty()) {
    flags |= CMS_NO_SIGNER_CERT_VERIFY;
  } else {
    BioPtr b = mem_bio(ca_pem);
    int n = 0;
    while (X509* c = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr)) {
      X509_STORE_add_cert(store.get(), c);
      X509_free(c);
      ++n;
    }
    ERR_clear_error();
    if (n == 0) throw std::runtime_error("--ca: expected one or more certificates in PEM");
    X509_STORE_set_flags(store.get(), X509_V_FLAG_PARTIAL_CHAIN);
    X509_STORE_set_purpose(store.get(), X509_PURPOSE_ANY);
    if (at) X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), time_t(at));
  }
  BioPtr content = mem_bio(data);
  bool ok = CMS_verify(cms.get(), nullptr, store.get(), content.get(), nullptr, flags) == 1;
  unsigned long err = ERR_peek_error();
  std::string text = ok ? "" : error_text();
  X509* signer_cert = nullptr;
  if (STACK_OF(X509)* signers = CMS_get0_signers(cms.get())) {
    if (sk_X509_num(signers) > 0) {
      signer_cert = sk_X509_value(signers, 0);
      BioPtr b(BIO_new(BIO_s_mem()));
      X509_NAME_print_ex(b.get(), X509_get_subject_name(signer_cert), 0,
                         XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
      char* data = nullptr;
      long n = BIO_get_mem_data(b.get(), &data);
      r.signer.assign(data, size_t(n));
      r.fingerprint = fingerprint_of(signer_cert);
    }
    sk_X509_free(signers);
  }
  ERR_clear_error();
  if (ok && signer_cert && at) {
    time_t t = time_t(at);
    if (X509_cmp_time(X509_get0_notBefore(signer_cert), &t) > 0 ||
        X509_cmp_time(X509_get0_notAfter(signer_cert), &t) < 0) {
      struct tm nb {
      }, na{};
      ASN1_TIME_to_tm(X509_get0_notBefore(signer_cert), &nb);
      ASN1_TIME_to_tm(X509_get0_notAfter(signer_cert), &na);
      r.problem = fmt::format(
          "the signer's certificate was not valid at {} (the {}; it is valid from {} to {})",
          utc_text(at), r.time_stamped ? "time-stamped time" : "signing time it claims",
          utc_text(timegm(&nb)), utc_text(timegm(&na)));
      return r;
    }
  }
  if (ok) {
    r.ok = true;
    return r;
  }
  int reason = ERR_GET_REASON(err);
  if (reason == CMS_R_VERIFICATION_FAILURE || reason == CMS_R_CONTENT_VERIFY_ERROR)
    r.problem = "the signature does not match the contents: changed after signing";
  else if (reason == CMS_R_CERTIFICATE_VERIFY_ERROR)
    r.problem = "the signer's certificate is not trusted by --ca (" + text + ")";
  else
    r.problem = "the signature does not verify (" + text + ")";
  return r;
}

}  // namespace jp
