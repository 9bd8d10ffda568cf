// The protocol of Aggregators whose threads read one input together, for the reading driver
// (read.cpp) and the unit tests: private to libflow.
#pragma once

#include <memory>

#include "flow/agg.hpp"

namespace flow::agg {

/// Each thread groups its share in an Aggregator of its own; the shares are lanes that pass
/// each other rows by partition (make_lanes, join_lanes before the first add, flush and
/// leave_lanes when the share is read), then absorb(p) of every partition on any thread and
/// absorb_rest() once combine them into the first.
struct Driver {
  static std::shared_ptr<AggLanes> make_lanes(unsigned n) { return Aggregator::make_lanes(n); }
  static void join_lanes(Aggregator& a, std::shared_ptr<AggLanes> l, unsigned lane) {
    a.join_lanes(std::move(l), lane);
  }
  static void leave_lanes(Aggregator& a) { a.leave_lanes(); }
  static void defer(Aggregator& a, uint32_t n) { a.defer(n); }
  static void flush(Aggregator& a) { a.flush(); }
  static uint32_t partitions(const Aggregator& a) { return a.partitions(); }
  static void limit_memory(Aggregator& a, uint64_t bytes) { a.limit_memory(bytes); }
  static void absorb(Aggregator& into, Aggregator& from, uint32_t p) { into.absorb(from, p, false); }
  static void absorb_rest(Aggregator& into, Aggregator& from) { into.absorb_rest(from); }
};

}  // namespace flow::agg
