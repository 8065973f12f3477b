#include "core/seal.h"

#include <catch2/catch.hpp>
#include <set>

#include "core/hash.h"
#include "core/keys.h"

using namespace jp;

namespace {
std::string unhex(const std::string& h) {
  std::string r;
  for (size_t i = 0; i + 1 < h.size(); i += 2) r += char(std::stoi(h.substr(i, 2), nullptr, 16));
  return r;
}
std::string hex(const std::string& s) {
  return to_hex(reinterpret_cast<const unsigned char*>(s.data()), s.size());
}
}  // namespace

TEST_CASE("seal: HKDF-SHA256 gives RFC 5869's test vector 1", "[seal]") {
  std::string okm = hkdf_sha256(std::string(22, '\x0b'), unhex("000102030405060708090a0b0c"),
                                unhex("f0f1f2f3f4f5f6f7f8f9"), 42);
  CHECK(hex(okm) ==
        "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST_CASE("seal: a family key's folder and page key are pinned (the loader derives the same)",
          "[seal]") {
  // templates/loader.js computes these with WebCrypto; tests/encrypted_test.sh opens real
  // pages with it. A change here is a change of the blob format.
  std::string key(32, '\0');
  for (int i = 0; i < 32; ++i) key[i] = char(i);
  SealedArea a = sealed_area(key);
  CHECK(a.folder.size() == 32);
  CHECK(a.folder == hex(hkdf_sha256(key, "journalpress-diary-v1", "folder", 16)));
  CHECK(a.page_key == hkdf_sha256(key, "journalpress-diary-v1", "page-key", 32));
  CHECK(a.page_key != key);
  CHECK(a.folder.find(hex(key).substr(0, 8)) == std::string::npos);
}

TEST_CASE("seal: pages open with their key and name only; every byte is authenticated", "[seal]") {
  std::string key(32, 'k'), plain = "<p>Иванова Маша: 5</p>";
  std::string blob = seal_page(key, "s1~current", plain);
  CHECK(blob.substr(0, 4) == "JPE1");
  CHECK(blob.size() == 4 + 12 + plain.size() + 16);
  CHECK(blob.find("Маша") == std::string::npos);
  std::string out;
  REQUIRE(open_page(key, "s1~current", blob, out));
  CHECK(out == plain);
  // A fresh nonce every time: the same page sealed twice differs.
  std::string again = seal_page(key, "s1~current", plain);
  CHECK(again != blob);
  CHECK(again.substr(4, 12) != blob.substr(4, 12));
  REQUIRE(open_page(key, "s1~current", again, out));
  // Wrong key, another page's name, any byte flipped, truncated: refused.
  CHECK_FALSE(open_page(std::string(32, 'j'), "s1~current", blob, out));
  CHECK(out.empty());
  CHECK_FALSE(open_page(key, "s1~results", blob, out));
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string t = blob;
    t[i] = char(t[i] ^ 0x01);
    INFO(i);
    CHECK_FALSE(open_page(key, "s1~current", t, out));
  }
  CHECK_FALSE(open_page(key, "s1~current", blob.substr(0, blob.size() - 1), out));
  CHECK_FALSE(open_page(key, "s1~current", "", out));
}

TEST_CASE("seal: base64url without padding, both ways", "[seal]") {
  CHECK(base64url("") == "");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("fo") == "Zm8");
  CHECK(base64url("foo") == "Zm9v");
  CHECK(base64url("\xfb\xff") == "-_8");
  std::string all;
  for (int i = 0; i < 256; ++i) all += char(i);
  for (size_t n : {0, 1, 2, 3, 31, 32, 33, 256}) {
    std::string back;
    REQUIRE(from_base64url(base64url(all.substr(0, n)), back));
    CHECK(back == all.substr(0, n));
  }
  std::string key(32, '\x7f'), back;
  CHECK(base64url(key).size() == 43);
  std::string bad;
  CHECK_FALSE(from_base64url("Zm9v+", bad));
  CHECK_FALSE(from_base64url("Z", bad));
  CHECK_FALSE(from_base64url("Zh", bad));  // stray bits after the last byte
}

TEST_CASE("seal: family keys differ by guardian, epoch and site key, and from the token",
          "[seal]") {
  std::string site(32, 's');
  std::string k = family_key(site, "school", "g1", 1);
  CHECK(k.size() == 32);
  CHECK(k != family_key(site, "school", "g1", 2));
  CHECK(k != family_key(site, "school", "g2", 1));
  CHECK(k != family_key(std::string(32, 't'), "school", "g1", 1));
  CHECK(hex(k).substr(0, 32) != access_token(site, "school", "g1", 1));
}
