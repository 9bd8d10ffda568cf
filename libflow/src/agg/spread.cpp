// --spread: a record's sums shared out over the time bins its [start, end) covers (spread.hpp),
// each bin's share staged as a row of its own.
#include "agg/spread.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "agg/impl.hpp"

namespace flow {
namespace agg {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

int64_t time_ms(int64_t t) {
  if (t >= 100'000'000'000) return t;
  int64_t ms;
  return __builtin_mul_overflow(t, 1000, &ms) ? (t < 0 ? INT64_MIN : INT64_MAX) : ms;
}

bool spread_bins(int64_t start_ms, int64_t end_ms, int64_t bin, std::vector<SpreadBin>& out) {
  out.clear();
  if (end_ms <= start_ms || bin <= 0) return false;
  const int64_t width = bin * 1000;  // bins are whole seconds (parse_duration)
  // The bins of the first and the last millisecond; in units of bins, so nothing overflows.
  const int64_t first = floor_div(start_ms, width), last = floor_div(end_ms - 1, width);
  const uint64_t n = static_cast<uint64_t>(last) - static_cast<uint64_t>(first) + 1;
  if (n > kMaxSpreadBins)
    throw DataError(
        fmt::format("--spread: the record covers {} bins of {} s (at most {}): are its start and end right?", n, bin,
                    kMaxSpreadBins));
  out.reserve(n);
  for (int64_t b = first; b <= last; ++b) {
    // The bin's edges in ms, clamped to the record (a bin at the ends of int64 stays in range).
    const int64_t lo = b == first ? start_ms : b * width;
    const int64_t hi = b == last ? end_ms : (b + 1) * width;
    out.push_back({b * bin, static_cast<uint64_t>(hi - lo)});
  }
  return true;
}

}  // namespace agg

size_t time_bin_key(const AggSpec& spec, std::string_view option) {
  size_t found = spec.keys.size();
  for (size_t k = 0; k < spec.keys.size(); ++k) {
    if (spec.keys[k].bin == 0) continue;
    if (found != spec.keys.size())
      throw UsageError(fmt::format("{}: two time bins (-k {} and -k {}): give one", option, spec.keys[found].text,
                                   spec.keys[k].text));
    found = k;
  }
  if (found == spec.keys.size())
    throw UsageError(fmt::format("{} works on time bins: give a key TIME/BIN (-k start/1m)", option));
  return found;
}

void Aggregator::Impl::stage_spread(const Record& r, const std::string& file, bool reply, bool dst) {
  auto whole = [&] {
    if (++staged == stage_limit) drain();
  };
  if (start_slot < 0 || end_slot < 0) return whole();
  const Value &s = r.values[static_cast<size_t>(start_slot)], &e = r.values[static_cast<size_t>(end_slot)];
  if (s.null() || e.null()) return whole();
  try {
    if (!spread_bins(time_ms(s.t), time_ms(e.t), spec.keys[spread_k].bin, spread_buf)) return whole();
  } catch (const DataError& x) {
    throw DataError(file, r.line, "end", x.what());
  }
  // The row add() staged is the pattern of every bin's: its bin and its sums replaced.
  spread_row.assign(stage_buf.begin() + static_cast<ptrdiff_t>(staged * row_bytes),
                    stage_buf.begin() + static_cast<ptrdiff_t>((staged + 1) * row_bytes));
  const Value* vals = reinterpret_cast<const Value*>(spread_row.data() + row_vals_at);
  uint64_t total = 0;
  for (const SpreadBin& b : spread_buf) total += b.ms;
  const size_t nv = spec.values.size(), at = 8 + key_offset(spread_k);
  uint64_t before = 0;
  for (const SpreadBin& b : spread_buf) {
    uint8_t* row = stage_buf.data() + staged * row_bytes;
    std::memcpy(row, spread_row.data(), row_bytes);
    std::memcpy(row + at + 1, &b.start, 8);
    Value* out = reinterpret_cast<Value*>(row + row_vals_at);
    for (size_t v = 0; v < nv; ++v)
      if (spec.values[v].kind == AggKind::Sum && !vals[v].null())
        out[v].set_uint(agg::share(vals[v].u, before, before + b.ms, total));
    before += b.ms;
    if (++staged == stage_limit) {
      drain();
      // A spill in drain() empties the interners: the pattern's string keys are interned anew.
      put_keys(r, file, reply, dst, spread_row.data() + 8);
    }
  }
}

}  // namespace flow
