// A body streamed from the thread that receives it to the one that reads it, with a bound on the
// bytes queued: how a URL input and an S3 object are read in bounded memory.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <string>

namespace flow::net {

class ChunkQueue {
 public:
  explicit ChunkQueue(size_t max_queued) : max_(max_queued) {}

  /// Queues bytes, waiting for room; false once cancelled.
  bool push(const char* p, size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return queued_ < max_ || cancelled_; });
    if (cancelled_) return false;
    // cpp-httplib hands over 4 KiB at a time: gathered into larger chunks for fewer wake-ups.
    if (!chunks_.empty() && chunks_.back().size() < kChunk) chunks_.back().append(p, n);
    else chunks_.emplace_back(p, n);
    queued_ += n;
    cv_.notify_all();
    return true;
  }
  /// Takes up to n bytes, waiting for some; 0 at the end of the body, or after an error, which
  /// `error` then holds.
  size_t pop(char* buf, size_t n, std::string& error) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) {
      error = error_;
      return 0;
    }
    std::string& c = chunks_.front();
    const size_t k = std::min(n, c.size() - front_used_);
    std::memcpy(buf, c.data() + front_used_, k);
    front_used_ += k;
    if (front_used_ == c.size()) {
      queued_ -= c.size();
      chunks_.pop_front();
      front_used_ = 0;
      cv_.notify_all();
    }
    return k;
  }
  /// The receiver is done: "" when the whole body arrived, else what went wrong.
  void finish(std::string error) {
    {
      std::lock_guard lock(mu_);
      if (!cancelled_) error_ = std::move(error);
      finished_ = true;
    }
    cv_.notify_all();
  }
  /// The reader is gone: the receiver stops at its next push() or wait_cancelled().
  void cancel() {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
  }
  bool cancelled() {
    std::lock_guard lock(mu_);
    return cancelled_;
  }
  /// Waits `d` (a retry's backoff) unless cancelled first; true when cancelled.
  template <class Duration>
  bool wait_cancelled(Duration d) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, d, [&] { return cancelled_; });
  }

 private:
  static constexpr size_t kChunk = 256 << 10;
  const size_t max_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  size_t front_used_ = 0, queued_ = 0;
  bool finished_ = false, cancelled_ = false;
  std::string error_;
};

}  // namespace flow::net
