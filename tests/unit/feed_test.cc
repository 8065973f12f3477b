#include "site/feed.h"

#include <catch2/catch.hpp>
#include <regex>

using namespace jp;

TEST_CASE("feed: ids are RFC 9562 version 8 UUIDs of the record's names, stable", "[feed]") {
  std::string a = name_uuid("s1\nmark\nm1");
  CHECK(std::regex_match(
      a,
      std::regex("urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")));
  CHECK(a == name_uuid("s1\nmark\nm1"));
  CHECK(a != name_uuid("s1\nmark\nm2"));
  CHECK(a != name_uuid("s2\nmark\nm1"));
}
