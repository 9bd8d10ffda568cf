// Bytes for aggregation state: a writer and a bounds-checked reader (spill runs, --partial files),
// and an order-preserving encoding of values (memcmp order = the order of the typed values).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "flow/error.hpp"
#include "flow/record.hpp"

namespace flow::agg {

struct ByteWriter {
  std::string out;
  void u8(uint8_t v) { out.push_back(static_cast<char>(v)); }
  void u64(uint64_t v) {
    char b[8];
    std::memcpy(b, &v, 8);  // little-endian machines only (as the binary format)
    out.append(b, 8);
  }
  void varint(uint64_t v) {
    while (v >= 0x80) {
      u8(static_cast<uint8_t>(v | 0x80));
      v >>= 7;
    }
    u8(static_cast<uint8_t>(v));
  }
  void bytes(std::string_view s) {
    varint(s.size());
    out.append(s);
  }
};

/// Reads what ByteWriter wrote; any overrun throws DataError naming `what` (the file).
struct ByteReader {
  std::string_view in;
  const std::string* what;
  [[noreturn]] void bad() const { throw DataError(*what + ": damaged aggregation state (truncated or corrupt)"); }
  void need(size_t n) const {
    if (in.size() < n) bad();
  }
  uint8_t u8() {
    need(1);
    auto v = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    return v;
  }
  uint64_t u64() {
    need(8);
    uint64_t v;
    std::memcpy(&v, in.data(), 8);
    in.remove_prefix(8);
    return v;
  }
  uint64_t varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = u8();
      v |= uint64_t{b & 0x7fu} << shift;
      if (!(b & 0x80)) return v;
    }
    bad();
  }
  std::string_view bytes() {
    uint64_t n = varint();
    need(n);
    auto s = in.substr(0, n);
    in.remove_prefix(n);
    return s;
  }
};

/// Appends v (of type t) so that comparing encodings with memcmp orders values as their types
/// do: null first, IPv4 before IPv6, numbers by value, strings byte by byte. Strings escape 0x00
/// as 00 FF and end with 00 00, so that a prefix sorts first and concatenations stay ordered.
inline void encode_ordered(std::string& out, const Value& v, Type t) {
  if (v.null()) {
    out.push_back(0);
    return;
  }
  out.push_back(1);
  switch (t) {
    case Type::UInt:
    case Type::Time: {
      uint64_t x = t == Type::Time ? static_cast<uint64_t>(v.t) ^ (uint64_t{1} << 63) : v.u;
      for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(x >> (8 * i)));
      break;
    }
    case Type::Float: {  // the bits in the order of the numbers: negatives all flipped, others the sign
      uint64_t x = std::bit_cast<uint64_t>(v.f);
      x = x >> 63 ? ~x : x | (uint64_t{1} << 63);
      for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>(x >> (8 * i)));
      break;
    }
    case Type::Ip:
      out.push_back(v.v6 ? 1 : 0);
      out.append(reinterpret_cast<const char*>(v.ip), 16);
      break;
    case Type::String:
      for (char c : v.str()) {
        out.push_back(c);
        if (c == 0) out.push_back(static_cast<char>(0xff));
      }
      out.append(2, '\0');
      break;
  }
}

/// Reads one value that encode_ordered wrote; strings are unescaped into `arena`.
inline Value decode_ordered(ByteReader& r, Type t, Arena& arena) {
  Value v;
  if (r.u8() == 0) return v;
  switch (t) {
    case Type::UInt:
    case Type::Time: {
      uint64_t x = 0;
      for (int i = 0; i < 8; ++i) x = x << 8 | r.u8();
      if (t == Type::Time) v.set_time(static_cast<int64_t>(x ^ (uint64_t{1} << 63)));
      else v.set_uint(x);
      break;
    }
    case Type::Float: {
      uint64_t x = 0;
      for (int i = 0; i < 8; ++i) x = x << 8 | r.u8();
      v.set_float(std::bit_cast<double>(x >> 63 ? x & ~(uint64_t{1} << 63) : ~x));
      break;
    }
    case Type::Ip: {
      bool v6 = r.u8() != 0;
      r.need(16);
      std::memcpy(v.ip, r.in.data(), 16);
      r.in.remove_prefix(16);
      v.v6 = v6;
      v.state = Value::Set;
      break;
    }
    case Type::String: {
      std::string s;
      for (;;) {
        char c = static_cast<char>(r.u8());
        if (c != 0) {
          s.push_back(c);
          continue;
        }
        if (r.u8() == 0) break;  // 00 00 ends it; 00 FF is an escaped 00
        s.push_back(0);
      }
      v.set_str(arena.copy(s));
      break;
    }
  }
  return v;
}

}  // namespace flow::agg
