// Addresses, prefixes and command-line times.
#include <catch2/catch.hpp>

#include "flow/error.hpp"
#include "flow/ip.hpp"
#include "flow/time.hpp"

using namespace flow;

TEST_CASE("ip: IPv4 and IPv6 text round-trips in canonical form", "[ip]") {
  for (const char* t : {"0.0.0.0", "10.0.0.1", "255.255.255.255", "172.31.16.139", "::", "::1", "2001:db8::1",
                        "2001:db8:1234:a100:8d6e:3477:df66:f105", "fe80::1:2", "::ffff:10.0.0.1"}) {
    auto ip = parse_ip(t);
    REQUIRE(ip);
    CHECK(to_string(*ip) == t);
  }
  CHECK(parse_ip("10.0.0.1")->v4_value() == 0x0A000001u);
  CHECK(to_string(*parse_ip("2001:DB8:0:0:0:0:0:1")) == "2001:db8::1");
}

TEST_CASE("ip: rejects what is not an address", "[ip]") {
  for (const char* t :
       {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", "1.2.3.4 ", "a.b.c.d", "1..2.3", ":::", "2001:db8::g", "-"})
    CHECK_FALSE(parse_ip(t));
}

TEST_CASE("cidr: membership for IPv4 and IPv6, families never mix", "[ip]") {
  auto c = *parse_cidr("10.0.0.0/8");
  CHECK(c.contains(*parse_ip("10.255.0.1")));
  CHECK_FALSE(c.contains(*parse_ip("11.0.0.1")));
  CHECK_FALSE(c.contains(*parse_ip("::a00:1")));
  auto c6 = *parse_cidr("2001:db8::/33");
  CHECK(c6.contains(*parse_ip("2001:db8:7fff::1")));
  CHECK_FALSE(c6.contains(*parse_ip("2001:db8:8000::1")));
  CHECK(parse_cidr("1.2.3.4")->bits == 32);
  CHECK_FALSE(parse_cidr("1.2.3.4/33"));
  CHECK_FALSE(parse_cidr("1.2.3.4/"));
}

TEST_CASE("time: epoch, ISO 8601 with offsets, and relative to now", "[time]") {
  const int64_t now = 1'700'000'000;
  CHECK(parse_time("1700000000", "t", now) == 1'700'000'000);
  CHECK(parse_time("2023-11-14", "t", now) == 1'699'920'000);
  CHECK(parse_time("2023-11-14T22:13:20Z", "t", now) == 1'700'000'000);
  CHECK(parse_time("2023-11-14 22:13", "t", now) == 1'699'999'980);
  CHECK(parse_time("2023-11-15T00:13:20+02:00", "t", now) == 1'700'000'000);
  CHECK(parse_time("now", "t", now) == now);
  CHECK(parse_time("now-1h", "t", now) == now - 3600);
  CHECK(parse_time("now+2d", "t", now) == now + 2 * 86400);
  CHECK(parse_time("1970-01-01", "t", now) == 0);
  CHECK(format_time(1'700'000'000) == "2023-11-14T22:13:20Z");
  for (const char* bad :
       {"", "yesterday", "2023-13-01", "2023-11-14T25:00", "now-1", "now-h", "now*1h", "2023-11-14Tx"})
    CHECK_THROWS_AS(parse_time(bad, "--since", now), UsageError);
  CHECK_THROWS_WITH(parse_time("soon", "--until", now),
                    "--until: 'soon' is not a time (try 1700000000, 2024-03-01T12:00:00Z or now-1h)");
}
