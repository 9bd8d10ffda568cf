#include "agg/cells.hpp"

#include <xxhash.h>

#include <cmath>
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

/// Another sum of squares (lo, mid, hi) added to c's 192 bits.
void add_squares(Cell& c, uint64_t lo, uint64_t mid, uint64_t hi) {
  const u128 w0 = u128{c.sq[0]} + lo;
  const u128 w1 = u128{c.sq[1]} + mid + static_cast<uint64_t>(w0 >> 64);
  c.sq[0] = static_cast<uint64_t>(w0);
  c.sq[1] = static_cast<uint64_t>(w1);
  c.sq[2] += hi + static_cast<uint64_t>(w1 >> 64);  // < 2^192 from any 2^64 values: no carry out
}

/// x * x added to the sum of squares.
void add_square(Cell& c, uint64_t x) {
  const u128 sq = u128{x} * x;
  add_squares(c, static_cast<uint64_t>(sq), static_cast<uint64_t>(sq >> 64), 0);
}

/// A variance cell's population variance n Q - S^2 over n^2 (n values, their sum S and sum of
/// squares Q), as its whole part and the remainder r (< n^2): worked out in 256-bit integers, so
/// exact. (Only a forged --partial state makes n Q < S^2: 0 then.)
struct Variance {
  u128 whole = 0, rest = 0, n2 = 1;
  bool over = false;  // the whole part needs more than 128 bits (a forged state)
};

Variance variance(const Cell& c) {
  const uint64_t n = c.b;
  uint64_t x[4] = {};  // n Q
  u128 carry = 0;
  for (int i = 0; i < 3; ++i) {
    const u128 p = u128{c.sq[i]} * n + carry;
    x[i] = static_cast<uint64_t>(p);
    carry = p >> 64;
  }
  x[3] = static_cast<uint64_t>(carry);
  uint64_t s2[4] = {};  // S^2 = a^2 + 2 a hi 2^64 + hi^2 2^128
  auto add_at = [&s2](int at, u128 v) {
    for (int i = at; i < 4 && v; ++i) {
      const u128 t = u128{s2[i]} + static_cast<uint64_t>(v);
      s2[i] = static_cast<uint64_t>(t);
      v = (v >> 64) + (t >> 64);
    }
  };
  add_at(0, u128{c.a} * c.a);
  add_at(1, u128{c.a} * c.hi);
  add_at(1, u128{c.a} * c.hi);
  add_at(2, u128{c.hi} * c.hi);
  uint64_t borrow = 0;
  for (int i = 0; i < 4; ++i) {
    const u128 t = u128{x[i]} - s2[i] - borrow;
    x[i] = static_cast<uint64_t>(t);
    borrow = static_cast<uint64_t>(t >> 64) & 1;
  }
  Variance v;
  v.n2 = u128{n} * n;
  if (borrow) return v;
  // Divided by n twice: x = (q n + r2) n + r1, so q is the whole part and r2 n + r1 the rest.
  uint64_t rem[2] = {};
  for (uint64_t& r : rem) {
    u128 part = 0;
    for (int i = 3; i >= 0; --i) {
      const u128 cur = part << 64 | x[i];
      x[i] = static_cast<uint64_t>(cur / n);
      part = cur % n;
    }
    r = static_cast<uint64_t>(part);
  }
  v.over = x[2] || x[3];
  v.whole = u128{x[1]} << 64 | x[0];
  v.rest = u128{rem[1]} * n + rem[0];
  return v;
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
      case AggKind::Variance:
      case AggKind::Stddev: slots_[v].whole = slots_[v].squares = true; break;
      default: break;
    }
  }
  uint32_t at = (flags + 63) / 64 * 8;
  for (auto& s : slots_) {
    s.off = at;
    at += s.squares ? 48 : s.whole ? 24 : 8;
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
    case AggKind::Variance:
    case AggKind::Stddev:
      add_wide(c, v.u, 0);
      add_square(c, v.u);
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
    case AggKind::Variance:
    case AggKind::Stddev:
      w.u64(c.a);
      w.u64(c.b);
      w.u64(c.hi);
      for (uint64_t q : c.sq) w.u64(q);
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
  Cell from{};
  from.a = r.u64();
  from.b = r.u64();
  const bool squares = spec.kind == AggKind::Variance || spec.kind == AggKind::Stddev;
  if (spec.kind == AggKind::Mean || squares) from.hi = r.u64();
  if (squares)
    for (uint64_t& q : from.sq) q = r.u64();
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
    case AggKind::Variance:
    case AggKind::Stddev:
      add_wide(c, from.a, from.hi);
      add_squares(c, from.sq[0], from.sq[1], from.sq[2]);
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
    case AggKind::Variance:
      // Rounded to the nearest (halves up) exactly; past 2^64 - 1 (a spread of values near
      // 2^32 or more) saturated, and reported as such.
      if (c.b) {
        const Variance x = variance(c);
        const u128 up = x.whole + (x.rest >= x.n2 - x.rest);
        v.set_uint(x.over || up > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(up));
      }
      break;
    case AggKind::Stddev:
      // The square root of the exact variance in long double (64-bit mantissa), rounded (halves
      // up): within a part in 2^63 of the true root, and a half (0.5, 2.5) found exactly while
      // n < 2^32 and the variance < 2^62, so that it rounds up as a mean's does. (At most 2^63
      // from values of 64 bits; a forged state saturates.)
      if (c.b) {
        const Variance x = variance(c);
        const long double var = x.over ? 0x1p128L
                                       : static_cast<long double>(x.whole) +
                                             static_cast<long double>(x.rest) / static_cast<long double>(x.n2);
        const long double root = std::floor(std::sqrt(var) + 0.5L);
        v.set_uint(root >= 0x1p64L ? UINT64_MAX : static_cast<uint64_t>(root));
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
