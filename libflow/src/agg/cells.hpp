// The state of one value of one group: a 16-byte cell, plus a sketch in a Store for distinct
// counts and percentiles. One set of functions adds a record's value, merges a written state,
// writes it and gives the final value; the group table and the run merger both use them.
#pragma once

#include <cstdint>
#include <vector>

#include "agg/sketch.hpp"
#include "flow/agg.hpp"

namespace flow::agg {

struct Cell {
  uint64_t a = 0;  // count, sum, min/max/first/last value, mean's sum, or a sketch's index
  uint64_t b = 0;  // "has a value" for sum/min/max/first/last; mean's count
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
/// Combines another group's cell of a kind without a sketch (count, sum, mean, min, max, first, last).
void combine_cell(const ValueSpec& spec, Cell& c, const Cell& from);
inline bool has_sketch(AggKind k) { return k == AggKind::Distinct || k == AggKind::ApproxDistinct || k == AggKind::Quantile; }
/// The value that comes out (null when the group had none).
Value final_value(const ValueSpec& spec, const Cell& c, const Store& s);

}  // namespace flow::agg
