#include "secrets.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>

#include "ossl.h"

namespace jp {
namespace {

std::string hex(const unsigned char* p, size_t n) {
  static const char* d = "0123456789abcdef";
  std::string r(n * 2, '0');
  for (size_t i = 0; i < n; ++i) r[2 * i] = d[p[i] >> 4], r[2 * i + 1] = d[p[i] & 15];
  return r;
}

std::string openssl_error() { return ossl::error_text(); }

/// Writes a secret file whole (temp file, fsync, rename) with the given permissions.
/// The temporary file is always new (O_EXCL), never reached through a symbolic link
/// (O_NOFOLLOW) and owner-only from its first byte: a leftover `.tmp` of a crashed run kept
/// its old mode under O_TRUNC (a 0644 key), and a planted link made us write the key
/// wherever it pointed. A leftover is removed first (unlink removes a link, not its
/// target); if one reappears in between, the open fails rather than follow it.
void write_private(const std::string& path, const std::string& text, mode_t mode) {
  std::string tmp = path + ".tmp";
  if (::unlink(tmp.c_str()) != 0 && errno != ENOENT)
    throw std::runtime_error(
        fmt::format("cannot remove the leftover {}: {}", tmp, std::strerror(errno)));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0)
    throw std::runtime_error(fmt::format("cannot create {}: {}", tmp, std::strerror(errno)));
  size_t done = 0;
  bool ok = true;
  while (ok && done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += size_t(n);
  }
  ok = ok && ::fchmod(fd, mode) == 0 && ::fsync(fd) == 0;
  int saved = errno;
  ::close(fd);
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    if (ok) saved = errno;
    ::unlink(tmp.c_str());
    throw std::runtime_error(fmt::format("cannot write {}: {}", path, std::strerror(saved)));
  }
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
  write_private(path, text, 0600);
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

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

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

void write_demo_signer(const std::string& key_path, const std::string& cert_path, int days) {
  PkeyPtr key(EVP_RSA_gen(2048));
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
  auto add = [&](const char* field, const char* value) {
    check(X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(value), -1, -1, 0) == 1,
          "set the certificate's name");
  };
  add("C", "RU");
  add("O", "journalpress (демонстрационный сертификат)");
  add("CN", "Демонстрационная подпись журнала");
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
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign the certificate");
  write_private(key_path, pem([&](BIO* b) {
                  return PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr,
                                                  nullptr);
                }),
                0600);
  write_private(cert_path, pem([&](BIO* b) { return PEM_write_bio_X509(b, cert.get()); }), 0644);
}

}  // namespace jp
