// gzip input through ISA-L's streaming inflater: multi-member, CRC32/ISIZE checked, damage reported.
#include <isa-l/igzip_lib.h>

#include <algorithm>
#include <cstring>
#include <optional>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "io/decoder_source.hpp"
#include "io/sniff.hpp"

namespace flow {
namespace {

// isal_inflate counts in uint32_t; hand it at most this much per call.
constexpr size_t kMaxCall = size_t{1} << 30;

const char* inflate_error(int ret) {
  switch (ret) {
    case ISAL_INVALID_BLOCK: return "invalid deflate block";
    case ISAL_INVALID_SYMBOL: return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK: return "invalid back-reference distance";
    case ISAL_INVALID_WRAPPER: return "invalid gzip header";
    case ISAL_UNSUPPORTED_METHOD: return "unsupported compression method (not deflate)";
    case ISAL_NEED_DICT: return "preset dictionary required";
    default: return "unknown inflate error";
  }
}

class GzipSource : public DecoderSource {
 public:
  explicit GzipSource(std::unique_ptr<InputStream> in) : DecoderSource(std::move(in)) { start_member(); }

 private:
  void start_member() {
    isal_inflate_init(&st_);
    st_.crc_flag = ISAL_GZIP;  // ISA-L parses the header and checks CRC32 and ISIZE
    ++member_;
  }

  /// One call of the inflater (or one step between members); returns the bytes written to buf.
  size_t step(char* buf, size_t n) override {
    if (st_.block_state == ISAL_BLOCK_FINISH) {
      next_member();
      return 0;
    }
    if (in_->size() == 0) in_->fill();
    size_t avail = std::min(in_->size(), kMaxCall);
    st_.next_in = reinterpret_cast<uint8_t*>(const_cast<char*>(in_->data()));
    st_.avail_in = static_cast<uint32_t>(avail);
    st_.next_out = reinterpret_cast<uint8_t*>(buf);
    st_.avail_out = static_cast<uint32_t>(std::min(n, kMaxCall));
    int ret = isal_inflate(&st_);
    size_t used = avail - st_.avail_in;
    size_t out = static_cast<size_t>(reinterpret_cast<char*>(st_.next_out) - buf);
    in_->consume(used);
    out_total_ += out;
    if (ret == ISAL_INCORRECT_CHECKSUM)
      fail(
          fmt::format("gzip checksum mismatch in member {} (CRC32 or length in the trailer, or the "
                      "header CRC; after {} bytes of output)",
                      member_, out_total_));
    else if (ret < 0 || ret == ISAL_NEED_DICT)
      fail(fmt::format("corrupt gzip data in member {}: {} (after {} bytes of output)", member_, inflate_error(ret),
                       out_total_));
    // No progress and nothing more to read: the member never ended.
    else if (used == 0 && out == 0 && st_.block_state != ISAL_BLOCK_FINISH && !in_->fill())
      fail(fmt::format("truncated gzip data (after {} bytes of output)", out_total_));
    return out;
  }

  // After a member: end of input, another member, or zero padding. Some writers (tape drivers,
  // block-padded uploads) pad with zero bytes; like GNU gzip we accept an all-zero tail, since
  // no data can hide in it. Any other byte after a member is an error: silently dropping it
  // could hide a damaged member.
  void next_member() {
    if (in_->size() < 2) in_->fill(2);
    if (in_->size() == 0) {
      done_ = true;
      return;
    }
    auto head = in_->view();
    if (sniff(head) == Magic::Gzip || head == "\x1f") {
      start_member();  // a lone 0x1f at the end is then reported as a truncated header
      return;
    }
    if (head[0] == 0) {
      for (;;) {
        auto v = in_->view();
        size_t nz = v.find_first_not_of('\0');
        if (nz != std::string_view::npos) break;
        in_->consume(v.size());
        if (!in_->fill()) {
          done_ = true;
          return;
        }
      }
    }
    fail(fmt::format("trailing garbage after gzip member {} (after {} bytes of output)", member_, out_total_));
  }

  inflate_state st_;
  uint64_t member_ = 0;
  uint64_t out_total_ = 0;
};

}  // namespace

std::unique_ptr<ByteSource> gzip_source(std::unique_ptr<InputStream> in) {
  return std::make_unique<GzipSource>(std::move(in));
}

}  // namespace flow
