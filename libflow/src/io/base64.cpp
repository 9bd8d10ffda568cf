// base64 (Kinesis and Lambda deliver CloudWatch Logs data as base64 of gzip), and gzip in memory.
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "io/decoder_source.hpp"
#include "io/sniff.hpp"

namespace flow {
namespace {

constexpr uint8_t kSpace = 0xFE, kBad = 0xFF, kPad = 0xFD;

constexpr std::array<uint8_t, 256> make_table() {
  std::array<uint8_t, 256> t{};
  for (auto& x : t) x = kBad;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (uint8_t i = 0; i < 64; ++i) t[static_cast<uint8_t>(alphabet[i])] = i;
  t['='] = kPad;
  for (char c : {' ', '\t', '\r', '\n'}) t[static_cast<uint8_t>(c)] = kSpace;
  return t;
}
constexpr auto kTable = make_table();

/// Decodes base64 a character at a time, so that input may arrive in pieces.
class Base64Decoder {
 public:
  /// Decodes `in` onto `out`; false at a bad character (its index in `bad`).
  bool feed(std::string_view in, std::string& out, size_t& bad) {
    for (size_t i = 0; i < in.size(); ++i) {
      uint8_t x = kTable[static_cast<uint8_t>(in[i])];
      if (x == kSpace) continue;
      if (x == kPad) {
        // '=' completes a group of 2 or 3 characters (1 or 2 bytes); a second '=' may follow.
        if (n_ >= 2) {
          if (n_ == 2) out.push_back(static_cast<char>(acc_ >> 4));
          else out.append({static_cast<char>(acc_ >> 10), static_cast<char>(acc_ >> 2)});
          n_ = 0, acc_ = 0, padded_ = true;
          continue;
        }
        if (n_ == 0 && padded_) continue;  // the second '=' of "=="
        bad = i;
        return false;
      }
      if (x == kBad) {
        bad = i;
        return false;
      }
      padded_ = false;
      acc_ = acc_ << 6 | x;
      if (++n_ == 4) {
        out.append({static_cast<char>(acc_ >> 16), static_cast<char>(acc_ >> 8), static_cast<char>(acc_)});
        n_ = 0, acc_ = 0;
      }
    }
    return true;
  }
  /// True when the text ended on a group boundary.
  bool complete() const { return n_ == 0; }

 private:
  uint32_t acc_ = 0;
  int n_ = 0;
  bool padded_ = false;
};

class Base64Source : public DecoderSource {
 public:
  explicit Base64Source(std::unique_ptr<InputStream> in) : DecoderSource(std::move(in)) {}

 private:
  size_t step(char* buf, size_t n) override {
    if (pending_.size() == pos_) {
      pending_.clear();
      pos_ = 0;
      if (in_->size() == 0 && !in_->fill()) {
        if (!dec_.complete()) fail(fmt::format("base64 text ends inside a group (after {} bytes)", consumed_));
        done_ = true;
        return 0;
      }
      auto chunk = in_->view().substr(0, 1 << 20);
      size_t bad = 0;
      if (!dec_.feed(chunk, pending_, bad))
        fail(fmt::format("not base64: '{}' at byte {}", printable(chunk[bad]), consumed_ + bad + 1));
      consumed_ += chunk.size();
      in_->consume(chunk.size());
    }
    size_t k = std::min(n, pending_.size() - pos_);
    std::memcpy(buf, pending_.data() + pos_, k);
    pos_ += k;
    return k;
  }

  static std::string printable(char c) {
    auto u = static_cast<unsigned char>(c);
    return u >= 0x20 && u < 0x7f ? std::string(1, c) : fmt::format("\\x{:02x}", u);
  }

  Base64Decoder dec_;
  std::string pending_;
  size_t pos_ = 0;
  uint64_t consumed_ = 0;
};

}  // namespace

bool base64_decode(std::string_view text, std::string& out, size_t& bad) {
  out.clear();
  out.reserve(text.size() / 4 * 3);
  Base64Decoder dec;
  if (!dec.feed(text, out, bad)) return false;
  bad = text.size();
  return dec.complete();
}

std::unique_ptr<ByteSource> base64_source(std::unique_ptr<InputStream> in) {
  return std::make_unique<Base64Source>(std::move(in));
}

std::string gunzip(std::string bytes, const std::string& name, size_t limit) {
  if (sniff(bytes) != Magic::Gzip) throw DataError(fmt::format("{}: not gzip data", name));
  auto src = gzip_source(std::make_unique<InputStream>(memory_source(std::move(bytes)), name));
  std::string out;
  char buf[64 * 1024];
  while (size_t n = src->read(buf, sizeof buf)) {
    if (out.size() + n > limit)
      throw DataError(fmt::format("{}: more than {} MiB once decompressed", name, limit >> 20));
    out.append(buf, n);
  }
  return out;
}

}  // namespace flow
