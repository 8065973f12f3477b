#include "archive/tsa.h"

#include <catch2/catch.hpp>

using namespace jp;

TEST_CASE("tsa: a TSA that cannot answer is named with what was expected", "[tsa]") {
  CHECK_THROWS_WITH(request_timestamp({"https://tsa.example/", "", 5}, "x"),
                    Catch::StartsWith("--tsa https://tsa.example/: expected an http:// address"));
  // Port 1 on the loopback: nothing listens there (OpenSSL retries until the timeout).
  CHECK_THROWS_WITH(request_timestamp({"http://127.0.0.1:1/", "", 1}, "x"),
                    Catch::StartsWith("--tsa http://127.0.0.1:1/: no time-stamp reply (expected "
                                      "an RFC 3161 time-stamping authority answering "
                                      "application/timestamp-reply within 1 s)"));
}

TEST_CASE("tsa: a token that is not one is reported as such", "[tsa]") {
  auto r = check_timestamp("not a token", "x", "");
  CHECK_FALSE(r.ok);
  CHECK(r.problem == "the time-stamp token is not an RFC 3161 token");
  CHECK(timestamp_certificates("junk").empty());
}
