// A value as AWS text, for the writers (numbers in decimal, addresses in their usual form).
#pragma once

#include <cstdint>
#include <cstring>

#include "flow/record.hpp"
#include "formats/write_util.hpp"

namespace flow::text {

using fast::put_i64;
using fast::put_u64;

/// Writes a non-null value as AWS text (numbers in decimal, addresses in their usual form).
inline char* put_value(char* p, const Value& v, Type t) {
  switch (t) {
    case Type::UInt: return put_u64(p, v.u);
    case Type::Time: return put_i64(p, v.t);
    case Type::Ip: return fast::put_ip(p, v);
    case Type::String: std::memcpy(p, v.s.data, v.s.size); return p + v.s.size;
    case Type::Float: return fast::put_f64(p, v.f);
  }
  return p;
}

}  // namespace flow::text
