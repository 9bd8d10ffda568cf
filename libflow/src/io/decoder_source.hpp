// The part every decompressing ByteSource shares: the read loop and how errors are delivered.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "flow/error.hpp"
#include "flow/io.hpp"

namespace flow {

/// A ByteSource that decodes the stream it wraps, one step() at a time. What was decoded before
/// damage is handed over first; the error comes with the next read() and sticks, since a
/// compressed stream cannot resynchronise.
class DecoderSource : public ByteSource {
 public:
  size_t read(char* buf, size_t n) final {
    size_t produced = 0;
    while (produced == 0 && !done_ && !error_ && n > 0) produced = step(buf, n);
    if (produced == 0 && error_) throw *error_;
    return produced;
  }
  uint64_t raw_position() const final { return in_->source().raw_position(); }
  uint64_t raw_size() const final { return in_->source().raw_size(); }
  bool ready() const final { return done_ || error_ || in_->ready(); }
  void on_idle(std::function<void()> idle) final { in_->on_idle(std::move(idle)); }

 protected:
  explicit DecoderSource(std::unique_ptr<InputStream> in) : in_(std::move(in)) {}
  /// Decodes some input into buf; returns the bytes produced (0 is fine: read() calls again).
  /// Sets done_ at the clean end of the stream, or calls fail().
  virtual size_t step(char* buf, size_t n) = 0;
  void fail(const std::string& what) {
    error_.emplace(in_->name(), 0, "", what);
    error_->fatal = true;
  }

  std::unique_ptr<InputStream> in_;
  bool done_ = false;

 private:
  std::optional<DataError> error_;
};

}  // namespace flow
