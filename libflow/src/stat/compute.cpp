// The numbers of flowstat's report: one Aggregator per question (the ones flowagg would run),
// all fed from one pass over the records.
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

#include "agg/bytes.hpp"
#include "agg/cells.hpp"
#include "flow/agg.hpp"
#include "flow/filter.hpp"
#include "flow/format.hpp"
#include "flow/stat.hpp"
#include "flow/stream.hpp"

namespace flow {

namespace {

/// One question: an aggregation, optionally over a selection of the records.
struct Question {
  Aggregator agg;
  std::optional<Filter> where;
};

std::unique_ptr<Question> question(const std::vector<std::string>& keys, const std::vector<std::string>& values,
                                   const StatOptions& o, const std::string& where = "") {
  std::optional<Filter> f;
  if (!where.empty()) f.emplace(Filter::compile(where, FilterSettings{}));
  return std::make_unique<Question>(
      Question{Aggregator(AggSpec::parse(keys, values, false), AggLimits{o.memory, o.tmpdir}), std::move(f)});
}

uint64_t u(const Value& v) { return v.null() ? 0 : v.u; }

/// Every group of a finished aggregation.
void each_group(Aggregator& a, const std::function<void(const Record&)>& f) {
  a.finish(AggOrder{AggOrder::None}, {}, f);
}

/// Top lists of one aggregation, each by one of its values (largest first, then by key).
void top_lists(Question& q, size_t n, std::vector<TopList> lists, const std::vector<int>& by,
               std::vector<TopList>& out) {
  const AggSpec& spec = q.agg.spec();
  size_t nk = spec.keys.size();
  for (auto& l : lists)
    for (size_t k = 0; k < nk; ++k) l.key_columns.push_back(spec.keys[k].column);
  // Bounded candidates per list: the best n by (value desc, key asc), the order of flowagg --top.
  struct Candidate {
    uint64_t value;
    std::string order;  // the key, encoded so that it sorts as flowagg sorts keys
    StatRow row;
  };
  std::vector<std::vector<Candidate>> best(lists.size());
  auto worse = [](const Candidate& a, const Candidate& b) {
    return a.value != b.value ? a.value > b.value : a.order < b.order;
  };
  each_group(q.agg, [&](const Record& g) {
    std::string order;
    for (size_t k = 0; k < nk; ++k) agg::encode_ordered(order, g.values[k], spec.keys[k].column.type);
    StatRow row;
    for (size_t k = 0; k < nk; ++k) row.keys.push_back(value_text(g.values[k], spec.keys[k].column.type));
    auto col = [&](const char* name) {
      int i = spec.value_index(name);
      return i < 0 ? uint64_t{0} : u(g.values[nk + static_cast<size_t>(i)]);
    };
    row.records = col("records");
    row.packets = col("packets");
    row.bytes = col("bytes");
    row.ports = col("ports");
    for (size_t l = 0; l < lists.size(); ++l) {
      uint64_t v = u(g.values[nk + static_cast<size_t>(by[l])]);
      auto& b = best[l];
      b.push_back({v, order, row});
      std::push_heap(b.begin(), b.end(), worse);
      if (b.size() > n) {
        std::pop_heap(b.begin(), b.end(), worse);
        b.pop_back();
      }
    }
  });
  for (size_t l = 0; l < lists.size(); ++l) {
    std::sort(best[l].begin(), best[l].end(), worse);
    for (auto& c : best[l]) lists[l].rows.push_back(std::move(c.row));
    out.push_back(std::move(lists[l]));
  }
}

Distribution distribution(Question& q, std::string unit, std::vector<uint64_t> bounds,
                          const std::vector<uint64_t>& counts) {
  Distribution d;
  d.unit = std::move(unit);
  each_group(q.agg, [&](const Record& g) {
    d.p50 = u(g.values[0]);
    d.p90 = u(g.values[1]);
    d.p99 = u(g.values[2]);
    d.max = u(g.values[3]);
  });
  bounds.push_back(UINT64_MAX);
  for (size_t i = 0; i < bounds.size(); ++i) d.histogram.emplace_back(bounds[i], counts[i]);
  return d;
}

const std::vector<uint64_t> kSizeBounds{100, 1000, 10'000, 100'000, 1'000'000, 10'000'000};
const std::vector<uint64_t> kDurationBounds{0, 10, 30, 60, 120, 300, 600};

/// t rounded down to a multiple of w; the lowest such multiple where that would overflow.
int64_t floor_to(int64_t t, int64_t w) {
  int64_t x;
  return __builtin_mul_overflow(t / w - (t % w < 0), w, &x) ? INT64_MIN / w * w : x;
}

/// Bins of width w from `from` to t (t >= from), in 64 bits whatever the two are.
size_t bins_between(int64_t from, int64_t t, int64_t w) {
  return static_cast<size_t>((static_cast<uint64_t>(t) - static_cast<uint64_t>(from)) / static_cast<uint64_t>(w));
}

void count_into(const std::vector<uint64_t>& bounds, std::vector<uint64_t>& counts, uint64_t x) {
  size_t i = static_cast<size_t>(std::lower_bound(bounds.begin(), bounds.end(), x) - bounds.begin());
  ++counts[i];
}

}  // namespace

Stats compute_stats(RecordStream& in, const StatOptions& o) {
  auto totals = question({}, {"count", "packets", "bytes", "first", "last", "distinct(interface-id)"}, o);
  auto status = question({"log-status"}, {"count"}, o);
  auto actions = question({"action"}, {"count", "packets", "bytes"}, o);
  auto sources = question({"srcaddr"}, {"count", "bytes"}, o, "srcaddr is not null");
  auto dests = question({"dstaddr"}, {"count", "bytes"}, o, "dstaddr is not null");
  auto pairs = question({"srcaddr", "dstaddr"}, {"count", "bytes"}, o, "srcaddr is not null");
  auto ports = question({"protocol", "dstport"}, {"count", "bytes"}, o, "dstport is not null");
  auto protocols = question({"protocol"}, {"count", "bytes"}, o, "protocol is not null");
  auto sizes = question({}, {"p50(bytes)", "p90(bytes)", "p99(bytes)", "max(bytes)"}, o);
  auto durations =
      question({}, {"p50(duration)", "p90(duration)", "p99(duration)", "max(duration)"}, o, "bytes is not null");
  auto minutes = question({"start/1m"}, {"count", "bytes"}, o, "start is not null");
  auto rej_sources =
      question({"srcaddr"}, {"count", "ports=distinct(dstport)"}, o, "action == REJECT and srcaddr is not null");
  auto rej_ports = question({"protocol", "dstport"}, {"count"}, o, "action == REJECT and dstport is not null");
  std::vector<Question*> all{totals.get(),  status.get(),      actions.get(),   sources.get(), dests.get(),
                             pairs.get(),   ports.get(),       protocols.get(), sizes.get(),   durations.get(),
                             minutes.get(), rej_sources.get(), rej_ports.get()};

  std::vector<uint64_t> size_counts(kSizeBounds.size() + 1), duration_counts(kDurationBounds.size() + 1);
  Stats s;
  // The histograms and the rejected count, from a record's bytes, start, end and action (each
  // null when the input has no such field).
  auto tally = [&](const Value* b, const Value* st, const Value* en, const Value* a) {
    if (b && !b->null()) {
      count_into(kSizeBounds, size_counts, b->u);
      if (st && en && !st->null() && !en->null())
        count_into(kDurationBounds, duration_counts, duration_seconds(st->t, en->t));
    }
    if (a && !a->null() && a->str() == "REJECT") ++s.rejected;
  };
  Batch batch;  // binary input comes as columns: each question takes them whole
  std::vector<uint8_t> keep;
  while (in.read(batch)) {
    keep.resize(batch.size());
    for (Question* q : all) {
      if (q->where) q->where->match(batch, keep.data());
      q->agg.add(batch, q->where ? keep.data() : nullptr);
    }
    for (size_t j = 0; j < batch.size(); ++j)
      tally(batch.get(j, FieldId::bytes), batch.get(j, FieldId::start), batch.get(j, FieldId::end),
            batch.get(j, FieldId::action));
  }

  each_group(totals->agg, [&](const Record& g) {
    s.records = u(g.values[0]);
    s.packets = u(g.values[1]);
    s.bytes = u(g.values[2]);
    if (!g.values[3].null()) s.first = time_seconds(g.values[3].t);
    if (!g.values[4].null()) s.last = time_seconds(g.values[4].t);
    s.interfaces = u(g.values[5]);
  });
  each_group(status->agg, [&](const Record& g) {
    s.log_status.emplace_back(value_text(g.values[0], Type::String), u(g.values[1]));
  });
  each_group(actions->agg, [&](const Record& g) {
    StatRow row;
    row.keys.push_back(value_text(g.values[0], Type::String));
    row.records = u(g.values[1]);
    row.packets = u(g.values[2]);
    row.bytes = u(g.values[3]);
    s.actions.push_back(row);
  });
  std::sort(s.log_status.begin(), s.log_status.end(), [](auto& x, auto& y) { return x.second > y.second; });
  std::sort(s.actions.begin(), s.actions.end(), [](auto& x, auto& y) { return x.records > y.records; });

  const size_t n = o.top;
  top_lists(*sources, n,
            {{"sources_by_bytes", "Sources by bytes", {}, {}}, {"sources_by_records", "Sources by records", {}, {}}},
            {1, 0}, s.tops);
  top_lists(*dests, n,
            {{"destinations_by_bytes", "Destinations by bytes", {}, {}},
             {"destinations_by_records", "Destinations by records", {}, {}}},
            {1, 0}, s.tops);
  top_lists(*pairs, n, {{"pairs_by_bytes", "Pairs by bytes", {}, {}}, {"pairs_by_records", "Pairs by records", {}, {}}},
            {1, 0}, s.tops);
  top_lists(*ports, n,
            {{"ports_by_bytes", "Destination ports by bytes", {}, {}},
             {"ports_by_records", "Destination ports by records", {}, {}}},
            {1, 0}, s.tops);
  top_lists(*protocols, n, {{"protocols", "Protocols by bytes", {}, {}}}, {1}, s.tops);
  top_lists(*rej_sources, n, {{"rejected_sources", "Rejected sources (ports: distinct destination ports)", {}, {}}},
            {0}, s.rejected_tops);
  top_lists(*rej_ports, n, {{"rejected_ports", "Rejected destination ports", {}, {}}}, {0}, s.rejected_tops);

  s.sizes = distribution(*sizes, "bytes", kSizeBounds, size_counts);
  s.durations = distribution(*durations, "seconds", kDurationBounds, duration_counts);

  // The timeline: minutes, merged into at most o.columns bins of a round width.
  std::vector<TimeBin> mins;
  each_group(minutes->agg, [&](const Record& g) { mins.push_back({g.values[0].t, u(g.values[1]), u(g.values[2])}); });
  std::sort(mins.begin(), mins.end(), [](auto& x, auto& y) { return x.start < y.start; });
  if (!mins.empty()) {
    // The narrowest round width that fits the span into o.columns bins (aligned down, the first
    // bin may start up to a bin early: one more bin's worth); beyond a week, whole weeks.
    const auto span = static_cast<double>(mins.back().start) - static_cast<double>(mins.front().start) + 60;
    const auto cols = static_cast<double>(o.columns);
    s.bin = 0;
    for (int64_t w : {60, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 604800})
      if (static_cast<double>(w) * (cols - 1) >= span) {
        s.bin = w;
        break;
      }
    if (s.bin == 0) s.bin = static_cast<int64_t>(std::min(std::ceil(span / (cols - 1) / 604800), 1e12)) * 604800;
    int64_t first_bin = floor_to(mins.front().start, s.bin);
    s.timeline.resize(bins_between(first_bin, floor_to(mins.back().start, s.bin), s.bin) + 1);
    for (size_t i = 0; i < s.timeline.size(); ++i)
      s.timeline[i].start = static_cast<int64_t>(static_cast<uint64_t>(first_bin) + i * static_cast<uint64_t>(s.bin));
    uint64_t records_saturated = 0, bytes_saturated = 0;
    for (const auto& m : mins) {
      auto& t = s.timeline[bins_between(first_bin, floor_to(m.start, s.bin), s.bin)];
      t.records = agg::add_saturated(t.records, m.records);
      t.bytes = agg::add_saturated(t.bytes, m.bytes);
    }
    for (const auto& t : s.timeline) {
      records_saturated += t.records == UINT64_MAX;
      bytes_saturated += t.bytes == UINT64_MAX;
    }
    if (records_saturated) s.saturated.emplace_back("records", records_saturated);
    if (bytes_saturated) s.saturated.emplace_back("bytes", bytes_saturated);
  }
  // Every sum that saturated, once a column.
  for (Question* q : all)
    for (const auto& sat : q->agg.saturated()) {
      auto it = std::find_if(s.saturated.begin(), s.saturated.end(), [&](auto& x) { return x.first == sat.first; });
      if (it == s.saturated.end()) s.saturated.push_back(sat);
      else it->second += sat.second;
    }
  return s;
}

}  // namespace flow
