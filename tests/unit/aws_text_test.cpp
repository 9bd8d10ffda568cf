// The AWS text reader and writer: formats, nulls, headers, errors, and byte-exact round trips.
#include <catch2/catch.hpp>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "test_util.hpp"

using namespace flow;
using namespace std::string_literals;
using test::read_error;
using test::read_rows;

namespace {
const char* kV2 =
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT "
    "OK\n";

std::string round_trip(std::string text, bool header = true) {
  WriteOptions w;
  w.header = header;
  return test::convert(std::move(text), Format::Aws, w);
}
}  // namespace

TEST_CASE("aws text: default v2 format without a header", "[aws]") {
  auto rows = read_rows(kV2);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].header == std::string(kAwsDefaultFormat));
  CHECK(rows[0].values[3] == "172.31.16.139");
  CHECK(rows[0].values[10] == "1418530010");
  CHECK(round_trip(kV2, false) == kV2);
  CHECK(round_trip(kV2) == std::string(kAwsDefaultFormat) + "\n" + kV2);
}

TEST_CASE("aws text: '-' is null for every type, distinct from zero", "[aws]") {
  auto rows = read_rows("2 123456789010 eni-1 - - - 0 - - 0 1431280876 1431280934 - NODATA\n");
  REQUIRE(rows.size() == 1);
  const auto& v = rows[0].values;
  CHECK(v[3] == "-");
  CHECK(v[5] == "-");
  CHECK(v[6] == "0");
  CHECK(v[9] == "0");
  CHECK(v[12] == "-");
}

TEST_CASE("aws text: read and written back gives the same bytes, headers included", "[aws]") {
  std::string text =
      "version vpc-id srcaddr dstaddr tcp-flags action log-status\n"
      "3 vpc-1 10.0.0.1 2001:db8::7 18 ACCEPT OK\n3 vpc-1 - - - - NODATA\n"
      "version srcaddr future-field\n5 10.0.0.9 x%2Dy\n";
  CHECK(round_trip(text) == text);
  // A header repeated unchanged is written once (flowcat concatenates).
  CHECK(round_trip("version action\n2 ACCEPT\nversion action\n2 REJECT\n") == "version action\n2 ACCEPT\n2 REJECT\n");
}

TEST_CASE("aws text writer: values AWS text cannot carry are refused, not mangled", "[aws]") {
  CHECK_THROWS_WITH(test::convert("{\"version\":2,\"interface-id\":\"A B\"}\n", Format::Aws),
                    Catch::Contains("value contains white space; AWS text cannot carry it"));
}

TEST_CASE("aws text: a header line sets the format, also mid-stream", "[aws]") {
  auto rows = read_rows("version srcaddr action\n2 10.0.0.1 ACCEPT\nversion action srcaddr\n3 REJECT ::1\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].header == "version srcaddr action");
  CHECK(rows[1].header == "version action srcaddr");
  CHECK(rows[1].values == std::vector<std::string>{"3", "REJECT", "::1"});
}

TEST_CASE("aws text: data made of identifiers is not taken for a header", "[aws]") {
  ReadOptions o;
  o.aws_schema = Schema::parse_aws("instance-id interface-id");
  auto rows = read_rows("i-01234567890123456 eni-1111aaaa2222bbbb3\n", o);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].values[0] == "i-01234567890123456");
}

TEST_CASE("aws text: --aws-format wins over a differing header, with a warning", "[aws]") {
  ReadOptions o;
  o.aws_schema = Schema::parse_aws("version srcaddr");
  std::vector<std::string> warnings;
  auto rows = read_rows("version action\n2 10.0.0.1\n", o, &warnings);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].header == "version srcaddr");
  REQUIRE(warnings.size() == 1);
  CHECK(warnings[0] == "mem:1: header line differs from --aws-format; using --aws-format");
}

TEST_CASE("aws text: numbers of every length parse exactly (8-byte fast path edges)", "[aws]") {
  ReadOptions o;
  o.aws_schema = Schema::parse_aws("bytes start");
  for (std::string n : {"0", "7", "12345678", "123456789", "1234567890123456", "12345678901234567",
                        "18446744073709551615", "00000000000000000042"}) {
    auto rows = read_rows(n + " 1700000000\n", o);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].values[0] == std::to_string(std::stoull(n)));
  }
  CHECK(read_error("18446744073709551616 1\n", o) == "mem:1: 18446744073709551616 is out of range (field bytes)");
  CHECK(read_error("12a 1\n", o) == "mem:1: '12a' is not a number (field bytes)");
  CHECK(read_error("1 -5\n", o) == "mem:1: '-5' is not a number (field start)");
}

TEST_CASE("aws text: errors name the line and the field", "[aws]") {
  std::string good = kV2;
  CHECK(read_error(good + "2 1 eni-1 10.0.0.1 10.0.0.2 1 99999 6 1 1 1 1 ACCEPT OK\n") ==
        "mem:2: 99999 is out of range (at most 65535) (field dstport)");
  CHECK(read_error("2 1 eni-1 10.0.0.1 10.0.0.300 1 2 6 1 1 1 1 ACCEPT OK\n") ==
        "mem:1: '10.0.0.300' is not an IP address (field dstaddr)");
  CHECK(read_error("2 1 eni-1 10.0.0.1 10.0.0.3 1 2 6 1 1 1 1 ACCEPT\n") ==
        "mem:1: expected 14 fields, found 13 (field log-status)");
  CHECK(read_error("2 1 eni-1 10.0.0.1 10.0.0.3 1 2 6 1 1 1 1 ACCEPT OK extra more\n") ==
        "mem:1: expected 14 fields, found 16: unexpected 'extra' after the last field (log-status)");
}

TEST_CASE("aws text: IPv4 addresses, every part length, and what is not one", "[aws]") {
  ReadOptions o;
  o.aws_schema = Schema::parse_aws("srcaddr bytes");
  for (std::string a : {"0.0.0.0", "1.2.3.4", "10.20.30.40", "100.200.250.255", "255.255.255.255", "9.99.199.0",
                        "2001:db8::1", "::ffff:10.0.0.1"}) {
    for (std::string tail : {" 5\n", " 5"}) {  // at a line's end too (no newline)
      auto rows = read_rows(a + tail, o);
      REQUIRE(rows.size() == 1);
      CHECK(rows[0].values[0] == a);
    }
  }
  for (std::string bad : {"256.1.1.1", "1.2.3.256", "01.2.3.4", "1.2.3.04", "1.2.3", "1.2.3.4.5", "1..2.3", "1.2.3.4x",
                          "1234.1.1.1", "1.2.3.", ".1.2.3", "a.b.c.d", "1.2.3.4/24"}) {
    CHECK(read_error(bad + " 5\n", o) == "mem:1: '" + bad + "' is not an IP address (field srcaddr)");
  }
  CHECK(read_error("1.2.3 4 5\n", o) == "mem:1: '1.2.3' is not an IP address (field srcaddr)");
}

TEST_CASE("aws text: with ReadOptions::fields only those are parsed, the rest must be there", "[aws]") {
  ReadOptions o;
  o.fields = std::vector<std::string>{"dstaddr", "bytes"};
  auto all = read_rows(kV2);
  auto some = read_rows(kV2, o);
  REQUIRE(some.size() == 1);
  CHECK(some[0].header == all[0].header);  // the line's schema, the other values null
  for (size_t i = 0; i < all[0].values.size(); ++i) {
    const bool wanted = i == 4 || i == 9;
    CHECK(some[0].values[i] == (wanted ? all[0].values[i] : "-"));
  }
  // A field not read is not checked; one read is; the number of fields always is.
  CHECK(read_error("2 1 eni-1 10.0.0.300 10.0.0.2 1 99999 6 1 1 1 1 ACCEPT OK\n", o) == "");
  CHECK(read_error("2 1 eni-1 10.0.0.1 10.0.0.300 1 2 6 1 1 1 1 ACCEPT OK\n", o) ==
        "mem:1: '10.0.0.300' is not an IP address (field dstaddr)");
  CHECK(read_error("2 1 eni-1 10.0.0.1 10.0.0.3 1 2 6 1 1 1 1 ACCEPT\n", o) ==
        "mem:1: expected 14 fields, found 13 (field log-status)");
  CHECK(read_error("2 1 eni-1 10.0.0.1 10.0.0.3 1 2 6 1 1 1 1 ACCEPT OK extra\n", o) ==
        "mem:1: expected 14 fields, found 15: unexpected 'extra' after the last field (log-status)");
  // Long fields (past a word) and none wanted at all.
  std::string longer =
      "2 123456789012345678901234 eni-1235b8ca123456789abcdef0123 1.1.1.1 2.2.2.2 1 2 6 1 77 1 1 ACCEPT OK";
  for (std::string end : {"\n", ""}) {
    auto rows = read_rows(longer + end, o);
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].values[4] == "2.2.2.2");
    CHECK(rows[0].values[9] == "77");
  }
  o.fields = std::vector<std::string>{};
  CHECK(read_rows(longer + "\n" + kV2, o).size() ==
        2);  // flowcat --count: no field wanted, every field checked all the same.
  o.check_every_field = true;
  CHECK(read_error("2 1 eni-1 10.0.0.300 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n", o) ==
        "mem:1: '10.0.0.300' is not an IP address (field srcaddr)");
}

TEST_CASE("aws text: after a bad line the reader goes on with the next", "[aws]") {
  auto reader = aws_text_reader(std::make_unique<InputStream>(memory_source(std::string("2 x\n") + kV2), "mem"), {});
  Record r;
  CHECK_THROWS_AS(reader->next(r), DataError);
  REQUIRE(reader->next(r));
  CHECK(r.line == 2);
  CHECK_FALSE(reader->next(r));
}

TEST_CASE("aws text: tolerated oddities are read and warned about once per input", "[aws]") {
  std::vector<std::string> warnings;
  auto rows = read_rows(
      "\n2 1 eni-1  10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\r\n   \n2 1 eni-1 10.0.0.1  10.0.0.2 1 2 6 1 1 1 1 "
      "ACCEPT OK",
      {}, &warnings);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].values[4] == "10.0.0.2");
  REQUIRE(warnings.size() == 3);
  CHECK(warnings[0] == "mem:2: line ends in CR (Windows line ending); the CR is dropped");
  CHECK(warnings[1] == "mem:2: runs of spaces between fields (read as one)");
  CHECK(warnings[2] == "mem: 2 lines in all: runs of spaces between fields (read as one) (first at line 2)");
}

TEST_CASE("aws text: long lines across buffer refills and a last line without newline", "[aws]") {
  std::string big;
  for (int i = 0; i < 20000; ++i) big += kV2;
  big += std::string(kV2).substr(0, std::string(kV2).size() - 1);
  auto rows = read_rows(big);
  CHECK(rows.size() == 20001);
  CHECK(rows.back().values.back() == "OK");
}

TEST_CASE("aws text: a header naming a field twice ends the input, with file and line", "[aws]") {
  std::string text = std::string(kV2) + "version srcaddr srcaddr\n2 10.0.0.1 10.0.0.2\n" + kV2;
  auto reader = aws_text_reader(std::make_unique<InputStream>(memory_source(text), "mem"), {});
  Record r;
  REQUIRE(reader->next(r));
  try {
    reader->next(r);
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(e.fatal);
    CHECK(e.message() ==
          "mem:2: bad header line: field 'srcaddr' appears twice in the format; the lines after it are not read");
  }
}

TEST_CASE("aws text: a bad line holding control characters is called binary data, shown escaped", "[aws]") {
  CHECK(read_error("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n\x89PNG\x1a\x00\x1b[2J x\n"s) ==
        "mem:2: binary data, not text (byte 0x1a at column 5): is this a flow log?");
  // Without control characters the field is named as usual; bytes that are not UTF-8 are escaped.
  CHECK(read_error("\xff\xfe 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n") ==
        "mem:1: '\\xff\\xfe' is not a number (field version)");
  // A control character in a string field is no part of a name: the field is named.
  CHECK(read_error("2 1 eni-\x01 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n"s) ==
        "mem:1: 'eni-\\x01' holds a control character (byte 0x01 at column 9) (field interface-id)");
  CHECK(read_error("2 1 eni-\x00x 10.0.0.1 10.0.0.2 1 2 6 1 1 1 1 ACCEPT OK\n"s) ==
        "mem:1: 'eni-\\x00x' holds a control character (byte 0x00 at column 9) (field interface-id)");
}

TEST_CASE("printable: control characters and bytes outside UTF-8 become \\xNN, text stays", "[aws]") {
  CHECK(printable("plain ASCII: a-z 0-9 ~") == "plain ASCII: a-z 0-9 ~");
  CHECK(printable("ünïcödé → ✓ 𝄞") == "ünïcödé → ✓ 𝄞");
  CHECK(printable("tab\tnl\ncr\rnul\0esc\x1b[2J del\x7f"s) == "tab\\x09nl\\x0acr\\x0dnul\\x00esc\\x1b[2J del\\x7f");
  CHECK(printable("\xff\xc3(\xe2\x82\xf0\x9f\x98") ==
        "\\xff\\xc3(\\xe2\\x82\\xf0\\x9f\\x98");  // lone and cut sequences
  CHECK(printable("\xc0\xaf \xed\xa0\x80 \xf4\x90\x80\x80") ==
        "\\xc0\\xaf \\xed\\xa0\\x80 \\xf4\\x90\\x80\\x80");  // overlong, surrogate, above U+10FFFF
}
