// A demonstration signer, for trying the signed archive without a school's real key.
#pragma once

#include <string>

namespace jp {

/// Writes a demonstration signing key (RSA 2048, or GOST R 34.10-2012 256 bits with
/// `gost`; PEM, owner-only) and a self-signed X.509 certificate for it (valid `days` days
/// from now; signed with SHA-256, or Streebog-256 for GOST). Real schools bring their own
/// key and certificate.
void write_demo_signer(const std::string& key_path, const std::string& cert_path, int days = 730,
                       bool gost = false);

}  // namespace jp
