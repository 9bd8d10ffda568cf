// The binary writer's per-block dictionaries of strings and addresses (see man/flow-formats.5).
// Entries are numbered in order of first appearance, so the hash function does not show in the
// output: it is chosen for speed on short identifiers (eni-..., vpc-..., account ids).
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "flow/record.hpp"
#include "formats/binary_encode_ints.hpp"
#include "formats/binary_format.hpp"

namespace flow::bin {

inline uint64_t load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline uint32_t load32(const char* p) {
  uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

/// 64-bit multiply-xorshift mixing: enough spread for the low bits the tables use.
inline uint64_t mix64(uint64_t x) {
  x *= 0x9E3779B97F4A7C15ull;
  return x ^ (x >> 29);
}

/// Hash of a string, reading 8 bytes at a time (overlapping loads for the tail; no byte loop).
inline uint64_t hash_bytes(const char* p, size_t n) {
  uint64_t h = n * 0xC2B2AE3D27D4EB4Full;
  if (n >= 8) {
    for (size_t i = 0; i + 8 < n; i += 8) h = mix64(h ^ load64(p + i));
    return mix64(h ^ load64(p + n - 8));
  }
  if (n >= 4) return mix64(h ^ (uint64_t{load32(p)} << 32 | load32(p + n - 4)));
  for (size_t i = 0; i < n; ++i) h = (h << 8) | static_cast<unsigned char>(p[i]);
  return mix64(h);
}

/// a[0..n) == b[0..n) for short identifiers without a call to memcmp.
inline bool same_bytes(const char* a, const char* b, size_t n) {
  if (n < 4) {
    for (size_t i = 0; i < n; ++i)
      if (a[i] != b[i]) return false;
    return true;
  }
  if (n < 8) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (size_t i = 0; i + 8 < n; i += 8)
    if (load64(a + i) != load64(b + i)) return false;
  return load64(a + n - 8) == load64(b + n - 8);
}

/// Open-addressing hash table from keys to dense indexes (slot = index + 1, 0 = empty).
class IndexTable {
 public:
  template <class Hash, class Eq>
  uint32_t find_or_add(uint64_t h, uint32_t next_index, Eq eq, Hash rehash, bool& added) {
    if ((next_index + 1) * 2 > slots_.size()) grow(rehash);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint32_t s = slots_[i];
      if (s == 0) {
        slots_[i] = next_index + 1;
        added = true;
        return next_index;
      }
      if (eq(s - 1)) {
        added = false;
        return s - 1;
      }
    }
  }
  void clear() { std::fill(slots_.begin(), slots_.end(), 0u); }

 private:
  template <class Hash>
  void grow(Hash rehash) {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), 0u);
    size_t mask = slots_.size() - 1;
    for (uint32_t s : old) {
      if (!s) continue;
      size_t i = rehash(s - 1) & mask;
      while (slots_[i]) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<uint32_t> slots_;
};

class StringDict {
 public:
  /// Index of s, added if new; `added` tells the caller how many bytes the block grew by.
  uint32_t add(std::string_view s, bool& added) {
    // Identifiers repeat in runs (one interface's records come together): no hash for those.
    if (!ends_.empty() && s.size() == last_.size() && same_bytes(s.data(), last_.data(), s.size())) {
      added = false;
      return last_index_;
    }
    auto eq = [&](uint32_t i) {
      std::string_view e = entry(i);
      return e.size() == s.size() && same_bytes(e.data(), s.data(), s.size());
    };
    auto rehash = [&](uint32_t i) { return hash_bytes(entry(i).data(), entry(i).size()); };
    uint32_t i = table_.find_or_add(hash_bytes(s.data(), s.size()), size(), eq, rehash, added);
    if (added) {
      bytes_.append(s);
      ends_.push_back(bytes_.size());
    }
    last_index_ = i;
    last_ = entry(i);
    return i;
  }
  uint32_t size() const { return static_cast<uint32_t>(ends_.size()); }
  std::string_view entry(uint32_t i) const {
    size_t b = i ? ends_[i - 1] : 0;
    return {bytes_.data() + b, ends_[i] - b};
  }
  void encode(ByteBuf& out) const {
    out.put_varint(size());
    std::vector<uint64_t> lengths(size());
    for (uint32_t i = 0; i < size(); ++i) lengths[i] = entry(i).size();
    encode_ints(out, lengths.data(), lengths.size());
    out.append(bytes_.data(), bytes_.size());
  }
  void clear() {
    table_.clear();
    bytes_.clear();
    ends_.clear();
  }

 private:
  IndexTable table_;
  std::string bytes_;
  std::vector<uint64_t> ends_;
  std::string_view last_;  // points into bytes_, refreshed on every add
  uint32_t last_index_ = 0;
};

/// IPv4 and IPv6 dictionaries; indexes of IPv6 entries carry kV6Tag until encode() renumbers.
class IpDict {
 public:
  static constexpr uint64_t kV6Tag = uint64_t{1} << 32;

  uint64_t add(const Value& v, bool& added) {
    if (!v.v6) {
      uint32_t a = uint32_t{v.ip[0]} << 24 | uint32_t{v.ip[1]} << 16 | uint32_t{v.ip[2]} << 8 | v.ip[3];
      auto eq = [&](uint32_t i) { return v4_[i] == a; };
      auto rehash = [&](uint32_t i) { return mix(v4_[i]); };
      uint32_t i = t4_.find_or_add(mix(a), static_cast<uint32_t>(v4_.size()), eq, rehash, added);
      if (added) v4_.push_back(a);
      return i;
    }
    std::array<uint8_t, 16> a;
    std::memcpy(a.data(), v.ip, 16);
    auto eq = [&](uint32_t i) { return v6_[i] == a; };
    auto rehash = [&](uint32_t i) { return hash_bytes(reinterpret_cast<const char*>(v6_[i].data()), 16); };
    uint32_t i = t6_.find_or_add(hash_bytes(reinterpret_cast<const char*>(a.data()), 16),
                                 static_cast<uint32_t>(v6_.size()), eq, rehash, added);
    if (added) v6_.push_back(a);
    return kV6Tag | i;
  }
  /// Writes the dictionary and turns tagged IPv6 indexes into v4-count + index.
  void encode(ByteBuf& out, std::vector<uint64_t>& indexes) const {
    out.put_varint(v4_.size());
    out.put_varint(v6_.size());
    std::vector<uint64_t> v4(v4_.begin(), v4_.end());
    encode_ints(out, v4.data(), v4.size());
    char* planes = out.grow(16 * v6_.size());
    for (size_t i = 0; i < v6_.size(); ++i)
      for (size_t k = 0; k < 16; ++k) planes[k * v6_.size() + i] = static_cast<char>(v6_[i][k]);
    if (!v6_.empty())
      for (auto& x : indexes)
        if (x & kV6Tag) x = v4_.size() + (x & ~kV6Tag);
  }
  void clear() {
    t4_.clear();
    t6_.clear();
    v4_.clear();
    v6_.clear();
  }

 private:
  static uint64_t mix(uint32_t a) { return (a * 0x9E3779B97F4A7C15ull) >> 20; }
  IndexTable t4_, t6_;
  std::vector<uint32_t> v4_;
  std::vector<std::array<uint8_t, 16>> v6_;
};

}  // namespace flow::bin
