// Aggregator::read(): the inputs read by several threads at once, each grouping its share as a
// lane (agg/lanes.hpp), the shares then combined partition by partition on every thread.
#include <algorithm>
#include <atomic>
#include <exception>
#include <functional>
#include <optional>
#include <thread>

#include "agg/driver.hpp"
#include "agg/impl.hpp"
#include "flow/filter.hpp"

namespace flow {

unsigned read_threads(unsigned requested) {
  return requested ? requested : std::clamp(std::thread::hardware_concurrency(), 1u, 8u);
}

std::vector<std::string> Aggregator::fields_read() const {
  const AggSpec& spec = *spec_;
  std::vector<std::string> f{"records"};
  for (const auto& k : spec.keys) {
    f.push_back(k.column.name);
    if (spec.bidir) {  // the other side's field of the same kind: dstport for srcport
      std::string p = k.column.name;
      for (auto [a, b] : {std::pair{"src", "dst"}, std::pair{"dst", "src"}})
        if (auto i = p.find(a); i != std::string::npos) {
          f.push_back(std::string(p).replace(i, 3, b));
          break;
        }
    }
  }
  for (const auto& k : spec.keys)
    if (k.either)
      f.insert(f.end(),
               {k.column.type == Type::Ip ? "srcaddr" : "srcport", k.column.type == Type::Ip ? "dstaddr" : "dstport"});
  for (const auto& v : spec.values)
    if (v.field.name == "duration") {
      f.insert(f.end(), {"start", "end", "duration"});
    } else {
      f.push_back(v.field.name);
    }
  if (spec.spread) f.insert(f.end(), {"start", "end"});
  for (const auto& c : impl_->conds)  // what the values' conditions read
    for (auto& n : c.fields()) f.push_back(n);
  if (spec.bidir)
    f.insert(f.end(),
             {"srcaddr", "dstaddr", "pkt-srcaddr", "pkt-dstaddr", "protocol", "srcport", "dstport", "tcp-flags"});
  return f;
}

void Aggregator::add(const Batch& b, const uint8_t* keep) {
  if (b.columnar()) return add(b.columns(), keep, b.file());
  size_t i = 0;
  for (const Record& r : b.records())
    if (!keep || keep[i++]) add(r, b.file());
}

namespace {

using agg::Driver;

/// Reads the inputs into `agg` with up to `threads` threads: each groups its share into its own
/// Aggregator (a lane), and the shares are absorbed into `agg`.
SkipReport read_into(Aggregator& agg, InputConfig cfg, const AggRead& how, unsigned threads) {
  FilterSettings fs;
  fs.now = how.now;
  fs.source = "-w";
  std::optional<Filter> where;
  if (!how.where.empty()) where.emplace(Filter::compile(how.where, fs));
  std::vector<std::string> fields = agg.fields_read();
  if (where)
    for (auto& n : where->fields()) fields.push_back(n);
  cfg.read.fields.emplace(std::move(fields));
  auto streams = parallel_streams(std::move(cfg), threads);
  const AggLimits limits = agg.limits();  // a copy: the lanes change the memory budget below
  // Each lane keeps its share of the memory budget while reading; the merged groups, all of it.
  const uint64_t lane_memory = limits.memory / streams.size();
  std::vector<Aggregator> shares;
  for (size_t i = 1; i < streams.size(); ++i)
    shares.emplace_back(agg.spec(), AggLimits{lane_memory, limits.tmpdir, limits.partitions});
  Driver::limit_memory(agg, lane_memory);
  std::vector<std::exception_ptr> errors(streams.size());
  // The threads are lanes: each groups the partitions it owns and passes the others' rows on.
  auto lanes = Driver::make_lanes(static_cast<unsigned>(streams.size()));
  // Unsorted output: the last partitions are grouped while the first are written (defer()).
  // Q4 (8 M groups, 2 threads, into mawk), medians of 10 alternating runs: the last 3/8 of them,
  // 3.23 -> 3.05 s; 4/8 no better.
  for (size_t i = 0; i < streams.size(); ++i) {
    Aggregator& a = i == 0 ? agg : shares[i - 1];
    Driver::join_lanes(a, lanes, static_cast<unsigned>(i));
    if (how.defer) Driver::defer(a, Driver::partitions(a) * 3 / 8);
  }
  auto work = [&](size_t i) {
    Aggregator& a = i == 0 ? agg : shares[i - 1];
    try {
      std::optional<Filter> w;  // a Filter is not shared between threads: it caches bindings
      if (where) w.emplace(Filter::compile(how.where, fs));
      RecordStream& in = *streams[i];
      Batch batch;
      std::vector<uint8_t> keep;
      while (in.read(batch)) {
        if (w) {
          keep.resize(batch.size());
          w->match(batch, keep.data());
        }
        a.add(batch, w ? keep.data() : nullptr);
      }
      Driver::flush(a);  // absorbed below by partition, on other threads
    } catch (...) {
      errors[i] = std::current_exception();
    }
    try {
      Driver::leave_lanes(a);  // also after an error: the other lanes wait for this one
    } catch (...) {
      if (!errors[i]) errors[i] = std::current_exception();
    }
  };
  auto run = [&](const std::function<void(size_t)>& f) {
    std::vector<std::thread> pool;
    for (size_t i = 1; i < streams.size(); ++i) pool.emplace_back(f, i);
    f(0);
    for (auto& t : pool) t.join();
    for (auto& e : errors)  // the first lane reads the start of the input: its error is the first
      if (e) std::rethrow_exception(e);
  };
  run(work);
  Driver::limit_memory(agg, limits.memory);
  // The shares, merged partition by partition on every thread (a partition's groups are only
  // ever in that partition, whichever thread read them).
  std::atomic<uint32_t> next{0};
  run([&](size_t i) {
    try {
      for (uint32_t p; (p = next++) < Driver::partitions(agg);)
        for (auto& share : shares) Driver::absorb(agg, share, p);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  });
  SkipReport skipped;
  for (size_t i = 0; i < streams.size(); ++i) {
    skipped.add(streams[i]->skipped());
    if (i > 0) Driver::absorb_rest(agg, shares[i - 1]);
  }
  return skipped;
}

}  // namespace

SkipReport Aggregator::read(InputConfig cfg, const AggRead& how) {
  const AggLimits limits = this->limits();
  try {
    return read_into(*this, cfg, how, how.threads);
  } catch (const SplitReadAborted&) {  // rare: an error ended a split input early
    *this = Aggregator(spec(), limits);
    return read_into(*this, std::move(cfg), AggRead{how.where, how.now, 1, false}, 1);
  }
}

}  // namespace flow
