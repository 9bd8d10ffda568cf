// Record streams: a text file read in parallel pieces numbers its lines and reads its formats as
// the whole file read in one piece does. A piece's context (the lines before it, the header line
// in effect) is found by reading everything before it backwards, a MiB at a time: header lines
// are placed on either side of those chunk boundaries.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "flow/stream.hpp"

using namespace flow;

namespace {

const std::string kHeaderA =
    "version srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status\n";
const std::string kHeaderB =
    "version dstaddr srcaddr dstport srcport protocol packets bytes start end action log-status\n";

/// A data line of exactly 100 bytes (i picks its numbers).
std::string data_line(uint64_t i) {
  std::string l = fmt::format("2 10.0.{}.{} 10.1.{}.{} {} 443 6 {} {} 1700000000 1700000060 ACCEPT OK", i % 200,
                              i % 250, i % 100, i % 50, 10000 + i % 50000, 1 + i % 9, 1000 + i % 9000);
  l.resize(99, ' ');  // trailing spaces: read as no more fields
  return l + "\n";
}

/// What each record read says: its line, which format it was read with, its srcaddr.
std::vector<std::string> read_all(std::vector<std::unique_ptr<RecordStream>> streams) {
  std::vector<std::string> out;
  for (auto& s : streams) {
    Record r;
    while (s->next(r))
      out.push_back(fmt::format("{} {} {}", r.line, r.schema->column(1).name, value_text(r.values[1], Type::Ip)));
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("streams: a text file split for threads reads as in one piece, header lines at chunk edges", "[stream]") {
  REQUIRE(kHeaderA.size() == kHeaderB.size());
  char path[] = "/tmp/flow-stream-XXXXXX";
  close(mkstemp(path));
  const uint64_t kChunk = uint64_t{1} << 20, total = 40000;  // 4 MB of data lines
  // Lines: kHeaderA, k data lines, kHeaderB, a filler line of 100 + y bytes, the other data
  // lines. The second of two pieces starts at the first line after text_piece_end(); its context is
  // read backwards from there a chunk at a time. k and y put kHeaderB `shift` bytes after the
  // first chunk boundary (negative: before it).
  auto lengths = [&](uint64_t k, uint64_t y) {
    std::vector<uint64_t> len{kHeaderA.size()};
    len.insert(len.end(), k, 100);
    len.push_back(kHeaderB.size());
    len.push_back(100 + y);
    len.insert(len.end(), total - k - 1, 100);
    return len;
  };
  auto split_of = [](const std::vector<uint64_t>& len) {  // as parallel_streams splits in two
    uint64_t size = 0;
    for (uint64_t l : len) size += l;
    const uint64_t at = text_piece_end(size, 2, 0);
    uint64_t end = 0;
    for (uint64_t l : len)
      if ((end += l) - 1 >= at) return end;
    return size;
  };
  for (int64_t shift : {-101, -100, -99, -2, -1, 0, 1, 2, 99, 100, 101}) {
    INFO("header line " << shift << " bytes after the chunk boundary");
    // From the start of kHeaderB to the split: its line, the filler, whole data lines.
    const int64_t distance = static_cast<int64_t>(kChunk) - shift;
    const auto y = static_cast<uint64_t>(((distance - static_cast<int64_t>(kHeaderB.size()) - 100) % 100 + 100) % 100);
    uint64_t k = 0;
    for (uint64_t tryk = total / 2 - 12000; tryk < total / 2 + 2000; ++tryk) {
      auto len = lengths(tryk, y);
      uint64_t start = kHeaderA.size() + 100 * tryk;
      if (split_of(len) - start == static_cast<uint64_t>(distance)) {
        k = tryk;
        break;
      }
    }
    REQUIRE(k > 0);
    std::string text = kHeaderA;
    for (uint64_t i = 0; i < k; ++i) text += data_line(i);
    text += kHeaderB;
    std::string filler = data_line(k);
    filler.insert(99, std::string(y, ' '));
    text += filler;
    for (uint64_t i = k + 1; i < total; ++i) text += data_line(i);
    REQUIRE(text.size() == [&] {
      uint64_t n = 0;
      for (uint64_t l : lengths(k, y)) n += l;
      return n;
    }());
    {
      std::ofstream f(path, std::ios::binary);
      f << text;
    }
    InputConfig cfg;
    cfg.files = {path};
    std::vector<std::unique_ptr<RecordStream>> one;
    one.push_back(sequential_stream(cfg));
    const auto whole = read_all(std::move(one));
    REQUIRE(whole.size() == total);
    for (size_t threads : {2, 3}) {
      auto streams = parallel_streams(cfg, threads, 1 << 16);
      CHECK(streams.size() == threads);
      CHECK(read_all(std::move(streams)) == whole);
    }
  }
  unlink(path);
}

namespace {

/// Every record of a stream: its fields and values as AWS text writes them (not its line, which
/// a run of a merge pass numbers anew).
std::vector<std::string> records_of(RecordStream& s) {
  std::vector<std::string> out;
  Record r;
  while (s.next(r)) {
    std::string row = r.schema->header() + " |";
    for (size_t i = 0; i < r.values.size(); ++i) {
      row += ' ';  // not " " + value: g++ 12 -O3 warns of a false overlap (-Wrestrict)
      row += value_text(r.values[i], r.schema->column(i).type);
    }
    out.push_back(row);
  }
  return out;
}

}  // namespace

TEST_CASE("streams: a merge in passes through scratch files gives the order of one merge", "[stream]") {
  namespace fs = std::filesystem;
  std::string dir = (fs::temp_directory_path() / "flow-merge-XXXXXX").string();
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  fs::create_directory(dir + "/tmp");
  // 23 inputs: AWS text in two formats (one switching mid-input), JSON Lines, binary, an empty
  // one; starts among a few seconds so that ties abound, a null start, some inputs unsorted.
  std::mt19937 rng(7);
  InputConfig cfg;
  for (int i = 0; i < 23; ++i) {
    std::vector<int> starts(rng() % 7);
    for (auto& s : starts) s = 100 + static_cast<int>(rng() % 5);
    if (i % 5 != 0) std::sort(starts.begin(), starts.end());
    std::string text = i % 3 == 1 ? kHeaderB : kHeaderA, json;
    for (size_t j = 0; j < starts.size(); ++j) {
      if (i % 3 == 2 && j == starts.size() / 2) text += kHeaderB;
      const std::string start = i == 6 && j == 0 ? "-" : std::to_string(starts[j]);
      text += fmt::format("2 10.0.0.{} 10.1.0.1 {} 443 6 1 40 {} 200 ACCEPT OK\n", i, j, start);
      json += fmt::format("{{\"srcaddr\":\"10.0.0.{}\",\"srcport\":{},\"start\":{}}}\n", i, j, starts[j]);
    }
    const std::string path = fmt::format("{}/in{}", dir, i);
    cfg.files.push_back(path);
    if (i % 4 == 3) {
      std::ofstream(path) << json;
    } else if (i % 4 == 2) {
      auto out = Output::open(path);
      auto w = make_writer(Format::Binary, *out, {});
      auto reader = open_reader(std::make_unique<InputStream>(memory_source(text), "mem"), {});
      Record r;
      while (reader->next(r)) w->write(r);
      w->finish();
      out->commit();
    } else {
      std::ofstream(path) << text;
    }
  }
  CHECK(merge_fan_in(0) == 2);
  REQUIRE(merge_fan_in(MergeLimits{}.memory) >= cfg.files.size());
  const auto one = records_of(*merged_stream(cfg));
  REQUIRE(one.size() > 50);
  for (uint64_t fan_in : {2, 3, 5, 22}) {
    INFO("fan-in " << fan_in);
    MergeLimits limits{fan_in * kMergeInputMemory, dir + "/tmp"};
    CHECK(records_of(*merged_stream(cfg, limits)) == one);
    CHECK(fs::is_empty(dir + "/tmp"));  // scratch files are removed at once
  }
  MergeLimits nowhere{2 * kMergeInputMemory, dir + "/none"};
  CHECK_THROWS_WITH(merged_stream(cfg, nowhere),
                    Catch::Contains(dir + "/none: cannot create a spill file: No such file or directory"));
  fs::remove_all(dir);
}

TEST_CASE("streams: an error of on_idle (the output's) ends the read, whatever the error policy", "[stream]") {
  int p[2];
  REQUIRE(pipe(p) == 0);
  const std::string line =
      "2 123456789012 eni-1 10.0.0.1 10.0.0.2 443 1234 6 10 1000 1600000000 1600000060 ACCEPT OK\n";
  REQUIRE(write(p[1], line.data(), line.size()) == static_cast<ssize_t>(line.size()));
  InputConfig cfg;
  cfg.files = {fmt::format("/dev/fd/{}", p[0])};
  cfg.on_error = ErrorPolicy::Skip;
  int calls = 0;
  cfg.on_idle = [&] {
    ++calls;
    throw DataError("out: write error: No space left on device");
  };
  auto s = sequential_stream(cfg);
  Record r;
  REQUIRE(s->next(r));
  CHECK_THROWS_WITH(s->next(r), Catch::Contains("No space left"));  // not skipped as the input's
  CHECK(calls == 1);
  CHECK(s->skipped().errors == 0);
  close(p[1]);
  close(p[0]);
}
