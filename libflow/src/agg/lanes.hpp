// Lanes: the Aggregators of threads reading one input in parallel, which pass each other rows by
// partition (each groups only the partitions it owns) instead of merging whole shares at the end.
// With millions of groups, that saves building every group twice and the merge.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include "flow/agg.hpp"

namespace flow {

struct AggLanes {
  explicit AggLanes(unsigned n) : count(n), mail(n), has_mail(n), left(n, false) {}

  /// Posts a batch of rows to `lane`.
  void post(unsigned lane, std::vector<uint8_t>&& rows) {
    {
      std::lock_guard<std::mutex> lock(mu);
      mail[lane].push_back(std::move(rows));
      has_mail[lane].store(true, std::memory_order_release);
    }
    cv.notify_all();
  }
  /// The batches posted to `lane` so far (none: empty); with `wait`, waits for some unless every
  /// lane has left, and sets `over` when every lane has left and nothing more can come.
  std::vector<std::vector<uint8_t>> take(unsigned lane, bool wait, bool& over) {
    over = false;
    if (!wait && !has_mail[lane].load(std::memory_order_acquire)) return {};  // the usual case: no lock
    std::unique_lock<std::mutex> lock(mu);
    if (wait) cv.wait(lock, [&] { return !mail[lane].empty() || n_left == count; });
    std::vector<std::vector<uint8_t>> out;
    out.swap(mail[lane]);
    has_mail[lane].store(false, std::memory_order_relaxed);
    over = n_left == count && out.empty();
    return out;
  }
  /// A lane posts nothing more (it has read its input, or failed).
  void leave(unsigned lane) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (left[lane]) return;
      left[lane] = true;
      ++n_left;
    }
    cv.notify_all();
  }

  const unsigned count;  // lanes in all

 private:
  std::mutex mu;
  std::condition_variable cv;
  std::vector<std::vector<std::vector<uint8_t>>> mail;
  std::vector<std::atomic<bool>> has_mail;
  std::vector<bool> left;
  unsigned n_left = 0;
};

}  // namespace flow
