// zstd input through ZSTD_decompressStream: frames back to back, truncation and damage reported.
#include <zstd.h>

#include <optional>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "io/decoder_source.hpp"

namespace flow {
namespace {

class ZstdSource : public DecoderSource {
 public:
  explicit ZstdSource(std::unique_ptr<InputStream> in) : DecoderSource(std::move(in)), ctx_(ZSTD_createDStream()) {
    if (!ctx_) throw DataError(in_->name() + ": cannot allocate a zstd decoder");
  }
  ~ZstdSource() override { ZSTD_freeDStream(ctx_); }
  ZstdSource(const ZstdSource&) = delete;
  ZstdSource& operator=(const ZstdSource&) = delete;

 private:
  size_t step(char* buf, size_t n) override {
    if (in_->size() == 0) in_->fill();
    ZSTD_inBuffer input{in_->data(), in_->size(), 0};
    ZSTD_outBuffer output{buf, n, 0};
    size_t ret = ZSTD_decompressStream(ctx_, &output, &input);
    in_->consume(input.pos);
    out_total_ += output.pos;
    if (ZSTD_isError(ret)) {
      fail(fmt::format("corrupt zstd data: {} (after {} bytes of output)", ZSTD_getErrorName(ret), out_total_));
      return output.pos;
    }
    // 0 = a frame has ended and is fully flushed; otherwise more input is expected ("hint").
    // Without progress a non-zero hint says nothing (between frames it sizes the next header).
    if (input.pos || output.pos || ret == 0) in_frame_ = ret != 0;
    if (input.pos == 0 && output.pos == 0 && !in_->fill()) {
      if (in_frame_) fail(fmt::format("truncated zstd data (after {} bytes of output)", out_total_));
      else done_ = true;
    }
    return output.pos;
  }

  ZSTD_DStream* ctx_;
  uint64_t out_total_ = 0;
  bool in_frame_ = true;  // an empty stream is not a zstd stream
};

}  // namespace

std::unique_ptr<ByteSource> zstd_source(std::unique_ptr<InputStream> in) {
  return std::make_unique<ZstdSource>(std::move(in));
}

}  // namespace flow
