#include "secrets.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace jp {
namespace {

std::string hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string r(n * 2, '0');
  for (size_t i = 0; i < n; ++i) r[2 * i] = d[p[i] >> 4], r[2 * i + 1] = d[p[i] & 15];
  return r;
}

std::string openssl_error() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

}  // namespace

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
                             openssl_error());
  std::string text = hex(key, sizeof key) + "\n";
  OPENSSL_cleanse(key, sizeof key);
  std::string tmp = path + ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  bool ok = ::write(fd, text.data(), text.size()) == ssize_t(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(errno)));
}

std::string read_site_key(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("cannot read the site key {}", path));
  std::string text;
  in >> text;
  if (text.size() != 64 || text.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw std::runtime_error(fmt::format(
        "{}: expected a site key of 64 lowercase hex digits (made by `journalpress keygen`)",
        path));
  std::string key(32, '\0');
  for (size_t i = 0; i < 32; ++i) key[i] = char(std::stoi(text.substr(2 * i, 2), nullptr, 16));
  return key;
}

std::string access_token(const std::string& key, const std::string& school_id,
                         const std::string& guardian_id, long long epoch) {
  // Length-prefixed fields: ("a", "bc") and ("ab", "c") must not collide.
  std::string msg = fmt::format("journalpress-access-v1\n{}:{}\n{}:{}\n{}", school_id.size(),
                                school_id, guardian_id.size(), guardian_id, epoch);
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), int(key.size()),
            reinterpret_cast<const unsigned char*>(msg.data()), msg.size(), mac, &len))
    throw std::runtime_error("OpenSSL HMAC-SHA256 failed for an access token: " + openssl_error());
  return hex(mac, 16);
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char md[32];
  unsigned int len = 0;
  if (!EVP_Digest(bytes.data(), bytes.size(), md, &len, EVP_sha256(), nullptr))
    throw std::runtime_error("OpenSSL SHA-256 failed: " + openssl_error());
  return hex(md, len);
}

}  // namespace jp
