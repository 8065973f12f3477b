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

TEST_CASE("keys: access tokens are 128 bits, keyed, and change with the epoch") {
  std::string key(32, 'k'), other(32, 'o');
  std::string t = access_token(key, "s1", "g1", 1);
  CHECK(t.size() == 32);
  CHECK(t.find_first_not_of("0123456789abcdef") == std::string::npos);
  CHECK(t == access_token(key, "s1", "g1", 1));
  CHECK(t != access_token(key, "s1", "g1", 2));
  CHECK(t != access_token(key, "s1", "g2", 1));
  CHECK(t != access_token(key, "s2", "g1", 1));
  CHECK(t != access_token(other, "s1", "g1", 1));
  // Length-prefixed fields: moving a character between school and guardian changes the token.
  CHECK(access_token(key, "s1", "1g", 1) != access_token(key, "s11", "g", 1));
  CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("keys: the site key is private, read back, and not replaced by accident") {
  auto dir = temp_path("key");
  fs::create_directories(dir);
  std::string path = (dir / "site.key").string();
  write_site_key(path, false);
  CHECK(fs::status(path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(read_site_key(path).size() == 32);
  CHECK_THROWS_WITH(write_site_key(path, false),
                    path +
                        " exists; a new site key changes every family's address, so it is not "
                        "replaced without --force");
  std::ofstream(dir / "bad.key") << "not a key\n";
  CHECK_THROWS_WITH(
      read_site_key((dir / "bad.key").string()),
      (dir / "bad.key").string() +
          ": expected a site key of 64 lowercase hex digits (made by `journalpress keygen`)");
  fs::remove_all(dir);
}

TEST_CASE("keys: a leftover site.key.tmp, file or link, neither leaks the key nor is followed") {
  auto dir = temp_path("key-tmp");
  fs::create_directories(dir);
  std::string path = (dir / "site.key").string();
  // A crashed run's leftover, readable by all: O_TRUNC used to keep its 0644.
  std::ofstream(path + ".tmp") << "old";
  fs::permissions(path + ".tmp", fs::perms(0644));
  write_site_key(path, false);
  CHECK(fs::status(path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(!fs::exists(path + ".tmp"));
  // A planted link: the key must not be written where it points.
  std::ofstream(dir / "elsewhere") << "untouched";
  fs::create_symlink(dir / "elsewhere", path + ".tmp");
  write_site_key(path, true);
  CHECK(slurp(dir / "elsewhere") == "untouched");
  CHECK(fs::is_regular_file(fs::symlink_status(path)));
  CHECK(fs::status(path).permissions() == (fs::perms::owner_read | fs::perms::owner_write));
  CHECK(read_site_key(path).size() == 32);
  fs::remove_all(dir);
}
