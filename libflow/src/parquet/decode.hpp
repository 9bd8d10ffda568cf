// Parquet's encodings, decoded from a page's bytes: PLAIN, the RLE/bit-packed hybrid (levels
// and dictionary indices), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY and
// BYTE_STREAM_SPLIT. Every decoder checks the bytes it reads against `end`; the data may be
// read up to kPadding bytes beyond `end` (page buffers have them), never written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace flow::parquet {

/// Bytes every page buffer has after its data, so that decoders may load 8 bytes at a time.
constexpr size_t kPadding = 16;

/// Data that does not decode; the caller adds where.
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// A cursor over bytes [p, end).
struct Bytes {
  const uint8_t* p;
  const uint8_t* end;
  size_t left() const { return static_cast<size_t>(end - p); }
};

/// The RLE/bit-packed hybrid of values `width` bits wide (0..32).
class RleDecoder {
 public:
  RleDecoder(Bytes b, int width);
  /// Decodes exactly n values into out; throws DecodeError when the data ends first.
  void get(uint32_t* out, size_t n);

 private:
  bool next_run();
  Bytes b_;
  int width_;
  uint32_t rle_left_ = 0, rle_value_ = 0;  // a repeated run
  uint32_t packed_left_ = 0;               // values of a bit-packed run
  uint64_t bit_ = 0;                       // its next value's offset in bits from packed_
  const uint8_t* packed_ = nullptr;
};

/// The bits needed for values 0..max.
int bit_width(uint64_t max);

void plain_int32(Bytes& b, size_t n, int64_t* out, bool is_unsigned);
void plain_int64(Bytes& b, size_t n, int64_t* out);
void plain_int96(Bytes& b, size_t n, int64_t* out_nanos);  // legacy timestamps, as Unix nanoseconds
void plain_float(Bytes& b, size_t n, double* out);
void plain_double(Bytes& b, size_t n, double* out);
void plain_bool(Bytes& b, size_t n, int64_t* out);
void plain_bytes(Bytes& b, size_t n, std::string_view* out);
void plain_fixed(Bytes& b, size_t n, size_t len, std::string_view* out);

/// DELTA_BINARY_PACKED of 32- or 64-bit integers.
void delta_binary(Bytes& b, size_t n, int64_t* out, bool is32);
void delta_length_bytes(Bytes& b, size_t n, std::string_view* out);
/// DELTA_BYTE_ARRAY: the values are built in `storage` (which must not be touched while they are used).
void delta_bytes(Bytes& b, size_t n, std::string_view* out, std::string& storage);
/// BYTE_STREAM_SPLIT of `width`-byte values (4 or 8), as raw little-endian bytes in out (n*width).
void byte_stream_split(Bytes& b, size_t n, size_t width, uint8_t* out);

}  // namespace flow::parquet
