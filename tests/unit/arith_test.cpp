// Arithmetic in expressions: precedence, nulls, division by zero, functions, literals with
// units, the value form (Filter::compile_value), Float columns in every writer, and errors.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include <cmath>

#include "flow/error.hpp"
#include "flow/filter.hpp"
#include "flow/format.hpp"
#include "flow/units.hpp"
#include "formats/binary_writer.hpp"
#include "test_util.hpp"

using namespace flow;

namespace {

// Four records (lines 2..5): a null packets, a zero packets, times 600 s apart.
const char* kFlows =
    "version srcaddr dstport packets bytes start end action\n"
    "2 10.0.0.1 22 10 4000 1700000000 1700000060 ACCEPT\n"
    "2 10.0.0.2 80 - 100 1700000000 1700000600 REJECT\n"
    "2 10.0.0.3 443 0 0 1700000000 1700000000 ACCEPT\n"
    "2 10.0.0.4 8080 3 7 1700000000 1700000010 ACCEPT\n";

FilterSettings settings() {
  FilterSettings s;
  s.now = 1700003700;
  return s;
}

std::vector<Record> records(const std::string& data = kFlows) {
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(data), "mem"), {});
  std::vector<Record> out;
  Record r;
  while (reader->next(r)) copy_record(r, out.emplace_back());
  return out;
}

/// The lines the expression selects, record by record and a column at a time (binary input):
/// the two must agree.
std::vector<uint64_t> lines(const std::string& expr) {
  auto f = Filter::compile(expr, settings());
  std::vector<uint64_t> out, nth;
  uint64_t n = 0;
  for (const Record& r : records()) {
    if (f.match(r)) out.push_back(r.line), nth.push_back(n);
    ++n;
  }
  const std::string bin = test::rewrite(kFlows, [](Output& o) { return bin::binary_writer(o, 3); });
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(bin), "mem"), {});
  std::vector<uint64_t> by_columns;
  ColumnBatch c;
  std::vector<uint8_t> keep;
  for (n = 0; reader->next_columns(c); n += c.rows) {
    keep.assign(c.rows, 2);
    f.match(c, keep.data());
    for (size_t i = 0; i < c.rows; ++i)
      if (keep[i] == 1) by_columns.push_back(n + i);
      else REQUIRE(keep[i] == 0);
  }
  CHECK(by_columns == nth);
  return out;
}

/// The value of `expr` for each record ("null" where null).
std::vector<std::string> values(const std::string& expr) {
  auto f = Filter::compile_value(expr, settings());
  std::vector<std::string> out;
  for (const Record& r : records()) {
    auto v = f.value(r);
    out.push_back(v ? fmt::format("{}", *v) : "null");
  }
  return out;
}

std::string error(const std::string& expr, bool value = false) {
  try {
    value ? Filter::compile_value(expr, settings()) : Filter::compile(expr, settings());
  } catch (const UsageError& e) {
    return e.what();
  }
  return "";
}

using L = std::vector<uint64_t>;
using V = std::vector<std::string>;

}  // namespace

TEST_CASE("arith: operators, precedence, parentheses and unary minus", "[filter][arith]") {
  CHECK(values("bytes + packets * 2") == V{"4020", "null", "0", "13"});
  CHECK(values("(bytes + packets) * 2") == V{"8020", "null", "0", "20"});
  CHECK(values("bytes - packets - 1") == V{"3989", "null", "-1", "3"});  // left to right
  CHECK(values("bytes / packets / 2") == V{"200", "null", "null", "1.1666666666666667"});
  CHECK(values("bytes % packets") == V{"0", "null", "null", "1"});
  CHECK(values("- bytes + 1") == V{"-3999", "-99", "1", "-6"});
  CHECK(values("- (bytes - 10)") == V{"-3990", "-90", "10", "3"});
  CHECK(values("2 * 3 + 4") == V{"10", "10", "10", "10"});
  // A lone - before no operand is a value, not a minus.
  CHECK_THAT(error("action == - or bytes == 7"), Catch::Contains("'-' is not a value of action"));
}

TEST_CASE("arith: nulls in, null out, division by zero and bad logs are null", "[filter][arith]") {
  CHECK(values("packets") == V{"10", "null", "0", "3"});
  CHECK(values("bytes / packets") == V{"400", "null", "null", "2.3333333333333335"});
  CHECK(values("log(bytes)") == V{fmt::format("{}", std::log(4000.0)), fmt::format("{}", std::log(100.0)), "null",
                                  fmt::format("{}", std::log(7.0))});
  CHECK(values("sqrt(0 - bytes)") == V{"null", "null", "0", "null"});
  CHECK(values("max(packets, 5)") == V{"10", "null", "5", "5"});
  CHECK(values("1 / 0") == V{"null", "null", "null", "null"});
  CHECK(lines("bytes / packets > 1") == L{2, 5});
  CHECK(lines("bytes / packets is null") == L{3, 4});
  CHECK(lines("bytes / packets is not null") == L{2, 5});
  CHECK(lines("not (bytes / packets > 1)") == L{3, 4});  // null: false, so its negation true
}

TEST_CASE("arith: functions, literals with units, times and computed values", "[filter][arith]") {
  CHECK(values("round(bytes / 3)") == V{"1333", "33", "0", "2"});
  CHECK(values("floor(bytes / 3) + ceil(bytes / 3)") == V{"2667", "67", "0", "5"});
  CHECK(values("abs(packets - 5)") == V{"5", "null", "5", "2"});
  CHECK(values("log10(1K)") == V{"3", "3", "3", "3"});
  CHECK(values("min(bytes, 1.5K) + 0.25") == V{"1500.25", "100.25", "0.25", "7.25"});
  CHECK(values("end - start") == V{"60", "600", "0", "10"});
  CHECK(values("duration / 1m") == V{"1", "10", "0", "0.16666666666666666"});
  CHECK(values("bytes * 8 / max(duration, 1)") == V{"533.3333333333334", "1.3333333333333333", "0", "5.6"});
  CHECK(lines("end - start >= 10m") == L{3});
  CHECK(lines("bytes / duration > 1 and action == ACCEPT") == L{2});
  CHECK(lines("bytes > packets * 100") == L{2});  // 4000 > 1000; 100 > null, 0 > 0, 7 > 300: no
  CHECK(lines("(bytes + 0) > 1K or dstport == 443") == L{2, 4});
  CHECK(lines("((bytes)) >= 4000") == L{2});
  CHECK(lines("start + 600 > now - 1h + 1") == L{2, 3, 4, 5});  // 1700000600 > 1700000101
  CHECK(parse_decimal("0.09") == 0.09);
  CHECK(parse_decimal("5m") == 300);
  CHECK(parse_decimal("1M") == 1e6);
  CHECK(parse_decimal("1.5Ki") == 1536);
  CHECK(parse_decimal("-2") == -2);
  CHECK(!parse_decimal("inf"));
  CHECK(!parse_decimal("1x"));
}

TEST_CASE("arith: mistakes point at their place", "[filter][arith]") {
  auto first = [](const std::string& e, bool value = false) {
    auto m = error(e, value);
    return m.substr(0, m.find('\n'));
  };
  CHECK(error("bytes/packets > 1000") ==
        "expression:1:1: 'bytes/packets' is one word: put spaces around an arithmetic operator (bytes / packets)\n"
        "  bytes/packets > 1000\n  ^~~~~~~~~~~~~");
  CHECK(first("bytes > packets*2") ==
        "expression:1:9: 'packets*2' is one word: put spaces around an arithmetic operator (packets * 2)");
  CHECK(first("bytes / > 1") == "expression:1:9: expected a field or a value, got >");
  CHECK(first("srcaddr + 1 > 2") == "expression:1:1: srcaddr is an address, not a number");
  CHECK(first("action * 2 > 1") == "expression:1:1: action is text, not a number");
  CHECK(first("port + 1 > 2") == "expression:1:1: port stands for either side: use srcport or dstport in arithmetic");
  CHECK(first("bytes / packets in {1, 2}") ==
        "expression:1:17: an arithmetic term takes a comparison (==, !=, <, <=, >, >=) or 'is null'");
  CHECK(first("sqrt(bytes, 2) > 1") == "expression:1:11: sqrt() takes one number");
  CHECK(first("min(bytes) > 1") == "expression:1:10: min() takes two numbers: min(a, b)");
  CHECK(first("frob(bytes) > 1") ==
        "expression:1:1: unknown function 'frob' (abs, ceil, floor, log, log10, max, min, round, sqrt)");
  CHECK(first("(bytes + 1 > 2") == "expression:1:15: expected ')' to close the '(' at column 1, got end of expression");
  CHECK(first("bytes + bytez > 1") == "expression:1:9: unknown field 'bytez' \xe2\x80\x94 did you mean 'bytes'?");
  CHECK(first("bytes > 1", true) ==
        "expression:1:7: unexpected '>' after a complete value (a value is a number: bytes / packets)");
  CHECK(first("bytes / 'x'", true) == "expression:1:9: \"x\" is text, not a number");
}

TEST_CASE("arith: Float columns compare with any number and print shortest", "[filter][arith]") {
  // A --set column through the binary format: typed Float, compared and printed.
  Derive d({"bpp=bytes / packets", "half=bpp / 2"}, settings());
  std::vector<std::string> got;
  for (const Record& r : records()) {
    const Record& x = d.apply(r);
    REQUIRE(x.schema->column(x.schema->size() - 2).type == Type::Float);
    got.push_back(value_text(x.values[x.schema->size() - 2], Type::Float) + " " +
                  value_text(x.values.back(), Type::Float));
  }
  CHECK(got == V{"400 200", "- -", "- -", "2.3333333333333335 1.1666666666666667"});
  CHECK_THROWS_WITH(Derive({"bytes=packets * 2"}, settings()),
                    "--set bytes=packets * 2: bytes is a field of type uint; give the computed column another name");
  CHECK_THROWS_WITH(Derive({"noequals"}, settings()), Catch::Contains("expected NAME=EXPR"));
  Value v;
  v.set_float(1.0 / 0.0);
  CHECK(v.null());
  v.set_float(-0.0);
  CHECK(value_text(v, Type::Float) == "0");
  v.set_float(8000);
  CHECK(value_text(v, Type::Float) == "8000");
}
