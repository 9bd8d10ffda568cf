// Compression of the writer's pages: GZIP (ISA-L), ZSTD, SNAPPY or none.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "parquet/types.hpp"

namespace flow::parquet {

/// The codec `name` names ("gzip", "zstd", "snappy", "none"); UsageError for another name.
Codec codec_by_name(std::string_view name);

class PageCompressor {
 public:
  explicit PageCompressor(Codec codec);
  ~PageCompressor();
  PageCompressor(const PageCompressor&) = delete;
  PageCompressor& operator=(const PageCompressor&) = delete;

  Codec codec() const { return codec_; }
  /// raw compressed with the codec (raw itself for none): valid until the next call.
  std::string_view compress(std::string_view raw);

 private:
  struct State;
  Codec codec_;
  std::unique_ptr<State> state_;
};

}  // namespace flow::parquet
