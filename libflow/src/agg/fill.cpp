// --fill: an empty group for every bin of the TIME/BIN key between the first and the last seen,
// for every combination of the other keys seen, so that a time series has no gaps.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include <fmt/format.h>

#include "agg/impl.hpp"
#include "flow/time.hpp"

namespace flow {

void Aggregator::fill() {
  Impl& m = *impl_;
  const size_t t = time_bin_key(*spec_, "--fill"), nk = spec_->keys.size();
  const int64_t bin = spec_->keys[t].bin;
  m.drain();
  m.settle_all();
  // The combinations of the other keys (ordered bytes, the bin's value null) and the bins' range,
  // from the groups in memory and those spilled (each run read through a copy of its descriptor,
  // then rewound for finish()).
  std::set<std::string> combos;
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  std::string key;
  auto see = [&](Value* kv) {
    if (!kv[t].null()) lo = std::min(lo, kv[t].t), hi = std::max(hi, kv[t].t);
    kv[t] = Value{};
    m.encode_key(kv, key);
    combos.insert(key);
  };
  std::vector<Value> kv(nk);
  for (const auto& table : m.tables)
    for (uint32_t g = 0; g < table.size(); ++g) {
      table.key_values(g, kv.data());
      see(kv.data());
    }
  Arena arena;
  for (int fd : m.runs) {
    int copy = dup(fd);
    if (copy < 0) throw DataError(fmt::format("--fill: cannot read a spill file back: {}", std::strerror(errno)));
    agg::FrameReader r(agg::open_run(copy));
    while (r.next()) {
      arena.clear();
      m.decode_key(r.key(), kv.data(), arena, "spill file");
      see(kv.data());
    }
    lseek(fd, 0, SEEK_SET);  // the copy shares the offset
  }
  if (lo > hi) return;  // no bin seen
  const uint64_t bins = static_cast<uint64_t>(hi - lo) / static_cast<uint64_t>(bin) + 1;
  if (bins > agg::kMaxSpreadBins)
    throw DataError(
        fmt::format("--fill: the bins of {} s from {} to {} are {} (at most {}): select a time range "
                    "with -w or give a wider bin",
                    bin, format_time(lo), format_time(hi), bins, agg::kMaxSpreadBins));
  m.zero_sums = true;
  for (const std::string& c : combos) {
    arena.clear();
    m.decode_key(c, kv.data(), arena, "--fill");
    for (uint64_t b = 0; b < bins; ++b) {
      kv[t].set_time(lo + static_cast<int64_t>(b) * bin);
      const uint8_t* kb = m.key_of(kv.data());
      const uint64_t hash = GroupTable::hash_of(kb, m.key_width());
      const uint32_t before = m.table_for(hash).size();
      m.table_for(hash).find_or_add(kb, hash);
      if (m.table_for(hash).size() != before && m.memory() > m.limits.memory) m.spill();
    }
  }
}

}  // namespace flow
