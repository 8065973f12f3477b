#include "archive/cms.h"

#include <fmt/format.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstring>
#include <ctime>
#include <map>
#include <sstream>

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

struct Signer::Impl {
  PkeyPtr key;
  X509Ptr cert;
  X509StackPtr chain{sk_X509_new_null()};
};

Signer::Signer(const std::string& key_path, const std::string& cert_path,
               const std::string& chain_path)
    : impl_(std::make_unique<Impl>()) {
  std::string key_pem = read_file(key_path, "signing key");
  BioPtr kb = mem_bio(key_pem);
  impl_->key.reset(PEM_read_bio_PrivateKey(kb.get(), nullptr, nullptr, nullptr));
  if (!impl_->key)
    throw std::runtime_error(fmt::format(
        "{}: expected an unencrypted private key in PEM (-----BEGIN PRIVATE KEY-----): {}",
        key_path, error_text()));
  std::string cert_pem = read_file(cert_path, "signing certificate");
  BioPtr cb = mem_bio(cert_pem);
  impl_->cert.reset(PEM_read_bio_X509(cb.get(), nullptr, nullptr, nullptr));
  if (!impl_->cert)
    throw std::runtime_error(
        fmt::format("{}: expected an X.509 certificate in PEM (-----BEGIN CERTIFICATE-----): {}",
                    cert_path, error_text()));
  if (X509_check_private_key(impl_->cert.get(), impl_->key.get()) != 1)
    throw std::runtime_error(fmt::format("{} is not the certificate of the key {}: {}", cert_path,
                                         key_path, error_text()));
  std::string chain_pem;
  if (!chain_path.empty()) {
    chain_pem = read_file(chain_path, "certificate chain");
    BioPtr b = mem_bio(chain_pem);
    while (X509* c = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr))
      sk_X509_push(impl_->chain.get(), c);
    ERR_clear_error();  // the end of the file
    if (sk_X509_num(impl_->chain.get()) == 0)
      throw std::runtime_error(
          fmt::format("{}: expected one or more certificates in PEM", chain_path));
  }

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
  unsigned char* der = nullptr;
  int der_len = i2d_X509(impl_->cert.get(), &der);
  check(der_len > 0, "encode the certificate");
  cert_der_hex_ = hex_upper(std::string_view(reinterpret_cast<char*>(der), size_t(der_len)));
  OPENSSL_free(der);
  identity_ = sha256_hex(cert_der_hex_ + "\n" + chain_pem);
  // The size of a signature does not depend on what is signed (a fixed-size digest), so
  // one trial signature tells how much room a PDF must reserve for it.
  cms_size_ = sign(std::string_view("x"), 0).size();
}

Signer::~Signer() = default;

std::string Signer::sign(std::string_view data, long long when) const {
  return sign(std::vector<std::string_view>{data}, when);
}

std::string Signer::sign(const std::vector<std::string_view>& parts, long long when) const {
  std::string data;
  size_t total = 0;
  for (auto p : parts) total += p.size();
  data.reserve(total);
  for (auto p : parts) data += p;
  const unsigned flags = CMS_BINARY | CMS_DETACHED | CMS_PARTIAL | CMS_NOSMIMECAP;
  CmsPtr cms(CMS_sign(nullptr, nullptr, impl_->chain.get(), nullptr, flags));
  check(cms != nullptr, "start a CMS signature");
  // CAdES: the signing-certificate-v2 attribute binds the certificate to the signature.
  CMS_SignerInfo* si = CMS_add1_signer(cms.get(), impl_->cert.get(), impl_->key.get(), EVP_sha256(),
                                       flags | CMS_CADES);
  check(si != nullptr, "add the signer");
  // The signing time is the caller's `when` (the moment the build started signing), not
  // OpenSSL's own reading of the clock: every document of a build then carries the same
  // time, and a PDF's /M agrees with its signature's signingTime.
  std::unique_ptr<ASN1_TIME, Deleter<ASN1_TIME, ASN1_TIME_free>> t(
      ASN1_TIME_set(nullptr, time_t(when)));
  check(t && CMS_signed_add1_attr_by_NID(si, NID_pkcs9_signingTime, t->type, t.get(), -1) == 1,
        "set the signing time");
  BioPtr in = mem_bio(data);
  check(CMS_final(cms.get(), in.get(), nullptr, flags) == 1, "sign");
  unsigned char* der = nullptr;
  int n = i2d_CMS_ContentInfo(cms.get(), &der);
  check(n > 0, "encode the signature");
  std::string out(reinterpret_cast<char*>(der), size_t(n));
  OPENSSL_free(der);
  return out;
}

bool is_signature_of(std::string_view cms_der, std::string_view data, const Signer& signer) {
  return hex_upper(cms_der).find(signer.certificate_hex()) != std::string::npos &&
         check_detached(data, cms_der, "").ok;
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

PdfSignatureCheck check_detached(std::string_view data, std::string_view der,
                                 const std::string& ca_pem) {
  PdfSignatureCheck r;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(der.data());
  CmsPtr cms(d2i_CMS_ContentInfo(nullptr, &p, long(der.size())));
  if (!cms) {
    ERR_clear_error();
    r.problem = "the signature is not a CMS structure";
    return r;
  }
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
    // An archive is checked years after signing, when the certificate has long expired:
    // what matters is that it was valid when the document was signed.
    auto* infos = CMS_get0_SignerInfos(cms.get());
    if (infos && sk_CMS_SignerInfo_num(infos) > 0) {
      CMS_SignerInfo* si = sk_CMS_SignerInfo_value(infos, 0);
      int at = CMS_signed_get_attr_by_NID(si, NID_pkcs9_signingTime, -1);
      if (at >= 0) {
        ASN1_TYPE* v = X509_ATTRIBUTE_get0_type(CMS_signed_get_attr(si, at), 0);
        struct tm tm {};
        if (v && (v->type == V_ASN1_UTCTIME || v->type == V_ASN1_GENERALIZEDTIME) &&
            ASN1_TIME_to_tm(v->value.utctime, &tm) == 1)
          X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), timegm(&tm));
      }
    }
  }
  BioPtr content = mem_bio(data);
  bool ok = CMS_verify(cms.get(), nullptr, store.get(), content.get(), nullptr, flags) == 1;
  unsigned long err = ERR_peek_error();
  std::string text = ok ? "" : error_text();
  if (STACK_OF(X509)* signers = CMS_get0_signers(cms.get())) {
    if (sk_X509_num(signers) > 0) {
      BioPtr b(BIO_new(BIO_s_mem()));
      X509_NAME_print_ex(b.get(), X509_get_subject_name(sk_X509_value(signers, 0)), 0,
                         XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
      char* data = nullptr;
      long n = BIO_get_mem_data(b.get(), &data);
      r.signer.assign(data, size_t(n));
      r.fingerprint = fingerprint_of(sk_X509_value(signers, 0));
    }
    sk_X509_free(signers);
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
