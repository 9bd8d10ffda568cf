// Page compression. GZIP is ISA-L's deflate in a gzip member (as Parquet's GZIP codec is read:
// RFC 1952), at level 1: the project's choice for speed (io/gzip_deflate.hpp); ZSTD at level 3
// (zstd's default, also DuckDB's and Arrow's); SNAPPY in the raw block format Parquet uses.
#include "parquet/codec_write.hpp"

#include <fmt/format.h>
#include <snappy-c.h>
#include <zstd.h>

#include <vector>

#include "flow/error.hpp"
#include "io/gzip_deflate.hpp"

namespace flow::parquet {

Codec codec_by_name(std::string_view name) {
  if (name == "gzip") return Codec::Gzip;
  if (name == "zstd") return Codec::Zstd;
  if (name == "snappy") return Codec::Snappy;
  if (name == "none") return Codec::Uncompressed;
  throw UsageError(fmt::format("unknown Parquet codec '{}' (expected gzip, zstd, snappy or none)", name));
}

struct PageCompressor::State {
  std::vector<char> out;
  std::vector<uint8_t> level_buf;
  ZSTD_CCtx* zstd = nullptr;
  ~State() { ZSTD_freeCCtx(zstd); }
};

PageCompressor::PageCompressor(Codec codec) : codec_(codec), state_(std::make_unique<State>()) {
  if (codec_ == Codec::Zstd) {
    state_->zstd = ZSTD_createCCtx();
    if (!state_->zstd) throw DataError("parquet output: cannot create a zstd context");
    ZSTD_CCtx_setParameter(state_->zstd, ZSTD_c_compressionLevel, 3);
  }
}

PageCompressor::~PageCompressor() = default;

namespace {

size_t gzip(std::string_view raw, std::vector<char>& out, std::vector<uint8_t>& level_buf) {
  isal_zstream z;
  gzip_deflate_init(z, level_buf);
  z.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(raw.data()));
  z.avail_in = static_cast<uint32_t>(raw.size());
  z.end_of_stream = 1;
  size_t used = 0;
  if (out.size() < raw.size() + raw.size() / 8 + 1024) out.resize(raw.size() + raw.size() / 8 + 1024);
  for (;;) {
    z.next_out = reinterpret_cast<uint8_t*>(out.data() + used);
    z.avail_out = static_cast<uint32_t>(out.size() - used);
    if (isal_deflate(&z) != COMP_OK) throw DataError("parquet output: gzip compression failed");
    used = out.size() - z.avail_out;
    if (z.internal_state.state == ZSTATE_END) return used;
    out.resize(out.size() * 2);
  }
}

}  // namespace

std::string_view PageCompressor::compress(std::string_view raw) {
  std::vector<char>& out = state_->out;
  switch (codec_) {
    case Codec::Gzip: {
      const size_t n = gzip(raw, out, state_->level_buf);  // may move out's bytes
      return {out.data(), n};
    }
    case Codec::Zstd: {
      const size_t bound = ZSTD_compressBound(raw.size());
      if (out.size() < bound) out.resize(bound);
      const size_t n = ZSTD_compress2(state_->zstd, out.data(), bound, raw.data(), raw.size());
      if (ZSTD_isError(n)) throw DataError(fmt::format("parquet output: zstd: {}", ZSTD_getErrorName(n)));
      return {out.data(), n};
    }
    case Codec::Snappy: {
      size_t n = snappy_max_compressed_length(raw.size());
      if (out.size() < n) out.resize(n);
      if (snappy_compress(raw.data(), raw.size(), out.data(), &n) != SNAPPY_OK)
        throw DataError("parquet output: snappy compression failed");
      return {out.data(), n};
    }
    default: return raw;
  }
}

}  // namespace flow::parquet
