// Longest-prefix match over IPv4 and IPv6 prefixes: nested prefixes flattened into disjoint
// intervals, each labelled with its most specific prefix, found by one binary search.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "flow/ip.hpp"

namespace flow::enrich {

/// The intervals of one family. T is uint32_t (IPv4) or unsigned __int128 (IPv6).
template <typename T>
class Intervals {
 public:
  struct Prefix {
    T lo, hi;
    uint32_t label;
  };
  std::vector<Prefix> prefixes;  ///< filled before build()

  /// Sorts the prefixes and flattens them; on_duplicate(a, b) is called with the labels of two
  /// identical prefixes (a < b) before anything else, and may throw.
  void build(const std::function<void(uint32_t, uint32_t)>& on_duplicate);
  /// The label of the most specific prefix holding x, or UINT32_MAX.
  uint32_t find(T x) const {
    // The bucket of x's top 16 bits bounds the search to the intervals that overlap it.
    size_t k = static_cast<size_t>(x >> kShift);
    // The last start <= x in [index_[k], index_[k + 1]]; starts_[index_[k]] <= x always.
    // Branch-free: the range shrinks by half whichever way the comparison goes.
    const T* first = starts_.data() + index_[k];
    size_t len = index_[k + 1] - index_[k] + 1;
    while (len > 1) {
      size_t half = len / 2;
      first = first[half] <= x ? first + half : first;
      len -= half;
    }
    return labels_[static_cast<size_t>(first - starts_.data())];
  }
  size_t size() const { return starts_.size(); }

 private:
  static constexpr int kShift = static_cast<int>(sizeof(T) * 8 - 16);
  std::vector<T> starts_;         // starts_[0] == 0: the intervals cover every address
  std::vector<uint32_t> labels_;  // label of [starts_[i], starts_[i+1])
  std::vector<uint32_t> index_;   // 65537: the interval holding bucket k's first address
};

__extension__ typedef unsigned __int128 U128;

/// Prefixes of both families, each with a label (a row of a table).
class PrefixMap {
 public:
  static constexpr uint32_t kNone = UINT32_MAX;
  /// Host bits set in c.base are ignored (10.1.2.3/8 is 10.0.0.0/8).
  void add(const Cidr& c, uint32_t label);
  /// Clears the host bits of c.base.
  static void mask(Cidr& c);
  void build(const std::function<void(uint32_t, uint32_t)>& on_duplicate);
  uint32_t find(const Ip& ip) const;
  size_t intervals() const { return v4_.size() + v6_.size(); }

 private:
  Intervals<uint32_t> v4_;
  Intervals<U128> v6_;
};

}  // namespace flow::enrich
