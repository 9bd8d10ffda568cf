// The aggregator: records into the group table; beyond the memory budget the table is written
// to disk as a run sorted by key and emptied; at the end the runs are merged (equal keys
// combined), which gives the same groups as one table would. --partial files are such runs
// with a header naming the spec, so merging states from many runs is the same operation.
// (impl.hpp: the Impl; rows.cpp: records into rows into groups; runs.hpp: the frames and their
// merge; sort.hpp: the order by a value.)
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include <fmt/format.h>

#include "agg/impl.hpp"
#include "agg/sort.hpp"

namespace flow {

namespace {

// 2: percentile states carry their smallest and largest values. 3: a mean's state carries the
// high 64 bits of its sum (three words, not two). 4: either-side keys (addr, port), conditions
// and variances, which a flowagg of format 3 would misread or refuse in a way that does not say
// why (it takes "k port" for a string column); 3 is read too (a subset of 4).
constexpr std::string_view kMagic = "flowagg-partial 4\n";
constexpr std::string_view kMagicRead[] = {kMagic, "flowagg-partial 3\n"};

}  // namespace

// ---- the public face ----

Aggregator::Aggregator(AggSpec spec, AggLimits limits)
    : spec_(std::make_shared<const AggSpec>(std::move(spec))),
      impl_(std::make_unique<Impl>(*spec_, std::move(limits))) {}
Aggregator::~Aggregator() = default;
Aggregator::Aggregator(Aggregator&&) noexcept = default;
Aggregator& Aggregator::operator=(Aggregator&&) noexcept = default;

const AggLimits& Aggregator::limits() const { return impl_->limits; }
void Aggregator::add(const Record& r, const std::string& file) { impl_->add(r, file); }
void Aggregator::add(const ColumnBatch& c, const uint8_t* keep, const std::string& file) { impl_->add(c, keep, file); }
uint64_t Aggregator::groups() const {
  impl_->drain();
  impl_->settle_all();
  return impl_->groups();
}
void Aggregator::flush() { impl_->drain(); }
uint64_t Aggregator::spills() const { return impl_->spills; }
uint64_t Aggregator::records() const { return impl_->records; }
uint64_t Aggregator::deferred() const { return impl_->logged(); }

namespace {

/// Reads the header of a partial file: the -k/-a/--bidir it was made with.
AggSpec read_header(InputStream& in) {
  std::vector<std::string> keys, values;
  bool bidir = false, spread = false;
  auto line = [&in]() -> std::string {
    for (;;) {
      auto v = in.view();
      if (auto nl = v.find('\n'); nl != std::string_view::npos) {
        std::string s(v.substr(0, nl));
        in.consume(nl + 1);
        return s;
      }
      if (v.size() > 65536 || !in.fill()) throw DataError(in.name() + ": not a flowagg --partial file (bad header)");
    }
  };
  const std::string magic = line();
  if (std::find(std::begin(kMagicRead), std::end(kMagicRead), magic + "\n") == std::end(kMagicRead)) {
    if (!magic.starts_with("flowagg-partial ")) throw DataError(in.name() + ": not a flowagg --partial file");
    throw DataError(in.name() + ": a --partial file in another format ('" + magic + "'; this flowagg reads '" +
                    std::string(kMagic.substr(0, kMagic.size() - 1)) + "'): make it again with this flowagg");
  }
  for (;;) {
    std::string l = line();
    if (l == ".") break;
    if (l.starts_with("k ")) keys.push_back(l.substr(2));
    else if (l.starts_with("v ")) values.push_back(l.substr(2));
    else if (l == "b") bidir = true;
    else if (l == "s") spread = true;
    else throw DataError(in.name() + ": not a flowagg --partial file (bad header)");
  }
  try {
    AggSpec spec = AggSpec::parse(keys, values, bidir);
    spec.spread = spread;
    if (spread) time_bin_key(spec, "--spread");  // one TIME/BIN key
    return spec;
  } catch (const UsageError& e) {
    throw DataError(fmt::format("{}: bad header: {}", in.name(), e.what()));
  }
}

}  // namespace

AggSpec Aggregator::partial_spec(const std::string& path) { return open_partial(path).spec; }

Aggregator::PartialInput Aggregator::open_partial(const std::string& path) {
  auto in = open_input(path);
  AggSpec spec = read_header(*in);
  return PartialInput{std::move(spec), std::move(in)};
}

void Aggregator::add_partial(const std::string& path) { add_partial(open_partial(path)); }

void Aggregator::add_partial(PartialInput p) {
  const std::string path = p.in->name();
  // A file made with other keys than the run's is a usage error (exit 2: the -k/-a given, or the
  // first file's, do not fit it); one state inside a stream that differs from the states before
  // it is damaged input (exit 1).
  auto check = [&](const AggSpec& theirs, bool in_stream) {
    if (theirs.canonical() == spec_->canonical()) return;
    std::string what = fmt::format("{}: made with {}, not {}: only states of the same keys and values merge", path,
                                   theirs.describe(), spec_->describe());
    if (in_stream) throw DataError(what + " (a state concatenated after others of another spec)");
    throw UsageError(what);
  };
  check(p.spec, false);
  Impl& m = *impl_;
  m.drain();  // a spill below empties the interners that staged keys refer to
  FrameReader fr(std::move(p.in));
  Arena arena;
  std::vector<Value> kv(spec_->keys.size());
  for (;;) {
    while (fr.next()) {
      arena.clear();
      m.decode_key(fr.key(), kv.data(), arena, path);
      const uint8_t* kb = m.key_of(kv.data());
      uint64_t hash = GroupTable::hash_of(kb, m.key_width());
      GroupTable& table = m.table_for(hash);
      uint32_t g = table.find_or_add(kb, hash);
      ByteReader sr{fr.state(), &path};
      uint8_t* cells = table.cells(g);
      for (size_t v = 0; v < spec_->values.size(); ++v) {
        Cell c = table.layout().get(cells, v);
        merge_cell(spec_->values[v], c, table.store(), sr);
        table.layout().set(cells, v, c);
      }
      if (!sr.in.empty()) sr.bad();
      if (m.memory() > m.limits.memory) m.spill();
    }
    // Partial files concatenated (cat *.part | flowagg --merge): the next one's header follows.
    InputStream& in = fr.stream();
    if (in.size() == 0 && !in.fill()) break;
    check(read_header(in), true);
    fr.restart();
  }
}

void Aggregator::absorb(Aggregator& other) {
  flush();
  other.flush();
  for (uint32_t p = 0; p < impl_->tables.size(); ++p) absorb(other, p, true);
  absorb_rest(other);
}

void Aggregator::absorb(Aggregator& other, uint32_t p, bool may_spill) {
  Impl &m = *impl_, &o = *other.impl_;
  const size_t nk = spec_->keys.size(), nv = spec_->values.size();
  const bool same_layout = m.tables.size() > 1;  // no strings: key bytes mean the same in both
  if (o.tables.size() != m.tables.size()) throw std::logic_error("absorb: partition counts differ");
  m.logs[p].append(o.logs[p]);
  GroupTable& from_table = o.tables[p];
  // The smaller table goes into the bigger: a partition another lane owned (agg/lanes.hpp)
  // holds most of its groups, and moves whole.
  if (same_layout && m.tables[p].size() < from_table.size()) m.tables[p].swap(from_table);
  std::vector<Value> kv(nk);
  ByteWriter w;
  static const std::string name = "aggregator";
  GroupTable& table = m.tables[p];
  // Same layout: the keys are hashed kAhead groups ahead and their slots fetched, so that the
  // cache misses of a big table overlap.
  constexpr uint32_t kAhead = 16;
  std::array<uint64_t, kAhead> ahead{};
  const size_t width = m.key_width();
  std::vector<uint8_t> keys(kAhead * width + 1);  // the keys of the groups ahead (+ 1: data() not null)
  auto fetch = [&](uint32_t g) {
    if (!same_layout || g >= from_table.size()) return;
    uint8_t* kb = keys.data() + (g % kAhead) * width;
    from_table.key(g, kb);
    ahead[g % kAhead] = GroupTable::hash_of(kb, width);
    table.prefetch(ahead[g % kAhead]);
  };
  for (uint32_t g = 0; g < kAhead; ++g) fetch(g);
  for (uint32_t g = 0; g < from_table.size(); ++g) {
    const uint8_t* kb = keys.data() + (g % kAhead) * width;
    uint64_t hash;
    if (same_layout) {
      hash = ahead[g % kAhead];
    } else {
      from_table.key_values(g, kv.data());
      kb = m.key_of(kv.data());
      hash = GroupTable::hash_of(kb, m.key_width());
    }
    uint32_t before = table.size();
    uint8_t* into = table.cells(table.find_or_add(kb, hash));
    if (same_layout) fetch(g + kAhead);  // after: it overwrites this group's key
    const uint8_t* from = from_table.cells(g);
    const CellLayout& layout = table.layout();
    for (size_t v = 0; v < nv; ++v) {
      Cell c = layout.get(into, v);
      if (!has_sketch(spec_->values[v].kind)) {
        combine_cell(spec_->values[v], c, layout.get(from, v));
      } else {
        w.out.clear();
        write_cell(spec_->values[v], layout.get(from, v), from_table.store(), w);
        ByteReader r{w.out, &name};
        merge_cell(spec_->values[v], c, table.store(), r);
      }
      layout.set(into, v, c);
    }
    if (may_spill && (table.size() != before || (g & 255) == 0) && m.memory() > m.limits.memory) m.spill();
  }
  from_table.clear();
}

void Aggregator::absorb_rest(Aggregator& other) {
  Impl &m = *impl_, &o = *other.impl_;
  m.runs.insert(m.runs.end(), o.runs.begin(), o.runs.end());
  o.runs.clear();
  m.records += o.records;
  m.spills += o.spills;
  if (m.memory() > m.limits.memory) m.spill();
}

void Aggregator::defer(uint32_t n) { impl_->defer(n); }
uint32_t Aggregator::partitions() const { return static_cast<uint32_t>(impl_->tables.size()); }
void Aggregator::limit_memory(uint64_t bytes) { impl_->limits.memory = bytes; }

std::shared_ptr<AggLanes> Aggregator::make_lanes(unsigned n) { return std::make_shared<AggLanes>(n); }
void Aggregator::join_lanes(std::shared_ptr<AggLanes> lanes, unsigned lane) {
  impl_->join_lanes(std::move(lanes), lane);
}
void Aggregator::leave_lanes() { impl_->leave_lanes(); }

void Aggregator::write_partial(Output& out) {
  Impl& m = *impl_;
  m.drain();
  m.settle_all();
  std::string header(kMagic);
  for (const auto& k : spec_->keys) header += "k " + k.text + "\n";
  for (const auto& v : spec_->values) header += "v " + v.text + "\n";
  if (spec_->bidir) header += "b\n";
  if (spec_->spread) header += "s\n";
  header += ".\n";
  out.write(header);
  FrameWriter w(&out);
  ByteWriter state;
  if (m.runs.empty()) {
    std::string key;
    for (auto g : m.sorted_groups()) {
      m.encode_group(g, key, state);
      w.add(key, state.out);
    }
  } else {
    m.each_merged([&](const std::string& key, Acc& acc) {
      state.out.clear();
      for (size_t v = 0; v < spec_->values.size(); ++v) write_cell(spec_->values[v], acc.cells[v], acc.store, state);
      w.add(key, state.out);
    });
  }
  w.finish();
}

void Aggregator::finish(const AggOrder& order, const std::function<bool(const Record&)>& keep,
                        const std::function<void(const Record&)>& emit) {
  Impl& m = *impl_;
  m.drain();
  // Logged rows are grouped as the first partitions go out, if that is the order and their
  // groups fit the budget; else now.
  const bool settling = order.by == AggOrder::None && m.runs.empty() && m.logged() > 0 &&
                        m.memory() + m.settle_growth() <= m.limits.memory;
  if (!settling && m.logged() > 0) {
    m.settle_all();
    if (m.memory() > m.limits.memory) m.spill();
  }
  const size_t nk = spec_->keys.size(), nv = spec_->values.size();
  m.saturated.assign(nv, 0);
  // The groups that go out, their saturated counts and sums counted (for saturated()).
  auto out = [&](const Record& r) {
    for (size_t v = 0; v < nv; ++v) m.saturated[v] += agg::saturated(spec_->values[v], r.values[nk + v]);
    emit(r);
  };
  Record rec;
  rec.reset(m.out_schema);
  std::optional<ValueSorter> sorter;
  if (order.by == AggOrder::Value) sorter.emplace(*spec_, order, m.limits);
  uint64_t emitted = 0;
  // No keys: one group of everything, also of nothing (count 0), as SQL's aggregates without
  // GROUP BY.
  if (nk == 0 && m.groups() == 0 && m.runs.empty()) {
    m.tables[0].find_or_add(m.key_of(nullptr));
  }
  // Returns false once --top groups are out (key or first-seen order).
  auto take = [&]() {
    if (m.zero_sums)
      for (size_t v = 0; v < nv; ++v)
        if (spec_->values[v].kind == AggKind::Sum && rec.values[nk + v].null()) rec.values[nk + v].set_uint(0);
    if (keep && !keep(rec)) return true;
    if (sorter) {
      sorter->add(rec);
      return true;
    }
    out(rec);
    return !(order.top && ++emitted >= order.top);
  };
  if (m.runs.empty()) {
    auto group = [&](Impl::Ref ref) {
      const GroupTable& table = m.tables[ref.first];
      table.key_values(ref.second, rec.values.data());
      const uint8_t* cells = table.cells(ref.second);
      for (size_t v = 0; v < nv; ++v)
        rec.values[nk + v] = final_value(spec_->values[v], table.layout().get(cells, v), table.store());
      return take();
    };
    if (order.by == AggOrder::Keys) {
      for (Impl::Ref ref : m.sorted_groups())
        if (!group(ref)) break;
    } else {
      // No index of 8 bytes a group to build (and fault in) first.
      Impl::Settler settler(m, settling);
      for (uint32_t p = 0, more = 1; more && p < m.tables.size(); ++p) {
        settler.wait(p);
        for (uint32_t g = 0; more && g < m.tables[p].size(); ++g) more = group(Impl::Ref{p, g});
      }
    }
  } else {
    bool more = true;
    m.each_merged([&](const std::string& key, Acc& acc) {
      if (!more) return;
      rec.arena.clear();
      m.decode_key(key, rec.values.data(), rec.arena, "spill file");
      for (size_t v = 0; v < nv; ++v) rec.values[nk + v] = final_value(spec_->values[v], acc.cells[v], acc.store);
      more = take();
    });
  }
  if (sorter) sorter->emit(out);
}

std::vector<std::pair<std::string, uint64_t>> Aggregator::saturated() const {
  std::vector<std::pair<std::string, uint64_t>> s;
  for (size_t v = 0; v < impl_->saturated.size(); ++v)
    if (impl_->saturated[v]) s.emplace_back(spec_->values[v].column.name, impl_->saturated[v]);
  return s;
}

}  // namespace flow
