// --spread: a record's sums shared out over the time bins it covers, in whole numbers that add
// up to the record's value exactly, whatever the bins, the times and the memory budget.
#include <catch2/catch.hpp>

#include <random>

#include "agg/spread.hpp"
#include "flow/agg.hpp"
#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"

using namespace flow;
using namespace flow::agg;

namespace {

/// Groups `data` with --spread (memory: the budget; a small one spills between a record's bins);
/// every group as a line of AWS text values.
std::vector<std::string> run(const std::string& data, std::vector<std::string> keys, std::vector<std::string> values,
                             uint64_t memory = uint64_t{1} << 30, bool spread = true, bool fill = false) {
  AggSpec spec = AggSpec::parse(keys, values, false);
  spec.spread = spread;
  Aggregator a(spec, AggLimits{memory, ""});
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(data), "mem"), {});
  Record r;
  const std::string name = "mem";
  while (reader->next(r)) a.add(r, name);
  if (fill) a.fill();
  std::vector<std::string> out;
  a.finish({}, {}, [&](const Record& g) {
    std::string line;
    for (size_t i = 0; i < g.values.size(); ++i) {
      if (i) line += ' ';  // (not " " + text: g++ 12 -O3 warns a false -Wrestrict)
      line += value_text(g.values[i], g.schema->column(i).type);
    }
    out.push_back(line);
  });
  return out;
}

/// The shares of `value` over bins of these overlaps.
std::vector<uint64_t> shares(uint64_t value, const std::vector<SpreadBin>& bins) {
  uint64_t total = 0, before = 0;
  for (const auto& b : bins) total += b.ms;
  std::vector<uint64_t> out;
  for (const auto& b : bins) {
    out.push_back(share(value, before, before + b.ms, total));
    before += b.ms;
  }
  return out;
}

uint64_t sum(const std::vector<uint64_t>& v) {
  uint64_t s = 0;
  for (uint64_t x : v) s += x;
  return s;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("spread: the bins a record covers and its time in each", "[agg][spread]") {
  std::vector<SpreadBin> b;
  // A 600 s window from a minute's start: ten whole minutes (its end is the next bin's start).
  REQUIRE(spread_bins(time_ms(1700000040), time_ms(1700000640), 60, b));
  REQUIRE(b.size() == 10);
  for (size_t i = 0; i < b.size(); ++i) {
    CHECK(b[i].start == 1700000040 + 60 * static_cast<int64_t>(i));
    CHECK(b[i].ms == 60000);
  }
  // Not aligned: a part of a bin at each end.
  REQUIRE(spread_bins(time_ms(1700000090), time_ms(1700000170), 60, b));
  REQUIRE(b.size() == 3);
  CHECK(b[0].start == 1700000040);
  CHECK(b[0].ms == 10000);
  CHECK(b[1].ms == 60000);
  CHECK(b[2].start == 1700000160);
  CHECK(b[2].ms == 10000);
  // Milliseconds (13-digit times), across a bin's edge; a record in seconds ending in ms.
  REQUIRE(spread_bins(time_ms(1700000039500), time_ms(1700000040250), 60, b));
  REQUIRE(b.size() == 2);
  CHECK(b[0].ms == 500);
  CHECK(b[1].ms == 250);
  REQUIRE(spread_bins(time_ms(1700000039), time_ms(1700000040250), 60, b));
  CHECK(b.size() == 2);
  // No span: the record goes whole to its bin (the caller's doing).
  CHECK_FALSE(spread_bins(time_ms(1700000040), time_ms(1700000040), 60, b));
  CHECK_FALSE(spread_bins(time_ms(1700000100), time_ms(1700000040), 60, b));
  CHECK(b.empty());
  // Before 1970, and at the ends of the range: no overflow.
  REQUIRE(spread_bins(-90000, 30000, 60, b));
  CHECK(b.size() == 3);
  CHECK(b[0].start == -120);
  CHECK_FALSE(spread_bins(INT64_MAX, INT64_MIN, 60, b));
  CHECK_THROWS_AS(spread_bins(INT64_MIN, INT64_MAX, 60, b), DataError);
  // A day in 1 s bins is allowed; beyond kMaxSpreadBins is a data error, not hours of work.
  REQUIRE(spread_bins(0, 86400 * 1000, 1, b));
  CHECK(b.size() == 86400);
  CHECK_THROWS_WITH(spread_bins(0, time_ms(2'000'000), 1, b), Catch::Contains("2000000 bins of 1 s"));
}

TEST_CASE("spread: shares are whole, each within 1 of its proportion, and add up exactly", "[agg][spread]") {
  std::vector<SpreadBin> b;
  REQUIRE(spread_bins(time_ms(1700000040), time_ms(1700000640), 60, b));
  CHECK(shares(1000, b) == std::vector<uint64_t>(10, 100));
  CHECK(sum(shares(7, b)) == 7);  // fewer units than bins: some get 0
  CHECK(shares(7, b) == std::vector<uint64_t>{0, 1, 1, 0, 1, 1, 0, 1, 1, 1});
  CHECK(sum(shares(UINT64_MAX, b)) == UINT64_MAX);  // 128-bit products
  REQUIRE(spread_bins(time_ms(1700000090), time_ms(1700000170), 60, b));
  CHECK(shares(80, b) == std::vector<uint64_t>{10, 60, 10});
  std::mt19937_64 rng(18);
  for (int i = 0; i < 2000; ++i) {
    const int64_t start = 1700000000000 + static_cast<int64_t>(rng() % 10'000'000);
    const int64_t end = start + 1 + static_cast<int64_t>(rng() % 3'600'000);
    const int64_t bin = std::array<int64_t, 4>{1, 60, 300, 3600}[rng() % 4];
    const uint64_t value = i % 3 == 0 ? rng() : rng() % 100000;
    REQUIRE(spread_bins(start, end, bin, b));
    uint64_t total = 0;
    for (const auto& x : b) total += x.ms;
    REQUIRE(total == static_cast<uint64_t>(end - start));
    auto s = shares(value, b);
    REQUIRE(sum(s) == value);
    // |share - value * ms / total| < 1, in whole numbers: |share * total - value * ms| < total.
    __extension__ typedef __int128 i128;
    for (size_t j = 0; j < b.size(); ++j) {
      const i128 off = i128{s[j]} * total - i128{value} * b[j].ms;
      REQUIRE((off < 0 ? -off : off) < i128{total});
    }
  }
}

TEST_CASE("spread: the key spread over is the one time bin", "[agg][spread]") {
  CHECK(time_bin_key(AggSpec::parse({"srcaddr", "start/1m"}, {}, false), "--spread") == 1);
  CHECK_THROWS_WITH(time_bin_key(AggSpec::parse({"srcaddr"}, {}, false), "--spread"), Catch::Contains("-k start/1m"));
  CHECK_THROWS_WITH(time_bin_key(AggSpec::parse({"start/1m", "end/5m"}, {}, false), "--spread"),
                    Catch::Contains("two time bins"));
  AggSpec s = AggSpec::parse({"start/1m"}, {}, false);
  s.spread = true;
  CHECK(s.canonical() != AggSpec::parse({"start/1m"}, {}, false).canonical());  // only like states merge
  CHECK(s.describe() == "-k start/1m -a count,sum(packets),sum(bytes) --spread");
}

TEST_CASE("spread: sums shared out, records counted in each bin touched, others as they are", "[agg][spread]") {
  const std::string flows =
      "version interface-id srcaddr packets bytes start end\n"
      "2 eni-a 10.0.0.1 10 6000 1700000040 1700000640\n"     // ten minutes
      "2 eni-a 10.0.0.1 3 1000 1700000070 1700000130\n"      // half and half
      "2 eni-b 10.0.0.2 5 500 1700000100 1700000100\n"       // no span: whole
      "2 eni-b 10.0.0.2 5 500 1700000200 1700000100\n"       // end before start: whole
      "2 eni-b 10.0.0.2 5 500 1700000160 -\n"                // no end: whole
      "2 eni-b 10.0.0.2 - - 1700000040 1700000160\n"         // nulls stay null
      "2 eni-b 10.0.0.2 4 4 1700000039500 1700000040500\n";  // milliseconds
  CHECK(run(flows, {"start/1m"}, {"count", "packets", "bytes", "max(bytes)"}) ==
        V{"1699999980 1 2 2 4",  // the last record's first half
          "1700000040 4 4 1102 6000", "1700000100 4 8 1600 6000", "1700000160 3 11 1600 6000",
          "1700000220 1 1 600 6000", "1700000280 1 1 600 6000", "1700000340 1 1 600 6000", "1700000400 1 1 600 6000",
          "1700000460 1 1 600 6000", "1700000520 1 1 600 6000", "1700000580 1 1 600 6000"});
  // Totals: every record's packets and bytes, once.
  CHECK(run(flows, {"start/1d"}, {"packets", "bytes"}) == V{"1699920000 32 8504"});
  // A string key beside the bin, with a budget so small that every record spills between its
  // bins: the same groups (the key's strings interned again after each spill).
  const V want = run(flows, {"interface-id", "start/5m"}, {"count", "bytes"});
  CHECK(want == V{"eni-a 1699999800 2 1100", "eni-a 1700000100 2 3500", "eni-a 1700000400 1 2400",
                  "eni-b 1699999800 2 4", "eni-b 1700000100 4 1500"});
  CHECK(run(flows, {"interface-id", "start/5m"}, {"count", "bytes"}, 1) == want);
  // Bins of 10 s: the first record's 60 rows are staged (and grouped, and spilled) 32 at a time.
  const V tens = run(flows, {"interface-id", "start/10s"}, {"count", "bytes"});
  CHECK(tens.size() == 60 + 15);  // eni-a: ten minutes; eni-b: the null record's 12, one before, two whole
  CHECK(run(flows, {"interface-id", "start/10s"}, {"count", "bytes"}, 1) == tens);
}

TEST_CASE("fill: every bin from the first to the last, per series, zeros and nulls, spilled or not", "[agg][fill]") {
  const std::string flows =
      "version interface-id bytes start end\n"
      "2 eni-a 10 1700000040 1700000040\n"
      "2 eni-a - 1700000220 1700000220\n"  // a sum of nothing: 0 with --fill
      "2 eni-b 5 1700000100 1700000100\n"
      "2 eni-b 5 - -\n";  // no start: its own group, not a bin
  const V want{"eni-a 1700000040 1 10 10", "eni-a 1700000100 0 0 -", "eni-a 1700000160 0 0 -",
               "eni-a 1700000220 1 0 -",   "eni-b - 1 5 5",          "eni-b 1700000040 0 0 -",
               "eni-b 1700000100 1 5 5",   "eni-b 1700000160 0 0 -", "eni-b 1700000220 0 0 -"};
  CHECK(run(flows, {"interface-id", "start/1m"}, {"count", "bytes", "max(bytes)"}, uint64_t{1} << 30, false, true) ==
        want);
  // Spilled (every group in runs read back): the same.
  CHECK(run(flows, {"interface-id", "start/1m"}, {"count", "bytes", "max(bytes)"}, 1, false, true) == want);
  // Without --fill the sum of nothing stays null.
  CHECK(run(flows, {"start/1d"}, {"bytes"}, uint64_t{1} << 30, false, false) == V{"- 5", "1699920000 15"});
  CHECK(run("version bytes start end\n2 1 - -\n", {"start/1m"}, {"bytes"}, uint64_t{1} << 30, false, true) ==
        V{"- 1"});  // no bin seen: nothing to fill
  CHECK_THROWS_WITH(run("version bytes start end\n2 1 0 0\n2 1 100000000 100000000\n", {"start/1m"}, {"bytes"},
                        uint64_t{1} << 30, false, true),
                    Catch::Contains("--fill: the bins of 60 s from 1970-01-01T00:00:00Z"));
}
