// PrefixMap: nested prefixes flattened with a stack into labelled disjoint intervals.
#include "enrich/prefix_map.hpp"

#include <algorithm>

namespace flow::enrich {

template <typename T>
void Intervals<T>::build(const std::function<void(uint32_t, uint32_t)>& on_duplicate) {
  // Outer prefixes before the prefixes they hold: by start, then the larger first.
  std::sort(prefixes.begin(), prefixes.end(), [](const Prefix& a, const Prefix& b) {
    if (a.lo != b.lo) return a.lo < b.lo;
    if (a.hi != b.hi) return a.hi > b.hi;
    return a.label < b.label;
  });
  for (size_t i = 1; i < prefixes.size(); ++i)
    if (prefixes[i].lo == prefixes[i - 1].lo && prefixes[i].hi == prefixes[i - 1].hi)
      on_duplicate(prefixes[i - 1].label, prefixes[i].label);

  starts_.clear();
  labels_.clear();
  // An interval starting where the previous one starts replaces it (that one was empty); one
  // with the previous label extends it.
  auto emit = [this](T at, uint32_t label) {
    if (!starts_.empty() && starts_.back() == at) {
      starts_.pop_back();
      labels_.pop_back();
    }
    if (!labels_.empty() && labels_.back() == label) return;
    starts_.push_back(at);
    labels_.push_back(label);
  };
  emit(0, PrefixMap::kNone);
  // The prefixes holding the current address, innermost last: when one ends, the one around
  // it (or nothing) takes over.
  std::vector<std::pair<T, uint32_t>> open;
  auto close_before = [&](T lo, bool all) {
    while (!open.empty() && (all || open.back().first < lo)) {
      T hi = open.back().first;
      open.pop_back();
      if (hi != static_cast<T>(~T{0})) emit(hi + 1, open.empty() ? PrefixMap::kNone : open.back().second);
    }
  };
  for (const auto& p : prefixes) {
    close_before(p.lo, false);
    emit(p.lo, p.label);
    open.emplace_back(p.hi, p.label);
  }
  close_before(0, true);
  prefixes.clear();
  prefixes.shrink_to_fit();

  index_.assign(65537, 0);
  size_t i = 0;
  for (size_t k = 0; k < 65536; ++k) {
    T first = static_cast<T>(static_cast<T>(k) << kShift);
    while (i + 1 < starts_.size() && starts_[i + 1] <= first) ++i;
    index_[k] = static_cast<uint32_t>(i);
  }
  index_[65536] = static_cast<uint32_t>(starts_.size() - 1);
}

template class Intervals<uint32_t>;
template class Intervals<U128>;

namespace {
U128 to_u128(const Ip& ip) {
  U128 x = 0;
  for (uint8_t b : ip.bytes) x = (x << 8) | b;
  return x;
}
}  // namespace

void PrefixMap::mask(Cidr& c) {
  size_t bits = c.bits;
  for (size_t i = 0; i < 16; ++i) {
    size_t keep = bits >= 8 * (i + 1) ? 8 : bits > 8 * i ? bits - 8 * i : 0;
    c.base.bytes[i] = static_cast<uint8_t>(c.base.bytes[i] & (0xFF00u >> keep));
  }
}

void PrefixMap::add(const Cidr& c, uint32_t label) {
  if (!c.base.v6) {
    uint32_t host = c.bits == 0 ? ~0u : c.bits >= 32 ? 0u : (~0u >> c.bits);
    uint32_t base = c.base.v4_value() & ~host;
    v4_.prefixes.push_back({base, base | host, label});
    return;
  }
  U128 host = c.bits == 0 ? ~U128{0} : c.bits >= 128 ? U128{0} : (~U128{0} >> c.bits);
  U128 base = to_u128(c.base) & ~host;
  v6_.prefixes.push_back({base, base | host, label});
}

void PrefixMap::build(const std::function<void(uint32_t, uint32_t)>& on_duplicate) {
  v4_.build(on_duplicate);
  v6_.build(on_duplicate);
}

uint32_t PrefixMap::find(const Ip& ip) const { return ip.v6 ? v6_.find(to_u128(ip)) : v4_.find(ip.v4_value()); }

}  // namespace flow::enrich
