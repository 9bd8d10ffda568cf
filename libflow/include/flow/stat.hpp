// flowstat's report: computed in one pass with the aggregations flowagg runs (so the numbers are
// the same as flowagg's for the same question), then rendered as text, JSON, Markdown or HTML.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "flow/record.hpp"
#include "flow/stream.hpp"

namespace flow {

/// One group of a top list: key values as text (with their types, for JSON) and its values.
struct StatRow {
  std::vector<std::string> keys;
  uint64_t records = 0, packets = 0, bytes = 0;
  uint64_t ports = 0;  ///< rejected sources: distinct destination ports
};

struct TopList {
  std::string id;     ///< JSON name: sources_by_bytes, ...
  std::string title;  ///< "Sources by bytes"
  std::vector<Column> key_columns;
  std::vector<StatRow> rows;
};

struct Distribution {
  std::string unit;  ///< "bytes", "seconds"
  uint64_t p50 = 0, p90 = 0, p99 = 0, max = 0;
  std::vector<std::pair<uint64_t, uint64_t>> histogram;  ///< (upper bound, records); last: UINT64_MAX
};

struct TimeBin {
  int64_t start = 0;
  uint64_t records = 0, bytes = 0;
};

struct Stats {
  uint64_t records = 0, packets = 0, bytes = 0, interfaces = 0;
  std::optional<int64_t> first, last;
  std::vector<std::pair<std::string, uint64_t>> log_status;  ///< OK, NODATA, SKIPDATA, -
  std::vector<StatRow> actions;                              ///< keys[0]: ACCEPT, REJECT, -
  std::vector<TopList> tops;
  Distribution sizes, durations;
  int64_t bin = 0;  ///< seconds per timeline bin
  std::vector<TimeBin> timeline;
  uint64_t rejected = 0;
  std::vector<TopList> rejected_tops;
  /// Columns (records, packets, bytes) whose sum went past 2^64 - 1 somewhere in the report,
  /// and in how many sums: those are given as 2^64 - 1 (saturated), not exact.
  std::vector<std::pair<std::string, uint64_t>> saturated;
};

struct StatOptions {
  size_t top = 10;
  size_t columns = 60;  ///< timeline bins at most
  uint64_t memory = uint64_t{1} << 30;
  std::string tmpdir;
};

/// Reads every record of `in` and computes the report.
Stats compute_stats(RecordStream& in, const StatOptions& o);

struct RenderOptions {
  bool color = false;   ///< ANSI colours (a terminal, and NO_COLOR unset)
  bool unicode = true;  ///< block characters for bars; ASCII otherwise
  size_t width = 80;
};
std::string render_text(const Stats& s, const RenderOptions& o);
std::string render_markdown(const Stats& s);
std::string render_json(const Stats& s);
std::string render_html(const Stats& s);

}  // namespace flow
