// The mergeable summaries behind distinct counts and percentiles. Each can be added to, merged
// with another of its kind, written out and read back (spill runs, --partial files).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "agg/bytes.hpp"

namespace flow::agg {

/// HyperLogLog with 2^12 registers and Ertl's estimator (2017, no bias correction tables):
/// relative standard error 1.04/sqrt(4096) = 1.6%. Below 512 distinct values it keeps the 64-bit
/// hashes themselves and is exact (up to hash collisions, about n^2/2^65).
class Hll {
 public:
  static constexpr int kP = 12;
  static constexpr size_t kRegisters = size_t{1} << kP;
  static constexpr size_t kSparseMax = 512;

  void add(uint64_t hash);
  uint64_t estimate() const;
  void write(ByteWriter& w) const;
  void merge_from(ByteReader& r);
  size_t memory() const { return sparse_.capacity() * 8 + registers_.capacity(); }

 private:
  void densify();
  void set_register(uint64_t hash);
  std::vector<uint64_t> sparse_;    // distinct hashes while small (unsorted)
  std::vector<uint8_t> registers_;  // empty while sparse
};

/// DDSketch (Masson et al., 2019) over non-negative integers: the value at a rank is reported
/// within 1% of the true value at that rank (relative accuracy alpha = 0.01), merges are exact.
/// Buckets are indexed by ceil(log_gamma(x)), gamma = (1 + alpha) / (1 - alpha). The smallest and
/// largest values are kept too: ranks 0 and n-1 (p0, p100) are answered exactly, and every other
/// estimate is bounded by them, so a group whose values are all the same (one record) is exact.
class Quantiles {
 public:
  static constexpr double kAlpha = 0.01;

  void add(uint64_t x, uint64_t n = 1);
  /// The estimate of the value at rank floor(q * (count - 1)) of the sorted values; q in [0, 1].
  uint64_t quantile(double q) const;
  uint64_t count() const { return count_; }
  void write(ByteWriter& w) const;
  void merge_from(ByteReader& r);
  size_t memory() const { return counts_.capacity() * 8; }

 private:
  static int index_of(uint64_t x);
  static double value_of(int index);
  static uint64_t rounded(double x);
  void add_bucket(int index, uint64_t n);
  uint64_t zeros_ = 0, count_ = 0;
  uint64_t min_ = UINT64_MAX, max_ = 0;  // of the values added (none: min_ > max_)
  int base_ = 0;                         // bucket index of counts_[0]
  std::vector<uint64_t> counts_;         // dense over [base_, base_ + size)
};

/// An exact distinct count: the set of values themselves (encoded with encode_ordered).
class DistinctSet {
 public:
  void add(std::string_view key) {
    if (set_.emplace(key).second) bytes_ += kNodeBytes + key.size();
  }
  uint64_t count() const { return set_.size(); }
  void write(ByteWriter& w) const;
  void merge_from(ByteReader& r);
  /// About what the set holds in memory (a node, the string and the bucket slot per value).
  size_t memory() const { return bytes_; }

 private:
  static constexpr size_t kNodeBytes = 64;
  std::unordered_set<std::string> set_;
  size_t bytes_ = 0;
};

}  // namespace flow::agg
