#include "core/hash.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <stdexcept>

#include "core/ossl.h"

namespace jp {

std::string to_hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string r(n * 2, '0');
  for (size_t i = 0; i < n; ++i) r[2 * i] = d[p[i] >> 4], r[2 * i + 1] = d[p[i] & 15];
  return r;
}

std::string sha256_hex(std::string_view bytes) {
  // Fetched once: EVP_sha256() makes EVP_Digest look the algorithm up (under a lock) at
  // every call, and a build hashes hundreds of thousands of records and pages.
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  unsigned char out[32];
  unsigned int len = 0;
  if (!md) throw std::runtime_error("OpenSSL has no SHA-256 (its default provider is not loaded)");
  if (!EVP_Digest(bytes.data(), bytes.size(), out, &len, md, nullptr))
    throw std::runtime_error("OpenSSL SHA-256 failed: " + ossl::error_text());
  return to_hex(out, len);
}

struct ContentHash::Impl {
  EVP_MAC* mac = nullptr;
  EVP_MAC_CTX* keyed = nullptr;  ///< set up once; each hash works on a copy of it
  ~Impl() {
    EVP_MAC_CTX_free(keyed);
    EVP_MAC_free(mac);
  }
};

std::string ContentHash::new_key() {
  std::string key(kKeyBytes, '\0');
  ossl::check(RAND_bytes(reinterpret_cast<unsigned char*>(key.data()), int(key.size())) == 1,
              "make a key for the content hash");
  return key;
}

ContentHash::ContentHash(std::string_view key) : impl_(std::make_unique<Impl>()) {
  if (key.size() != kKeyBytes)
    throw std::invalid_argument("the content hash takes a key of 16 bytes, not " +
                                std::to_string(key.size()));
  impl_->mac = EVP_MAC_fetch(nullptr, "GMAC", nullptr);
  ossl::check(impl_->mac != nullptr, "find GMAC");
  impl_->keyed = EVP_MAC_CTX_new(impl_->mac);
  ossl::check(impl_->keyed != nullptr, "make a GMAC context");
  unsigned char iv[12] = {};
  char cipher[] = "AES-128-GCM";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
                         OSSL_PARAM_construct_octet_string(OSSL_MAC_PARAM_IV, iv, sizeof iv),
                         OSSL_PARAM_construct_end()};
  ossl::check(EVP_MAC_init(impl_->keyed, reinterpret_cast<const unsigned char*>(key.data()),
                           key.size(), params) == 1,
              "key GMAC");
}

ContentHash::~ContentHash() = default;

std::string ContentHash::hex(std::string_view bytes) const {
  // A copy of the keyed context per call (a quarter of a microsecond): the threads of a
  // build hash at once, and the key schedule is not redone.
  std::unique_ptr<EVP_MAC_CTX, ossl::Deleter<EVP_MAC_CTX, EVP_MAC_CTX_free>> c(
      EVP_MAC_CTX_dup(impl_->keyed));
  unsigned char tag[16];
  size_t len = 0;
  ossl::check(c && EVP_MAC_update(c.get(), reinterpret_cast<const unsigned char*>(bytes.data()),
                                  bytes.size()) == 1 &&
                  EVP_MAC_final(c.get(), tag, &len, sizeof tag) == 1 && len == sizeof tag,
              "compute GMAC");
  return to_hex(tag, len);
}

}  // namespace jp
