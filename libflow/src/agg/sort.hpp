// Finished groups in the order of one of their values (then by key): the first `top` kept in a
// heap, or all of them, sorted in memory or in runs on disk beyond the memory budget.
#pragma once

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "flow/agg.hpp"

namespace flow::agg {

class ValueSorter {
 public:
  ValueSorter(const AggSpec& spec, const AggOrder& order, const AggLimits& limits)
      : spec_(spec), order_(order), limits_(limits), schema_(spec.output_schema()) {}
  ~ValueSorter();
  ValueSorter(const ValueSorter&) = delete;
  ValueSorter& operator=(const ValueSorter&) = delete;

  void add(const Record& r);
  /// Every group added (the first `top`), in order.
  void emit(const std::function<void(const Record&)>& f);

 private:
  void spill();

  const AggSpec& spec_;
  AggOrder order_;
  const AggLimits& limits_;
  SchemaPtr schema_;
  std::vector<std::pair<std::string, std::string>> items_;  // sort key, the group's values
  std::string key_;
  size_t bytes_ = 0;
  std::vector<int> runs_;  // descriptors of spilled runs
};

}  // namespace flow::agg
