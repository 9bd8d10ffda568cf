#include "agg/cells.hpp"

#include <xxhash.h>

#include <utility>

namespace flow::agg {

namespace {

/// Min/max/first/last compare times as signed numbers, everything else as unsigned.
bool less(uint64_t x, uint64_t y, Type t) {
  if (t != Type::Time) return x < y;
  // Times written in milliseconds (kept as written) compare by the second they mean.
  auto a = static_cast<int64_t>(x), b = static_cast<int64_t>(y);
  return std::pair(time_seconds(a), a) < std::pair(time_seconds(b), b);
}

__extension__ using u128 = unsigned __int128;

/// A mean's sum: x added to its 128 bits.
void add_wide(Cell& c, uint64_t lo, uint64_t hi) {
  const u128 sum = (u128{c.hi} << 64 | c.a) + (u128{hi} << 64 | lo);
  c.a = static_cast<uint64_t>(sum);
  c.hi = static_cast<uint64_t>(sum >> 64);
}

void keep_extreme(const ValueSpec& spec, Cell& c, uint64_t x) {
  bool low = spec.kind == AggKind::Min || spec.kind == AggKind::First;
  Type t = spec.field.type;
  if (!c.b || (low ? less(x, c.a, t) : less(c.a, x, t))) c.a = x;
  c.b = 1;
}

std::string distinct_key(const Value& v, Type t) {
  std::string k;
  encode_ordered(k, v, t);
  return k;
}

}  // namespace

CellLayout::CellLayout(const AggSpec& spec) {
  const size_t n = spec.values.size();
  slots_.assign(n, Slot{});
  uint32_t flags = 0;
  for (size_t v = 0; v < n; ++v) {
    switch (spec.values[v].kind) {
      case AggKind::Sum:
      case AggKind::Min:
      case AggKind::Max:
      case AggKind::First:
      case AggKind::Last:
        slots_[v].word = flags / 64 * 8;
        slots_[v].mask = uint64_t{1} << (flags % 64);
        ++flags;
        break;
      case AggKind::Mean: slots_[v].whole = true; break;
      default: break;
    }
  }
  uint32_t at = (flags + 63) / 64 * 8;
  for (auto& s : slots_) {
    s.off = at;
    at += s.whole ? 24 : 8;
  }
  width_ = at;
}

void init_cell(const ValueSpec& v, Cell& c, Store& s) {
  c = Cell{};
  switch (v.kind) {
    case AggKind::Distinct:
      c.a = s.sets.size();
      s.sets.emplace_back();
      break;
    case AggKind::ApproxDistinct:
      c.a = s.hlls.size();
      s.hlls.emplace_back();
      break;
    case AggKind::Quantile:
      c.a = s.quants.size();
      s.quants.emplace_back();
      break;
    default: break;
  }
}

void add_to_cell(const ValueSpec& spec, Cell& c, Store& s, const Value& v, Type field_type) {
  if (spec.kind == AggKind::Count) {
    c.a = add_saturated(c.a, v.null() ? 1 : v.u);
    return;
  }
  if (v.null()) return;
  switch (spec.kind) {
    case AggKind::Sum:
      c.a = add_saturated(c.a, v.u);
      c.b = 1;
      break;
    case AggKind::Mean:
      add_wide(c, v.u, 0);
      c.b += 1;
      break;
    case AggKind::Min:
    case AggKind::Max:
    case AggKind::First:
    case AggKind::Last: keep_extreme(spec, c, v.u); break;
    case AggKind::Distinct: {
      auto& set = s.sets[c.a];
      size_t before = set.memory();
      set.add(distinct_key(v, field_type));
      s.bytes += set.memory() - before;
      break;
    }
    case AggKind::ApproxDistinct: {
      auto& h = s.hlls[c.a];
      size_t before = h.memory();
      auto k = distinct_key(v, field_type);
      h.add(XXH3_64bits(k.data(), k.size()));
      s.bytes += h.memory() - before;
      break;
    }
    case AggKind::Quantile: {
      auto& q = s.quants[c.a];
      size_t before = q.memory();
      q.add(v.u);
      s.bytes += q.memory() - before;
      break;
    }
    case AggKind::Count: break;
  }
}

void write_cell(const ValueSpec& spec, const Cell& c, const Store& s, ByteWriter& w) {
  switch (spec.kind) {
    case AggKind::Distinct: s.sets[c.a].write(w); break;
    case AggKind::ApproxDistinct: s.hlls[c.a].write(w); break;
    case AggKind::Quantile: s.quants[c.a].write(w); break;
    case AggKind::Mean:
      w.u64(c.a);
      w.u64(c.b);
      w.u64(c.hi);
      break;
    default: w.u64(c.a); w.u64(c.b);
  }
}

void merge_cell(const ValueSpec& spec, Cell& c, Store& s, ByteReader& r) {
  auto grow = [&s](auto& sketch) {
    size_t before = sketch.memory();
    return [&s, &sketch, before] { s.bytes += sketch.memory() - before; };
  };
  switch (spec.kind) {
    case AggKind::Distinct: {
      auto done = grow(s.sets[c.a]);
      s.sets[c.a].merge_from(r);
      done();
      return;
    }
    case AggKind::ApproxDistinct: {
      auto done = grow(s.hlls[c.a]);
      s.hlls[c.a].merge_from(r);
      done();
      return;
    }
    case AggKind::Quantile: {
      auto done = grow(s.quants[c.a]);
      s.quants[c.a].merge_from(r);
      done();
      return;
    }
    default: break;
  }
  Cell from{r.u64(), r.u64()};
  if (spec.kind == AggKind::Mean) from.hi = r.u64();
  combine_cell(spec, c, from);
}

void combine_cell(const ValueSpec& spec, Cell& c, const Cell& from) {
  switch (spec.kind) {
    case AggKind::Count: c.a = add_saturated(c.a, from.a); break;
    case AggKind::Sum:
      c.a = add_saturated(c.a, from.a);
      c.b |= from.b;
      break;
    case AggKind::Mean:
      add_wide(c, from.a, from.hi);
      c.b += from.b;
      break;
    default:
      if (from.b) keep_extreme(spec, c, from.a);
  }
}

Value final_value(const ValueSpec& spec, const Cell& c, const Store& s) {
  Value v;
  switch (spec.kind) {
    case AggKind::Count: v.set_uint(c.a); break;
    case AggKind::Sum:
      if (c.b) v.set_uint(c.a);
      break;
    case AggKind::Mean:
      // Rounded to the nearest (halves up), in 128 bits: between the smallest and the largest
      // value, so within 64 bits.
      // (Beyond 64 bits only from a forged --partial state: saturated.)
      if (c.b) {
        const u128 mean = ((u128{c.hi} << 64 | c.a) + c.b / 2) / c.b;
        v.set_uint(mean > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(mean));
      }
      break;
    case AggKind::Min:
    case AggKind::Max:
    case AggKind::First:
    case AggKind::Last:
      if (c.b) {
        if (spec.column.type == Type::Time) v.set_time(static_cast<int64_t>(c.a));
        else v.set_uint(c.a);
      }
      break;
    case AggKind::Distinct: v.set_uint(s.sets[c.a].count()); break;
    case AggKind::ApproxDistinct: v.set_uint(s.hlls[c.a].estimate()); break;
    case AggKind::Quantile:
      if (s.quants[c.a].count()) v.set_uint(s.quants[c.a].quantile(spec.q));
      break;
  }
  return v;
}

}  // namespace flow::agg
