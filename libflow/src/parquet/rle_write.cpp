// The RLE / bit-packing hybrid: an RLE run is a varint header (count << 1) and the value in
// ceil(bit_width / 8) bytes; a bit-packed run is a varint header (groups << 1 | 1) and groups of
// 8 values packed from the least significant bit of each byte. Padding is allowed only at the
// end (a reader stops after the values it expects), so bit-packed runs before an RLE run hold a
// multiple of 8 values.
#include "parquet/rle_write.hpp"

namespace flow::parquet {
namespace {

void put_varint(std::string& out, uint64_t v) {
  for (; v >= 0x80; v >>= 7) out += static_cast<char>((v & 0x7F) | 0x80);
  out += static_cast<char>(v);
}

void put_rle(std::string& out, uint32_t value, size_t count, int width) {
  put_varint(out, uint64_t{count} << 1);
  for (int b = 0; b < width; b += 8) out += static_cast<char>(value >> b);
}

void put_packed(std::string& out, std::span<const uint32_t> v, int width) {
  const size_t groups = (v.size() + 7) / 8;
  put_varint(out, (groups << 1) | 1);
  uint64_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < groups * 8; ++i) {
    acc |= uint64_t{i < v.size() ? v[i] : 0} << bits;
    for (bits += width; bits >= 8; bits -= 8, acc >>= 8) out += static_cast<char>(acc);
  }
}

}  // namespace

int rle_bit_width(uint64_t max) {
  int w = 1;
  while (w < 64 && (max >> w) != 0) ++w;
  return w;
}

void rle_hybrid(std::span<const uint32_t> v, int width, std::string& out) {
  constexpr size_t kMinRun = 8;
  size_t literal = 0;  // start of the values not written yet, to be bit-packed
  size_t i = 0;
  while (i < v.size()) {
    size_t run = 1;
    while (i + run < v.size() && v[i + run] == v[i]) ++run;
    // Fill the literal values up to a group of 8 from the run, and see whether an RLE run is left.
    const size_t fill = (8 - (i - literal) % 8) % 8;
    if (run >= fill + kMinRun) {
      if (fill || i > literal) put_packed(out, v.subspan(literal, i + fill - literal), width);
      put_rle(out, v[i], run - fill, width);
      literal = i + run;
    }
    i += run;
  }
  if (literal < v.size()) put_packed(out, v.subspan(literal), width);
}

}  // namespace flow::parquet
