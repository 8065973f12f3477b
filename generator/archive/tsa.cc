#include "archive/tsa.h"

#include <fmt/format.h>
#include <openssl/http.h>
#include <openssl/httperr.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ts.h>

#include <ctime>
#include <stdexcept>

#include "core/ossl.h"

namespace jp {
using namespace ossl;

namespace {

using TsReqPtr = std::unique_ptr<TS_REQ, Deleter<TS_REQ, TS_REQ_free>>;
using TsRespPtr = std::unique_ptr<TS_RESP, Deleter<TS_RESP, TS_RESP_free>>;
using TsInfoPtr = std::unique_ptr<TS_TST_INFO, Deleter<TS_TST_INFO, TS_TST_INFO_free>>;
using TsCtxPtr = std::unique_ptr<TS_VERIFY_CTX, Deleter<TS_VERIFY_CTX, TS_VERIFY_CTX_free>>;
using Pkcs7Ptr = std::unique_ptr<PKCS7, Deleter<PKCS7, PKCS7_free>>;
using IntPtr = std::unique_ptr<ASN1_INTEGER, Deleter<ASN1_INTEGER, ASN1_INTEGER_free>>;

std::string der_of_token(PKCS7* token) {
  return to_der<PKCS7>(token, i2d_PKCS7, "encode a time-stamp token");
}

/// `ca_pem`'s certificates as a store checking at `when` (0: now), for a TSA's chain.
X509_STORE* tsa_store(const std::string& ca_pem, long long when) {
  X509_STORE* store = X509_STORE_new();
  check(store != nullptr, "make a certificate store");
  BioPtr b(BIO_new_mem_buf(ca_pem.data(), int(ca_pem.size())));
  int n = 0;
  while (X509* c = PEM_read_bio_X509(b.get(), nullptr, nullptr, nullptr)) {
    X509_STORE_add_cert(store, c);
    X509_free(c);
    ++n;
  }
  ERR_clear_error();
  if (n == 0) {
    X509_STORE_free(store);
    throw std::runtime_error("--tsa-ca: expected one or more certificates in PEM");
  }
  X509_STORE_set_flags(store, X509_V_FLAG_PARTIAL_CHAIN);
  if (when) X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store), time_t(when));
  return store;
}

TS_REQ* make_request(std::string_view data) {
  unsigned char md[32];
  check(EVP_Digest(data.data(), data.size(), md, nullptr, EVP_sha256(), nullptr) == 1, "hash");
  TsReqPtr req(TS_REQ_new());
  std::unique_ptr<TS_MSG_IMPRINT, Deleter<TS_MSG_IMPRINT, TS_MSG_IMPRINT_free>> imprint(
      TS_MSG_IMPRINT_new());
  std::unique_ptr<X509_ALGOR, Deleter<X509_ALGOR, X509_ALGOR_free>> alg(X509_ALGOR_new());
  unsigned char nonce_bytes[8];
  check(RAND_bytes(nonce_bytes, sizeof nonce_bytes) == 1, "make a nonce");
  nonce_bytes[0] &= 0x7f;
  nonce_bytes[0] |= 0x01;  // a fixed length: the token's size does not vary with the nonce
  std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>> bn(
      BN_bin2bn(nonce_bytes, sizeof nonce_bytes, nullptr));
  IntPtr nonce(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  check(req && imprint && alg && nonce && TS_REQ_set_version(req.get(), 1) == 1 &&
            X509_ALGOR_set0(alg.get(), OBJ_nid2obj(NID_sha256), V_ASN1_NULL, nullptr) == 1 &&
            TS_MSG_IMPRINT_set_algo(imprint.get(), alg.get()) == 1 &&
            TS_MSG_IMPRINT_set_msg(imprint.get(), md, sizeof md) == 1 &&
            TS_REQ_set_msg_imprint(req.get(), imprint.get()) == 1 &&
            TS_REQ_set_nonce(req.get(), nonce.get()) == 1 && TS_REQ_set_cert_req(req.get(), 1) == 1,
        "make a time-stamp request");
  return req.release();
}

/// Posts the request; the reply's body, or throws naming the URL.
std::string post(const TsaOptions& o, TS_REQ* req) {
  if (o.url.rfind("http://", 0) != 0)
    throw std::runtime_error(fmt::format(
        "--tsa {}: expected an http:// address (a time-stamp reply is signed, so plain HTTP is "
        "safe; https is not supported)",
        o.url));
  BioPtr body(BIO_new(BIO_s_mem()));
  check(body && i2d_TS_REQ_bio(body.get(), req) == 1, "encode a time-stamp request");
  ERR_clear_error();
  char *host = nullptr, *port = nullptr, *path = nullptr;
  int ssl = 0;
  if (OSSL_HTTP_parse_url(o.url.c_str(), &ssl, nullptr, &host, &port, nullptr, &path, nullptr,
                          nullptr) != 1)
    throw std::runtime_error(
        fmt::format("--tsa {}: not a URL (expected http://host[:port]/path)", o.url));
  BioPtr reply(OSSL_HTTP_transfer(nullptr, host, port, path, 0, nullptr, nullptr, nullptr, nullptr,
                                  nullptr, nullptr, 0, nullptr, "application/timestamp-query",
                                  body.get(), "application/timestamp-reply", 1, 1 << 20,
                                  o.timeout_seconds, 0));
  OPENSSL_free(host), OPENSSL_free(port), OPENSSL_free(path);
  if (!reply) {
    // OpenSSL queues the HTTP layer's reason under its own; a reply that is not even
    // ASN.1 is not a time-stamping authority at all.
    bool not_asn1 = false;
    std::string why;
    while (unsigned long e = ERR_get_error()) {
      not_asn1 = not_asn1 || ERR_GET_REASON(e) == HTTP_R_MISSING_ASN1_ENCODING;
      char buf[256];
      ERR_error_string_n(e, buf, sizeof buf);
      if (why.empty()) why = buf;
    }
    if (not_asn1)
      throw std::runtime_error(fmt::format(
          "--tsa {}: the reply is not an RFC 3161 time-stamp response (not even ASN.1)", o.url));
    throw std::runtime_error(fmt::format(
        "--tsa {}: no time-stamp reply (expected an RFC 3161 time-stamping authority answering "
        "application/timestamp-reply within {} s): {}",
        o.url, o.timeout_seconds, why.empty() ? "no details" : why));
  }
  char* data = nullptr;
  long n = BIO_get_mem_data(reply.get(), &data);
  return std::string(data, size_t(n));
}

long long seconds_of(const ASN1_GENERALIZEDTIME* t) {
  struct tm tm {};
  if (!t || ASN1_TIME_to_tm(t, &tm) != 1) return 0;
  return timegm(&tm);
}

std::string subject_of(X509* cert) {
  BioPtr b(BIO_new(BIO_s_mem()));
  X509_NAME_print_ex(b.get(), X509_get_subject_name(cert), 0,
                     XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB);
  char* data = nullptr;
  long n = BIO_get_mem_data(b.get(), &data);
  return std::string(data, size_t(n));
}

}  // namespace

std::string request_timestamp(const TsaOptions& o, std::string_view data) {
  TsReqPtr req(make_request(data));
  std::string body = post(o, req.get());
  const unsigned char* p = reinterpret_cast<const unsigned char*>(body.data());
  TsRespPtr resp(d2i_TS_RESP(nullptr, &p, long(body.size())));
  if (!resp) {
    ERR_clear_error();
    throw std::runtime_error(
        fmt::format("--tsa {}: the reply ({} bytes) is not an RFC 3161 time-stamp response", o.url,
                    body.size()));
  }
  TS_STATUS_INFO* st = TS_RESP_get_status_info(resp.get());
  long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(st));
  if (status != 0 && status != 1)  // granted, grantedWithMods
    throw std::runtime_error(fmt::format(
        "--tsa {}: the time-stamping authority refused the request (PKIStatus {})", o.url, status));
  TsCtxPtr ctx(TS_REQ_to_TS_VERIFY_CTX(req.get(), nullptr));
  int flags = TS_VFY_VERSION | TS_VFY_IMPRINT | TS_VFY_NONCE;
  if (!o.ca_pem.empty()) {
    flags |= TS_VFY_SIGNATURE;
    TS_VERIFY_CTX_set_store(ctx.get(), tsa_store(o.ca_pem, 0));
  }
  TS_VERIFY_CTX_set_flags(ctx.get(), flags);
  if (TS_RESP_verify_response(ctx.get(), resp.get()) != 1)
    throw std::runtime_error(fmt::format(
        "--tsa {}: the time-stamp reply does not check out (expected our imprint and nonce{}): "
        "{}",
        o.url, o.ca_pem.empty() ? "" : ", signed by a TSA that --tsa-ca trusts", error_text()));
  return der_of_token(TS_RESP_get_token(resp.get()));
}

TimestampCheck check_timestamp(std::string_view token, std::string_view data,
                               const std::string& ca_pem) {
  TimestampCheck r;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(token.data());
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, long(token.size())));
  TsInfoPtr info(p7 ? PKCS7_to_TS_TST_INFO(p7.get()) : nullptr);
  if (!info) {
    ERR_clear_error();
    r.problem = "the time-stamp token is not an RFC 3161 token";
    return r;
  }
  r.time = seconds_of(TS_TST_INFO_get_time(info.get()));
  if (STACK_OF(X509)* signers = PKCS7_get0_signers(p7.get(), nullptr, 0)) {
    if (sk_X509_num(signers) > 0) r.tsa = subject_of(sk_X509_value(signers, 0));
    sk_X509_free(signers);
  }
  ERR_clear_error();
  // First the token itself (its signature with the certificate it carries, and that it
  // covers these bytes), then, given a CA, the TSA's chain at the token's own time.
  TsCtxPtr ctx(TS_VERIFY_CTX_new());
  BioPtr content(BIO_new(BIO_s_mem()));
  BIO_write(content.get(), data.data(), int(data.size()));
  TS_VERIFY_CTX_set_data(ctx.get(), content.release());
  TS_VERIFY_CTX_set_flags(ctx.get(), TS_VFY_VERSION | TS_VFY_DATA);
  bool signature_ok =
      PKCS7_verify(p7.get(), nullptr, nullptr, nullptr, nullptr, PKCS7_NOVERIFY) == 1;
  ERR_clear_error();
  if (!signature_ok || TS_RESP_verify_token(ctx.get(), p7.get()) != 1) {
    r.problem = signature_ok
                    ? "the time-stamp token does not cover this signature (" + error_text() + ")"
                    : "the time-stamp token's own signature does not verify";
    ERR_clear_error();
    return r;
  }
  r.ok = true;
  if (ca_pem.empty()) {
    r.problem = "the TSA was not checked: give --tsa-ca";
    return r;
  }
  TsCtxPtr trust(TS_VERIFY_CTX_new());
  TS_VERIFY_CTX_set_store(trust.get(), tsa_store(ca_pem, r.time));
  TS_VERIFY_CTX_set_flags(trust.get(), TS_VFY_SIGNATURE);
  r.trusted = TS_RESP_verify_token(trust.get(), p7.get()) == 1;
  if (!r.trusted) r.problem = "the TSA is not trusted by --tsa-ca (" + error_text() + ")";
  return r;
}

std::vector<std::string> timestamp_certificates(std::string_view token) {
  std::vector<std::string> r;
  const unsigned char* p = reinterpret_cast<const unsigned char*>(token.data());
  Pkcs7Ptr p7(d2i_PKCS7(nullptr, &p, long(token.size())));
  if (!p7 || !PKCS7_type_is_signed(p7.get())) {
    ERR_clear_error();
    return r;
  }
  STACK_OF(X509)* certs = p7->d.sign->cert;
  for (int i = 0; i < sk_X509_num(certs); ++i)
    r.push_back(to_der<X509>(sk_X509_value(certs, i), i2d_X509, "encode a TSA certificate"));
  return r;
}

}  // namespace jp
