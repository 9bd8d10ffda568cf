// Sorting and --unique: a sort spilled in many runs, merged in passes, gives the order of one
// sort in memory (stable: ties in input order, nulls first); duplicates are found by hash and
// by neighbours alike.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "flow/sort.hpp"

using namespace flow;

namespace {

/// n records of two formats, few distinct starts (many ties), some null starts and addresses.
std::string mixed_text(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string t;
  for (size_t i = 0; i < n; ++i) {
    if (i % 500 == 0) t += i % 1000 ? "version srcaddr start bytes action\n" : "version start srcaddr bytes\n";
    const bool b = (i / 500) % 2;
    std::string start = rng() % 20 == 0 ? "-" : std::to_string(1700000000 + rng() % 50);
    std::string addr = rng() % 10 == 0 ? "-"
                       : rng() % 4     ? fmt::format("10.0.{}.{}", rng() % 3, rng() % 3)
                                       : "2001:db8::1";
    std::string bytes = std::to_string(i);  // unique: shows where each record went
    t += b ? fmt::format("2 {} {} {} ACCEPT\n", addr, start, bytes) : fmt::format("2 {} {} {}\n", start, addr, bytes);
  }
  return t;
}

std::vector<std::string> sorted(const std::string& text, const std::vector<std::string>& keys, bool reverse,
                                uint64_t memory, size_t* runs = nullptr) {
  ReadOptions ro;
  ro.format = Format::Aws;
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(text), "mem"), ro);
  Sorter s(RecordOrder(keys, reverse), MergeLimits{memory, ""});
  Record r;
  while (reader->next(r)) s.add(r);
  std::vector<std::string> out;
  while (s.next(r)) {
    std::string row;
    for (size_t i = 0; i < r.values.size(); ++i)
      row += r.schema->column(i).name + "=" + value_text(r.values[i], r.schema->column(i).type) + " ";
    out.push_back(row);
  }
  if (runs) *runs = s.spilled_runs();
  return out;
}

/// The same records sorted the plain way: all in memory, by RecordOrder::compare.
std::vector<std::string> plain_sorted(const std::string& text, const std::vector<std::string>& keys, bool reverse) {
  ReadOptions ro;
  ro.format = Format::Aws;
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(text), "mem"), ro);
  std::vector<Record> records;
  Record r;
  while (reader->next(r)) copy_record(r, records.emplace_back());
  const RecordOrder order(keys, reverse);
  std::stable_sort(records.begin(), records.end(),
                   [&](const Record& a, const Record& b) { return order.compare(a, b) < 0; });
  std::vector<std::string> out;
  for (const Record& x : records) {
    std::string row;
    for (size_t i = 0; i < x.values.size(); ++i)
      row += x.schema->column(i).name + "=" + value_text(x.values[i], x.schema->column(i).type) + " ";
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE("sort: spilled runs merged in passes give the order of a sort in memory", "[sort]") {
  const std::string text = mixed_text(20000, 7);
  for (const auto& keys : {std::vector<std::string>{"start"}, std::vector<std::string>{"srcaddr", "start"}})
    for (bool reverse : {false, true}) {
      size_t runs = 0;
      const auto one = sorted(text, keys, reverse, uint64_t{1} << 30, &runs);
      REQUIRE(runs == 0);
      REQUIRE(one.size() == 20000);
      CHECK(one == plain_sorted(text, keys, reverse));  // the shortcuts of the sort in memory change nothing
      // 64 KiB: about 40 runs, merged two at a time (the fan-in of so little memory).
      const auto many = sorted(text, keys, reverse, 64 << 10, &runs);
      CHECK(runs > 20);
      CHECK(many == one);
    }
}

TEST_CASE("sort: stable by start, nulls first, milliseconds beside their second", "[sort]") {
  const std::string text =
      "version start bytes\n"
      "2 1700000005 1\n"
      "2 - 2\n"
      "2 1700000001 3\n"
      "2 1700000005 4\n"
      "2 1700000001500 5\n"
      "2 1700000002 6\n"
      "2 - 7\n";
  auto bytes = [](const std::vector<std::string>& rows) {
    std::string b;
    for (const auto& r : rows) b += r.substr(r.find("bytes=") + 6, 1);
    return b;
  };
  CHECK(bytes(sorted(text, {"start"}, false, 1 << 20)) == "2735614");
  CHECK(bytes(sorted(text, {"start"}, true, 1 << 20)) == "1465327");
  CHECK(bytes(sorted(text, {"start"}, false, 1)) == "2735614");  // a run a record
}

TEST_CASE("sort: a key neither in the input nor a known field is an error with a suggestion", "[sort]") {
  CHECK_THROWS_WITH(sorted("version start bytes\n2 1 2\n", {"strat"}, false, 1 << 20),
                    "--sort: field 'strat' is not in the input (did you mean 'start'?)");
  CHECK_THROWS_WITH(parse_sort_keys("start,dst_port"), "--sort: unknown field 'dst_port' (did you mean 'dstport'?)");
  CHECK(parse_sort_keys("srcaddr,start") == std::vector<std::string>{"srcaddr", "start"});
  // A known field missing from the input is null: it sorts first.
  CHECK(sorted("version start\n2 5\n2 4\n", {"dstport", "start"}, false, 1 << 20).front().find("start=4") !=
        std::string::npos);
}

TEST_CASE("unique: by hash and by neighbours after a whole sort, the same duplicates", "[sort]") {
  std::string text = mixed_text(3000, 3);
  // Duplicates: every line read twice (a file read twice), the header lines included.
  text += text;
  ReadOptions ro;
  ro.format = Format::Aws;
  auto count = [&](bool sort) {
    auto reader = open_reader(std::make_unique<InputStream>(memory_source(text), "mem"), ro);
    Unique u(sort);
    Sorter s(RecordOrder({"start"}, false, true), MergeLimits{64 << 10, ""});
    Record r;
    uint64_t kept = 0;
    if (!sort)
      while (reader->next(r)) kept += u.keep(r);
    else {
      while (reader->next(r)) s.add(r);
      while (s.next(r)) kept += u.keep(r);
    }
    return std::pair{kept, u.dropped()};
  };
  CHECK(count(false) == std::pair<uint64_t, uint64_t>{3000, 3000});
  CHECK(count(true) == std::pair<uint64_t, uint64_t>{3000, 3000});
}
