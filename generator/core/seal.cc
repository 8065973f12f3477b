#include "core/seal.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

#include "core/hash.h"
#include "core/ossl.h"

namespace jp {
namespace {

// Shared with templates/loader.js: changing one means a new blob format (and magic).
constexpr std::string_view kSalt = "journalpress-diary-v1";
constexpr std::string_view kFolderInfo = "folder";
constexpr std::string_view kPageKeyInfo = "page-key";
constexpr std::string_view kMagic = "JPE1";
constexpr size_t kNonce = 12, kTag = 16;

using KdfPtr = std::unique_ptr<EVP_KDF, ossl::Deleter<EVP_KDF, EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, ossl::Deleter<EVP_KDF_CTX, EVP_KDF_CTX_free>>;
using CipherCtxPtr =
    std::unique_ptr<EVP_CIPHER_CTX, ossl::Deleter<EVP_CIPHER_CTX, EVP_CIPHER_CTX_free>>;

const unsigned char* u(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}
unsigned char* u(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace

std::string hkdf_sha256(std::string_view key, std::string_view salt, std::string_view info,
                        size_t length) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "HKDF", nullptr));
  ossl::check(kdf != nullptr, "fetch HKDF");
  KdfCtxPtr ctx(EVP_KDF_CTX_new(kdf.get()));
  ossl::check(ctx != nullptr, "make an HKDF context");
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_KEY, const_cast<char*>(key.data()), key.size()),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_SALT, const_cast<char*>(salt.data()), salt.size()),
                         OSSL_PARAM_construct_octet_string(
                             OSSL_KDF_PARAM_INFO, const_cast<char*>(info.data()), info.size()),
                         OSSL_PARAM_construct_end()};
  std::string out(length, '\0');
  ossl::check(EVP_KDF_derive(ctx.get(), u(out), out.size(), params) == 1, "derive with HKDF");
  return out;
}

SealedArea sealed_area(std::string_view family_key) {
  std::string folder = hkdf_sha256(family_key, kSalt, kFolderInfo, 16);
  return {to_hex(u(folder), folder.size()), hkdf_sha256(family_key, kSalt, kPageKeyInfo, 32)};
}

std::string seal_page(std::string_view page_key, std::string_view file_name,
                      std::string_view plain) {
  if (page_key.size() != 32) throw std::logic_error("seal_page: the key is not 256 bits");
  std::string out(kMagic);
  out.resize(kMagic.size() + kNonce + plain.size() + kTag);
  unsigned char* nonce = u(out) + kMagic.size();
  unsigned char* body = nonce + kNonce;
  ossl::check(RAND_bytes(nonce, int(kNonce)) == 1, "make a nonce");
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  ossl::check(
      ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u(page_key), nonce) == 1,
      "start AES-256-GCM");
  ossl::check(EVP_EncryptUpdate(ctx.get(), nullptr, &len, u(file_name), int(file_name.size())) == 1,
              "add the associated data");
  ossl::check(EVP_EncryptUpdate(ctx.get(), body, &len, u(plain), int(plain.size())) == 1,
              "encrypt a page");
  int tail = 0;
  ossl::check(EVP_EncryptFinal_ex(ctx.get(), body + len, &tail) == 1, "finish a page");
  ossl::check(
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, int(kTag), body + plain.size()) == 1,
      "read the GCM tag");
  return out;
}

bool open_page(std::string_view page_key, std::string_view file_name, std::string_view blob,
               std::string& plain) {
  if (page_key.size() != 32 || blob.size() < kMagic.size() + kNonce + kTag ||
      blob.substr(0, kMagic.size()) != kMagic)
    return false;
  const unsigned char* nonce = u(blob) + kMagic.size();
  const unsigned char* body = nonce + kNonce;
  size_t n = blob.size() - kMagic.size() - kNonce - kTag;
  plain.assign(n, '\0');
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0, tail = 0;
  bool ok = ctx &&
            EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, u(page_key), nonce) == 1 &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len, u(file_name), int(file_name.size())) == 1 &&
            EVP_DecryptUpdate(ctx.get(), u(plain), &len, body, int(n)) == 1 &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, int(kTag),
                                const_cast<unsigned char*>(body + n)) == 1 &&
            EVP_DecryptFinal_ex(ctx.get(), u(plain) + len, &tail) == 1;
  ERR_clear_error();
  if (!ok) plain.clear();
  return ok;
}

std::string base64url(std::string_view bytes) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = unsigned(u(bytes)[i]) << 16 | unsigned(u(bytes)[i + 1]) << 8 | u(bytes)[i + 2];
    for (int s = 18; s >= 0; s -= 6) out += kAlphabet[(v >> s) & 63];
  }
  size_t rest = bytes.size() - i;
  if (rest) {
    unsigned v = unsigned(u(bytes)[i]) << 16 | (rest == 2 ? unsigned(u(bytes)[i + 1]) << 8 : 0);
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    if (rest == 2) out += kAlphabet[(v >> 6) & 63];
  }
  return out;
}

bool from_base64url(std::string_view text, std::string& bytes) {
  bytes.clear();
  unsigned v = 0;
  int bits = 0;
  for (char c : text) {
    int d = c >= 'A' && c <= 'Z'   ? c - 'A'
            : c >= 'a' && c <= 'z' ? c - 'a' + 26
            : c >= '0' && c <= '9' ? c - '0' + 52
            : c == '-'             ? 62
            : c == '_'             ? 63
                                   : -1;
    if (d < 0) return false;
    v = (v << 6) | unsigned(d);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes += char((v >> bits) & 0xff);
    }
  }
  return text.size() % 4 != 1 && (v & ((1u << bits) - 1)) == 0;
}

}  // namespace jp
