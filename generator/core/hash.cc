#include "core/hash.h"

#include <openssl/evp.h>

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
  unsigned char md[32];
  unsigned int len = 0;
  if (!EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr))
    throw std::runtime_error("OpenSSL SHA-256 failed: " + ossl::error_text());
  return to_hex(md, len);
}

}  // namespace jp
