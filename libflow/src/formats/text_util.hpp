// Small text helpers shared by the writers: a value as AWS text, and its width.
#pragma once

#include <cstdint>
#include <cstring>

#include "flow/record.hpp"
#include "formats/write_util.hpp"

namespace flow::text {

using fast::put_i64;
using fast::put_u64;

/// Upper bound of the bytes a non-null value takes as text.
inline size_t max_text_size(const Value& v, Type t) {
  return t == Type::String ? v.s.size : 44;  // 39 for IPv6, plus put_ip's slack
}

/// Writes a non-null value as AWS text (numbers in decimal, addresses in their usual form).
inline char* put_value(char* p, const Value& v, Type t) {
  switch (t) {
    case Type::UInt: return put_u64(p, v.u);
    case Type::Time: return put_i64(p, v.t);
    case Type::Ip: return fast::put_ip(p, v);
    case Type::String:
      std::memcpy(p, v.s.data, v.s.size);
      return p + v.s.size;
  }
  return p;
}

}  // namespace flow::text
