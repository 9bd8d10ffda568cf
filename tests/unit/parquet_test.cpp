// Tests of the Parquet reader: the Thrift compact decoder, the RLE/bit-packed hybrid and the
// DELTA encodings against hand-made bytes, and files DuckDB wrote (tests/data/parquet/make.sh).
#include <catch2/catch.hpp>

#include <fstream>
#include <sstream>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "parquet/decode.hpp"
#include "parquet/metadata.hpp"
#include "parquet/thrift_read.hpp"

using namespace flow;
using namespace flow::parquet;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

const std::string kDir = std::string(FLOW_TEST_DATA) + "/parquet/";

/// Every record of a file as text lines "name=value ..." (null as "-"), read by records.
std::vector<std::string> read_lines(const std::string& file, const ReadOptions& opts = {}) {
  auto r = open_reader(open_input(kDir + file), opts);
  std::vector<std::string> out;
  Record rec;
  while (r->next(rec)) {
    std::string s;
    for (size_t i = 0; i < rec.values.size(); ++i)
      s += (i ? " " : "") + rec.schema->column(i).name + "=" + value_text(rec.values[i], rec.schema->column(i).type);
    out.push_back(s);
  }
  return out;
}

std::string fmt_pad(uint64_t n) {
  std::string s = std::to_string(n);
  return std::string(17 - s.size(), '0') + s;
}

/// Row i of tests/parquet/aws_table.sql, as read_lines() writes it.
std::string aws_row(uint64_t i) {
  const bool nodata = i % 37 == 0;
  auto v = [&](const std::string& s) { return nodata ? std::string("-") : s; };
  const int ports[] = {443, 80, 22, 53, 3389};
  return "version=2 account-id=123456789012 interface-id=eni-" + fmt_pad(i % 13) +
         " srcaddr=" + v("10.0." + std::to_string(i % 7) + "." + std::to_string(i * 13 % 251)) +
         " dstaddr=" + v("172.31." + std::to_string(i % 3) + "." + std::to_string(i * 7 % 253)) +
         " srcport=" + v(std::to_string(1024 + i * 31 % 60000)) + " dstport=" + v(std::to_string(ports[i % 5])) +
         " protocol=" + v(i % 5 == 3 ? "17" : "6") + " packets=" + v(std::to_string(1 + i % 97)) +
         " bytes=" + v(std::to_string(40 + i * 977 % 150000)) + " start=" + std::to_string(1700000000 + i / 10) +
         " end=" + std::to_string(1700000060 + i / 10) + " action=" + v(i % 11 == 0 ? "REJECT" : "ACCEPT") +
         " log-status=" + (nodata ? "NODATA" : "OK");
}

}  // namespace

TEST_CASE("Thrift compact: fields read, unknown ones skipped, nesting and lengths bounded", "[parquet]") {
  // {1: i32 5, 3: "ab", 20: {1: list<i32> [1, 2]}}: field 20 has the long header form.
  const std::string bytes(
      "\x15\x0a\x28\x02"
      "ab\x0c\x28\x19\x25\x02\x04\x00\x00",
      14);
  CompactReader r(bytes.data(), bytes.size());
  r.begin_struct();
  int16_t id;
  TType t;
  REQUIRE(r.next_field(id, t));
  CHECK((id == 1 && t == TType::I32));
  CHECK(r.i32() == 5);
  REQUIRE(r.next_field(id, t));
  CHECK((id == 3 && t == TType::Binary));
  CHECK(r.binary() == "ab");
  REQUIRE(r.next_field(id, t));
  CHECK((id == 20 && t == TType::Struct));
  r.skip(t);
  CHECK_FALSE(r.next_field(id, t));
  CHECK(r.position() == bytes.size());

  const std::string deep(200, '\x1c');  // structs in structs, never closed
  CompactReader d(deep.data(), deep.size());
  CHECK_THROWS_WITH(d.skip(TType::Struct), Catch::Contains("nested too deeply"));
  const std::string lying(
      "\x18\x64"
      "ab",
      4);  // binary of 100 bytes, 2 there
  CompactReader l(lying.data(), lying.size());
  l.begin_struct();
  REQUIRE(l.next_field(id, t));
  CHECK_THROWS_WITH(l.binary(), Catch::Contains("truncated"));
  const std::string list("\xf5\xff\xff\xff\xff\x07", 6);  // a list claiming 2^31 elements
  CompactReader li(list.data(), list.size());
  TType elem;
  CHECK_THROWS_AS(li.list(elem), ThriftError);
}

TEST_CASE("RLE/bit-packed hybrid and DELTA_BINARY_PACKED decode the specification's examples", "[parquet]") {
  // Encodings.md: 0..7 bit-packed in 3 bits (0x88 0xC6 0xFA), then an RLE run of five 4s.
  std::vector<uint8_t> rle = {0x03, 0x88, 0xC6, 0xFA, 0x0a, 0x04};
  rle.resize(rle.size() + kPadding);
  RleDecoder d(Bytes{rle.data(), rle.data() + 6}, 3);
  std::vector<uint32_t> out(13);
  d.get(out.data(), 13);
  CHECK(out == std::vector<uint32_t>{0, 1, 2, 3, 4, 5, 6, 7, 4, 4, 4, 4, 4});
  uint32_t more;
  CHECK_THROWS_AS(d.get(&more, 1), DecodeError);

  // 1 2 3 4 5: block of 128 in 4 miniblocks, 5 values, first 1; min delta 1, widths 0.
  std::vector<uint8_t> delta = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0, 0, 0, 0};
  const size_t n = delta.size();
  delta.resize(n + kPadding);
  Bytes b{delta.data(), delta.data() + n};
  std::vector<int64_t> v(5);
  delta_binary(b, 5, v.data(), false);
  CHECK(v == std::vector<int64_t>{1, 2, 3, 4, 5});
  Bytes cut{delta.data(), delta.data() + 7};
  CHECK_THROWS_AS(delta_binary(cut, 5, v.data(), false), DecodeError);
}

TEST_CASE("DuckDB's Parquet (GZIP and SNAPPY, dictionaries, nulls, row groups) reads row for row", "[parquet]") {
  for (auto [file, rows] : {std::pair{"aws-gzip.parquet", 4500}, std::pair{"aws-snappy.parquet", 300}}) {
    INFO(file);
    const auto lines = read_lines(file);
    REQUIRE(lines.size() == static_cast<size_t>(rows));
    for (uint64_t i = 0; i < lines.size(); ++i) REQUIRE(lines[i] == aws_row(i));
  }
}

TEST_CASE("Parquet v2 pages, DELTA and BYTE_STREAM_SPLIT encodings, extra columns typed", "[parquet]") {
  auto r = open_reader(open_input(kDir + "extra-zstd-v2.parquet"), {});
  Record rec;
  uint64_t i = 0;
  while (r->next(rec)) {
    const Schema& s = *rec.schema;
    REQUIRE(s.slot("delta") >= 0);
    CHECK(s.column(static_cast<size_t>(s.slot("delta"))).type == Type::Float);  // negative values
    CHECK(s.column(static_cast<size_t>(s.slot("i"))).type == Type::UInt);
    CHECK(s.column(static_cast<size_t>(s.slot("ts"))).type == Type::Time);
    CHECK(rec.values[static_cast<size_t>(s.slot("delta"))].f == static_cast<double>(i) - 50);
    CHECK(rec.values[static_cast<size_t>(s.slot("score"))].f == static_cast<double>(i) / 8);
    CHECK(rec.values[static_cast<size_t>(s.slot("ts"))].t == static_cast<int64_t>(1700000000 + i));
    CHECK(rec.values[static_cast<size_t>(s.slot("note"))].str() == std::string(1, 'n') + std::to_string(i % 3));
    CHECK(rec.values[static_cast<size_t>(s.slot("bytes"))].null() == (i % 37 == 0));
    ++i;
  }
  CHECK(i == 4500);
}

TEST_CASE("Parquet projection, shards of row groups, and dictionary codes as columns", "[parquet]") {
  ReadOptions o;
  o.fields = std::vector<std::string>{"dstport", "srcaddr", "no-such"};
  const auto lines = read_lines("aws-gzip.parquet", o);
  REQUIRE(lines.size() == 4500);
  CHECK(lines[1] == "srcaddr=10.0.1.13 dstport=80");
  // Two shards deliver row groups 1 and 3, and 2 (2048, 2048 and 404 rows).
  size_t rows[2] = {0, 0};
  for (unsigned k = 0; k < 2; ++k) {
    ReadOptions s;
    s.shard = k;
    s.shards = 2;
    auto r = open_reader(open_input(kDir + "aws-gzip.parquet"), s);
    ColumnBatch c;
    while (r->next_columns(c)) {
      rows[k] += c.rows;
      const int slot = c.schema->slot("action");
      REQUIRE(c.codes[static_cast<size_t>(slot)] != nullptr);  // a dictionary column
      for (size_t i = 0; i < c.rows; ++i)
        if (!c.values[static_cast<size_t>(slot)][i].null())
          CHECK(c.codes[static_cast<size_t>(slot)][i] < c.codes_size[static_cast<size_t>(slot)]);
    }
  }
  CHECK(rows[0] == 2048 + 404);
  CHECK(rows[1] == 2048);
}

TEST_CASE("Parquet errors name the file and what is wrong", "[parquet]") {
  const std::string good = slurp(kDir + "aws-gzip.parquet");
  auto open_bytes = [](std::string b) {
    ReadOptions o;
    o.format = Format::Parquet;
    return open_reader(std::make_unique<InputStream>(memory_source(std::move(b)), "x.parquet"), o);
  };
  // Errors of the file as a whole come with the first read, fatal, where the error policy applies.
  auto first_read = [](std::unique_ptr<Reader> r) {
    Record rec;
    try {
      r->next(rec);
    } catch (const DataError& e) {
      CHECK(e.fatal);
      return e.message();
    }
    return std::string("no error");
  };
  CHECK_THAT(first_read(open_bytes(good.substr(0, good.size() - 100))),
             Catch::Contains("x.parquet: truncated or damaged Parquet file"));
  CHECK_THAT(first_read(open_bytes("PAR1" + std::string(100, 'x'))), Catch::Contains("no PAR1 magic at the end"));
  // A column without a type (damaged schema): an error, not a read of an empty optional.
  CHECK_THAT(first_read(open_reader(
                 open_input(std::string(FLOW_TEST_DATA) + "/../../fuzz/regressions/parquet/untyped-leaf.parquet"), {})),
             Catch::Contains("has no valid type"));
  CHECK_THAT(first_read(open_reader(open_input(kDir + "lz4.parquet"), {})),
             Catch::Contains("column version is compressed with LZ4_RAW"));
  // A damaged page: an error for its row group, then the next row groups read.
  std::string bad = good;
  bad[200] = static_cast<char>(bad[200] ^ 0x55);
  auto r = open_bytes(bad);
  Record rec;
  size_t ok = 0, errors = 0;
  for (;;) {
    try {
      if (!r->next(rec)) break;
      ++ok;
    } catch (const DataError& e) {
      ++errors;
      CHECK_FALSE(e.fatal);
    }
  }
  CHECK(errors >= 1);
  CHECK(ok >= 2048);
}
