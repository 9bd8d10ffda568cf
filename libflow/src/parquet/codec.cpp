// Page decompression (see codec.hpp). Parquet's GZIP is gzip members (RFC 1952), inflated by
// ISA-L straight into the page buffer; ZSTD frames by libzstd; SNAPPY raw blocks by libsnappy.
#include "parquet/codec.hpp"

#include <isa-l/igzip_lib.h>
#include <snappy-c.h>
#include <zstd.h>

#include <stdexcept>

#include <fmt/format.h>

namespace flow::parquet {

std::string_view codec_name(Codec c) {
  switch (c) {
    case Codec::Uncompressed: return "UNCOMPRESSED";
    case Codec::Snappy: return "SNAPPY";
    case Codec::Gzip: return "GZIP";
    case Codec::Lzo: return "LZO";
    case Codec::Brotli: return "BROTLI";
    case Codec::Lz4: return "LZ4";
    case Codec::Zstd: return "ZSTD";
    case Codec::Lz4Raw: return "LZ4_RAW";
  }
  return "unknown";
}

bool codec_supported(Codec c) {
  return c == Codec::Uncompressed || c == Codec::Snappy || c == Codec::Gzip || c == Codec::Zstd;
}

struct Decompressor::State {
  inflate_state gz;
  ZSTD_DCtx* zstd = nullptr;
};

Decompressor::Decompressor() : st_(std::make_unique<State>()) {}
Decompressor::~Decompressor() {
  if (st_->zstd) ZSTD_freeDCtx(st_->zstd);
}

namespace {
[[noreturn]] void fail(const std::string& why) { throw std::runtime_error(why); }
}  // namespace

void Decompressor::decompress(Codec c, const char* in, size_t n, char* out, size_t out_size) {
  switch (c) {
    case Codec::Uncompressed:
      if (n != out_size) fail(fmt::format("page of {} bytes should hold {}", n, out_size));
      std::memcpy(out, in, n);
      return;
    case Codec::Gzip: {
      // One member, or several written one after another (some writers do): each inflated in turn.
      size_t done = 0;
      while (n > 0 && done < out_size) {
        inflate_state& s = st_->gz;
        isal_inflate_init(&s);
        s.crc_flag = ISAL_GZIP;
        s.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in));
        s.avail_in = static_cast<uint32_t>(n);
        s.next_out = reinterpret_cast<uint8_t*>(out + done);
        s.avail_out = static_cast<uint32_t>(out_size - done);
        const int ret = isal_inflate(&s);
        if (ret != ISAL_DECOMP_OK) fail(fmt::format("corrupt gzip data (inflate error {})", ret));
        if (s.block_state != ISAL_BLOCK_FINISH) fail("truncated gzip data");
        done = out_size - s.avail_out;
        in += n - s.avail_in;
        n = s.avail_in;
      }
      if (done != out_size) fail(fmt::format("gzip data holds {} bytes, the page {}", done, out_size));
      return;
    }
    case Codec::Zstd: {
      if (!st_->zstd && !(st_->zstd = ZSTD_createDCtx())) fail("out of memory");
      const size_t r = ZSTD_decompressDCtx(st_->zstd, out, out_size, in, n);
      if (ZSTD_isError(r)) fail(fmt::format("corrupt zstd data: {}", ZSTD_getErrorName(r)));
      if (r != out_size) fail(fmt::format("zstd data holds {} bytes, the page {}", r, out_size));
      return;
    }
    case Codec::Snappy: {
      size_t len = 0;
      if (snappy_uncompressed_length(in, n, &len) != SNAPPY_OK) fail("corrupt snappy data");
      if (len != out_size) fail(fmt::format("snappy data holds {} bytes, the page {}", len, out_size));
      if (snappy_uncompress(in, n, out, &len) != SNAPPY_OK) fail("corrupt snappy data");
      return;
    }
    default: fail(fmt::format("unsupported compression codec {}", codec_name(c)));
  }
}

}  // namespace flow::parquet
