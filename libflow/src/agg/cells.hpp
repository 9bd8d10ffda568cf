// The state of one value of one group: a 16-byte cell (packed tighter in a table entry), plus
// a sketch in a Store for distinct counts and percentiles. One set of functions adds a record's
// value, merges a written state, writes it and gives the final value; the group table and the
// run merger both use them.
#pragma once

#include <cstdint>
#include <cstring>
#include <vector>

#include "agg/sketch.hpp"
#include "flow/agg.hpp"

namespace flow::agg {

// Counts and sums saturate at 2^64 - 1 rather than wrap (add_saturated): a value that comes
// out as UINT64_MAX is reported (Aggregator::saturated) as not exact. A mean is exact: its sum
// has 128 bits (a and hi), so it lies between the smallest and largest value whatever they are.
// A variance (stddev) is a mean's state and the sum of the squares in 192 bits (sq), which no
// 2^64 values of 64 bits can overflow: integers, so states merge in any order to the same bits.
struct Cell {
  uint64_t a = 0;   // count, sum, min/max/first/last value, mean's sum, or a sketch's index
  uint64_t b = 0;   // "has a value" for sum/min/max/first/last; mean's count
  uint64_t hi = 0;  // mean's sum: the high 64 bits
  // Variance: the sum of squares, low word first. Not set by CellLayout::get() for the other
  // kinds (no cost to their hot path); Cell{} and init_cell() zero it.
  uint64_t sq[3];
};

/// a + x, or UINT64_MAX where that would wrap.
inline uint64_t add_saturated(uint64_t a, uint64_t x) {
  uint64_t s;
  return __builtin_add_overflow(a, x, &s) ? UINT64_MAX : s;
}

/// How a table entry packs its group's cells: 8 bytes a value, the cell's a, where b is unused
/// (count, the sketches' index) or a flag (sum, min, max, first, last: a bit of the flag words
/// in front); 24 for a mean, whose b is a count and hi its sum's high word; 48 for a variance
/// (a mean's and its sum of squares). Count, sum and sum take 32 bytes instead of 48.
class CellLayout {
 public:
  /// Where one value's cell is: its a at `off`; a flag b as `mask` of the word at `word`.
  struct Slot {
    uint32_t off = 0, word = 0;
    uint64_t mask = 0;     // 0: b is not a flag
    bool whole = false;    // b and hi are the 16 bytes after a (a mean)
    bool squares = false;  // and sq the 24 after those (a variance)
  };
  explicit CellLayout(const AggSpec& spec);
  /// Bytes of a group's cells (zero: every cell empty).
  size_t width() const { return width_; }
  const Slot* slots() const { return slots_.data(); }
  Cell get(const uint8_t* p, size_t v) const { return get(p, slots_[v]); }
  void set(uint8_t* p, size_t v, const Cell& c) const { set(p, slots_[v], c); }

  static Cell get(const uint8_t* p, const Slot& s) {
    Cell c;
    std::memcpy(&c.a, p + s.off, 8);
    if (s.whole) {
      std::memcpy(&c.b, p + s.off + 8, 8);
      std::memcpy(&c.hi, p + s.off + 16, 8);
    }
    if (s.squares) std::memcpy(c.sq, p + s.off + 24, 24);
    if (s.mask) c.b = (word(p, s) & s.mask) != 0;
    return c;
  }
  static void set(uint8_t* p, const Slot& s, const Cell& c) {
    std::memcpy(p + s.off, &c.a, 8);
    if (s.whole) {
      std::memcpy(p + s.off + 8, &c.b, 8);
      std::memcpy(p + s.off + 16, &c.hi, 8);
    }
    if (s.squares) std::memcpy(p + s.off + 24, c.sq, 24);
    if (s.mask) set_word(p, s, c.b ? word(p, s) | s.mask : word(p, s) & ~s.mask);
  }
  /// The hot path's sum and count: a += x (saturated); and for a sum, b = 1 (mark).
  static void add(uint8_t* p, const Slot& s, uint64_t x) {
    uint64_t a;
    std::memcpy(&a, p + s.off, 8);
    a = add_saturated(a, x);
    std::memcpy(p + s.off, &a, 8);
  }
  static void mark(uint8_t* p, const Slot& s) { set_word(p, s, word(p, s) | s.mask); }

 private:
  static uint64_t word(const uint8_t* p, const Slot& s) {
    uint64_t w;
    std::memcpy(&w, p + s.word, 8);
    return w;
  }
  static void set_word(uint8_t* p, const Slot& s, uint64_t w) { std::memcpy(p + s.word, &w, 8); }
  std::vector<Slot> slots_;
  size_t width_ = 0;
};

/// Sketches of many groups; a cell holds the index of its own.
struct Store {
  std::vector<DistinctSet> sets;
  std::vector<Hll> hlls;
  std::vector<Quantiles> quants;
  size_t bytes = 0;  // what the sketches hold beyond their vectors' slots (approximately)

  void clear() {
    sets.clear();
    hlls.clear();
    quants.clear();
    sets.shrink_to_fit();
    hlls.shrink_to_fit();
    quants.shrink_to_fit();
    bytes = 0;
  }
  size_t memory() const {
    return bytes + sets.capacity() * sizeof(DistinctSet) + hlls.capacity() * sizeof(Hll) +
           quants.capacity() * sizeof(Quantiles);
  }
};

/// A new group's cell (allocates its sketch).
void init_cell(const ValueSpec& v, Cell& c, Store& s);
/// Adds one record's value. `v` is the value of the field (null: nothing to add, except for
/// count, where `v` is the input's "records" column, or null for 1).
void add_to_cell(const ValueSpec& spec, Cell& c, Store& s, const Value& v, Type field_type);
/// Writes the state so that merge_cell() can combine it elsewhere.
void write_cell(const ValueSpec& spec, const Cell& c, const Store& s, ByteWriter& w);
/// Combines a state written by write_cell() into c.
void merge_cell(const ValueSpec& spec, Cell& c, Store& s, ByteReader& r);
/// Combines another group's cell of a kind without a sketch (count, sum, mean, variance, min, max,
/// first, last).
void combine_cell(const ValueSpec& spec, Cell& c, const Cell& from);
inline bool has_sketch(AggKind k) {
  return k == AggKind::Distinct || k == AggKind::ApproxDistinct || k == AggKind::Quantile;
}
/// The value that comes out (null when the group had none).
Value final_value(const ValueSpec& spec, const Cell& c, const Store& s);
/// Whether a value that came out of final_value() is a count, sum or variance that saturated.
inline bool saturated(const ValueSpec& spec, const Value& v) {
  return (spec.kind == AggKind::Count || spec.kind == AggKind::Sum || spec.kind == AggKind::Variance) && !v.null() &&
         v.u == UINT64_MAX;
}

}  // namespace flow::agg
