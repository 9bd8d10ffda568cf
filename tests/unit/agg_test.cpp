// Aggregation: known answers for every key kind and value, the sketches within their documented
// error, spilling under a tiny memory budget and --partial/--merge equal to one plain run.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <array>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <thread>
#include <tuple>

#include <fmt/format.h>

#include "agg/bytes.hpp"
#include "agg/cells.hpp"
#include "agg/driver.hpp"
#include "agg/sketch.hpp"
#include "flow/agg.hpp"
#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"
#include "flow/ip.hpp"
#include "formats/binary_writer.hpp"
#include "test_util.hpp"

using namespace flow;

namespace {

const char* kFlows =
    "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status tcp-flags\n"
    "5 10.0.1.5 10.0.2.7 40000 443 6 10 1000 1700000000 1700000060 ACCEPT OK 2\n"
    "5 10.0.2.7 10.0.1.5 443 40000 6 8 5000 1700000000 1700000060 ACCEPT OK 18\n"
    "5 10.0.1.9 10.0.2.7 40001 443 6 4 300 1700000290 1700000350 ACCEPT OK 2\n"
    "5 10.0.2.7 10.0.1.9 443 40001 6 3 200 1700000300 1700000360 ACCEPT OK 18\n"
    "5 2001:db8:0:1::5 2001:db8:0:2::7 50000 22 6 1 60 1700000301 1700000301 REJECT OK 2\n"
    "5 2001:db8:0:1::6 2001:db8:0:2::7 50001 22 6 2 120 1700000400 1700000400 REJECT OK 2\n"
    "5 - - - - - - - 1700000000 1700000060 - NODATA -\n";

/// A group as a line of AWS text values.
std::string text_of(const Record& g) {
  std::string line;
  for (size_t i = 0; i < g.values.size(); ++i) {
    if (i) line += ' ';
    line += value_text(g.values[i], g.schema->column(i).type);
  }
  return line;
}

/// Runs an aggregation over `data`; every group as a line of AWS text values.
std::vector<std::string> run(const std::string& data, std::vector<std::string> keys, std::vector<std::string> values,
                             AggOrder order = {}, bool bidir = false, uint64_t memory = uint64_t{1} << 30,
                             uint64_t* spills = nullptr) {
  Aggregator a(AggSpec::parse(keys, values, bidir), AggLimits{memory, ""});
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(data), "mem"), {});
  Record r;
  std::string name = "mem";
  while (reader->next(r)) a.add(r, name);
  if (spills) *spills = a.spills();
  std::vector<std::string> out;
  a.finish(order, {}, [&](const Record& g) { out.push_back(text_of(g)); });
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("agg: plain keys, defaults, nulls as a group of their own", "[agg]") {
  CHECK(run(kFlows, {"action"}, {}) == V{"- 1 - -", "ACCEPT 4 25 6500", "REJECT 2 3 180"});
  CHECK(run(kFlows, {}, {}) == V{"7 28 6680"});
  CHECK(run(kFlows, {"dstport", "protocol"}, {"count"}) == V{"- - 1", "22 6 2", "443 6 2", "40000 6 1", "40001 6 1"});
}

TEST_CASE("agg: address prefixes for both families, and apart", "[agg]") {
  CHECK(run(kFlows, {"srcaddr/24"}, {"count"}) == V{"- 1", "10.0.1.0 2", "10.0.2.0 2", "2001:d00:: 2"});
  CHECK(run(kFlows, {"srcaddr/16/64"}, {"count"}) == V{"- 1", "10.0.0.0 4", "2001:db8:0:1:: 2"});
  CHECK(run(kFlows, {"srcaddr/0"}, {"count"}) == V{"- 1", "0.0.0.0 4", ":: 2"});
}

TEST_CASE("agg: time bins aligned to UTC", "[agg]") {
  CHECK(run(kFlows, {"start/5m"}, {"count", "bytes"}) ==
        V{"1699999800 3 6000", "1700000100 3 560", "1700000400 1 120"});
  CHECK(run(kFlows, {"start/1d"}, {"count"}) == V{"1699920000 7"});
}

TEST_CASE("agg: every value kind", "[agg]") {
  V got = run(kFlows, {"action"},
              {"count", "sum(bytes)", "min(bytes)", "max(bytes)", "mean(packets)", "distinct(srcaddr)",
               "approx-distinct(dstaddr)", "p50(bytes)", "first", "last", "max(duration)", "n=min(start)"});
  CHECK(got == V{"- 1 - - - - 0 0 - 1700000000 1700000060 60 1700000000",
                 "ACCEPT 4 6500 200 5000 6 3 3 302 1700000000 1700000360 60 1700000000",
                 "REJECT 2 180 60 120 2 2 1 60 1700000301 1700000400 0 1700000301"});
}

TEST_CASE("agg: --bidir puts both directions in one group, opener first", "[agg]") {
  CHECK(run(kFlows, {"srcaddr", "dstaddr", "dstport"}, {"count", "bytes"}, {}, true) ==
        V{"- - - 1 -", "10.0.1.5 10.0.2.7 443 2 6000", "10.0.1.9 10.0.2.7 443 2 500",
          "2001:db8:0:1::5 2001:db8:0:2::7 22 1 60", "2001:db8:0:1::6 2001:db8:0:2::7 22 1 120"});
}

TEST_CASE("agg: orders, top, and errors", "[agg]") {
  AggOrder by_bytes;
  by_bytes.by = AggOrder::Value;
  by_bytes.value = 1;
  CHECK(run(kFlows, {"srcaddr"}, {"count", "bytes"}, by_bytes) == V{"10.0.2.7 2 5200", "10.0.1.5 1 1000",
                                                                    "10.0.1.9 1 300", "2001:db8:0:1::6 1 120",
                                                                    "2001:db8:0:1::5 1 60", "- 1 -"});
  by_bytes.top = 2;
  CHECK(run(kFlows, {"srcaddr"}, {"count", "bytes"}, by_bytes) == V{"10.0.2.7 2 5200", "10.0.1.5 1 1000"});
  by_bytes.descending = false;
  CHECK(run(kFlows, {"srcaddr"}, {"count", "bytes"}, by_bytes) == V{"2001:db8:0:1::5 1 60", "2001:db8:0:1::6 1 120"});
  AggOrder seen;
  seen.by = AggOrder::None;
  CHECK(run(kFlows, {"dstport"}, {"count"}, seen) == V{"443 2", "40000 1", "40001 1", "22 2", "- 1"});

  CHECK_THROWS_WITH(AggSpec::parse({"dstport/24"}, {}, false), Catch::Contains("only address fields take a prefix"));
  CHECK_THROWS_WITH(AggSpec::parse({"start/5x"}, {}, false), Catch::Contains("'5x' is not a duration"));
  CHECK_THROWS_WITH(AggSpec::parse({}, {"sum(action)"}, false),
                    Catch::Contains("action is a string field; sum needs a number"));
  CHECK_THROWS_WITH(AggSpec::parse({}, {"frobnicate(bytes)"}, false), Catch::Contains("unknown function 'frobnicate'"));
  CHECK_THROWS_WITH(AggSpec::parse({"bytes"}, {"sum(bytes)"}, false),
                    Catch::Contains("two output columns are named 'bytes'"));
  CHECK_THROWS_WITH(run(kFlows, {"srcadr"}, {}),
                    Catch::Contains("mem: no field or column 'srcadr' for -k srcadr (did you mean 'srcaddr'?)"));
}

TEST_CASE("agg: ordered encoding sorts as the typed values do", "[agg]") {
  std::mt19937_64 rng(7);
  for (Type t : {Type::UInt, Type::Time, Type::String, Type::Ip, Type::Float}) {
    std::vector<Value> vals(200);
    std::vector<std::string> strs(200);
    for (size_t i = 0; i < vals.size(); ++i) {
      if (i % 17 == 0) continue;  // null
      uint64_t x = rng() >> (rng() % 64);
      if (t == Type::UInt) vals[i].set_uint(x);
      if (t == Type::Time) vals[i].set_time(static_cast<int64_t>(x) - (int64_t{1} << 40));
      if (t == Type::String) {
        strs[i] = std::string(rng() % 4, 'a') + std::string(1, static_cast<char>(rng() % 3)) + "b";
        vals[i].set_str(strs[i]);
      }
      if (t == Type::Ip) vals[i].set_ip(i % 2 ? Ip::v4(static_cast<uint32_t>(x)) : Ip{{static_cast<uint8_t>(x)}, true});
      if (t == Type::Float) vals[i].set_float((i % 3 ? -1.0 : 1.0) * static_cast<double>(x) / 1024.0);
    }
    auto typed_less = [t](const Value& a, const Value& b) {
      if (a.null() || b.null()) return a.null() && !b.null();
      switch (t) {
        case Type::UInt: return a.u < b.u;
        case Type::Time: return a.t < b.t;
        case Type::String: return a.str() < b.str();
        case Type::Ip: return std::pair(a.v6, a.addr().bytes) < std::pair(b.v6, b.addr().bytes);  // IPv4 first
        case Type::Float: return a.f < b.f;
      }
      return false;
    };
    Arena arena;
    for (size_t i = 0; i + 1 < vals.size(); ++i) {
      std::string x, y;
      agg::encode_ordered(x, vals[i], t);
      agg::encode_ordered(y, vals[i + 1], t);
      CHECK((x < y) == typed_less(vals[i], vals[i + 1]));
      std::string name = "t";
      agg::ByteReader r{x, &name};
      Value back = agg::decode_ordered(r, t, arena);
      CHECK(r.in.empty());
      CHECK(value_text(back, t) == value_text(vals[i], t));
    }
  }
}

TEST_CASE("agg: keys kept narrow, or whole aside when they do not fit, group and sort as their values", "[agg]") {
  // An IPv4 address and a number below 2^32 are kept in 4 bytes; an IPv6 address or a bigger
  // number sends its whole key aside. Both kinds in one key, in one table and across partitions
  // absorbed into each other, against a map of the typed values.
  std::mt19937_64 rng(11);
  const std::vector<std::string> addrs{
      "10.0.0.1",    "10.0.0.2",    "192.168.7.9", "0.0.0.0", "255.255.255.255", "::", "::1",
      "2001:db8::1", "2001:db8::2", "ffff::",      "-"};
  const std::vector<uint64_t> sizes{0, 1, 65535, 4294967295ull, 4294967296ull, 1ull << 40, 18446744073709551615ull};
  using Key = std::tuple<int, Ip, uint64_t>;          // (0 null / 1 IPv4 / 2 IPv6, address, bytes)
  std::map<Key, std::pair<uint64_t, uint64_t>> want;  // count, sum of packets
  std::string data = "version srcaddr dstaddr packets bytes start end action log-status\n";
  for (int i = 0; i < 3000; ++i) {
    const std::string& a = addrs[rng() % addrs.size()];
    const uint64_t b = sizes[rng() % sizes.size()] - (rng() % 3 == 0 ? rng() % 2 : 0);
    const uint64_t p = rng() % 1000;
    data += fmt::format("5 {} 10.1.1.1 {} {} 1700000000 1700000060 ACCEPT OK\n", a, p, b);
    auto ip = parse_ip(a);
    auto& w = want[Key{ip ? (ip->v6 ? 2 : 1) : 0, ip.value_or(Ip{}), b}];
    ++w.first;
    w.second += p;
  }
  V expected;
  for (const auto& [k, w] : want) {
    Value v;
    if (std::get<0>(k)) v.set_ip(std::get<1>(k));
    expected.push_back(fmt::format("{} {} {} {}", value_text(v, Type::Ip), std::get<2>(k), w.first, w.second));
  }
  const std::vector<std::string> keys{"srcaddr", "bytes"}, values{"count", "packets"};
  CHECK(run(data, keys, values) == expected);
  uint64_t spills = 0;
  CHECK(run(data, keys, values, {}, false, 4096, &spills) == expected);
  CHECK(spills > 3);
  // Two aggregators of 8 partitions, each with half the records, absorbed into one.
  const AggLimits limits{uint64_t{1} << 30, "", 8};
  Aggregator a(AggSpec::parse(keys, values, false), limits), b(AggSpec::parse(keys, values, false), limits);
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(data), "mem"), {});
  Record r;
  const std::string name = "mem";
  for (int i = 0; reader->next(r); ++i) (i % 2 ? a : b).add(r, name);
  a.absorb(b);
  V got;
  a.finish({}, {}, [&](const Record& g) { got.push_back(text_of(g)); });
  CHECK(got == expected);
}

TEST_CASE("agg: packed cells keep each value's state apart, past 64 flags", "[agg]") {
  // Sums, minimums and the like keep "has a value" as a bit of the flag words in front; a mean
  // keeps its count and its sum's high word; every other cell, its a alone.
  std::vector<std::string> values;
  const std::vector<std::string> kinds{"count", "sum(bytes)", "mean(bytes)", "max(packets)", "p50(bytes)", "first"};
  for (size_t i = 0; i < 140; ++i) values.push_back(fmt::format("v{}={}", i, kinds[i % kinds.size()]));
  const AggSpec spec = AggSpec::parse({"srcaddr"}, values, false);
  const agg::CellLayout layout(spec);
  std::vector<uint8_t> p(layout.width(), 0);
  std::mt19937_64 rng(5);
  std::vector<agg::Cell> want(values.size());
  for (int round = 0; round < 2000; ++round) {
    const size_t v = rng() % values.size();
    const AggKind k = spec.values[v].kind;
    agg::Cell c{};
    c.a = rng();
    if (k == AggKind::Mean) {
      c.b = rng();
      c.hi = rng();
    }
    if (k == AggKind::Sum || k == AggKind::Max || k == AggKind::First) c.b = rng() % 2;
    layout.set(p.data(), v, c);
    want[v] = c;
    const size_t u = rng() % values.size();
    CHECK(layout.get(p.data(), u).a == want[u].a);
    CHECK(layout.get(p.data(), u).b == want[u].b);
    CHECK(layout.get(p.data(), u).hi == want[u].hi);
  }
  CHECK(layout.width() == 8 * 2 + 140 * 8 + 23 * 16);  // 70 flags in 2 words; 23 means
}

TEST_CASE("agg: HyperLogLog within 3 standard errors (4.9%), exact while small", "[agg][sketch]") {
  for (uint64_t n : {1ull, 100ull, 512ull, 2000ull, 20000ull, 300000ull}) {
    agg::Hll h, part1, part2;
    std::mt19937_64 rng(n);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t x = rng();
      h.add(x);
      h.add(x);  // repeats do not count
      (i % 2 ? part1 : part2).add(x);
    }
    double est = static_cast<double>(h.estimate());
    if (n <= agg::Hll::kSparseMax) CHECK(h.estimate() == n);
    else CHECK(std::abs(est - static_cast<double>(n)) <= 0.049 * static_cast<double>(n));
    // A merge of the halves, also through written bytes, is the sketch of the whole.
    agg::ByteWriter w;
    part2.write(w);
    std::string name = "hll";
    agg::ByteReader r{w.out, &name};
    part1.merge_from(r);
    CHECK(part1.estimate() == h.estimate());
  }
}

TEST_CASE("agg: DDSketch percentiles within 1% of the true value at their rank", "[agg][sketch]") {
  std::mt19937_64 rng(42);
  std::lognormal_distribution<double> size(6.0, 2.5);  // heavy-tailed, like bytes per window
  std::vector<uint64_t> xs;
  agg::Quantiles q, a, b;
  for (int i = 0; i < 100000; ++i) {
    uint64_t x = static_cast<uint64_t>(size(rng));
    if (i % 50 == 0) x = 0;
    xs.push_back(x);
    q.add(x);
    (i % 3 ? a : b).add(x);
  }
  std::sort(xs.begin(), xs.end());
  for (double p : {0.0, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0}) {
    uint64_t truth = xs[static_cast<size_t>(p * static_cast<double>(xs.size() - 1))];
    uint64_t est = q.quantile(p);
    INFO("p=" << p << " truth=" << truth << " est=" << est);
    CHECK(std::abs(static_cast<double>(est) - static_cast<double>(truth)) <= 0.01 * static_cast<double>(truth) + 0.5);
  }
  agg::ByteWriter w;
  b.write(w);
  std::string name = "dd";
  agg::ByteReader r{w.out, &name};
  a.merge_from(r);
  for (double p : {0.5, 0.9, 0.99}) CHECK(a.quantile(p) == q.quantile(p));
  CHECK(a.quantile(0.0) == xs.front());
  CHECK(a.quantile(1.0) == xs.back());
}

TEST_CASE("agg: DDSketch estimates stay within the smallest and largest values, through a merge", "[agg][sketch]") {
  agg::Quantiles one;
  one.add(3015);  // a bucket's middle would say 3012
  for (double p : {0.0, 0.5, 0.99, 1.0}) CHECK(one.quantile(p) == 3015);
  agg::Quantiles lo, hi, empty;
  lo.add(1001, 3);
  hi.add(5003);
  agg::ByteWriter w;
  hi.write(w);
  empty.write(w);
  std::string name = "dd";
  agg::ByteReader r{w.out, &name};
  lo.merge_from(r);
  lo.merge_from(r);  // an empty state changes nothing
  CHECK(lo.count() == 4);
  CHECK(lo.quantile(0.0) == 1001);
  CHECK(std::abs(static_cast<double>(lo.quantile(0.5)) - 1001) <= 10.01);
  CHECK(lo.quantile(1.0) == 5003);
  CHECK(empty.quantile(0.5) == 0);
  // A state whose bounds disagree with its values is damaged, not believed.
  agg::ByteWriter bad;
  bad.varint(1);  // one zero
  bad.varint(7);  // yet the smallest value 7
  bad.varint(9);
  bad.varint(0);
  agg::ByteReader br{bad.out, &name};
  agg::Quantiles q;
  CHECK_THROWS(q.merge_from(br));
}

namespace {

/// Random flows with many groups (text), for spill and merge.
std::string random_flows(int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::ostringstream s;
  s << "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
  for (int i = 0; i < n; ++i) {
    uint64_t start = 1700000000 + rng() % 7200;
    s << "2 eni-" << rng() % 40 << " 10." << rng() % 4 << "." << rng() % 30 << "." << rng() % 50
      << " 2001:db8::" << std::hex << rng() % 300 << std::dec << " " << 1024 + rng() % 60000 << " "
      << (rng() % 2 ? 443 : rng() % 1024) << " 6 " << 1 + rng() % 100 << " " << 40 + rng() % 1000000 << " " << start
      << " " << start + 60 << " " << (rng() % 10 ? "ACCEPT" : "REJECT") << " OK\n";
  }
  return s.str();
}

const std::vector<std::string> kKeys{"srcaddr", "dstaddr/120", "interface-id"};
const std::vector<std::string> kValues{
    "count",      "bytes", "max(packets)", "distinct(dstport)", "approx-distinct(srcport)",
    "p90(bytes)", "first", "mean(bytes)"};

}  // namespace

TEST_CASE("agg: spilling under a tiny memory budget gives the same answer", "[agg]") {
  std::string data = random_flows(6000, 1);
  AggOrder keys, by_value, top;
  by_value.by = top.by = AggOrder::Value;
  by_value.value = top.value = 1;
  top.top = 25;
  for (const auto& order : {keys, by_value, top}) {
    auto plain = run(data, kKeys, kValues, order);
    uint64_t spills = 0;
    auto spilled = run(data, kKeys, kValues, order, false, 64 * 1024, &spills);
    CHECK(spills > 20);
    CHECK(plain.size() >= 25);
    CHECK(spilled == plain);
  }
}

TEST_CASE("agg: a format change mid-stream and string values, with and without spills", "[agg]") {
  // Rows wait a little before they reach the groups (staged, keys hashed ahead): a header line
  // that reorders the fields must not change what rows staged before it mean, nor a spill the
  // strings they refer to. The second half is the same records with srcaddr and dstaddr swapped
  // in the header and in every line.
  std::string a = random_flows(3000, 7), b = random_flows(3000, 8);
  std::string swapped;
  std::istringstream in(b);
  for (std::string l; std::getline(in, l);) {
    std::vector<std::string> f;
    std::istringstream ls(l);
    for (std::string t; ls >> t;) f.push_back(t);
    std::swap(f[2], f[3]);
    for (size_t i = 0; i < f.size(); ++i) swapped += (i ? " " : "") + f[i];
    swapped += "\n";
  }
  const std::vector<std::string> values{"count", "bytes", "distinct(action)", "approx-distinct(interface-id)",
                                        "p90(bytes)"};
  auto plain = run(a + b, kKeys, values);
  CHECK(plain.size() > 1000);
  CHECK(run(a + swapped, kKeys, values) == plain);
  uint64_t spills = 0;
  CHECK(run(a + swapped, kKeys, values, {}, false, 64 * 1024, &spills) == plain);
  CHECK(spills > 5);
  CHECK(run(a + swapped, kKeys, {"count", "bytes"}, {}, false, 64 * 1024) == run(a + b, kKeys, {"count", "bytes"}));
}

namespace {

/// The lines of `data` (a header, then records) dealt to two halves, each with the header.
std::array<std::string, 2> halves(const std::string& data) {
  std::string header = data.substr(0, data.find('\n') + 1);
  std::array<std::string, 2> half{header, header};
  std::istringstream in(data.substr(header.size()));
  size_t i = 0;
  for (std::string l; std::getline(in, l); ++i) half[i % 2] += l + "\n";
  return half;
}

/// Where two lists of groups first differ ("" if nowhere): a message short enough to read.
std::string first_difference(const std::vector<std::string>& got, const std::vector<std::string>& want) {
  for (size_t i = 0; i < std::min(got.size(), want.size()); ++i)
    if (got[i] != want[i]) return fmt::format("group {}: '{}', not '{}'", i, got[i], want[i]);
  if (got.size() != want.size()) return fmt::format("{} groups, not {}", got.size(), want.size());
  return "";
}

struct LanesRun {
  std::vector<std::string> groups;
  uint64_t spills = 0, deferred = 0;
};

/// Two lanes on two threads, one half each, absorbed into the first and finished in `order`
/// (lanes deferring their last `defer` partitions, with `memory` between them while reading).
/// `stop_after`: emit throws after that many groups, as a closed output does.
LanesRun run_lanes(const std::array<std::string, 2>& half, const std::vector<std::string>& keys,
                   const std::vector<std::string>& values, uint64_t memory, uint32_t defer = 0, AggOrder order = {},
                   size_t stop_after = 0) {
  const AggLimits limits{memory / 2, "", 8};
  std::vector<Aggregator> lane;
  for (int i = 0; i < 2; ++i) lane.emplace_back(AggSpec::parse(keys, values, false), limits);
  using flow::agg::Driver;
  auto lanes = Driver::make_lanes(2);
  for (unsigned i = 0; i < 2; ++i) {
    Driver::join_lanes(lane[i], lanes, i);
    if (defer) Driver::defer(lane[i], defer);
  }
  auto work = [&](int i) {
    auto reader = open_reader(std::make_unique<InputStream>(memory_source(half[static_cast<size_t>(i)]), "mem"), {});
    Record r;
    const std::string name = "mem";
    while (reader->next(r)) lane[static_cast<size_t>(i)].add(r, name);
    Driver::flush(lane[static_cast<size_t>(i)]);
    Driver::leave_lanes(lane[static_cast<size_t>(i)]);
  };
  std::thread other(work, 1);
  work(0);
  other.join();
  LanesRun out;
  out.spills = lane[0].spills() + lane[1].spills();
  for (uint32_t p = 0; p < Driver::partitions(lane[0]); ++p) Driver::absorb(lane[0], lane[1], p);
  Driver::absorb_rest(lane[0], lane[1]);
  Driver::limit_memory(lane[0], memory);
  out.deferred = lane[0].deferred();
  lane[0].finish(order, {}, [&](const Record& g) {
    if (stop_after && out.groups.size() == stop_after) throw std::runtime_error("output closed");
    out.groups.push_back(text_of(g));
  });
  return out;
}

}  // namespace

TEST_CASE("agg: lanes on two threads give the answer of one aggregator, spilling or not", "[agg]") {
  // Enough groups that the lanes pass rows to each other (past 65,536 groups in a lane), also
  // with 12 MB, where they spill too (but not with a string value: its rows stay in their lane).
  std::string data = random_flows(240000, 3);
  const std::vector<std::string> keys{"srcaddr", "srcport"};
  const auto half = halves(data);
  for (const auto& values : {std::vector<std::string>{"count", "bytes", "max(packets)", "p90(bytes)", "stddev(bytes)",
                                                      "r=count(where action == REJECT)"},
                             std::vector<std::string>{"count", "bytes", "distinct(action)"}}) {
    const auto one = run(data, keys, values);
    CHECK(one.size() > 150000);
    for (uint64_t memory : {uint64_t{1} << 30, uint64_t{12} << 20}) {
      const LanesRun two = run_lanes(half, keys, values, memory);
      CHECK((two.spills > 0) == (memory < (uint64_t{1} << 30)));
      CHECK(two.groups == one);
    }
  }
}

TEST_CASE("agg: deferred partitions, grouped while the first go out, give the answer of one aggregator", "[agg]") {
  // Every 7th source an IPv6 address: its rows do not log (the key is not kept narrow).
  std::string data = random_flows(240000, 5);
  {
    std::istringstream in(data);
    std::string out, l;
    for (size_t i = 0; std::getline(in, l); ++i) {
      if (i > 0 && i % 7 == 0) {
        const size_t a = l.find(' ', l.find(' ') + 1) + 1, b = l.find(' ', a);
        l.replace(a, b - a, fmt::format("2001:db8:1::{:x}", i % 5000));
      }
      out += l + "\n";
    }
    data = out;
  }
  const std::vector<std::string> keys{"srcaddr", "srcport"};
  const auto half = halves(data);
  auto sorted = [](std::vector<std::string> v) {
    std::sort(v.begin(), v.end());
    return v;
  };
  AggOrder unsorted;
  unsorted.by = AggOrder::None;
  const std::vector<std::string> sums{"count", "bytes", "packets"};
  const auto one = run(data, keys, sums);  // in key order
  REQUIRE(one.size() > 150000);
  const auto one_sorted = sorted(one);
  SECTION("unsorted: grouped on a thread of their own while the first partitions go out") {
    const LanesRun two = run_lanes(half, keys, sums, uint64_t{1} << 30, 3, unsorted);
    CHECK(two.deferred > 30000);  // 3/8 of the rows past the first 65,536 groups of each lane
    CHECK(two.spills == 0);
    CHECK(first_difference(sorted(two.groups), one_sorted) == "");
  }
  SECTION("sorted by key: grouped before") {
    const LanesRun two = run_lanes(half, keys, sums, uint64_t{1} << 30, 3);
    CHECK(two.deferred > 30000);
    CHECK(first_difference(two.groups, one) == "");
  }
  SECTION("every partition deferred") {
    const LanesRun two = run_lanes(half, keys, sums, uint64_t{1} << 30, 8, unsorted);
    CHECK(two.deferred > 80000);
    CHECK(first_difference(sorted(two.groups), one_sorted) == "");
  }
  SECTION("a budget their groups would pass: logging stops; a smaller one: spills too") {
    // 11 MB a lane: the logged rows' groups would pass it some 15,000 rows after routing starts
    // (however fast either lane reads): they are grouped then, and no more rows log.
    const LanesRun two = run_lanes(half, keys, sums, uint64_t{22} << 20, 3, unsorted);
    CHECK(two.deferred == 0);
    CHECK(first_difference(two.spills ? two.groups : sorted(two.groups), two.spills ? one : one_sorted) == "");
    const LanesRun spilled = run_lanes(half, keys, sums, uint64_t{6} << 20, 3, unsorted);
    CHECK(spilled.spills > 0);
    CHECK(spilled.deferred == 0);
    CHECK(first_difference(spilled.groups, one) == "");  // spilled: key order
  }
  SECTION("values that do not log (a mean): every row grouped as it comes") {
    const std::vector<std::string> mean{"count", "mean(bytes)"};
    const LanesRun two = run_lanes(half, keys, mean, uint64_t{1} << 30, 3, unsorted);
    CHECK(two.deferred == 0);
    CHECK(first_difference(sorted(two.groups), sorted(run(data, keys, mean))) == "");
  }
  SECTION("the output closing early stops the grouping thread") {
    CHECK_THROWS_WITH(run_lanes(half, keys, sums, uint64_t{1} << 30, 3, unsorted, 1000), "output closed");
  }
}

TEST_CASE("agg: partial states of a split input merge into the answer of one run", "[agg]") {
  std::string data = random_flows(4000, 2);
  auto whole = run(data, kKeys, kValues);
  // Three parts, each with the header line.
  std::string header = data.substr(0, data.find('\n') + 1);
  std::vector<std::string> lines;
  std::istringstream in(data.substr(header.size()));
  for (std::string l; std::getline(in, l);) lines.push_back(l + "\n");
  std::vector<std::string> paths;
  for (int part = 0; part < 3; ++part) {
    std::string text = header;
    for (size_t i = static_cast<size_t>(part); i < lines.size(); i += 3) text += lines[i];
    Aggregator a(AggSpec::parse(kKeys, kValues, false), AggLimits{part == 1 ? 64 * 1024u : uint64_t{1} << 30, ""});
    auto reader = open_reader(std::make_unique<InputStream>(memory_source(text), "mem"), {});
    Record r;
    std::string name = "mem";
    while (reader->next(r)) a.add(r, name);
    CHECK((a.spills() > 5) == (part == 1));
    char path[] = "/tmp/flow-agg-XXXXXX";
    close(mkstemp(path));
    auto out = Output::open(path);
    a.write_partial(*out);
    out->commit();
    paths.push_back(path);
  }
  CHECK(Aggregator::partial_spec(paths[0]).canonical() == AggSpec::parse(kKeys, kValues, false).canonical());
  for (uint64_t memory : {uint64_t{1} << 30, uint64_t{64 * 1024}}) {
    Aggregator m(AggSpec::parse(kKeys, kValues, false), AggLimits{memory, ""});
    for (const auto& p : paths) m.add_partial(p);
    std::vector<std::string> merged;
    m.finish({}, {}, [&](const Record& g) { merged.push_back(text_of(g)); });
    CHECK(merged == whole);
  }
  // Another spec is refused; a damaged file is reported.
  Aggregator other(AggSpec::parse({"srcaddr"}, {}, false), AggLimits{});
  CHECK_THROWS_WITH(other.add_partial(paths[0]), Catch::Contains("only states of the same keys and values merge"));
  {
    std::fstream f(paths[2], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(300);
    f.put('\x7f');
  }
  Aggregator m(AggSpec::parse(kKeys, kValues, false), AggLimits{});
  CHECK_THROWS_AS(m.add_partial(paths[2]), DataError);
  for (const auto& p : paths) unlink(p.c_str());
}

namespace {

/// The records of AWS text in the binary format, in blocks of `block` records.
std::string to_binary(const std::string& text, uint32_t block) {
  return test::rewrite(text, [&](Output& out) { return bin::binary_writer(out, block); });
}

/// Groups of a binary input read as records (add(Record)) or as columns (add(ColumnBatch)), with
/// the rows whose line is a multiple of 3 left out when `thin`. `coded`: some batch of columns
/// had dictionary codes for the first key.
std::vector<std::string> run_binary(const std::string& bytes, const std::vector<std::string>& keys,
                                    const std::vector<std::string>& values, bool columns, bool thin, AggOrder order,
                                    bool bidir, uint64_t memory, uint64_t* spills = nullptr, bool* coded = nullptr) {
  Aggregator a(AggSpec::parse(keys, values, bidir), AggLimits{memory, ""});
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(bytes), "mem"), {});
  const std::string name = "mem";
  if (columns) {
    ColumnBatch c;
    std::vector<uint8_t> keep;
    while (reader->next_columns(c)) {
      keep.resize(c.rows);
      for (size_t i = 0; i < c.rows; ++i) keep[i] = (c.first_line + i) % 3 != 0;
      const int k = keys.empty() ? -1 : c.schema->slot(keys[0]);
      if (coded && k >= 0 && c.codes[static_cast<size_t>(k)]) *coded = true;
      a.add(c, thin ? keep.data() : nullptr, name);
    }
  } else {
    Record r;
    while (reader->next(r))
      if (!thin || r.line % 3 != 0) a.add(r, name);
  }
  if (spills) *spills = a.spills();
  std::vector<std::string> out;
  a.finish(order, {}, [&](const Record& g) { out.push_back(text_of(g)); });
  return out;
}

}  // namespace

TEST_CASE("agg: binary columns, looked up once per dictionary code, give the answer of records", "[agg][columns]") {
  // A schema change mid-stream (srcaddr and dstaddr swapped in the header), records without
  // addresses (NODATA: a null key), small blocks (many dictionaries).
  std::string a = random_flows(4000, 11), b = random_flows(4000, 12);
  std::string text = a;
  for (int i = 0; i < 5; ++i) text += "2 eni-3 - - - - - - - 1700000000 1700000060 - NODATA\n";
  text += "version interface-id dstaddr srcaddr srcport dstport protocol packets bytes start end action log-status\n";
  text += b.substr(b.find('\n') + 1);
  AggOrder first_seen;
  first_seen.by = AggOrder::None;
  struct Case {
    std::vector<std::string> keys, values;
    bool bidir;
  };
  const std::vector<Case> cases{
      {{"srcaddr"}, kValues, false},
      {{"srcaddr/16"}, {"count", "bytes"}, false},
      {{"dstaddr"}, {"count", "bytes", "min(start)", "last"}, false},
      {{"dstport"}, {"count", "bytes", "p50(packets)"}, false},
      {{"action"}, {"count", "bytes", "distinct(srcaddr)"}, false},
      {{"interface-id"}, {"count", "duration"}, false},
      {{"srcaddr", "dstport"}, {"count", "bytes"}, false},
      {{"srcaddr"}, {"count", "bytes"}, true},
      {{}, {"count", "bytes", "p90(packets)", "distinct(action)"}, false},
      {{"srcaddr"},
       {"count", "r=count(where action == REJECT)", "b=sum(bytes where dstport == 443)", "stddev(bytes)"},
       false},
      {{"dstport"}, {"count", "p=p50(packets where srcaddr in 10.1.0.0/16)", "variance(packets)"}, false},
      {{"addr/16"}, {"count", "bytes", "s=sum(packets where action == ACCEPT)"}, false},
  };
  for (uint32_t block : {300u, 65536u}) {
    const std::string bytes = to_binary(text, block);
    for (const auto& c : cases) {
      INFO((c.keys.empty() ? "no key" : c.keys[0])
           << (c.keys.size() > 1 ? " and more" : "") << ", blocks of " << block);
      bool coded = false;
      for (bool thin : {false, true}) {
        for (const AggOrder& order : {AggOrder{}, first_seen}) {
          auto rows = run_binary(bytes, c.keys, c.values, false, thin, order, c.bidir, uint64_t{1} << 30);
          CHECK(rows.size() > (c.keys.empty() ? 0u : 1u));
          CHECK(run_binary(bytes, c.keys, c.values, true, thin, order, c.bidir, uint64_t{1} << 30, nullptr, &coded) ==
                rows);
        }
        uint64_t spills = 0;
        auto rows = run_binary(bytes, c.keys, c.values, false, thin, {}, c.bidir, uint64_t{1} << 30);
        CHECK(run_binary(bytes, c.keys, c.values, true, thin, {}, c.bidir, 48 * 1024, &spills) == rows);
        if (rows.size() > 2000) CHECK(spills > 0);
      }
      if (!c.keys.empty() && (c.keys[0] == "srcaddr" || c.keys[0] == "action")) CHECK(coded);
    }
  }
}

TEST_CASE("agg: binary columns of interleaved schemas, and runs whose rows are all left out", "[agg][columns]") {
  // Every record in a format of its own from the one before (a header line before each): a
  // block holds two schemas taking turns, read as runs of one row, each with its dictionaries.
  const std::string data = random_flows(3000, 21);
  std::istringstream in(data.substr(data.find('\n') + 1));
  const std::string header_a = data.substr(0, data.find('\n') + 1);
  const std::string header_b =
      "version interface-id dstaddr srcaddr srcport dstport protocol packets bytes start end action log-status\n";
  std::string text;
  size_t i = 0;
  for (std::string l; std::getline(in, l); ++i) {
    if (i % 2 == 0) {
      text += header_a + l + "\n";
      continue;
    }
    std::vector<std::string> f;
    std::istringstream ls(l);
    for (std::string t; ls >> t;) f.push_back(t);
    std::swap(f[2], f[3]);
    text += header_b;
    for (size_t k = 0; k < f.size(); ++k) text += (k ? " " : "") + f[k];
    text += "\n";
  }
  const std::string bytes = to_binary(text, 65536);
  for (bool thin : {false, true}) {
    auto rows =
        run_binary(bytes, {"srcaddr"}, {"count", "bytes", "max(packets)"}, false, thin, {}, false, uint64_t{1} << 30);
    CHECK(rows.size() > 1000);
    bool coded = false;
    CHECK(run_binary(bytes, {"srcaddr"}, {"count", "bytes", "max(packets)"}, true, thin, {}, false, uint64_t{1} << 30,
                     nullptr, &coded) == rows);
    CHECK(coded);
    uint64_t spills = 0;
    CHECK(run_binary(bytes, {"srcaddr"}, {"count", "bytes", "max(packets)"}, true, thin, {}, false, 48 * 1024,
                     &spills) == rows);
    CHECK(spills > 0);
  }
  // A run whose rows are all left out binds nothing, as no record of it would reach add():
  // here its schema lacks the key column that the selected rows have.
  const std::string two =
      to_binary("version srcaddr x-tenant\n2 10.0.0.1 a\n2 10.0.0.2 b\nversion srcaddr\n2 10.0.0.3\n", 65536);
  Aggregator a(AggSpec::parse({"x-tenant"}, {"count"}, false), AggLimits{});
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(two), "mem"), {});
  ColumnBatch c;
  std::vector<uint8_t> keep;
  size_t runs = 0;
  while (reader->next_columns(c)) {
    ++runs;
    keep.assign(c.rows, 0);
    if (c.schema->slot("x-tenant") >= 0) keep[0] = 1;
    a.add(c, keep.data(), "mem");
  }
  CHECK(runs == 2);
  std::vector<std::string> out;
  a.finish({}, {}, [&](const Record& g) { out.push_back(text_of(g)); });
  CHECK(out == V{"a 1"});
}

TEST_CASE("agg: counts and sums saturate at 2^64 - 1 and say so, a mean is exact", "[agg]") {
  // Bytes of 10^19, 10^19 and 100 once summed to 1553255926290448484 (wrapped), its mean below
  // its smallest value. The partial state goes through a spill (memory 1) and back.
  const std::string data =
      "version srcaddr packets bytes\n"
      "2 10.0.0.1 1 10000000000000000000\n"
      "2 10.0.0.1 1 10000000000000000000\n"
      "2 10.0.0.1 1 100\n"
      "2 10.0.0.2 18446744073709551615 5\n"
      "2 10.0.0.2 1 18446744073709551615\n";
  const std::vector<std::string> values{"count", "pk=sum(packets)", "bytes", "mean(bytes)", "min(bytes)", "max(bytes)"};
  for (uint64_t memory : {uint64_t{1} << 30, uint64_t{1}}) {
    Aggregator a(AggSpec::parse({"srcaddr"}, values, false), AggLimits{memory, ""});
    auto reader = open_reader(std::make_unique<InputStream>(memory_source(data), "mem"), {});
    Record r;
    const std::string name = "mem";
    while (reader->next(r)) a.add(r, name);
    V out;
    a.finish({}, {}, [&](const Record& g) { out.push_back(text_of(g)); });
    CHECK(out == V{"10.0.0.1 3 3 18446744073709551615 6666666666666666700 100 10000000000000000000",
                   "10.0.0.2 2 18446744073709551615 18446744073709551615 9223372036854775810 5 "
                   "18446744073709551615"});
    using S = std::vector<std::pair<std::string, uint64_t>>;
    CHECK(a.saturated() == S{{"pk", 1}, {"bytes", 2}});
  }
}

TEST_CASE("agg: values with a condition, and their spec", "[agg]") {
  CHECK(run(kFlows, {"dstport"},
            {"count", "r=count(where action == REJECT)", "b=sum(bytes where packets > 3)",
             "d=distinct(srcaddr where bytes >= 300)"}) ==
        V{"- 1 0 - 0", "22 2 2 - 0", "443 2 0 1300 2", "40000 1 0 5000 1", "40001 1 0 - 0"});
  // Two values of one condition; a percentile and a mean with conditions.
  CHECK(run(kFlows, {},
            {"a=count(where srcport >= 40000)", "b=mean(bytes where srcport >= 40000)",
             "c=p50(packets where dstport == 22)"}) == V{"4 370 1"});

  const auto spec =
      AggSpec::parse({}, {"rejected=count(where action == REJECT )", "big=sum(bytes where bytes > 1M)"}, false);
  CHECK(spec.values[0].where == "action == REJECT");
  CHECK(spec.values[0].kind == AggKind::Count);
  CHECK(spec.values[1].field.name == "bytes");
  CHECK(spec.values[1].where == "bytes > 1M");
  // A condition is part of what merges: another condition is another spec.
  CHECK(spec.canonical() !=
        AggSpec::parse({}, {"rejected=count(where action == ACCEPT)", "big=sum(bytes where bytes > 1M)"}, false)
            .canonical());
  CHECK(spec.canonical() != AggSpec::parse({}, {"rejected=count", "big=sum(bytes)"}, false).canonical());
  // "where" only as a word; NAME= only before the function.
  CHECK(AggSpec::parse({}, {"distinct(wherever)"}, false).values[0].where.empty());
  CHECK_THROWS_WITH(AggSpec::parse({}, {"count(where action == REJECT)"}, false),
                    Catch::Contains("a value with a condition needs a name: -a NAME=count(where action == REJECT)"));
  CHECK_THROWS_WITH(AggSpec::parse({}, {"n=count(where)"}, false), Catch::Contains("give a condition after 'where'"));
  CHECK_THROWS_WITH(AggSpec::parse({}, {"n=count(where action ==)"}, false), Catch::Contains("-a n"));
  CHECK_THROWS_WITH(AggSpec::parse({}, {"n=count(where action == REJECT\nor dstport == 22)"}, false),
                    Catch::Contains("write the condition on one line"));
  CHECK_THROWS_WITH(AggSpec::parse({}, {"n=sum(where bytes > 1)"}, false), Catch::Contains("give a field"));
}

TEST_CASE("agg: did-you-mean for a function or a key name", "[agg]") {
  CHECK_THROWS_WITH(AggSpec::parse({}, {"stdev(bytes)"}, false),
                    Catch::Contains("unknown function 'stdev' — did you mean 'stddev'?"));
  CHECK_THROWS_WITH(AggSpec::parse({}, {"frobnicate(bytes)"}, false),
                    !Catch::Contains("did you mean") && Catch::Contains("unknown function 'frobnicate'"));
  CHECK_THROWS_WITH(AggSpec::parse({"dst_port"}, {}, false),
                    Catch::Contains("'dst_port' is not a field name — did you mean 'dstport'?"));
}

TEST_CASE("agg: stddev and variance, population, rounded halves up", "[agg]") {
  CHECK(run(kFlows, {"action"}, {"mean(bytes)", "variance(bytes)", "stddev(bytes)"}) ==
        V{"- - - -", "ACCEPT 1625 3891875 1973", "REJECT 90 900 30"});
  CHECK(AggSpec::parse({}, {"stddev(bytes)", "variance(duration)"}, false).output_schema()->column(0).name ==
        "stddev-bytes");
  CHECK_THROWS_WITH(AggSpec::parse({}, {"stddev(start)"}, false), Catch::Contains("start is a time field"));
  auto values_of = [](const std::vector<uint64_t>& xs) {
    std::string data = "version srcaddr bytes\n";
    for (uint64_t x : xs) data += fmt::format("2 10.0.0.1 {}\n", x);
    return run(data, {}, {"variance(bytes)", "stddev(bytes)"});
  };
  CHECK(values_of({0, 1}) == V{"0 1"});  // 0.25, 0.5
  CHECK(values_of({0, 3}) == V{"2 2"});  // 2.25, 1.5
  CHECK(values_of({7}) == V{"0 0"});
  // Far from zero: floating-point sums of squares would cancel to nothing (2^40), and the squares
  // of 2^63 + i pass 128 bits. Variance 8.25, stddev 2.87.
  std::vector<uint64_t> near40, near63;
  for (uint64_t i = 0; i < 10; ++i)
    near40.push_back((uint64_t{1} << 40) + i), near63.push_back((uint64_t{1} << 63) + i);
  CHECK(values_of(near40) == V{"8 3"});
  CHECK(values_of(near63) == V{"8 3"});
  // The widest spread: the variance saturates (and says so), the stddev is (2^64 - 1) / 2, rounded up.
  CHECK(values_of({0, UINT64_MAX}) == V{"18446744073709551615 9223372036854775808"});
}

TEST_CASE("agg: a variance's states, split and merged, are the state of all its values", "[agg]") {
  using namespace flow::agg;
  std::mt19937_64 rng(5);
  for (const char* v : {"variance(bytes)", "stddev(bytes)"}) {
    const ValueSpec spec = AggSpec::parse({}, {v}, false).values[0];
    std::vector<uint64_t> xs;
    for (int i = 0; i < 3000; ++i) xs.push_back(i % 3 == 0 ? rng() : rng() % 100000);
    Store store;
    Cell one, merged;
    init_cell(spec, one, store);
    init_cell(spec, merged, store);
    Value x;
    for (uint64_t u : xs) x.set_uint(u), add_to_cell(spec, one, store, x, Type::UInt);
    for (int part = 0; part < 3; ++part) {
      Cell c;
      init_cell(spec, c, store);
      for (size_t i = static_cast<size_t>(part); i < xs.size(); i += 3)
        x.set_uint(xs[i]), add_to_cell(spec, c, store, x, Type::UInt);
      ByteWriter w;
      write_cell(spec, c, store, w);
      const std::string name = "state";
      ByteReader r{w.out, &name};
      merge_cell(spec, merged, store, r);
      CHECK(r.in.empty());
    }
    CHECK(std::tie(one.a, one.b, one.hi, one.sq[0], one.sq[1], one.sq[2]) ==
          std::tie(merged.a, merged.b, merged.hi, merged.sq[0], merged.sq[1], merged.sq[2]));
    CHECK(merged.sq[2] > 0);  // the squares of values near 2^64 went past 128 bits
    CHECK(final_value(spec, one, store).u == final_value(spec, merged, store).u);
  }
}

TEST_CASE("agg: either-side keys group a record under each endpoint, once when both are one", "[agg]") {
  CHECK(run(kFlows, {"addr/24"}, {"count", "bytes"}) ==
        V{"- 1 -", "10.0.1.0 4 6500", "10.0.2.0 4 6500", "2001:d00:: 2 180"});
  CHECK(run(kFlows, {"addr", "port"}, {"count", "bytes"}) ==
        V{"- - 1 -", "10.0.1.5 40000 2 6000", "10.0.1.9 40001 2 500", "10.0.2.7 443 4 6500",
          "2001:db8:0:1::5 50000 1 60", "2001:db8:0:1::6 50001 1 120", "2001:db8:0:2::7 22 2 180"});
  CHECK(run(kFlows, {"port", "action"}, {"count"}) == V{"- - 1", "22 REJECT 2", "443 ACCEPT 4", "40000 ACCEPT 2",
                                                        "40001 ACCEPT 2", "50000 REJECT 1", "50001 REJECT 1"});
  // An input with an addr column of its own (a grouped output) is grouped by it.
  CHECK(run("version srcaddr dstaddr addr records\n2 1.1.1.1 2.2.2.2 10.0.1.5 3\n2 1.1.1.1 2.2.2.2 10.0.1.9 4\n",
            {"addr/16"}, {"count"}) == V{"10.0.0.0 7"});
  CHECK_THROWS_WITH(AggSpec::parse({"addr"}, {}, true), Catch::Contains("either-side keys and --bidir"));
  CHECK_THROWS_WITH(AggSpec::parse({"port/24"}, {}, false), Catch::Contains("only address fields take a prefix"));
}
