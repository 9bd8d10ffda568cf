// Parquet encodings (see decode.hpp and apache/parquet-format's Encodings.md).
#include "parquet/decode.hpp"

#include <bit>
#include <cstring>

#include <fmt/format.h>

namespace flow::parquet {
namespace {

[[noreturn]] void fail(const char* what) { throw DecodeError(what); }

uint64_t uleb(Bytes& b) {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (b.p >= b.end) fail("truncated varint");
    const uint8_t c = *b.p++;
    v |= static_cast<uint64_t>(c & 0x7f) << shift;
    if (!(c & 0x80)) return v;
  }
  fail("bad varint");
}

int64_t zigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

void need(const Bytes& b, uint64_t n) {
  if (n > b.left()) fail("truncated page data");
}

uint64_t load64(const uint8_t* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

/// Value i of `width`-bit values packed LSB first from p (p has kPadding bytes after the run).
inline uint64_t unpack(const uint8_t* p, uint64_t bit, int width) {
  if (width == 0) return 0;
  const uint64_t v = load64(p + bit / 8) >> (bit % 8);
  if (width <= 56) return v & ((uint64_t{1} << width) - 1);
  // A 64-bit value that straddles 9 bytes.
  const uint64_t hi = bit % 8 ? static_cast<uint64_t>(p[bit / 8 + 8]) << (64 - bit % 8) : 0;
  const uint64_t all = v | hi;
  return width == 64 ? all : all & ((uint64_t{1} << width) - 1);
}

}  // namespace

int bit_width(uint64_t max) { return max == 0 ? 0 : 64 - std::countl_zero(max); }

RleDecoder::RleDecoder(Bytes b, int width) : b_(b), width_(width) {
  if (width < 0 || width > 32) fail("bad bit width");
}

bool RleDecoder::next_run() {
  if (b_.p >= b_.end) return false;
  const uint64_t h = uleb(b_);
  if (h & 1) {
    // 8 values of width bits each; a count past the data is cut to what is there.
    const uint64_t groups = std::min<uint64_t>(h >> 1, width_ ? b_.left() + 1 : uint64_t{1} << 28);
    const uint64_t bytes = groups * static_cast<uint64_t>(width_);
    if (groups == 0) return next_run();
    packed_ = b_.p;
    // The last run may be cut short: only whole values present count.
    const uint64_t have = std::min<uint64_t>(bytes, b_.left());
    packed_left_ = static_cast<uint32_t>(std::min<uint64_t>(groups * 8, width_ ? have * 8 / width_ : groups * 8));
    if (packed_left_ == 0) fail("truncated bit-packed run");
    b_.p += have;
    bit_ = 0;
  } else {
    const int nbytes = (width_ + 7) / 8;
    need(b_, nbytes);
    uint32_t v = 0;
    for (int i = 0; i < nbytes; ++i) v |= static_cast<uint32_t>(b_.p[i]) << (8 * i);
    b_.p += nbytes;
    rle_value_ = v;
    rle_left_ = static_cast<uint32_t>(std::min<uint64_t>(h >> 1, UINT32_MAX));
    if (rle_left_ == 0) return next_run();
  }
  return true;
}

void RleDecoder::get(uint32_t* out, size_t n) {
  while (n > 0) {
    if (rle_left_ > 0) {
      const size_t k = std::min<size_t>(n, rle_left_);
      std::fill(out, out + k, rle_value_);
      out += k, n -= k, rle_left_ -= static_cast<uint32_t>(k);
    } else if (packed_left_ > 0) {
      const size_t k = std::min<size_t>(n, packed_left_);
      for (size_t i = 0; i < k; ++i, bit_ += width_) out[i] = static_cast<uint32_t>(unpack(packed_, bit_, width_));
      out += k, n -= k, packed_left_ -= static_cast<uint32_t>(k);
    } else if (!next_run()) {
      fail("RLE data ends before its values");
    }
  }
}

namespace {
/// n little-endian values of type From, each converted to To.
template <class From, class To>
void plain_values(Bytes& b, size_t n, To* out) {
  need(b, static_cast<uint64_t>(n) * sizeof(From));
  for (size_t i = 0; i < n; ++i) {
    From v;
    std::memcpy(&v, b.p + sizeof(From) * i, sizeof(From));
    out[i] = static_cast<To>(v);
  }
  b.p += n * sizeof(From);
}
}  // namespace

void plain_int32(Bytes& b, size_t n, int64_t* out, bool is_unsigned) {
  if (is_unsigned) plain_values<uint32_t>(b, n, out);
  else plain_values<int32_t>(b, n, out);
}

void plain_int64(Bytes& b, size_t n, int64_t* out) { plain_values<int64_t>(b, n, out); }

void plain_int96(Bytes& b, size_t n, int64_t* out) {
  need(b, n * 12);
  for (size_t i = 0; i < n; ++i) {
    int64_t nanos;
    int32_t julian;
    std::memcpy(&nanos, b.p + 12 * i, 8);
    std::memcpy(&julian, b.p + 12 * i + 8, 4);
    // Unsigned arithmetic: damaged days wrap around rather than overflow.
    out[i] = static_cast<int64_t>(static_cast<uint64_t>(static_cast<int64_t>(julian) - 2440588) * 86400'000'000'000 +
                                  static_cast<uint64_t>(nanos));
  }
  b.p += n * 12;
}

void plain_float(Bytes& b, size_t n, double* out) { plain_values<float>(b, n, out); }

void plain_double(Bytes& b, size_t n, double* out) { plain_values<double>(b, n, out); }

void plain_bool(Bytes& b, size_t n, int64_t* out) {
  need(b, (n + 7) / 8);
  for (size_t i = 0; i < n; ++i) out[i] = (b.p[i / 8] >> (i % 8)) & 1;
  b.p += (n + 7) / 8;
}

void plain_bytes(Bytes& b, size_t n, std::string_view* out) {
  for (size_t i = 0; i < n; ++i) {
    need(b, 4);
    uint32_t len;
    std::memcpy(&len, b.p, 4);
    b.p += 4;
    need(b, len);
    out[i] = {reinterpret_cast<const char*>(b.p), len};
    b.p += len;
  }
}

void plain_fixed(Bytes& b, size_t n, size_t len, std::string_view* out) {
  need(b, static_cast<uint64_t>(n) * len);
  for (size_t i = 0; i < n; ++i) out[i] = {reinterpret_cast<const char*>(b.p + i * len), len};
  b.p += n * len;
}

void delta_binary(Bytes& b, size_t n, int64_t* out, bool is32) {
  const uint64_t block = uleb(b), minis = uleb(b), total = uleb(b);
  uint64_t value = static_cast<uint64_t>(zigzag(uleb(b)));
  if (block == 0 || block % 128 || minis == 0 || block % minis || (block / minis) % 32 || block > (1 << 20))
    fail("bad DELTA_BINARY_PACKED header");
  if (total < n) fail("DELTA_BINARY_PACKED holds fewer values than the page");
  const uint64_t per_mini = block / minis;
  size_t got = 0;
  if (n > 0) out[got++] = is32 ? static_cast<int32_t>(value) : static_cast<int64_t>(value);
  std::vector<uint8_t> widths(minis);
  while (got < n) {
    const uint64_t min_delta = static_cast<uint64_t>(zigzag(uleb(b)));
    need(b, minis);
    std::memcpy(widths.data(), b.p, minis);
    b.p += minis;
    for (uint64_t m = 0; m < minis && got < n; ++m) {
      const int w = widths[m];
      if (w > 64) fail("bad DELTA_BINARY_PACKED bit width");
      const uint64_t bytes = per_mini * w / 8;
      const size_t k = std::min<uint64_t>(per_mini, n - got);
      need(b, (static_cast<uint64_t>(k) * w + 7) / 8);  // the last miniblock may be cut short
      for (size_t i = 0; i < k; ++i) {
        value += min_delta + unpack(b.p, i * static_cast<uint64_t>(w), w);
        out[got++] = is32 ? static_cast<int32_t>(value) : static_cast<int64_t>(value);
      }
      b.p += std::min<uint64_t>(bytes, b.left());
    }
  }
}

void delta_length_bytes(Bytes& b, size_t n, std::string_view* out) {
  std::vector<int64_t> lens(n);
  delta_binary(b, n, lens.data(), true);
  for (size_t i = 0; i < n; ++i) {
    if (lens[i] < 0) fail("negative length in DELTA_LENGTH_BYTE_ARRAY");
    need(b, static_cast<uint64_t>(lens[i]));
    out[i] = {reinterpret_cast<const char*>(b.p), static_cast<size_t>(lens[i])};
    b.p += lens[i];
  }
}

void delta_bytes(Bytes& b, size_t n, std::string_view* out, std::string& storage) {
  std::vector<int64_t> prefix(n);
  delta_binary(b, n, prefix.data(), true);
  std::vector<std::string_view> suffix(n);
  delta_length_bytes(b, n, suffix.data());
  uint64_t total = 0, prev = 0;
  for (size_t i = 0; i < n; ++i) {
    if (prefix[i] < 0 || static_cast<uint64_t>(prefix[i]) > prev) fail("bad prefix length in DELTA_BYTE_ARRAY");
    prev = static_cast<uint64_t>(prefix[i]) + suffix[i].size();
    total += prev;
    if (total > (uint64_t{1} << 31)) fail("DELTA_BYTE_ARRAY values too large");
  }
  storage.resize(total);
  size_t at = 0, last = 0;
  for (size_t i = 0; i < n; ++i) {
    const size_t pre = static_cast<size_t>(prefix[i]);
    if (i > 0) std::memmove(&storage[at], &storage[last], pre);
    std::memcpy(&storage[at + pre], suffix[i].data(), suffix[i].size());
    out[i] = {storage.data() + at, pre + suffix[i].size()};
    last = at;
    at += out[i].size();
  }
}

void byte_stream_split(Bytes& b, size_t n, size_t width, uint8_t* out) {
  need(b, static_cast<uint64_t>(n) * width);
  for (size_t k = 0; k < width; ++k)
    for (size_t i = 0; i < n; ++i) out[i * width + k] = b.p[k * n + i];
  b.p += n * width;
}

}  // namespace flow::parquet
