// Chunk compression for the binary writer: zstd with literals left raw (fastest to decode) unless
// Huffman-coding them saves more than a fifth.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

struct ZSTD_CCtx_s;

namespace flow::bin {

class ChunkCompressor {
 public:
  ChunkCompressor();
  ~ChunkCompressor();
  ChunkCompressor(const ChunkCompressor&) = delete;
  ChunkCompressor& operator=(const ChunkCompressor&) = delete;

  /// The bytes to store for raw[0..n): zstd output, or an empty view to store raw as it is.
  /// The result is that of compressing both ways and keeping the smaller (Huffman only when it
  /// saves more than a fifth). `huff` says which way won the last time for this column (it is
  /// tried first) and is set to which way won now.
  std::string_view compress(const char* raw, size_t n, bool& huff);

 private:
  size_t run(ZSTD_CCtx_s* cctx, std::vector<char>& dst, const char* raw, size_t n);

  ZSTD_CCtx_s* fast_cctx_;  // literals stored as they are: decodes at memory speed
  ZSTD_CCtx_s* huff_cctx_;  // literals Huffman-coded: smaller, slower to decode
  std::vector<char> fast_, huff_;
};

}  // namespace flow::bin
