// The site key and the family access tokens (Положение 3.10: each family reaches only its
// own children's pages, at an address nobody can guess).
#pragma once

#include <string>

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
/// Encrypted mode's family key (32 raw bytes, carried in the URL's fragment): HMAC-SHA256
/// under the site key like the token, with another label, so neither gives the other.
std::string family_key(const std::string& key, const std::string& school_id,
                       const std::string& guardian_id, long long epoch);

}  // namespace jp
