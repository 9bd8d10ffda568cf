// Chunk compression. Compressing every chunk twice (raw literals, then Huffman literals) was the
// largest part of the writer's time. The choice is kept exactly, but one run usually settles
// it: the frame of the first run bounds the size the other would have (the match finder does
// not depend on the literal mode; only the literal sections and the block types differ), and
// when the bound decides the comparison the second run is skipped. The first run uses the mode
// that won for the same column in the previous block, which nearly always wins again.
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_c_literalCompressionMode (stable since zstd 1.4.5)
#include "formats/binary_compress.hpp"

#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

#include "flow/error.hpp"
#include "io/sniff.hpp"

namespace flow::bin {
namespace {

// Level 1 writes fastest and, on the writer's byte planes, compresses as well as levels up to 9
// (measured on 1 M generated records, gen_aws.py --seed 1). Leaving literals unentropy-coded
// unless Huffman saves 20% costs ~1.2 bytes a record (15.1 instead of 13.9) and makes
// decompression ~40% faster.
constexpr int kZstdLevel = 1;
constexpr double kHuffmanGain = 1.2;
constexpr size_t kMinCompress = 64;
// Bytes a block after the first may differ by beyond its literals: when the previous block was
// stored raw in one mode and compressed in the other, the sequences' entropy tables may be
// repeated in one and described in the other (tens of bytes). The first blocks start alike.
constexpr size_t kBlockSlack = 256;

// ---- zstd frames (RFC 8878) ----------------------------------------------------------------------

struct Literals {
  unsigned type = 0;  // 0 raw, 1 RLE, 2 Huffman, 3 Huffman with the previous table
  size_t header = 0;  // bytes of the literals section header
  size_t size = 0;    // bytes of the section after its header
  size_t regen = 0;   // literal bytes it decodes to
};

/// The literals section at the start of a compressed block of n bytes; false if malformed.
bool parse_literals(const uint8_t* p, size_t n, Literals& l) {
  if (n < 1) return false;
  l.type = p[0] & 3;
  const unsigned format = (p[0] >> 2) & 3;
  if (l.type < 2) {
    l.header = format == 1 ? 2 : format == 3 ? 3 : 1;
    if (l.header > n) return false;
    l.regen = l.header == 1 ? p[0] >> 3 : (p[0] >> 4) | (p[1] << 4) | (l.header == 3 ? p[2] << 12 : 0);
    l.size = l.type == 0 ? l.regen : 1;
  } else {
    l.header = format < 2 ? 3 : format == 2 ? 4 : 5;
    if (l.header > n) return false;
    uint64_t h = 0;
    for (size_t i = 0; i < l.header; ++i) h |= uint64_t{p[i]} << (8 * i);
    const unsigned bits = format < 2 ? 10 : format == 2 ? 14 : 18;
    l.regen = (h >> 4) & ((1u << bits) - 1);
    l.size = (h >> (4 + bits)) & ((1u << bits) - 1);
  }
  return l.header + l.size <= n;
}

/// Calls block(type, content, content size, block size with header, bytes it decodes to) for each
/// block of the zstd frame z[0..n) of raw_n bytes, and returns the frame overhead plus the sum of
/// what block() returns; 0 when the frame is not understood (then nothing is bounded). One-shot
/// compression cuts the input into blocks of ZSTD_BLOCKSIZE_MAX; the raw and RLE blocks, which
/// record their size, must agree.
template <class Block>
size_t sum_blocks(const char* z, size_t n, size_t raw_n, Block block) {
  const auto* p = reinterpret_cast<const uint8_t*>(z);
  if (n < 5 || sniff({z, n}) != Magic::Zstd) return 0;
  const uint8_t fhd = p[4];
  const bool single = (fhd >> 5) & 1;
  static constexpr size_t kDictBytes[4] = {0, 1, 2, 4}, kSizeBytes[4] = {0, 2, 4, 8};
  size_t i = 5 + !single + kDictBytes[fhd & 3] + ((fhd >> 6) == 0 ? single : kSizeBytes[fhd >> 6]);
  const size_t start = i;
  size_t sum = i + ((fhd >> 2) & 1 ? 4 : 0);
  for (bool last = false; !last;) {
    if (i + 3 > n) return 0;
    const uint32_t bh = p[i] | p[i + 1] << 8 | p[i + 2] << 16;
    const unsigned type = (bh >> 1) & 3;
    const size_t content = type == 1 ? 1 : bh >> 3;
    const size_t regen = std::min<size_t>(raw_n, ZSTD_BLOCKSIZE_MAX);
    last = bh & 1;
    if (type == 3 || i + 3 + content > n || (type < 2 && bh >> 3 != regen) || last != (regen == raw_n)) return 0;
    raw_n -= regen;
    const size_t bound = block(type, p + i + 3, content, 3 + content, regen);
    if (bound == SIZE_MAX) return 0;
    sum += i == start ? bound : bound > kBlockSlack ? bound - kBlockSlack : 0;
    i += 3 + content;
  }
  return sum;
}

/// Shannon entropy of p[0..n) in whole bytes, rounded down: no prefix code does better.
size_t entropy_bytes(const uint8_t* p, size_t n) {
  uint32_t count[4][256] = {};
  size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    ++count[0][p[i]];
    ++count[1][p[i + 1]];
    ++count[2][p[i + 2]];
    ++count[3][p[i + 3]];
  }
  for (; i < n; ++i) ++count[0][p[i]];
  double bits = 0;
  for (int c = 0; c < 256; ++c) {
    const uint32_t k = count[0][c] + count[1][c] + count[2][c] + count[3][c];
    if (k) bits += static_cast<double>(k) * std::log2(static_cast<double>(n) / static_cast<double>(k));
  }
  const double bytes = std::floor(bits / 8) - 1;  // - 1: rounding of the sum
  return bytes > 0 ? static_cast<size_t>(bytes) : 0;
}

/// Lower bound of the size with Huffman literals, from the frame with raw literals: each raw
/// literal section shrinks at best to the entropy of its bytes; a raw block could shrink to its
/// header.
size_t huffman_floor(const char* z, size_t n, size_t raw_n) {
  return sum_blocks(z, n, raw_n, [](unsigned type, const uint8_t* c, size_t content, size_t whole, size_t) -> size_t {
    if (type == 0) return 3;
    if (type == 1) return whole;
    Literals l;
    if (!parse_literals(c, content, l) || l.type > 1) return SIZE_MAX;
    const size_t lits = l.header + l.size;
    // A Huffman section has a header of 3 bytes or more and a table of 1 byte or more.
    const size_t best = l.type == 0 ? std::min(lits, 4 + entropy_bytes(c + l.header, l.size)) : lits;
    return whole - lits + best;
  });
}

/// Lower bound of the size with raw literals, from the frame with Huffman literals: a Huffman
/// section grows back to its literals (with a raw section header), unless the block is then
/// stored raw.
size_t raw_floor(const char* z, size_t n, size_t raw_n) {
  auto block = [](unsigned type, const uint8_t* c, size_t content, size_t whole, size_t regen) -> size_t {
    if (type != 2) return whole;
    Literals l;
    if (!parse_literals(c, content, l)) return SIZE_MAX;
    if (l.type < 2) return whole;
    const size_t raw_header = l.regen < 32 ? 1 : l.regen < 4096 ? 2 : 3;
    const size_t as_raw = whole - (l.header + l.size) + raw_header + l.regen;
    return std::min(as_raw, 3 + regen);
  };
  return sum_blocks(z, n, raw_n, block);
}

}  // namespace

ChunkCompressor::ChunkCompressor() : fast_cctx_(ZSTD_createCCtx()), huff_cctx_(ZSTD_createCCtx()) {
  if (!fast_cctx_ || !huff_cctx_) {
    ZSTD_freeCCtx(fast_cctx_);
    ZSTD_freeCCtx(huff_cctx_);
    throw DataError("binary output: cannot create a zstd context");
  }
  ZSTD_CCtx_setParameter(fast_cctx_, ZSTD_c_compressionLevel, kZstdLevel);
  ZSTD_CCtx_setParameter(fast_cctx_, ZSTD_c_literalCompressionMode, ZSTD_ps_disable);
  ZSTD_CCtx_setParameter(huff_cctx_, ZSTD_c_compressionLevel, kZstdLevel);
}

ChunkCompressor::~ChunkCompressor() {
  ZSTD_freeCCtx(fast_cctx_);
  ZSTD_freeCCtx(huff_cctx_);
}

size_t ChunkCompressor::run(ZSTD_CCtx_s* cctx, std::vector<char>& dst, const char* raw, size_t n) {
  const size_t bound = ZSTD_compressBound(n);
  if (dst.size() < bound) dst.resize(bound);
  const size_t z = ZSTD_compress2(cctx, dst.data(), bound, raw, n);
  return ZSTD_isError(z) ? SIZE_MAX : z;
}

std::string_view ChunkCompressor::compress(const char* raw, size_t n, bool& huff) {
  if (n < kMinCompress) return {};
  auto wins = [](size_t h, size_t f) {
    return h != SIZE_MAX && static_cast<double>(h) * kHuffmanGain < static_cast<double>(f);
  };
  size_t f = SIZE_MAX, h = SIZE_MAX;
  if (huff) {
    h = run(huff_cctx_, huff_, raw, n);
    const size_t floor = h == SIZE_MAX ? 0 : raw_floor(huff_.data(), h, n);
    if (!wins(h, floor)) f = run(fast_cctx_, fast_, raw, n);
    else f = floor;  // Huffman wins against any size from here up: f itself is not needed
  } else {
    f = run(fast_cctx_, fast_, raw, n);
    const size_t floor = f == SIZE_MAX ? 0 : huffman_floor(fast_.data(), f, n);
    if (floor == 0 || wins(floor, f)) h = run(huff_cctx_, huff_, raw, n);
  }
  huff = wins(h, f);
  const size_t best = huff ? h : f;
  if (best >= n) return {};
  return {huff ? huff_.data() : fast_.data(), best};
}

}  // namespace flow::bin
