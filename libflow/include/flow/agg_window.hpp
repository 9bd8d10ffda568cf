// Aggregation of a live stream by time windows (flowagg --window): the groups of each tumbling
// window of the records' start time go out once the input's time has passed the window's end
// plus an allowed lateness, so that a pipeline acts while the traffic happens.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "flow/agg.hpp"

namespace flow {

class WindowAggregator {
 public:
  struct Options {
    int64_t width = 60;                       ///< seconds of a window (aligned to UTC, as time bins are)
    int64_t lateness = 600;                   ///< seconds the input's time must pass a window's end before it goes out
    AggOrder order;                           ///< of each window's groups (--top: per window)
    std::function<bool(const Record&)> keep;  ///< --having (may be empty)
    /// Each group of a window, as a record of output_schema().
    std::function<void(const Record&)> emit;
    /// After a window's groups (a tool flushes its output there).
    std::function<void()> window_done;
  };
  /// Throws UsageError when a column of the spec is named "window".
  WindowAggregator(AggSpec spec, AggLimits limits, Options opt);
  ~WindowAggregator();

  /// "window" (the window's start), then the spec's keys and values.
  SchemaPtr output_schema() const { return schema_; }
  /// Reads every record of the inputs, in order (one thread), writing windows as they close.
  /// Returns what was skipped under cfg.on_error.
  SkipReport read(InputConfig cfg, const AggRead& how);
  /// Adds a record (from `file`), then writes the windows the input's time (the largest end
  /// seen) has passed by the lateness. A record of a window already written is counted (late()).
  void add(const Record& r, const std::string& file);
  /// Ends the input: the windows still open go out, oldest first.
  void finish();

  uint64_t late() const { return late_; }                        ///< records of windows already written
  const std::string& first_late() const { return first_late_; }  ///< "FILE:LINE" of the first
  uint64_t timeless() const { return timeless_; }                ///< records without a start: in no window
  /// After finish(): as Aggregator::saturated(), over every window.
  const std::vector<std::pair<std::string, uint64_t>>& saturated() const { return saturated_; }

 private:
  void close(int64_t up_to);
  void emit_window(int64_t start, Aggregator& a);

  std::shared_ptr<const AggSpec> spec_;
  AggLimits limits_;
  Options opt_;
  SchemaPtr schema_;
  std::map<int64_t, Aggregator> open_;  // by window start
  int64_t now_ = INT64_MIN;             // the input's time: the largest end (or start) seen
  uint64_t late_ = 0, timeless_ = 0;
  std::string first_late_;
  Record out_;
  std::vector<std::pair<std::string, uint64_t>> saturated_;
};

}  // namespace flow
