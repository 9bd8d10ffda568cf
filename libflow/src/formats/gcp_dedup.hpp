// GCP logs a flow at both ends when both subnets log: a SRC and a DEST report of the same
// packets. Summing both doubles every count, so the second report of a pair is recognised here.
#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <unordered_map>
#include <vector>

#include "flow/ip.hpp"

namespace flow {

class BothEnds {
 public:
  struct Flow {
    Ip src, dst;
    uint32_t ports = 0;  // src << 16 | dst
    uint8_t protocol = 0;
    friend bool operator==(const Flow&, const Flow&) = default;
  };

  /// Reports whose windows end this long before the latest one seen are forgotten: the two
  /// reports of a flow reach the export within minutes of each other.
  static constexpr int64_t kHorizonNs = 10 * 60 * 1'000'000'000LL;
  /// The two ends see the first and last packets at slightly different times.
  static constexpr int64_t kSlackNs = 1'000'000'000LL;

  /// True when the other end already reported this flow over an overlapping window (that
  /// report is then used up); else remembers this report.
  bool seen(const Flow& f, bool src_side, int64_t start_ns, int64_t end_ns) {
    latest_ = std::max(latest_, end_ns);
    forget_old();
    auto& list = pending_[f];
    for (auto it = list.begin(); it != list.end(); ++it) {
      if (it->src_side != src_side && it->start - kSlackNs <= end_ns && start_ns <= it->end + kSlackNs) {
        list.erase(it);
        if (list.empty()) pending_.erase(f);
        return true;
      }
    }
    list.push_back({start_ns, end_ns, ++seq_, src_side});
    order_.push_back({f, seq_, end_ns});
    return false;
  }

 private:
  struct Hash {
    size_t operator()(const Flow& f) const {
      uint64_t a, b, c, d;
      std::memcpy(&a, f.src.bytes.data(), 8), std::memcpy(&b, f.src.bytes.data() + 8, 8);
      std::memcpy(&c, f.dst.bytes.data(), 8), std::memcpy(&d, f.dst.bytes.data() + 8, 8);
      uint64_t h = a * 0x9E3779B97F4A7C15ULL ^ b ^ (c * 0xC2B2AE3D27D4EB4FULL) ^ (d << 1) ^
                   (uint64_t{f.ports} << 8 | f.protocol) * 0x165667B19E3779F9ULL;
      return static_cast<size_t>(h ^ (h >> 29));
    }
  };
  struct Report {
    int64_t start, end;
    uint64_t seq;
    bool src_side;
  };
  struct Entry {
    Flow flow;
    uint64_t seq;
    int64_t end;
  };

  void forget_old() {
    while (!order_.empty() && order_.front().end < latest_ - kHorizonNs) {
      auto it = pending_.find(order_.front().flow);
      if (it != pending_.end()) {
        std::erase_if(it->second, [&](const Report& r) { return r.seq == order_.front().seq; });
        if (it->second.empty()) pending_.erase(it);
      }
      order_.pop_front();
    }
  }

  std::unordered_map<Flow, std::vector<Report>, Hash> pending_;
  std::deque<Entry> order_;
  int64_t latest_ = INT64_MIN;
  uint64_t seq_ = 0;
};

}  // namespace flow
