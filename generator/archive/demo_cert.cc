#include "archive/demo_cert.h"

#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <functional>
#include <memory>

#include "archive/signing_key.h"
#include "core/files.h"
#include "core/ossl.h"
#include "core/wording.h"

namespace jp {
namespace {

using namespace ossl;

std::string pem(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  check(bio && write(bio.get()) == 1, "write PEM");
  char* data = nullptr;
  long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size_t(n));
}

}  // namespace

void write_demo_signer(const std::string& key_path, const std::string& cert_path, int days,
                       bool gost) {
  PkeyPtr key(gost ? make_gost_key() : PkeyPtr(EVP_RSA_gen(2048)));
  check(key != nullptr, "make an RSA key");
  X509Ptr cert(X509_new());
  check(cert != nullptr, "make a certificate");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  check(RAND_bytes(serial, sizeof serial) == 1, "make a serial number");
  serial[0] &= 0x7f;  // positive
  std::unique_ptr<BIGNUM, ossl::Deleter<BIGNUM, BN_free>> bn(
      BN_bin2bn(serial, sizeof serial, nullptr));
  check(bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())),
        "set the serial number");
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), long(days) * 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  auto add = [&](const char* field, const std::string& value) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value.c_str()), -1, -1,
                                     0) == 1,
          "set the certificate's name");
  };
  add("C", "RU");
  add("O", Locale::ru().text("signature.demo_organization"));
  add("CN", Locale::ru().text("signature.demo_name"));
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
                            std::pair{NID_key_usage, "critical,digitalSignature,nonRepudiation"},
                            std::pair{NID_subject_key_identifier, "hash"}}) {
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    check(ext != nullptr, "make a certificate extension");
    X509_add_ext(cert.get(), ext, -1);
    X509_EXTENSION_free(ext);
  }
  check(X509_sign(cert.get(), key.get(), signing_digest(key.get())) > 0, "sign the certificate");
  write_file_atomic(key_path, pem([&](BIO* b) {
                      return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr,
                                                      nullptr);
                    }),
                    0600);
  write_file_atomic(cert_path, pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }),
                    0644);
}

}  // namespace jp
