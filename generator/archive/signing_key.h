// Where the archive's signing key lives, and the OpenSSL engines that reach it: a PEM file,
// a key on a token through PKCS#11 (an RFC 7512 `pkcs11:` URI, libp11's engine), or a
// vendor's engine; and Debian's GOST engine for GOST R 34.10-2012 keys and Streebog digests.
// Engines are OpenSSL 3's deprecated interface: this module is the only one that touches
// them, so the rest of the code stays on the supported API.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "core/ossl.h"

namespace jp {

struct KeyOptions {
  std::string key;            ///< a PEM file, a `pkcs11:` URI, or a key id for `engine`
  std::string pkcs11_module;  ///< the PKCS#11 module (empty: p11-kit's proxy)
  std::string pin_file;       ///< the token's PIN (empty: the environment's JOURNALPRESS_PIN)
  std::string engine;         ///< an OpenSSL engine (id or .so path) that holds `key`
};

/// p11-kit's proxy module: every token the system has registered.
inline constexpr const char* kDefaultPkcs11Module = "/usr/lib/x86_64-linux-gnu/p11-kit-proxy.so";

/// A private key, in a file or kept by an engine (a token never gives its key out).
struct SigningKey {
  /// Declared before the key, so destroyed after it: a key an engine made is freed while
  /// its engine is still there (members are destroyed in reverse order).
  std::shared_ptr<void> engine;
  ossl::PkeyPtr key;
  bool on_token = false;         ///< signs through an engine: one operation at a time
  std::string name;              ///< the file or URI, for messages
};

/// Loads the key `o` names; throws naming it and what was expected (an unreadable PIN file,
/// a PIN the token refuses, no such object, an engine that is not installed).
SigningKey load_signing_key(const KeyOptions& o);

/// The PIN: the first line of `pin_file`, else $JOURNALPRESS_PIN; throws when neither is
/// given or the file cannot be read.
std::string read_pin(const std::string& pin_file);

/// Makes GOST R 34.10-2012 keys and GOST R 34.11-2012 (Streebog) digests usable, once per
/// process; throws naming the Debian package when the engine is missing.
void enable_gost();

/// True when the certificate's key is GOST R 34.10-2012 (256 or 512 bits); read from the
/// algorithm's OID, so it works before the GOST engine is loaded.
bool is_gost_certificate(X509* cert);

/// The digest a signature with `key` uses: Streebog of the key's size for GOST R
/// 34.10-2012 (as the standard pairs them), SHA-256 otherwise.
const EVP_MD* signing_digest(EVP_PKEY* key);

/// Makes a demonstration GOST R 34.10-2012 key (256 bits, parameter set A) in PEM.
ossl::PkeyPtr make_gost_key();

}  // namespace jp
