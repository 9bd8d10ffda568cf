// The binary format's byte layout: limits, stream and frame headers, little-endian helpers.
// man/flow-formats.5 (section BINARY FORMAT) is the specification; this file follows it.
#pragma once

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>

#include "flow/field.hpp"
#include "io/sniff.hpp"

// The scanning and (un)packing loops vectorise twice as wide with AVX2 (64-bit lanes); these
// function clones pick it at run time on the machines that have it. (Not under ThreadSanitizer:
// their resolvers run before it is set up, and crash.)
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_THREAD__)
#define FLOW_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
// The writer's planner loops (min/max and compares of 64-bit values, 64-to-8-bit narrowing) have
// single instructions for them in AVX-512 (vpminuq, vpcmpuq, vpmovqb) that AVX2 emulates with
// three or four each, so they get an x86-64-v4 clone as well.
#define FLOW_AVX512_CLONES __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#else
#define FLOW_AVX2_CLONES
#define FLOW_AVX512_CLONES
#endif

namespace flow::bin {

inline constexpr uint8_t kMajorVersion = static_cast<uint8_t>(kBinaryMagic[7]);
inline constexpr uint8_t kMinorVersion = 0;

inline constexpr size_t kStreamHeaderSize = 16;
inline constexpr size_t kFrameHeaderSize = 32;

inline constexpr uint8_t kFrameBlock = 'B';
inline constexpr uint8_t kFrameEnd = 'E';
inline constexpr size_t kEndPayloadSize = 16;

inline constexpr uint8_t kCodecNone = 0;
inline constexpr uint8_t kCodecZstd = 1;

// Limits every reader enforces (and every writer respects).
inline constexpr uint32_t kMaxStored = 32u << 20;  ///< stored payload bytes of a frame
inline constexpr uint32_t kMaxRaw = 32u << 20;     ///< payload bytes after decompression
inline constexpr uint32_t kMaxRecords = 1u << 20;  ///< records in one block
inline constexpr uint32_t kMaxGroups = 255;        ///< schemas in one block
inline constexpr uint32_t kMaxColumns = 4096;      ///< columns of one schema
inline constexpr uint32_t kMaxNameSize = 1024;     ///< bytes of a column name

/// Column type codes in a schema (the values of flow::Type).
inline constexpr uint8_t type_code(Type t) { return static_cast<uint8_t>(t); }
/// Float (4): its 64 bits are stored as an integer sequence (readers before it refuse the type).
inline constexpr uint8_t kTypeCount = 5;

/// How an integer sequence is transformed before its frame of reference.
enum Transform : uint8_t { kPlain = 0, kDelta = 1, kRef = 2 };

/// Width codes of an integer sequence: 0..8 = bytes per value (byte planes), or bits per value
/// (packed, least significant bits first) for these three.
inline constexpr uint8_t kWidth1Bit = 0x81, kWidth2Bits = 0x82, kWidth4Bits = 0x84;

/// Column flags.
inline constexpr uint8_t kColumnNulls = 1;       ///< a null bitmap follows
inline constexpr uint8_t kColumnDictionary = 2;  ///< integer column: dictionary and indexes

inline void put_u16(char* p, uint16_t v) { std::memcpy(p, &v, 2); }  // little-endian hosts only
inline void put_u32(char* p, uint32_t v) { std::memcpy(p, &v, 4); }
inline void put_u64(char* p, uint64_t v) { std::memcpy(p, &v, 8); }
inline uint16_t get_u16(const char* p) {
  uint16_t v;
  std::memcpy(&v, p, 2);
  return v;
}
inline uint32_t get_u32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline uint64_t get_u64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
static_assert(std::endian::native == std::endian::little, "the binary format code assumes a little-endian host");

inline uint32_t check32(const char* p, size_t n) { return static_cast<uint32_t>(XXH3_64bits(p, n)); }

/// The 16-byte stream header: magic, major, minor, 3 reserved bytes, check of bytes 0..11.
inline void encode_stream_header(char* p) {
  std::memcpy(p, kBinaryMagic, 8);
  p[8] = static_cast<char>(kMinorVersion);
  p[9] = p[10] = p[11] = 0;
  put_u32(p + 12, check32(p, 12));
}

/// The 32-byte header in front of every frame's payload.
struct FrameHeader {
  uint8_t kind = 0;
  uint8_t codec = kCodecNone;
  uint32_t records = 0;   ///< block: records in it; other frames: 0
  uint32_t stored = 0;    ///< payload bytes following the header
  uint32_t raw = 0;       ///< payload bytes after decompression
  uint64_t checksum = 0;  ///< XXH3-64 of header bytes 0..15 and the stored payload
};

/// Writes bytes 0..15 of a header (the part the payload checksum covers).
inline void encode_frame_prefix(const FrameHeader& h, char* p) {
  p[0] = static_cast<char>(h.kind);
  p[1] = static_cast<char>(h.codec);
  put_u16(p + 2, 0);
  put_u32(p + 4, h.records);
  put_u32(p + 8, h.stored);
  put_u32(p + 12, h.raw);
}

inline uint64_t payload_checksum(const char* prefix16, const char* payload, size_t n) {
  XXH3_state_t st;
  XXH3_64bits_reset(&st);
  XXH3_64bits_update(&st, prefix16, 16);
  XXH3_64bits_update(&st, payload, n);
  return XXH3_64bits_digest(&st);
}

/// Writes the whole header; h.checksum must already be set.
inline void encode_frame_header(const FrameHeader& h, char* p) {
  encode_frame_prefix(h, p);
  put_u64(p + 16, h.checksum);
  put_u32(p + 24, 0);
  put_u32(p + 28, check32(p, 28));
}

/// Reads a header; false when its own check fails (the framing cannot be trusted).
inline bool decode_frame_header(const char* p, FrameHeader& h) {
  if (get_u32(p + 28) != check32(p, 28)) return false;
  h.kind = static_cast<uint8_t>(p[0]);
  h.codec = static_cast<uint8_t>(p[1]);
  h.records = get_u32(p + 4);
  h.stored = get_u32(p + 8);
  h.raw = get_u32(p + 12);
  h.checksum = get_u64(p + 16);
  return true;
}

/// A growable byte buffer for building payloads. Unlike a std::vector, growing does not zero
/// the new bytes: the writer fills every byte it asks for, and zeroing them first was a
/// measurable part of its time.
class ByteBuf {
 public:
  size_t size() const { return size_; }
  const char* data() const { return buf_.get(); }
  char* data() { return buf_.get(); }
  void clear() { size_ = 0; }
  /// Appends n bytes and returns where they start (contents undefined).
  char* grow(size_t n) {
    if (cap_ - size_ < n) reserve(size_ + n);
    char* p = buf_.get() + size_;
    size_ += n;
    return p;
  }
  void put_u8(uint8_t v) { *grow(1) = static_cast<char>(v); }
  void put_u64(uint64_t v) { bin::put_u64(grow(8), v); }
  void put_varint(uint64_t v) {
    char* p = grow(10);  // the longest varint; the unused bytes are given back below
    size_t n = 0;
    for (; v >= 0x80; v >>= 7) p[n++] = static_cast<char>((v & 0x7F) | 0x80);
    p[n++] = static_cast<char>(v);
    size_ -= 10 - n;
  }
  void append(const void* p, size_t n) {
    if (n) std::memcpy(grow(n), p, n);
  }

 private:
  void reserve(size_t need) {
    const size_t cap = std::max({need, 2 * cap_, size_t{4096}});
    auto bigger = std::make_unique_for_overwrite<char[]>(cap);
    if (size_) std::memcpy(bigger.get(), buf_.get(), size_);
    buf_ = std::move(bigger);
    cap_ = cap;
  }

  std::unique_ptr<char[]> buf_;
  size_t size_ = 0, cap_ = 0;
};

/// Thrown by Cursor (and the decoders) when a block's content is malformed.
struct BadBlock {
  std::string why;
};

/// A bounded read position in a decompressed payload: every read is checked.
class Cursor {
 public:
  Cursor(const char* p, size_t n) : p_(p), end_(p + n) {}
  size_t left() const { return static_cast<size_t>(end_ - p_); }
  const char* pos() const { return p_; }
  const char* bytes(size_t n, const char* what) {
    if (n > left()) throw BadBlock{std::string(what) + " runs past the end of its section"};
    const char* p = p_;
    p_ += n;
    return p;
  }
  uint8_t u8(const char* what) { return static_cast<uint8_t>(*bytes(1, what)); }
  uint64_t u64(const char* what) { return get_u64(bytes(8, what)); }
  uint64_t varint(const char* what) {
    uint64_t v = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
      uint8_t b = u8(what);
      if (shift == 63 && b > 1) break;
      v |= static_cast<uint64_t>(b & 0x7F) << shift;
      if (!(b & 0x80)) return v;
    }
    throw BadBlock{std::string(what) + ": bad varint"};
  }
  /// A varint that must be at most max.
  uint64_t count(uint64_t max, const char* what) {
    uint64_t v = varint(what);
    if (v > max) throw BadBlock{std::string(what) + " out of range"};
    return v;
  }

 private:
  const char* p_;
  const char* end_;
};

}  // namespace flow::bin
