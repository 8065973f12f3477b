// Engines are deprecated in OpenSSL 3 but remain the way to reach Debian's GOST engine (its
// provider cannot read GOST keys) and libp11's PKCS#11 engine: this file alone uses them.
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "archive/signing_key.h"

#include <fmt/format.h>
#include <openssl/engine.h>
#include <openssl/pem.h>
#include <openssl/ui.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <mutex>
#include <stdexcept>

#include "core/files.h"

namespace jp {
using namespace ossl;

namespace {

/// Every queued OpenSSL error, oldest first, joined: an engine pushes its own reason
/// (a token's "PIN incorrect") under OpenSSL's generic one.
std::string all_errors() {
  std::string r;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    r += (r.empty() ? "" : "; ") + std::string(buf);
  }
  return r.empty() ? "no details" : r;
}

void release_engine(void* p) {
  auto* e = static_cast<ENGINE*>(p);
  ENGINE_finish(e);
  ENGINE_free(e);
}

/// A UI that never asks: a build runs from a timer, with nobody at a terminal to type a PIN.
const UI_METHOD* no_prompt() {
  static UI_METHOD* ui = [] {
    UI_METHOD* m = UI_create_method("journalpress: no PIN prompt");
    UI_method_set_reader(m, [](UI*, UI_STRING*) { return 0; });
    return m;
  }();
  return ui;
}

bool is_pkcs11_uri(const std::string& s) { return s.rfind("pkcs11:", 0) == 0; }

/// A structural and functional reference to the engine `id` (an id, or a .so path loaded
/// through OpenSSL's "dynamic" engine), configured by `setup` before it is initialised.
std::shared_ptr<void> open_engine(const std::string& id,
                                  const std::function<void(ENGINE*)>& setup) {
  ENGINE* e = nullptr;
  if (id.find('/') != std::string::npos) {
    e = ENGINE_by_id("dynamic");
    if (e && (ENGINE_ctrl_cmd_string(e, "SO_PATH", id.c_str(), 0) != 1 ||
              ENGINE_ctrl_cmd_string(e, "LOAD", nullptr, 0) != 1)) {
      ENGINE_free(e);
      e = nullptr;
    }
  } else {
    e = ENGINE_by_id(id.c_str());
  }
  if (!e)
    throw std::runtime_error(fmt::format(
        "--sign-engine {}: OpenSSL cannot load this engine (expected an engine id such as "
        "pkcs11 or the path of the vendor's engine .so): {}",
        id, all_errors()));
  try {
    setup(e);
  } catch (...) {
    ENGINE_free(e);
    throw;
  }
  if (ENGINE_init(e) != 1) {
    std::string why = all_errors();
    ENGINE_free(e);
    throw std::runtime_error(fmt::format("the OpenSSL engine {} does not start: {}", id, why));
  }
  return std::shared_ptr<void>(e, release_engine);
}

SigningKey load_pem_key(const std::string& path) {
  std::string pem = read_file(path, "signing key");
  auto read = [&] {
    BioPtr b(BIO_new_mem_buf(pem.data(), int(pem.size())));
    return PkeyPtr(PEM_read_bio_PrivateKey(b.get(), nullptr, nullptr, nullptr));
  };
  SigningKey k;
  k.name = path;
  k.key = read();
  // A GOST key is read only once the GOST engine is loaded; it is loaded only when needed,
  // so RSA and EC signers never pay for an engine.
  if (!k.key && pem.find("-----BEGIN PRIVATE KEY-----") != std::string::npos) {
    ERR_clear_error();
    try {
      enable_gost();
      k.key = read();
    } catch (const std::exception&) {
      ERR_clear_error();
    }
  }
  if (!k.key)
    throw std::runtime_error(fmt::format(
        "{}: expected an unencrypted private key in PEM (-----BEGIN PRIVATE KEY-----): {}", path,
        error_text()));
  return k;
}

SigningKey load_engine_key(const KeyOptions& o) {
  if (is_pkcs11_uri(o.key) && o.key.find("pin-value") != std::string::npos)
    throw std::runtime_error(
        "--sign-key: the PKCS#11 URI holds the PIN (pin-value), which anyone can read in the "
        "process list: remove it and give the PIN with --pin-file FILE or the environment "
        "variable JOURNALPRESS_PIN");
  std::string id = o.engine.empty() ? "pkcs11" : o.engine;
  bool pkcs11 = id == "pkcs11";
  std::string module = o.pkcs11_module.empty() ? kDefaultPkcs11Module : o.pkcs11_module;
  if (pkcs11 && !std::filesystem::exists(module))
    throw std::runtime_error(fmt::format(
        "--pkcs11-module {}: no such file (expected the token's PKCS#11 module, e.g. the "
        "vendor's librtpkcs11ecp.so, or p11-kit's proxy {})",
        module, kDefaultPkcs11Module));
  std::string pin = read_pin(o.pin_file);
  SigningKey k;
  k.name = o.key;
  k.on_token = true;
  k.engine = open_engine(id, [&](ENGINE* e) {
    if (pkcs11) {
      ENGINE_ctrl_cmd_string(e, "QUIET", nullptr, 1);
      if (ENGINE_ctrl_cmd_string(e, "MODULE_PATH", module.c_str(), 0) != 1)
        throw std::runtime_error(
            fmt::format("--pkcs11-module {}: rejected by the engine: {}", module, all_errors()));
    }
  });
  auto* e = static_cast<ENGINE*>(k.engine.get());
  // Engines that take no PIN command (some vendors' ask their own way) are told nothing.
  ENGINE_ctrl_cmd_string(e, "PIN", pin.c_str(), 1);
  ERR_clear_error();
  k.key.reset(
      ENGINE_load_private_key(e, o.key.c_str(), const_cast<UI_METHOD*>(no_prompt()), nullptr));
  if (!k.key) {
    std::string why = all_errors();
    std::string pin_from = o.pin_file.empty() ? "JOURNALPRESS_PIN" : "--pin-file " + o.pin_file;
    if (why.find("PIN incorrect") != std::string::npos)
      throw std::runtime_error(fmt::format(
          "--sign-key {}: the token refused the PIN from {} (a token locks itself after a few "
          "wrong PINs: check it before the next run): {}",
          o.key, pin_from, why));
    throw std::runtime_error(fmt::format(
        "--sign-key {}: the token gave no private key (expected a key object the URI names, "
        "e.g. pkcs11:token=LABEL;object=LABEL, on a token that is plugged in; `pkcs11-tool "
        "--module {} --list-objects --login` lists what the token holds): {}",
        o.key, pkcs11 ? module : id, why));
  }
  return k;
}

}  // namespace

std::string read_pin(const std::string& pin_file) {
  std::string pin;
  if (!pin_file.empty()) {
    std::string text = read_file(pin_file, "PIN file (--pin-file)");
    pin = text.substr(0, text.find('\n'));
    if (!pin.empty() && pin.back() == '\r') pin.pop_back();
    if (pin.empty())
      throw std::runtime_error(
          fmt::format("{}: expected the token's PIN on the first line, found none", pin_file));
    return pin;
  }
  if (const char* env = std::getenv("JOURNALPRESS_PIN"); env && *env) return env;
  throw std::runtime_error(
      "the signing key is on a token: give its PIN with --pin-file FILE or the environment "
      "variable JOURNALPRESS_PIN (never on the command line)");
}

SigningKey load_signing_key(const KeyOptions& o) {
  if (o.engine.empty() && !is_pkcs11_uri(o.key)) return load_pem_key(o.key);
  return load_engine_key(o);
}

void enable_gost() {
  static std::once_flag once;
  std::call_once(once, [] {
    ENGINE* e = ENGINE_by_id("gost");
    if (!e || ENGINE_init(e) != 1) {
      std::string why = all_errors();
      if (e) ENGINE_free(e);
      throw std::runtime_error(
          "GOST R 34.10-2012 needs OpenSSL's GOST engine (Debian package "
          "libengine-gost-openssl), which does not load: " +
          why);
    }
    // Registered as the default for the algorithms it implements (only GOST's): the
    // certificate, key and CMS code then find them as `openssl -engine gost` does.
    bool ok = ENGINE_set_default(e, ENGINE_METHOD_ALL) == 1;
    std::string why = ok ? "" : all_errors();
    ENGINE_finish(e);
    ENGINE_free(e);
    if (!ok) throw std::runtime_error("OpenSSL's GOST engine cannot be made the default: " + why);
  });
}

bool is_gost_certificate(X509* cert) {
  const ASN1_OBJECT* alg = nullptr;
  if (X509_PUBKEY_get0_param(const_cast<ASN1_OBJECT**>(&alg), nullptr, nullptr, nullptr,
                             X509_get_X509_PUBKEY(cert)) != 1)
    return false;
  int nid = OBJ_obj2nid(alg);
  return nid == NID_id_GostR3410_2012_256 || nid == NID_id_GostR3410_2012_512;
}

const EVP_MD* signing_digest(EVP_PKEY* key) {
  switch (EVP_PKEY_get_base_id(key)) {
    case NID_id_GostR3410_2012_256:
      return EVP_get_digestbynid(NID_id_GostR3411_2012_256);
    case NID_id_GostR3410_2012_512:
      return EVP_get_digestbynid(NID_id_GostR3411_2012_512);
    default:
      return EVP_sha256();
  }
}

PkeyPtr make_gost_key() {
  enable_gost();
  std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>> ctx(
      EVP_PKEY_CTX_new_id(NID_id_GostR3410_2012_256, nullptr));
  EVP_PKEY* key = nullptr;
  check(ctx && EVP_PKEY_keygen_init(ctx.get()) == 1 &&
            EVP_PKEY_CTX_ctrl_str(ctx.get(), "paramset", "A") > 0 &&
            EVP_PKEY_keygen(ctx.get(), &key) == 1,
        "make a GOST R 34.10-2012 key");
  return PkeyPtr(key);
}

}  // namespace jp
