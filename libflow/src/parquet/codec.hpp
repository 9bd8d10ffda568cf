// Decompression of Parquet pages: UNCOMPRESSED, GZIP (ISA-L), ZSTD and SNAPPY.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>

#include "parquet/types.hpp"

namespace flow::parquet {

/// "GZIP", "LZ4_RAW", ...: the codec as parquet.thrift names it (for messages).
std::string_view codec_name(Codec c);
bool codec_supported(Codec c);

/// Decompresses pages; one per thread (it keeps the decoders' state between pages).
class Decompressor {
 public:
  Decompressor();
  ~Decompressor();
  Decompressor(const Decompressor&) = delete;
  Decompressor& operator=(const Decompressor&) = delete;
  /// Decompresses `n` bytes into exactly `out_size` bytes at `out`; throws std::runtime_error
  /// (the reason) when the data is damaged or does not decompress to that size.
  void decompress(Codec c, const char* in, size_t n, char* out, size_t out_size);

 private:
  struct State;
  std::unique_ptr<State> st_;
};

}  // namespace flow::parquet
