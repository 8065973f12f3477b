#include "archive/signing_key.h"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "helpers.h"

using namespace jp;
using jp::test::temp_path;
namespace fs = std::filesystem;

TEST_CASE("keys: the PIN comes from a file or the environment, never from nowhere",
          "[signing_key]") {
  auto dir = temp_path("keys-pin");
  fs::create_directories(dir);
  std::ofstream(dir / "pin") << "123456\r\nsecond line\n";
  std::ofstream(dir / "empty") << "\n";
  CHECK(read_pin((dir / "pin").string()) == "123456");
  CHECK_THROWS_WITH(
      read_pin((dir / "empty").string()),
      (dir / "empty").string() + ": expected the token's PIN on the first line, found none");
  CHECK_THROWS_WITH(read_pin((dir / "missing").string()),
                    "cannot read the PIN file (--pin-file) " + (dir / "missing").string() +
                        ": cannot read the file: No such file or directory");
  unsetenv("JOURNALPRESS_PIN");
  CHECK_THROWS_WITH(read_pin(""),
                    "the signing key is on a token: give its PIN with --pin-file FILE or the "
                    "environment variable JOURNALPRESS_PIN (never on the command line)");
  setenv("JOURNALPRESS_PIN", "9999", 1);
  CHECK(read_pin("") == "9999");
  CHECK(read_pin((dir / "pin").string()) == "123456");  // the file wins
  unsetenv("JOURNALPRESS_PIN");
  fs::remove_all(dir);
}

TEST_CASE("keys: a token key's mistakes are named before any engine starts", "[signing_key]") {
  CHECK_THROWS_WITH(load_signing_key({"pkcs11:token=a;object=b;pin-value=1234", "", "", ""}),
                    Catch::StartsWith("--sign-key: the PKCS#11 URI holds the PIN (pin-value)"));
  CHECK_THROWS_WITH(load_signing_key({"pkcs11:token=a;object=b", "/nonexistent/module.so", "", ""}),
                    Catch::StartsWith("--pkcs11-module /nonexistent/module.so: no such file "
                                      "(expected the token's PKCS#11 module"));
  setenv("JOURNALPRESS_PIN", "1234", 1);
  CHECK_THROWS_WITH(load_signing_key({"key-1", "", "", "no-such-engine"}),
                    Catch::StartsWith("--sign-engine no-such-engine: OpenSSL cannot load this "
                                      "engine (expected an engine id such as pkcs11 or the path "
                                      "of the vendor's engine .so)"));
  unsetenv("JOURNALPRESS_PIN");
}
