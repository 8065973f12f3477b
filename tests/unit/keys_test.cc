#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "archive/demo_cert.h"
#include "core/hash.h"
#include "core/keys.h"
#include "helpers.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

TEST_CASE("keys: access tokens are 128 bits, keyed, and change with the epoch") {
  std::string key(32, 'k'), other(32, 'o');
  std::string t = access_token(key, "s1", "g1", 1);
  CHECK(t.size() == 32);
  CHECK(t.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(t == access_token(key, "s1", "g1", 1));
  CHECK(t != access_token(key, "s1", "g1", 2));
  CHECK(t != access_token(key, "s1", "g2", 1));
  CHECK(t != access_token(key, "s2", "g1", 1));
  CHECK(t != access_token(other, "s1", "g1", 1));
  // Length-prefixed fields: moving a character between school and guardian changes the token.
  CHECK(access_token(key, "s1", "1g", 1) != access_token(key, "s11", "g", 1));
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("keys: the site key is private, read back, and not replaced by accident") {
  auto dir = temp_path("key");
  fs::create_directories(dir);
  std::string path = (dir / "site.key").string();
  write_site_key(path, false);
  CHECK(fs::status(path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(read_site_key(path).size() == 32);
  CHECK_THROWS_WITH(write_site_key(path, false),
                    path +
                        " exists; a new site key changes every family's address, so it is not "
                        "replaced without --force");
  std::ofstream(dir / "bad.key") << "not a key\n";
  CHECK_THROWS_WITH(
      read_site_key((dir / "bad.key").string()),
      (dir / "bad.key").string() +
          ": expected a site key of 64 lowercase hex digits (made by `journalpress keygen`)");
  fs::remove_all(dir);
}

TEST_CASE("keys: a leftover site.key.tmp, file or link, neither leaks the key nor is followed") {
  auto dir = temp_path("key-tmp");
  fs::create_directories(dir);
  std::string path = (dir / "site.key").string();
  // A crashed run's leftover, readable by all: O_TRUNC used to keep its 0644.
  std::ofstream(path + ".tmp") << "old";
  fs::permissions(path + ".tmp", fs::perms(0644));
  write_site_key(path, false);
  CHECK(fs::status(path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(!fs::exists(path + ".tmp"));
  // A planted link: the key must not be written where it points.
  std::ofstream(dir / "elsewhere") << "untouched";
  fs::create_symlink(dir / "elsewhere", path + ".tmp");
  write_site_key(path, true);
  CHECK(slurp(dir / "elsewhere") == "untouched");
  CHECK(fs::is_regular_file(fs::symlink_status(path)));
  CHECK(fs::status(path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(read_site_key(path).size() == 32);
  fs::remove_all(dir);
}

namespace {
// GHASH and GMAC as NIST SP 800-38D writes them (Algorithm 1, bit by bit), with AES from
// OpenSSL's ECB: an implementation that shares nothing with OpenSSL's GCM code.
using Block = std::array<unsigned char, 16>;
Block gf_mult(const Block& x, const Block& y) {
  Block z{}, v = y;
  for (int i = 0; i < 128; ++i) {
    if (x[size_t(i / 8)] & (0x80 >> (i % 8)))
      for (size_t k = 0; k < 16; ++k) z[k] ^= v[k];
    const bool lsb = v[15] & 1;
    for (size_t k = 15; k > 0; --k) v[k] = static_cast<unsigned char>((v[k] >> 1) | (v[k - 1] << 7));
    v[0] >>= 1;
    if (lsb) v[0] ^= 0xe1;
  }
  return z;
}
Block aes(const std::string& key, const Block& in) {
  Block out{};
  int n = 0;
  EVP_CIPHER_CTX* c = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(c, EVP_aes_128_ecb(), nullptr, reinterpret_cast<const unsigned char*>(key.data()), nullptr);
  EVP_CIPHER_CTX_set_padding(c, 0);
  EVP_EncryptUpdate(c, out.data(), &n, in.data(), 16);
  EVP_CIPHER_CTX_free(c);
  return out;
}
std::string reference_gmac(const std::string& key, const std::string& aad) {
  const Block h = aes(key, Block{});
  Block y{};
  auto absorb = [&](const Block& b) {
    for (size_t k = 0; k < 16; ++k) y[k] ^= b[k];
    y = gf_mult(y, h);
  };
  for (size_t at = 0; at < aad.size(); at += 16) {
    Block b{};
    for (size_t k = 0; k < 16 && at + k < aad.size(); ++k) b[k] = static_cast<unsigned char>(aad[at + k]);
    absorb(b);
  }
  Block lengths{};  // len(A) in bits, then len(C) = 0, both 64-bit big-endian
  const uint64_t bits = uint64_t(aad.size()) * 8;
  for (size_t k = 0; k < 8; ++k) lengths[7 - k] = static_cast<unsigned char>(bits >> (8 * k));
  absorb(lengths);
  Block j0{};  // the 96-bit IV (all zero) || 0^31 || 1
  j0[15] = 1;
  const Block ek = aes(key, j0);
  for (size_t k = 0; k < 16; ++k) y[k] ^= ek[k];
  return to_hex(y.data(), y.size());
}
}  // namespace

TEST_CASE("keys: the content hash is GMAC under the folder's key, the same on every thread") {
  const std::string key = ContentHash::new_key(), other = ContentHash::new_key();
  REQUIRE(key.size() == ContentHash::kKeyBytes);
  CHECK(key != other);
  ContentHash h(key), g(other);
  std::string text = "Иванов Иван — 5, 4, н; 漢字 ";
  for (size_t n : {0, 1, 15, 16, 17, 31, 33, 1000, 70000}) {
    std::string bytes;
    while (bytes.size() < n) bytes += text;
    bytes.resize(n);
    INFO("length " << n);
    const std::string x = h.hex(bytes);
    CHECK(x.size() == ContentHash::kHexDigits);
    CHECK(x.find_first_not_of("0123456789abcdef") == std::string::npos);
    CHECK(x == reference_gmac(key, bytes));
    CHECK(x == h.hex(bytes));
    CHECK(x != g.hex(bytes));  // another folder's key
    // A zero byte more is another length block: never the same hash.
    CHECK(x != h.hex(bytes + std::string(1, '\0')));
  }
  CHECK_THROWS_AS(ContentHash(std::string(15, 'k')), std::invalid_argument);
  CHECK_THROWS_AS(ContentHash(std::string(32, 'k')), std::invalid_argument);
  // The writer's threads share one ContentHash.
  std::vector<std::string> pages(64);
  std::vector<std::string> expected;
  for (size_t i = 0; i < pages.size(); ++i) {
    pages[i] = std::string(3000 + i * 97, char('a' + i % 26));
    expected.push_back(reference_gmac(key, pages[i]));
  }
  std::vector<std::vector<std::string>> seen(4);
  std::vector<std::thread> threads;
  for (auto& s : seen)
    threads.emplace_back([&] {
      for (int r = 0; r < 20; ++r)
        for (const auto& p : pages) s.push_back(h.hex(p));
    });
  for (auto& t : threads) t.join();
  for (const auto& s : seen) {
    REQUIRE(s.size() == 20 * pages.size());
    for (size_t i = 0; i < s.size(); ++i) CHECK(s[i] == expected[i % pages.size()]);
  }
}
