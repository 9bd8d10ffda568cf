// A minimal MaxMind DB writer for tests, so that no binary database is committed. It writes the
// format of https://maxmind.github.io/MaxMind-DB/ (version 2.0): an IPv6 search tree (IPv4 in
// ::/96) of 24-bit records, 16 zero bytes, the data section, then the metadata map after the
// "\xAB\xCD\xEFMaxMind.com" marker. Data values are maps of strings, uint32 and nested maps.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "flow/ip.hpp"

namespace flow::test::mmdb {

/// Encodes a control byte (type, size) with the extended-type and long-size forms.
inline std::string control(unsigned type, size_t size) {
  std::string out;
  unsigned small = size < 29 ? static_cast<unsigned>(size) : size < 285 ? 29u : 30u;
  out += static_cast<char>(((type > 7 ? 0u : type) << 5) | small);
  if (type > 7) out += static_cast<char>(type - 7);
  if (small == 29) out += static_cast<char>(size - 29);
  if (small == 30) out += static_cast<char>((size - 285) >> 8), out += static_cast<char>((size - 285) & 0xFF);
  return out;
}
inline std::string str(const std::string& s) { return control(2, s.size()) + s; }
inline std::string uint(unsigned type, uint64_t v) {  // 5 uint16, 6 uint32, 9 uint64
  std::string bytes;
  for (; v; v >>= 8) bytes.insert(bytes.begin(), static_cast<char>(v & 0xFF));
  return control(type, bytes.size()) + bytes;
}
inline std::string u32(uint32_t v) { return uint(6, v); }
/// A map of already encoded values.
inline std::string map(const std::vector<std::pair<std::string, std::string>>& kv) {
  std::string out = control(7, kv.size());
  for (const auto& [k, v] : kv) out += str(k) + v;
  return out;
}

class Writer {
 public:
  explicit Writer(std::string type) : type_(std::move(type)) {}
  /// Data (an encoded map) for a prefix ("1.2.3.0/24", "2001:db8::/32"; not /0).
  void insert(const std::string& prefix, std::string data) {
    items_.emplace_back(*parse_cidr(prefix), std::move(data));
  }

  std::string bytes() {
    // Shorter prefixes first, so that a longer one splits the record a shorter one set.
    std::stable_sort(items_.begin(), items_.end(), [](auto& a, auto& b) { return bits(a.first) < bits(b.first); });
    nodes_.assign(1, {kEmpty, kEmpty});
    std::string data;
    for (auto& [c, d] : items_) {
      uint32_t leaf = kData | static_cast<uint32_t>(data.size());
      data += d;
      std::array<uint8_t, 16> a = c.base.bytes;
      if (!c.base.v6) a = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, a[0], a[1], a[2], a[3]};
      size_t n = 0, len = bits(c);
      for (size_t d2 = 0; d2 < len; ++d2) {
        unsigned bit = (a[d2 / 8] >> (7 - d2 % 8)) & 1;
        if (d2 + 1 == len) {
          nodes_[n][bit] = leaf;
          break;
        }
        uint32_t rec = nodes_[n][bit];
        if (rec == kEmpty || (rec & kData)) {
          nodes_.push_back({rec, rec});  // a shorter prefix's data moves down both sides
          rec = static_cast<uint32_t>(nodes_.size() - 1);
          nodes_[n][bit] = rec;
        }
        n = rec;
      }
    }
    auto count = static_cast<uint32_t>(nodes_.size());
    std::string out;
    for (auto& node : nodes_)
      for (uint32_t rec : node) {
        uint32_t v = rec == kEmpty ? count : (rec & kData) ? count + 16 + (rec & ~kData) : rec;
        out += static_cast<char>(v >> 16), out += static_cast<char>(v >> 8), out += static_cast<char>(v);
      }
    out += std::string(16, '\0') + data + "\xAB\xCD\xEFMaxMind.com";
    out += map({{"binary_format_major_version", uint(5, 2)},
                {"binary_format_minor_version", uint(5, 0)},
                {"build_epoch", uint(9, 1700000000)},
                {"database_type", str(type_)},
                {"description", map({{"en", str("flowlogs unit test database")}})},
                {"ip_version", uint(5, 6)},
                {"languages", control(11, 1) + str("en")},
                {"node_count", u32(count)},
                {"record_size", uint(5, 24)}});
    return out;
  }

 private:
  static size_t bits(const Cidr& c) { return c.bits + (c.base.v6 ? 0u : 96u); }
  static constexpr uint32_t kEmpty = 0xFFFFFFFFu, kData = 0x80000000u;
  std::string type_;
  std::vector<std::pair<Cidr, std::string>> items_;
  std::vector<std::array<uint32_t, 2>> nodes_;
};

}  // namespace flow::test::mmdb
