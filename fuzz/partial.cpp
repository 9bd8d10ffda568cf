// libFuzzer target: flowagg --merge's reader of --partial state files (header, framed groups, and
// every value's state: sums, min/max, means, variances, distinct sets, HyperLogLog, DDSketch,
// first/last; values' conditions, which the header compiles).
// The input is opened as a partial file on a memfd and merged twice into one Aggregator (the
// second pass merges into groups that exist), then every group is finished into a record.
#include "flow/agg.hpp"
#include "flow/error.hpp"
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static flow::fuzz::MemFile file("partial");
  file.set(data, size);
  try {
    auto first = flow::Aggregator::open_partial(file.path());
    flow::Aggregator agg(first.spec, flow::AggLimits{});
    agg.add_partial(std::move(first));
    agg.add_partial(file.path());
    volatile size_t sink = 0;
    agg.finish(flow::AggOrder{}, {}, [&](const flow::Record& r) { sink = sink + flow::fuzz::consume_record(r); });
  } catch (const flow::DataError&) {
  }
  return 0;
}
