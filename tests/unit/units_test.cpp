// Numbers with units: one reading for filter literals and size options alike.
#include <catch2/catch.hpp>

#include "flow/error.hpp"
#include "flow/units.hpp"

using namespace flow;

TEST_CASE("units: K M G T are powers of 1000, Ki Mi Gi Ti powers of 1024", "[units]") {
  CHECK(parse_number("1500", Units::SI) == 1500u);
  CHECK(parse_number("1k", Units::SI) == 1000u);
  CHECK(parse_number("1K", Units::SI) == 1000u);
  CHECK(parse_number("10M", Units::SI) == 10'000'000u);
  CHECK(parse_number("1G", Units::SI) == 1'000'000'000u);
  CHECK(parse_number("2T", Units::SI) == 2'000'000'000'000u);
  CHECK(parse_number("64Ki", Units::SI) == 65536u);
  CHECK(parse_number("1Mi", Units::SI) == uint64_t{1} << 20);
  CHECK(parse_number("1Gi", Units::SI) == uint64_t{1} << 30);
  CHECK(parse_number("1Ti", Units::SI) == uint64_t{1} << 40);
  CHECK(parse_number("1.5G", Units::SI) == 1'500'000'000u);
  CHECK(parse_number("0.5Ki", Units::SI) == 512u);
  // A B after the number or its unit changes nothing.
  CHECK(parse_number("100B", Units::SI) == 100u);
  CHECK(parse_number("10MB", Units::SI) == 10'000'000u);
  CHECK(parse_number("64KiB", Units::SI) == 65536u);
}

TEST_CASE("units: size options read sizes as the filter reads numbers", "[units]") {
  CHECK(parse_size("1G") == 1'000'000'000u);
  CHECK(parse_size("1Gi") == uint64_t{1} << 30);
  CHECK(parse_size("64Mi") == uint64_t{64} << 20);
  CHECK(parse_size("4M") == 4'000'000u);
  CHECK(parse_size("512k") == 512'000u);
  CHECK(parse_size("100000") == 100'000u);
  for (const char* s : {"1G", "64Ki", "1.5M", "100B"}) CHECK(parse_size(s) == parse_number(s, Units::SI));
}

TEST_CASE("units: overflow is an error, never a wrap", "[units]") {
  CHECK(parse_number("18446744073709551615", Units::SI) == UINT64_MAX);
  CHECK_FALSE(parse_number("18446744073709551616", Units::SI));
  CHECK_FALSE(parse_number("99999999999999999999999", Units::SI));
  CHECK(parse_number("16777215Ti", Units::SI) == (uint64_t{16777215} << 40));
  CHECK_FALSE(parse_number("16777216Ti", Units::SI));  // 2^64
  CHECK_FALSE(parse_number("18446744073709552K", Units::SI));
  CHECK_FALSE(parse_number("30000000000000000000w", Units::Duration));
  CHECK_THROWS_AS(parse_size("16777216Ti"), UsageError);
  CHECK_THROWS_WITH(parse_size("20000000000G"), Catch::Contains("'20000000000G' is not a size"));
}

TEST_CASE("units: a bad or missing unit, or nothing at all, is no number", "[units]") {
  for (const char* s :
       {"", "G", "1X", "1g", "1KI", "1ki", "1 K", "1Kib", "1BB", "-1", "+1", "1.", ".5K", "1.5", "1.0001K", "0x10"})
    CHECK_FALSE(parse_number(s, Units::SI));
  CHECK_THROWS_AS(parse_size(""), UsageError);
  CHECK_THROWS_AS(parse_size("1X"), UsageError);
  CHECK_THROWS_WITH(parse_size("64 M"), Catch::Contains("'64 M' is not a size"));
}

TEST_CASE("units: durations in seconds", "[units]") {
  CHECK(parse_number("90", Units::Duration) == 90u);
  CHECK(parse_number("90s", Units::Duration) == 90u);
  CHECK(parse_number("5m", Units::Duration) == 300u);
  CHECK(parse_number("1.5h", Units::Duration) == 5400u);
  CHECK(parse_number("1d", Units::Duration) == 86400u);
  CHECK(parse_number("1w", Units::Duration) == 604800u);
  CHECK_FALSE(parse_number("1M", Units::Duration));
  CHECK_FALSE(parse_number("5K", Units::Duration));
}
