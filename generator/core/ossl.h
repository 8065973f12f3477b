// Small OpenSSL 3 helpers shared by the modules that use it (secrets, sign): owning
// pointers and the error text of the last failed call.
#pragma once

#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace jp::ossl {

template <class T, void (*F)(T*)>
struct Deleter {
  void operator()(T* p) const { F(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using CmsPtr = std::unique_ptr<CMS_ContentInfo, Deleter<CMS_ContentInfo, CMS_ContentInfo_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Deleter<X509_STORE, X509_STORE_free>>;
inline void free_x509_stack(STACK_OF(X509) * s) { sk_X509_pop_free(s, X509_free); }
using X509StackPtr = std::unique_ptr<STACK_OF(X509), Deleter<STACK_OF(X509), free_x509_stack>>;

/// The text of OpenSSL's oldest queued error (and clears the queue).
inline std::string error_text() {
  unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "no details";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

inline void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL could not ") + what + ": " + error_text());
}

/// The DER encoding of `obj` by OpenSSL's i2d function `encode` (i2d_X509, ...); `what` for
/// the error.
template <class T>
std::string to_der(const T* obj, int (*encode)(const T*, unsigned char**), const char* what) {
  unsigned char* der = nullptr;
  int n = encode(obj, &der);
  check(n > 0, what);
  std::string r(reinterpret_cast<char*>(der), size_t(n));
  OPENSSL_free(der);
  return r;
}

}  // namespace jp::ossl
