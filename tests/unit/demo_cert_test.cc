#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "archive/demo_cert.h"
#include "core/hash.h"
#include "core/keys.h"
#include "helpers.h"

using namespace jp;
using jp::test::slurp;
using jp::test::temp_path;
namespace fs = std::filesystem;

TEST_CASE("demo_cert: the demonstration signer is a matching key and self-signed certificate") {
  auto dir = temp_path("signer");
  fs::create_directories(dir);
  auto key_path = (dir / "sign.key.pem").string(), cert_path = (dir / "sign.cert.pem").string();
  write_demo_signer(key_path, cert_path, 30);
  CHECK(fs::status(key_path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  FILE* kf = std::fopen(key_path.c_str(), "r");
  FILE* cf = std::fopen(cert_path.c_str(), "r");
  REQUIRE(kf);
  REQUIRE(cf);
  EVP_PKEY* key = PEM_read_PrivateKey(kf, nullptr, nullptr, nullptr);
  X509* cert = PEM_read_X509(cf, nullptr, nullptr, nullptr);
  std::fclose(kf);
  std::fclose(cf);
  REQUIRE(key);
  REQUIRE(cert);
  CHECK(X509_check_private_key(cert, key) == 1);
  CHECK(X509_verify(cert, key) == 1);  // self-signed
  CHECK(X509_get_version(cert) == 2);
  CHECK(X509_cmp_current_time(X509_get0_notBefore(cert)) <= 0);
  CHECK(X509_cmp_current_time(X509_get0_notAfter(cert)) > 0);
  CHECK((X509_get_key_usage(cert) & KU_DIGITAL_SIGNATURE) != 0);
  char cn[256];
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn, sizeof cn);
  CHECK(std::string(cn) == "Демонстрационная подпись журнала");
  X509_free(cert);
  EVP_PKEY_free(key);
  fs::remove_all(dir);
}
