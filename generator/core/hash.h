// Digests: SHA-256 (OpenSSL 3), for fingerprints and the archive's manifest; and the keyed
// content hash the output folders' state compares published files by.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace jp {

/// SHA-256 of `bytes` as 64 lowercase hex digits.
std::string sha256_hex(std::string_view bytes);
/// Bytes as lowercase hex.
std::string to_hex(const unsigned char* p, size_t n);

/// The content hash of published files: GMAC (AES-128-GCM's GHASH) under a random key kept
/// in the output folder's state, as 32 hex digits.
///
/// Why not SHA-256: the state only asks "are these bytes the ones published?", and a cold
/// build of a large school hashes 0.73 GB of pages; SHA-256 took 0.4 CPU-s of it, GMAC with
/// the CPU's carry-less multiply about a third. Why keyed: an unkeyed fast hash would let
/// text put into the journal be crafted so that a changed page hashes like the old one and
/// is never written. GHASH under a key no one else knows is a universal hash: two different
/// pages of up to L 16-byte blocks collide with probability at most (L+1)/2^128, whatever
/// their bytes. The IV is fixed: this is a keyed hash compared inside the folder, never a
/// tag anyone else sees or checks, so nonce reuse gives away nothing (the tag is GHASH
/// XOR one constant block). All of this holds while the state file stays secret: it holds
/// the key beside the hashes (owner-only, like the site key), and GHASH being linear,
/// whoever has a copy of it (a backup, a support bundle) could craft a colliding page.
/// The archive, whose manifest publishes SHA-256, records SHA-256 instead (WriterOptions).
class ContentHash {
 public:
  static constexpr size_t kKeyBytes = 16;
  static constexpr size_t kHexDigits = 32;
  /// A fresh random key (kKeyBytes bytes).
  static std::string new_key();
  /// `key`: kKeyBytes bytes; anything else throws std::invalid_argument.
  explicit ContentHash(std::string_view key);
  ~ContentHash();
  ContentHash(const ContentHash&) = delete;
  ContentHash& operator=(const ContentHash&) = delete;
  /// The hash of `bytes` (kHexDigits lowercase hex digits). Safe on several threads at once.
  std::string hex(std::string_view bytes) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jp
