// Encrypted diaries (docs/site.md, "Encrypted mode"): the one place that derives keys with
// HKDF and seals pages with AES-256-GCM. The loader (templates/loader.js) does the same
// derivations with WebCrypto, so the two must agree byte for byte: the constants live here
// and in the loader only, and tests/unit/seal_test.cc pins them with known answers.
#pragma once

#include <string>
#include <string_view>

namespace jp {

/// HKDF-SHA256 (RFC 5869) through OpenSSL's EVP_KDF "HKDF": `length` bytes from `key`.
std::string hkdf_sha256(std::string_view key, std::string_view salt, std::string_view info,
                        size_t length);

/// What a family key (the 32 bytes a family's URL carries after `#`) gives the site.
struct SealedArea {
  std::string folder;    ///< 32 hex digits: the area's folder name, `f/<folder>/`
  std::string page_key;  ///< 32 bytes: the AES-256-GCM key of the area's pages
};
SealedArea sealed_area(std::string_view family_key);

/// A sealed page: `JPE1` || 12-byte nonce (fresh from RAND_bytes each call) || ciphertext ||
/// 16-byte tag; the file name is the associated data, so a blob moved to another name (a
/// host swapping two pages) fails to open like a tampered one.
std::string seal_page(std::string_view page_key, std::string_view file_name,
                      std::string_view plain);
/// Opens a sealed page; false when the key, the name or any byte is wrong (tests, tools).
bool open_page(std::string_view page_key, std::string_view file_name, std::string_view blob,
               std::string& plain);

/// RFC 4648 base64url without padding (a key in a URL fragment), and back (false: invalid).
std::string base64url(std::string_view bytes);
bool from_base64url(std::string_view text, std::string& bytes);

}  // namespace jp
