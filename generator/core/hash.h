// Digests: SHA-256 (OpenSSL 3), for fingerprints, the archive's manifest and the state
// of the output folders.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace jp {

/// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
/// Bytes as lowercase hex.
std::string to_hex(const unsigned char* p, size_t n);

}  // namespace jp
