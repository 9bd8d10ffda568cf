// --spread: a record's sums shared out over the time bins its [start, end) covers, in proportion
// to the overlap, in whole numbers that add up to the record's value exactly.
#pragma once

#include <cstdint>
#include <vector>

#include "flow/agg.hpp"

namespace flow::agg {

/// A record covering more bins than this is a data error, not hours of work: a day in 1 s bins is
/// 86,400; a binary file may hold any start and end.
inline constexpr uint64_t kMaxSpreadBins = 1'000'000;

/// One bin a record covers: its start (Unix seconds, as the key holds it) and the milliseconds of
/// the record inside it.
struct SpreadBin {
  int64_t start = 0;
  uint64_t ms = 0;
};

/// A Time value in milliseconds (13-digit values are milliseconds already; see time_seconds()).
int64_t time_ms(int64_t t);

/// The bins of `bin` seconds (aligned to the epoch) that [start_ms, end_ms) overlaps, in order,
/// into `out`; false (out empty) when end_ms <= start_ms: the record then goes whole to its bin.
/// Throws DataError (no file or line: the caller adds them) past kMaxSpreadBins.
bool spread_bins(int64_t start_ms, int64_t end_ms, int64_t bin, std::vector<SpreadBin>& out);

/// The share of `value` of the bin whose overlap ends `upto` ms into a record of `total` ms,
/// the bins before it having ended `before` ms in: floor(value * upto / total) minus the same at
/// `before`. Cumulative rounding: each share is within 1 of the exact proportion and the shares
/// add up to `value` exactly.
inline uint64_t share(uint64_t value, uint64_t before, uint64_t upto, uint64_t total) {
  __extension__ typedef unsigned __int128 u128;
  return static_cast<uint64_t>(u128{value} * upto / total - u128{value} * before / total);
}

}  // namespace flow::agg
