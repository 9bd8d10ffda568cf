// The filter expression language: parsing, every error message's shape, evaluation on every field
// type with nulls and IPv6, and prefix sets checked against brute force.
#include <catch2/catch.hpp>

#include <fstream>
#include <random>

#include "flow/error.hpp"
#include "flow/filter.hpp"
#include "flow/format.hpp"
#include "flow/ipset.hpp"
#include "formats/binary_writer.hpp"
#include "test_util.hpp"

using namespace flow;

namespace {

// Six records (line numbers 2..7) covering IPv4 and IPv6, nulls, NAT, flags and a NODATA record.
const char* kFlows =
    "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id tcp-flags "
    "pkt-srcaddr flow-direction\n"
    "5 10.0.1.5 10.0.2.7 40000 22 6 10 4000 1700000000 1700000060 ACCEPT OK vpc-1 2 10.0.1.5 ingress\n"
    "5 203.0.113.9 10.0.1.5 51515 3389 6 1 40 1700000100 1700000100 REJECT OK vpc-1 2 203.0.113.9 ingress\n"
    "5 2001:db8::5 2001:db8::7 443 50000 6 20 2000000 1700000000 1700000600 ACCEPT OK - 19 2001:db8::5 egress\n"
    "5 10.0.2.7 198.51.100.1 123 123 17 2 152 1700003600 1700003660 ACCEPT OK vpc-2 - 172.16.0.9 egress\n"
    "5 - - - - - - - 1700000000 1700000060 - NODATA vpc-1 - - -\n"
    "5 10.0.1.5 10.0.1.6 0 0 1 4 336 1700000000 1700000060 REJECT OK vpc-1 0 10.0.1.5 ingress\n";

/// The records of AWS text in the binary format, in blocks of `block` records.
std::string to_binary(const std::string& text, uint32_t block) {
  return test::rewrite(text, [&](Output& out) { return bin::binary_writer(out, block); });
}

FilterSettings settings() {
  FilterSettings s;
  s.now = 1700003700;
  return s;
}

/// The input lines (2..7) of the records the expression selects.
std::vector<uint64_t> lines(const std::string& expr, const std::string& data = kFlows) {
  auto f = Filter::compile(expr, settings());
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(data), "mem"), {});
  std::vector<uint64_t> out, nth;  // lines; and which records (0, 1, ...)
  Record r;
  for (uint64_t n = 0; reader->next(r); ++n)
    if (f.match(r)) out.push_back(r.line), nth.push_back(n);
  // The same records in the binary format, matched a batch of columns at a time (blocks of 2
  // and 1000 records): the same records.
  for (uint32_t block : {2u, 1000u}) {
    auto bin = open_reader(std::make_unique<InputStream>(memory_source(to_binary(data, block)), "mem"), {});
    std::vector<uint64_t> by_columns;
    ColumnBatch c;
    std::vector<uint8_t> keep;
    for (uint64_t n = 0; bin->next_columns(c); n += c.rows) {
      keep.assign(c.rows, 2);
      f.match(c, keep.data());
      for (size_t i = 0; i < c.rows; ++i)
        if (keep[i] == 1) by_columns.push_back(n + i);
        else REQUIRE(keep[i] == 0);
    }
    CHECK(by_columns == nth);
  }
  return out;
}

using L = std::vector<uint64_t>;

std::string error(const std::string& expr) {
  try {
    Filter::compile(expr, settings());
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("filter: comparisons on uint fields, with names and units", "[filter]") {
  CHECK(lines("dstport == 22") == L{2});
  CHECK(lines("dstport = ssh") == L{2});
  CHECK(lines("dstport != 22") == L{3, 4, 5, 7});  // NODATA (6): null, so false
  CHECK(lines("protocol == udp") == L{5});
  CHECK(lines("protocol == TCP and packets >= 10") == L{2, 4});
  CHECK(lines("bytes > 1M") == L{4});
  CHECK(lines("bytes > 1.5M") == L{4});
  CHECK(lines("bytes >= 2Mi") == L{});
  CHECK(lines("bytes >= 2MiB") == L{});
  CHECK(lines("bytes == 40B") == L{3});
  CHECK(lines("bytes < 4K") == L{3, 5, 7});
  CHECK(lines("22 == dstport") == L{2});  // literal on the left: mirrored
  CHECK(lines("1000 < bytes") == L{2, 4});
}

TEST_CASE("filter: sets, ranges and @file", "[filter]") {
  CHECK(lines("dstport in {22, 3389, 8000..8999}") == L{2, 3});
  CHECK(lines("dstport in 1..1024") == L{2, 5});
  CHECK(lines("dstport in {1, 2, 3, 4, 5, 6, 7, 8, 9, 22, 3389}") == L{2, 3});  // > 8 ranges: searched
  CHECK(lines("packets in {0..1, 10..18446744073709551615}") == L{2, 3, 4});    // ends at 2^64 - 1
  CHECK(lines("dstport not in {22, 3389}") == L{4, 5, 7});
  CHECK(lines("not dstport in {22, 3389}") == L{4, 5, 6, 7});  // not: null records too
  CHECK(lines("action in {accept}") == L{2, 4, 5});
  CHECK(lines("vpc-id in {vpc-2, \"vpc-9\"}") == L{5});
  char path[] = "/tmp/flow-filter-list-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  std::ofstream(path) << "# blocklist\n203.0.113.0/24\n\n2001:db8::/125   # a comment\n198.51.100.0/25\n";
  CHECK(lines(std::string("srcaddr in @") + path) == L{3, 4});
  CHECK(lines(std::string("addr in @") + path) == L{3, 4, 5});
  std::ofstream(path) << "10.0.0.0/8\nnot-a-prefix\n";
  CHECK_THAT(error(std::string("srcaddr in @") + path),
             Catch::Contains(std::string(path) + ":2: 'not-a-prefix' is not an address or prefix for srcaddr"));
  unlink(path);
}

TEST_CASE("filter: addresses, prefixes and IPv6, either side with addr and port", "[filter]") {
  CHECK(lines("srcaddr == 10.0.1.5") == L{2, 7});
  CHECK(lines("srcaddr in 10.0.0.0/8") == L{2, 5, 7});
  CHECK(lines("srcaddr == 10.0.0.0/8") == L{2, 5, 7});
  CHECK(lines("srcaddr != 10.0.0.0/8") == L{3, 4});
  CHECK(lines("dstaddr in 2001:db8::/32") == L{4});
  CHECK(lines("srcaddr == 2001:db8::5") == L{4});
  CHECK(lines("srcaddr > 10.0.1.5 and srcaddr < 10.0.3.0") == L{5});
  CHECK(lines("srcaddr in 10.0.1.0..10.0.1.255") == L{2, 7});
  CHECK(lines("addr == 10.0.1.5") == L{2, 3, 7});
  CHECK(lines("addr != 10.0.1.5") == L{4, 5});  // neither side; NODATA has no address
  CHECK(lines("port == 443") == L{4});
  CHECK(lines("port in {123}") == L{5});
  CHECK(lines("srcaddr == pkt-srcaddr") == L{2, 3, 4, 7});
  CHECK(lines("srcaddr != pkt-srcaddr") == L{5});
}

TEST_CASE("filter: strings, globs, enumerations, flags, nulls", "[filter]") {
  CHECK(lines("action == REJECT") == L{3, 7});
  CHECK(lines("action == \"reject\"") == L{3, 7});
  CHECK(lines("log-status == nodata") == L{6});
  CHECK(lines("vpc-id == \"vpc-*\"") == L{2, 3, 5, 6, 7});
  CHECK(lines("vpc-id == vpc-?") == L{2, 3, 5, 6, 7});
  CHECK(lines("vpc-id != \"*1\"") == L{5});
  CHECK(lines("vpc-id is null") == L{4});
  CHECK(lines("tcp-flags is not null and tcp-flags has SYN") == L{2, 3, 4});
  CHECK(lines("tcp-flags has SYN-ACK") == L{4});
  CHECK(lines("tcp-flags has SYN+FIN") == L{4});
  CHECK(lines("tcp-flags == 0") == L{7});
  CHECK(lines("flow-direction == egress") == L{4, 5});
  CHECK(lines("action is null") == L{6});
  CHECK(lines("${vpc-id} == vpc-2") == L{5});
  CHECK(lines("${no-such-column} is null") == L{2, 3, 4, 5, 6, 7});  // absent: null
  CHECK(lines("reject-reason is null") == L{2, 3, 4, 5, 6, 7});      // not in this format
}

TEST_CASE("filter: times, computed values, boolean structure", "[filter]") {
  CHECK(lines("start >= 2023-11-14T23:00:00Z") == L{5});
  CHECK(lines("start < 1700000100") == L{2, 4, 6, 7});
  CHECK(lines("start == 1700000100000") == L{3});  // 13 digits: milliseconds, as in records
  CHECK(lines("start >= now-1h") == L{3, 5});      // now = 1700003700
  CHECK(lines("start in 1700000000..1700000100") == L{2, 3, 4, 6, 7});
  CHECK(lines("duration >= 10m") == L{4});
  CHECK(lines("duration == 0") == L{3});
  CHECK(lines("bytes-per-packet > 300") == L{2, 4});
  CHECK(lines("bits-per-second > 20K") == L{4});    // 2,000,000 B * 8 / 600 s
  CHECK(lines("packets-per-second >= 1") == L{3});  // one packet in a zero-length window: 1 s
}

TEST_CASE("filter: and, or, not, precedence and parentheses", "[filter]") {
  CHECK(lines("action == REJECT or dstport == 22 and protocol == tcp") == L{2, 3, 7});
  CHECK(lines("(action == REJECT or dstport == 22) and protocol == icmp") == L{7});
  CHECK(lines("not (action == REJECT)") == L{2, 4, 5, 6});
  CHECK(lines("! action == REJECT && dstport < 100 || protocol == udp") == L{2, 5});
  CHECK(lines("true") == L{2, 3, 4, 5, 6, 7});
  CHECK(lines("false or log-status == NODATA  # only the idle windows") == L{6});
  // Over columns, a node that goes a column at a time runs first; the others (computed values,
  // two fields) then only on the rows still open. The same answers.
  CHECK(lines("duration >= 10m or action == REJECT") == L{3, 4, 7});
  CHECK(lines("bytes-per-packet > 300 and protocol == tcp") == L{2, 4});
  CHECK(lines("srcaddr == pkt-srcaddr and dstport == 22") == L{2});
  CHECK(lines("not (duration == 0 or srcaddr != pkt-srcaddr)") == L{2, 4, 6, 7});
  CHECK(lines("reject-reason == x or not (false and dstport == 22)") == L{2, 3, 4, 5, 6, 7});
}

TEST_CASE("filter: addresses of different families are never ordered", "[filter]") {
  CHECK(lines("srcaddr > 1.0.0.0") == L{2, 3, 5, 7});
  CHECK(lines("srcaddr < ::ffff") == L{});
  CHECK(lines("srcaddr != 2001:db8::5") == L{2, 3, 5, 7});
}

TEST_CASE("filter: every mistake points at its place and says what was expected", "[filter]") {
  // The whole message for the one the issue names; the first line of the others.
  CHECK(error("dst_port == 22") ==
        "expression:1:1: unknown field 'dst_port' \xe2\x80\x94 did you mean 'dstport'?\n  dst_port == 22\n  ^~~~~~~~");
  auto first = [](const std::string& e) { return error(e).substr(0, error(e).find('\n')); };
  CHECK(first("") == "expression:1:1: empty expression");
  CHECK(first("srcadr in 10.0.0.0/8") == "expression:1:1: unknown field 'srcadr' \xe2\x80\x94 did you mean 'srcaddr'?");
  CHECK(
      first("frobnicate == 1") ==
      "expression:1:1: unknown field 'frobnicate' (flow-formats(5) lists the fields; ${name} names any other column)");
  CHECK(first("dstport") ==
        "expression:1:8: expected an operator after 'dstport' (==, !=, <, <=, >, >=, in, not in, is null, has), got "
        "end of expression");
  CHECK(first("dstport ==") == "expression:1:11: expected a value after '=='");
  CHECK(first("dstport == 22 22") ==
        "expression:1:15: unexpected '22' after a complete expression (missing 'and' or 'or'?)");
  CHECK(first("(dstport == 22") == "expression:1:15: expected ')' to close the '(' at column 1, got end of expression");
  CHECK(first("()") == "expression:1:2: empty parentheses");
  CHECK(first("dstport == 70000") == "expression:1:12: 70000 is out of range for dstport (at most 65535)");
  CHECK(first("protocol == tcpp") ==
        "expression:1:13: 'tcpp' is not a value of protocol (expected tcp, udp, icmp, icmpv6, gre, esp, or a number "
        "0-255)");
  CHECK(first("bytes > packts") ==
        "expression:1:9: 'packts' is neither a value of bytes nor a field \xe2\x80\x94 did you mean 'packets'?");
  CHECK(first("bytes > 10X") ==
        "expression:1:9: '10X' is not a value of bytes (expected a number such as 1500, 10K, 10M, 1.5G, 64Ki)");
  CHECK(first("duration > 5q") ==
        "expression:1:12: '5q' is not a value of duration (expected seconds, or 90s, 5m, 2h, 1d)");
  CHECK(first("action == REJECTED") ==
        "expression:1:11: 'REJECTED' is not a value of action (expected ACCEPT, REJECT)");
  CHECK(first("start > yesterday") ==
        "expression:1:9: 'yesterday' is not a time (expected 1700000000, 2024-03-01T12:00:00Z, 2024-03-01 or now-1h)");
  CHECK(first("srcaddr == 10.0.0.300") ==
        "expression:1:12: '10.0.0.300' is not an address for srcaddr (expected e.g. 10.0.0.1 or 2001:db8::1)");
  CHECK(first("srcaddr in 10.0.0.0/33") ==
        "expression:1:12: '10.0.0.0/33' is not an address or prefix for srcaddr (expected e.g. 10.0.0.0/8 or "
        "2001:db8::/32)");
  CHECK(first("srcaddr in 10.0.0.9..10.0.0.1") ==
        "expression:1:12: '10.0.0.9..10.0.0.1' is not an address range (both ends of one family, low to high)");
  CHECK(first("srcaddr < 10.0.0.0/8") == "expression:1:11: '<' orders addresses; a prefix takes ==, != or in");
  CHECK(first("vpc-id > \"vpc-*\"") == "expression:1:10: a glob pattern takes == or !=, not '>'");
  CHECK(first("dstport in {}") == "expression:1:13: empty set");
  CHECK(first("dstport in {22 80}") == "expression:1:16: expected ',' or '}' in the set, got 80");
  CHECK(first("dstport in {9000..8000}") == "expression:1:13: empty range 9000..8000: the end comes before the start");
  CHECK(first("dstport in (22)") ==
        "expression:1:12: expected a set after 'in' ({22, 80}, 10.0.0.0/8, 1024..65535 or @file), got (");
  CHECK(first("dstport in @/no/such/file") == "expression:1:12: cannot read /no/such/file: No such file or directory");
  CHECK(first("vpc-id is nul") == "expression:1:11: expected 'null' after 'is', got nul");
  CHECK(first("srcaddr has SYN") ==
        "expression:1:9: 'has' tests flag bits of a number field such as tcp-flags, not srcaddr");
  CHECK(first("srcaddr == dstport") == "expression:1:9: cannot compare srcaddr (ip) with dstport (uint)");
  CHECK(first("start < bytes") == "expression:1:7: cannot compare start (time) with bytes (uint)");
  CHECK(first("addr == pkt-srcaddr") == "expression:1:6: addr stands for either side and compares with values only");
  CHECK(first("22 == 23") == "expression:1:1: expected a field name, got 22");
  CHECK(first("srcaddr == 'x") == "expression:1:12: unterminated string: add the closing '");
  CHECK(first("dstport == 22 & x") == "expression:1:15: '&' is not an operator: use 'and' (or '&&')");
  CHECK(first("dstport == 22 ; x") == "expression:1:15: unexpected character ';'");
  CHECK(first("${} == 1") == "expression:1:1: empty field reference");
  CHECK(first("dstport in 1024..") == "expression:1:12: '1024..': a range needs both ends, e.g. 1024..65535");
  CHECK(first("dstport in {..80}") == "expression:1:13: '..80': a range needs both ends, e.g. 1024..65535");
  CHECK(first("packets == 1.0001K") ==
        "expression:1:12: '1.0001K' is not a value of packets (expected a number such as 1500, 10K, 10M, 1.5G, 64Ki)");
  CHECK(first("10.0.0.0/8 < srcaddr") == "expression:1:1: '<' orders addresses; a prefix takes ==, != or in");
  CHECK(first("interface-id == \xe2\x80\x9c"
              "eni-1\xe2\x80\x9d") ==
        "expression:1:17: unexpected character '\xe2\x80\x9c' (use ASCII quotes \" or ' and hyphens -)");
  CHECK(first(std::string(300, '(') + "dstport == 22" + std::string(300, ')')) ==
        "expression:1:257: nested more than 256 deep");
  CHECK(first(std::string(100000, '!') + "dstport == 22") == "expression:1:257: nested more than 256 deep");
  // Multi-line expressions (-f files): line and column of the mistake, that line shown.
  FilterSettings s = settings();
  s.source = "rules.expr";
  try {
    Filter::compile("# rejected SSH\naction == REJECT and\n\tdstprot == 22\n", s);
    FAIL("no error");
  } catch (const UsageError& e) {
    CHECK(std::string(e.what()) ==
          "rules.expr:3:2: unknown field 'dstprot' \xe2\x80\x94 did you mean 'dstport'?\n   dstprot == 22\n   ^~~~~~~");
  }
}

TEST_CASE("filter: an unclosed parenthesis is placed by line and column in a file", "[filter]") {
  FilterSettings s = settings();
  s.source = "p.expr";
  CHECK_THROWS_WITH(
      Filter::compile("action == ACCEPT\n  and (dstport == 22\n", s),
      Catch::StartsWith("p.expr:3:1: expected ')' to close the '(' at line 2, column 7, got end of expression"));
}

TEST_CASE("filter: bits-per-second does not wrap for huge byte counts", "[filter]") {
  const std::string data = "version bytes start end\n5 2305843009213693952 1700000000 1700000001\n";
  CHECK(lines("bits-per-second == 0", data) == L{});
  CHECK(lines("bits-per-second == 18446744073709551615", data) == L{2});  // saturated
}

TEST_CASE("filter: fields() names what the expression reads, computed values included", "[filter]") {
  auto f = Filter::compile("action == REJECT and bits-per-second > 1M or ${x} is null", settings());
  CHECK(f.fields() == std::vector<std::string>{"action", "bytes", "start", "end", "x"});
}

TEST_CASE("filter: ${name} takes the type its input gives it", "[filter]") {
  // Text until the input says otherwise: a binary or JSON input, or flowjoin's and flowagg's
  // output, may carry it as a number or an address; the expression is compiled again for that.
  auto schema = std::make_shared<Schema>(
      std::vector<Column>{{"n", Type::UInt, std::nullopt}, {"private-ip", Type::Ip, std::nullopt}});
  Record r;
  r.reset(schema);
  r.values[0].set_uint(1300);
  r.values[1].set_ip(*parse_ip("10.0.16.5"));
  auto match = [&](const char* expr) { return Filter::compile(expr, settings()).match(r); };
  CHECK(match("${n} == 1300"));
  CHECK(match("${n} > 1K"));
  CHECK_FALSE(match("${n} > 2K"));
  CHECK(match("${private-ip} in 10.0.16.0/20"));
  CHECK_FALSE(match("${private-ip} == 10.0.16.6"));
  CHECK_THROWS_WITH(match("${private-ip} > 10"), Catch::Contains("'10' is not an address for ${private-ip}") &&
                                                     Catch::Contains("(in this input private-ip is ip)"));
  // The same expression on a text input again: text, ordered against numbers as numbers.
  auto f = Filter::compile("${n} > 1000", settings());
  CHECK(f.match(r));
  auto text = std::make_shared<Schema>(std::vector<Column>{{"n", Type::String, std::nullopt}});
  Record t;
  t.reset(text);
  for (auto [v, want] : {std::pair{"1300", true}, {"80", false}, {"x", false}, {"99999999999999999999", false}}) {
    t.values[0].set_str(v);
    CHECK(f.match(t) == want);
  }
}

TEST_CASE("filter: text columns ordered against a number compare as numbers", "[filter]") {
  // An AWS text input's extra column is text; `> 1000` reads it as a number (as awk does), a value
  // that is none does not match; == and a quoted literal stay text.
  const std::string data = "srcaddr seen\n10.0.0.1 80\n10.0.0.2 1300\n10.0.0.3 x\n10.0.0.4 -\n";
  CHECK(lines("${seen} > 1000", data) == L{3});
  CHECK(lines("${seen} <= 1K", data) == L{2});
  CHECK(lines("${seen} == 80", data) == L{2});
  CHECK(lines("${seen} >= \"80\"", data) == L{2, 4});  // text order: "1300" < "80" < "x"
}

TEST_CASE("ipset: membership agrees with a linear scan of the prefixes", "[filter][ipset]") {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 20; ++round) {
    bool v6 = round % 2;
    std::vector<Cidr> cidrs;
    IpSet set;
    for (int i = 0; i < 200; ++i) {
      Ip base;
      base.v6 = v6;
      // Few distinct high bytes, so that prefixes overlap and nest.
      for (size_t b = 0; b < (v6 ? 16u : 4u); ++b) base.bytes[b] = static_cast<uint8_t>(b < 2 ? rng() % 3 : rng());
      auto bits = static_cast<uint8_t>(rng() % ((v6 ? 128 : 32) + 1));
      Cidr c{base, bits};
      cidrs.push_back(c);
      set.add(c);
    }
    set.finish();
    for (int i = 0; i < 5000; ++i) {
      Ip ip;
      ip.v6 = v6;
      for (size_t b = 0; b < (v6 ? 16u : 4u); ++b) ip.bytes[b] = static_cast<uint8_t>(b < 2 ? rng() % 3 : rng());
      if (i % 2) ip = cidrs[rng() % cidrs.size()].base;  // half of them on prefix boundaries
      bool want = false;
      for (const auto& c : cidrs) want = want || c.contains(ip);
      REQUIRE(set.contains(ip) == want);
    }
    Ip other;
    other.v6 = !v6;
    CHECK_FALSE(set.contains(other));  // families never mix
  }
  IpSet all;
  all.add(*parse_cidr("0.0.0.0/0"));
  all.add(*parse_cidr("::/0"));
  all.finish();
  CHECK(all.contains(*parse_ip("255.255.255.255")));
  CHECK(all.contains(*parse_ip("ffff::1")));
  CHECK(all.intervals() == 2);
}
