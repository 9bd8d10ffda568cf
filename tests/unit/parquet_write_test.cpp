// Tests of the Parquet writer's encoders: the Thrift compact protocol against the examples of its
// specification (apache/thrift, doc/specs/thrift-compact-protocol.md), and the RLE / bit-packing
// hybrid against apache/parquet-format's Encodings.md and a decoder written from it.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "parquet/rle_write.hpp"
#include "parquet/thrift_write.hpp"

using flow::parquet::CompactWriter;
using flow::parquet::TType;

namespace {

std::string hex(const std::string& s) {
  std::string h;
  for (unsigned char c : s) {
    static const char* d = "0123456789abcdef";
    if (!h.empty()) h += ' ';
    h += d[c >> 4];
    h += d[c & 15];
  }
  return h;
}

/// The hybrid's decoder, as Encodings.md describes it: n values of `width` bits.
std::vector<uint32_t> decode(const std::string& s, int width, size_t n) {
  std::vector<uint32_t> v;
  size_t i = 0;
  auto varint = [&] {
    uint64_t x = 0;
    for (int shift = 0;; shift += 7) {
      const auto b = static_cast<unsigned char>(s.at(i++));
      x |= uint64_t{b & 0x7Fu} << shift;
      if (b < 0x80) return x;
    }
  };
  while (v.size() < n) {
    const uint64_t h = varint();
    if (h & 1) {
      const size_t count = (h >> 1) * 8;
      uint64_t acc = 0;
      int bits = 0;
      for (size_t k = 0; k < count; ++k) {
        while (bits < width) acc |= uint64_t{static_cast<unsigned char>(s.at(i++))} << bits, bits += 8;
        if (v.size() < n) v.push_back(static_cast<uint32_t>(acc & ((uint64_t{1} << width) - 1)));
        acc >>= width;
        bits -= width;
      }
    } else {
      uint32_t value = 0;
      for (int b = 0; b < width; b += 8) value |= uint32_t{static_cast<unsigned char>(s.at(i++))} << b;
      for (uint64_t k = 0; k < h >> 1; ++k) v.push_back(value);
    }
  }
  CHECK(i == s.size());  // nothing left over
  return v;
}

}  // namespace

TEST_CASE("compact protocol: varints and zigzag as the specification's examples", "[parquet]") {
  CompactWriter w;
  w.varint(50399);
  CHECK(hex(w.bytes()) == "df 89 03");
  CHECK(CompactWriter::zigzag(0) == 0);
  CHECK(CompactWriter::zigzag(-1) == 1);
  CHECK(CompactWriter::zigzag(1) == 2);
  CHECK(CompactWriter::zigzag(-2) == 3);
  CHECK(CompactWriter::zigzag(INT64_MIN) == UINT64_MAX);
}

TEST_CASE("compact protocol: field headers, short and long form, nested structs, lists", "[parquet]") {
  CompactWriter w;
  w.begin_struct();
  w.field_i32(1, -1);               // delta 1, i32 (5): 0x15, zigzag 1
  w.field_bool(2, true);            // delta 1, BOOLEAN_TRUE (1), no value
  w.field_i64(20, 300);             // delta 18 > 15: long form, type 6, zigzag id 40, zigzag 600
  w.field_struct(21);               // delta 1, struct (12)
  w.field_binary(1, "ab");          // ids start again inside: delta 1, binary (8), length, bytes
  w.end_struct();                   // stop
  w.field_list(22, TType::I32, 3);  // back to 21: delta 1; 3 i32s: 0x35
  for (int x : {0, 1, 2}) w.i32(x);
  w.field_list(23, TType::Binary, 15);  // 15 elements: long form 0xf8, varint 15
  w.end_struct();
  CHECK(hex(w.bytes()) == "15 01 11 06 28 d8 04 1c 18 02 61 62 00 19 35 00 02 04 19 f8 0f 00");
}

TEST_CASE("RLE hybrid: the bit-packing example of Encodings.md", "[parquet]") {
  // 0 .. 7 with bit width 3: one group, header (1 << 1 | 1), then the bytes the example shows
  // (10001000 11000110 11111010).
  std::vector<uint32_t> v = {0, 1, 2, 3, 4, 5, 6, 7};
  std::string out;
  flow::parquet::rle_hybrid(v, 3, out);
  CHECK(hex(out) == "03 88 c6 fa");
}

TEST_CASE("RLE hybrid: runs, literals filled to groups of 8, padding at the end only", "[parquet]") {
  std::string out;
  std::vector<uint32_t> ones(100, 1);
  flow::parquet::rle_hybrid(ones, 1, out);
  CHECK(hex(out) == "c8 01 01");  // one RLE run: 100 << 1 as a varint, the value in 1 byte
  out.clear();
  // 3 literals, then 13 repeats: 5 of them complete the group, 8 are left for an RLE run.
  std::vector<uint32_t> v = {1, 2, 3, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7, 7};
  flow::parquet::rle_hybrid(v, 3, out);
  CHECK(hex(out) == "03 d1 fe ff 10 07");
  CHECK(decode(out, 3, v.size()) == v);
  out.clear();
  flow::parquet::rle_hybrid(std::vector<uint32_t>{300, 300, 300, 300, 300, 300, 300, 300, 300}, 9, out);
  CHECK(hex(out) == "12 2c 01");  // a value of 9 bits takes 2 bytes
  CHECK(flow::parquet::rle_bit_width(0) == 1);
  CHECK(flow::parquet::rle_bit_width(1) == 1);
  CHECK(flow::parquet::rle_bit_width(2) == 2);
  CHECK(flow::parquet::rle_bit_width(255) == 8);
  CHECK(flow::parquet::rle_bit_width(256) == 9);
}

TEST_CASE("RLE hybrid: random sequences decode to themselves", "[parquet]") {
  std::mt19937 rng(19);
  for (int round = 0; round < 500; ++round) {
    const int width = 1 + static_cast<int>(rng() % 20);
    const size_t n = rng() % 200;
    std::vector<uint32_t> v;
    while (v.size() < n) {
      const uint32_t x = static_cast<uint32_t>(rng() & ((uint64_t{1} << width) - 1));
      for (size_t k = rng() % 3 == 0 ? rng() % 20 : 1; k > 0 && v.size() < n; --k) v.push_back(x);
    }
    std::string out;
    flow::parquet::rle_hybrid(v, width, out);
    INFO("width " << width << " n " << n);
    CHECK(decode(out, width, v.size()) == v);
  }
}
