// Small text helpers shared by the writers: fast decimal formatting and value widths.
#pragma once

#include <cstdint>
#include <cstring>

#include "flow/record.hpp"

namespace flow::text {

/// Writes v in decimal at p; returns the end. At most 20 bytes.
inline char* put_u64(char* p, uint64_t v) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char buf[20];
  char* e = buf + 20;
  char* q = e;
  while (v >= 100) {
    unsigned i = static_cast<unsigned>(v % 100) * 2;
    v /= 100;
    q -= 2;
    q[0] = kPairs[i];
    q[1] = kPairs[i + 1];
  }
  if (v >= 10) {
    q -= 2;
    q[0] = kPairs[v * 2];
    q[1] = kPairs[v * 2 + 1];
  } else {
    *--q = static_cast<char>('0' + v);
  }
  size_t n = static_cast<size_t>(e - q);
  std::memcpy(p, q, n);
  return p + n;
}

inline char* put_i64(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return put_u64(p, ~static_cast<uint64_t>(v) + 1);
  }
  return put_u64(p, static_cast<uint64_t>(v));
}

/// Upper bound of the bytes a non-null value takes as text.
inline size_t max_text_size(const Value& v, Type t) {
  return t == Type::String ? v.s.size : 40;
}

/// Writes a non-null value as AWS text (numbers in decimal, addresses in their usual form).
inline char* put_value(char* p, const Value& v, Type t) {
  switch (t) {
    case Type::UInt: return put_u64(p, v.u);
    case Type::Time: return put_i64(p, v.t);
    case Type::Ip: return p + format_ip(v.addr(), p);
    case Type::String:
      std::memcpy(p, v.s.data, v.s.size);
      return p + v.s.size;
  }
  return p;
}

}  // namespace flow::text
