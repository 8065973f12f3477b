#include "core/keys.h"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <filesystem>
#include <stdexcept>

#include "core/files.h"
#include "core/hash.h"
#include "core/ossl.h"

namespace jp {

void write_site_key(const std::string& path, bool force) {
  namespace fs = std::filesystem;
  if (fs::exists(path) && !force)
    throw std::runtime_error(fmt::format(
        "{} exists; a new site key changes every family's address, so it is not replaced "
        "without --force",
        path));
  unsigned char key[32];
  if (RAND_bytes(key, sizeof key) != 1)
    throw std::runtime_error("OpenSSL could not make random bytes for the site key: " +
                             ossl::error_text());
  std::string text = to_hex(key, sizeof key) + "\n";
  OPENSSL_cleanse(key, sizeof key);
  write_file_atomic(path, text, 0600);
}

std::string read_site_key(const std::string& path) {
  // Regular files only (a FIFO would block the build), and at most a line of hex.
  std::string text = read_file(path, "site key");
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  if (text.size() != 64 || text.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw std::runtime_error(fmt::format(
        "{}: expected a site key of 64 lowercase hex digits (made by `journalpress keygen`)",
        path));
  std::string key(32, '\0');
  for (size_t i = 0; i < 32; ++i) key[i] = char(std::stoi(text.substr(2 * i, 2), nullptr, 16));
  return key;
}

namespace {

/// HMAC-SHA256 under the site key of a labelled (school, guardian, epoch); length-prefixed
/// fields, so that ("a", "bc") and ("ab", "c") do not collide.
std::string guardian_mac(const std::string& key, const char* label, const std::string& school_id,
                         const std::string& guardian_id, long long epoch) {
  std::string msg = fmt::format("{}\n{}:{}\n{}:{}\n{}", label, school_id.size(), school_id,
                                guardian_id.size(), guardian_id, epoch);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), int(key.size()),
            reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len))
    throw std::runtime_error(std::string("OpenSSL HMAC-SHA256 failed for ") + label + ": " +
                             ossl::error_text());
  std::string r(reinterpret_cast<char*>(mac), len);
  OPENSSL_cleanse(mac, sizeof mac);
  return r;
}

}  // namespace

std::string access_token(const std::string& key, const std::string& school_id,
                         const std::string& guardian_id, long long epoch) {
  std::string mac = guardian_mac(key, "journalpress-access-v1", school_id, guardian_id, epoch);
  return to_hex(reinterpret_cast<const unsigned char*>(mac.data()), 16);
}

std::string family_key(const std::string& key, const std::string& school_id,
                       const std::string& guardian_id, long long epoch) {
  return guardian_mac(key, "journalpress-family-key-v1", school_id, guardian_id, epoch);
}

}  // namespace jp
