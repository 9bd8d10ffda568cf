// IpSet: prefixes as merged intervals, looked up by binary search.
#include "flow/ipset.hpp"

#include <algorithm>

namespace flow {
namespace {

template <typename T>
void merge(std::vector<std::pair<T, T>>& v) {
  std::sort(v.begin(), v.end());
  size_t out = 0;
  for (size_t i = 0; i < v.size(); ++i) {
    // Adjacent intervals merge too (hi + 1 == lo); hi == max cannot be followed by anything.
    if (out > 0 && (v[out - 1].second == static_cast<T>(~T{0}) || v[i].first <= v[out - 1].second + 1)) {
      v[out - 1].second = std::max(v[out - 1].second, v[i].second);
    } else {
      v[out++] = v[i];
    }
  }
  v.resize(out);
}

template <typename T>
bool find(const std::vector<std::pair<T, T>>& v, T x) {
  // The last interval starting at or before x.
  auto it = std::upper_bound(v.begin(), v.end(), x, [](T a, const std::pair<T, T>& iv) { return a < iv.first; });
  return it != v.begin() && x <= std::prev(it)->second;
}

}  // namespace

void IpSet::add(const Cidr& c) {
  if (!c.base.v6) {
    uint32_t base = c.base.v4_value();
    uint32_t host = c.bits == 0 ? ~0u : c.bits >= 32 ? 0u : (~0u >> c.bits);
    v4_.emplace_back(base & ~host, base | host);
    return;
  }
  U128 base = 0;
  for (uint8_t b : c.base.bytes) base = (base << 8) | b;
  U128 host = c.bits == 0 ? ~U128{0} : c.bits >= 128 ? U128{0} : (~U128{0} >> c.bits);
  v6_.emplace_back(base & ~host, base | host);
}

bool IpSet::add_range(const Ip& lo, const Ip& hi) {
  if (lo.v6 != hi.v6 || hi < lo) return false;
  if (!lo.v6) {
    v4_.emplace_back(lo.v4_value(), hi.v4_value());
    return true;
  }
  U128 a = 0, b = 0;
  for (size_t i = 0; i < 16; ++i) a = (a << 8) | lo.bytes[i], b = (b << 8) | hi.bytes[i];
  v6_.emplace_back(a, b);
  return true;
}

void IpSet::finish() {
  merge(v4_);
  merge(v6_);
}

bool IpSet::contains(const Ip& ip) const {
  if (!ip.v6) return find(v4_, ip.v4_value());
  U128 x = 0;
  for (uint8_t b : ip.bytes) x = (x << 8) | b;
  return find(v6_, x);
}

}  // namespace flow
