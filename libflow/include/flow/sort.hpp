// Sorting records by fields in bounded memory, and dropping exact duplicates.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "flow/record.hpp"
#include "flow/stream.hpp"

namespace flow {

/// "start,bytes" as field names, each checked: a name that cannot be a field is a UsageError
/// naming `option`, with a suggestion.
std::vector<std::string> parse_sort_keys(std::string_view text, std::string_view option = "--sort");

/// The order of records by fields: numbers and times by value (a millisecond time beside the
/// seconds it falls in), addresses IPv4 before IPv6 and by their bytes, strings by their bytes.
/// Null, or a field the record does not have, comes before every value. `reverse` turns the
/// whole order round (nulls last). `whole`: records equal on the keys are then ordered by
/// every field (the columns' names, types and values in turn), so that records equal in every
/// field, and only those, compare equal.
class RecordOrder {
 public:
  RecordOrder(std::vector<std::string> keys, bool reverse = false, bool whole = false);
  /// Negative when a goes before b, 0 when neither does, positive when b goes first.
  int compare(const Record& a, const Record& b) const;
  const std::vector<std::string>& keys() const { return keys_; }
  bool reverse() const { return reverse_; }
  bool whole() const { return whole_; }
  /// Each key's slot in `s` (-1 where s has no such field). Throws UsageError for a key that
  /// is neither in `s` nor a known field, with a suggestion.
  std::vector<int> slots(const Schema& s) const;
  /// compare() of the values of two records of schemas sa and sb, whose slots() are ka and kb.
  int compare(const Schema& sa, const Value* a, const std::vector<int>& ka, const Schema& sb, const Value* b,
              const std::vector<int>& kb) const;

 private:
  const std::vector<int>& cached_slots(const SchemaPtr& s) const;

  std::vector<std::string> keys_;
  bool reverse_, whole_;
  // Node-based: what cached_slots() returned stays in place when it adds another.
  mutable std::unordered_map<const Schema*, std::vector<int>> cache_;
  mutable std::vector<SchemaPtr> held_;  // keeps the cached schemas alive (pointers stay unique)
};

/// True when a and b have the same fields (names and types, in order) and equal values.
bool same_record(const Record& a, const Record& b);

/// A stable sort of any number of records in bounded memory: records are held up to
/// limits.memory, each such run sorted and written to a scratch file in limits.tmpdir (the
/// binary format; removed from the directory at once), and the runs merged at the end,
/// merge_fan_in(limits.memory) at a time (more in passes). Records equal in the order keep the
/// order they were added in.
class Sorter {
 public:
  Sorter(RecordOrder order, MergeLimits limits);
  ~Sorter();
  Sorter(const Sorter&) = delete;
  Sorter& operator=(const Sorter&) = delete;
  /// Adds a record (copied). Only before the first next().
  void add(const Record& r);
  /// The records in order, one a call (strings valid until the next call); false at the end.
  bool next(Record& r);
  /// Runs written to the scratch file so far (0: everything was sorted in memory).
  size_t spilled_runs() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Drops exact duplicates (same_record()). Without `adjacent`, a record is dropped when one
/// equal to it came before: each distinct record costs a 128-bit hash (XXH3; two different
/// records share one with a chance of about n^2 / 2^129) in a table kept between 3/8 and 3/4
/// full, 21 to 43 bytes a distinct record (64 for a moment while the table doubles). With
/// `adjacent` (the input sorted with RecordOrder's `whole`, so that duplicates meet), only the
/// record before is compared: no memory per record.
class Unique {
 public:
  explicit Unique(bool adjacent);
  ~Unique();
  /// True when r is to be kept: the first of its kind.
  bool keep(const Record& r);
  uint64_t dropped() const { return dropped_; }

 private:
  bool seen(const Record& r);

  bool adjacent_;
  bool has_last_ = false;
  Record last_;
  uint64_t dropped_ = 0;
  // The hash table: 128-bit hashes, 0 marks an empty slot.
  std::vector<std::pair<uint64_t, uint64_t>> table_;
  size_t used_ = 0;
  std::string buf_;
  const Schema* schema_ = nullptr;  // of the last record hashed, and its hash
  SchemaPtr held_;
  std::pair<uint64_t, uint64_t> schema_hash_{};
};

}  // namespace flow
