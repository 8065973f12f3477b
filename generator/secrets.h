// Secrets and digests: the site key, the family access tokens, SHA-256 (OpenSSL 3).
#pragma once

#include <string>
#include <string_view>

namespace jp {

/// Writes a new random 256-bit site key (hex) to `path`, readable by its owner only.
/// Refuses to replace an existing key unless `force` (a new key changes every address).
void write_site_key(const std::string& path, bool force);

/// Reads a site key; throws naming the file and what was expected.
std::string read_site_key(const std::string& path);

/// The unguessable part of a family's address: HMAC-SHA256 under the site key of the
/// school, guardian and access epoch, 128 bits as 32 hex digits.
std::string access_token(const std::string& key, const std::string& school_id,
                         const std::string& guardian_id, long long epoch);

std::string sha256_hex(std::string_view bytes);

}  // namespace jp

namespace jp {

/// Writes a demonstration signing key (RSA 2048, PEM, owner-only) and a self-signed X.509
/// certificate for it (valid `days` days from now), for trying the signed archive without
/// a school's real key. Real schools bring their own key and certificate.
void write_demo_signer(const std::string& key_path, const std::string& cert_path, int days = 730);

}  // namespace jp
