// Trusted time (RFC 3161): a time-stamping authority (TSA) signs "these bytes existed at
// this moment". A signature's time-stamp token covers its signature value, so the archive
// can prove when it was signed long after the signer's certificate expired (PAdES B-T).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jp {

struct TsaOptions {
  std::string url;     ///< http://host[:port]/path of the TSA
  std::string ca_pem;  ///< certificates trusted to vouch for the TSA (empty: not checked)
  int timeout_seconds = 60;
};

/// A time-stamp token (DER, a CMS ContentInfo) over `data` (a SHA-256 imprint, a fresh
/// nonce, the TSA's certificate asked for). The reply is checked: granted, the imprint and
/// nonce ours, signed by a TSA `ca_pem` trusts when given. Throws naming the URL and what
/// went wrong (no answer, timeout, not a time-stamp reply, refused, wrong imprint).
std::string request_timestamp(const TsaOptions& o, std::string_view data);

struct TimestampCheck {
  bool ok = false;       ///< the token is intact and covers the data
  bool trusted = false;  ///< the TSA's certificate chains to the given CA at the token's time
  std::string problem;   ///< when not ok, or ok but not trusted: why
  long long time = 0;    ///< the token's time (seconds since the epoch, UTC)
  std::string tsa;       ///< the TSA's name (its certificate's subject)
};

/// Checks a time-stamp token over `data`. `ca_pem` empty: the token's signature is checked
/// with the certificate it carries, the TSA itself is not checked.
TimestampCheck check_timestamp(std::string_view token, std::string_view data,
                               const std::string& ca_pem);

/// The certificates a token carries (DER each): the TSA's, for a document's /DSS.
std::vector<std::string> timestamp_certificates(std::string_view token);

}  // namespace jp
