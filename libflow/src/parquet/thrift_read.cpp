// Thrift compact protocol reader (see thrift_read.hpp). The encoding: field headers hold a
// 4-bit id delta (or 0 and a zigzag i16 id) and a 4-bit type; integers are zigzag varints;
// binary is a varint length and the bytes; lists a 4-bit size (15: a varint follows) and type.
#include "parquet/thrift_read.hpp"

#include <fmt/format.h>

namespace flow::parquet {

void CompactReader::need(uint64_t n) const {
  if (n > static_cast<uint64_t>(end_ - p_))
    throw ThriftError(
        fmt::format("truncated metadata (at byte {}: {} bytes needed, {} left)", position(), n, end_ - p_));
}

uint8_t CompactReader::byte() {
  need(1);
  return static_cast<uint8_t>(*p_++);
}

uint64_t CompactReader::varint(int max_bytes) {
  uint64_t v = 0;
  for (int i = 0; i < max_bytes; ++i) {
    const uint8_t b = byte();
    v |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if (!(b & 0x80)) return v;
  }
  throw ThriftError(fmt::format("bad varint at byte {}", position()));
}

void CompactReader::begin_struct() {
  if (last_.size() >= kMaxDepth) throw ThriftError("metadata nested too deeply");
  last_.push_back(0);
}

bool CompactReader::next_field(int16_t& id, TType& type) {
  const uint8_t h = byte();
  if (h == 0) {
    last_.pop_back();
    return false;
  }
  type = static_cast<TType>(h & 0x0f);
  const int delta = h >> 4;
  if (delta) id = static_cast<int16_t>(last_.back() + delta);
  else id = static_cast<int16_t>(zigzag(varint(3)));
  last_.back() = id;
  if (type > TType::Struct) throw ThriftError(fmt::format("bad field type {} at byte {}", int(type), position()));
  return true;
}

bool CompactReader::boolean(TType type) {
  if (type == TType::True) return true;
  if (type == TType::False) return false;
  return byte() == 1;  // a bool inside a list: one byte
}

std::string_view CompactReader::binary() {
  const uint64_t n = varint(10);
  need(n);
  std::string_view s(p_, static_cast<size_t>(n));
  p_ += n;
  return s;
}

size_t CompactReader::list(TType& elem) {
  const uint8_t h = byte();
  elem = static_cast<TType>(h & 0x0f);
  uint64_t n = h >> 4;
  if (n == 15) n = varint(5);
  // Every element takes a byte at least (bools in a list too): a bound on the count.
  need(n);
  return static_cast<size_t>(n);
}

void CompactReader::skip(TType type) {
  if (last_.size() >= kMaxDepth) throw ThriftError("metadata nested too deeply");
  switch (type) {
    case TType::True:
    case TType::False: return;
    case TType::Byte: need(1), ++p_; return;
    case TType::I16:
    case TType::I32:
    case TType::I64: varint(10); return;
    case TType::Double: need(8), p_ += 8; return;
    case TType::Binary: binary(); return;
    case TType::List:
    case TType::Set: {
      TType elem;
      const size_t n = list(elem);
      last_.push_back(0);  // counts as a level of nesting
      for (size_t i = 0; i < n; ++i) elem == TType::True || elem == TType::False ? void(byte()) : skip(elem);
      last_.pop_back();
      return;
    }
    case TType::Map: {
      const uint64_t n = varint(5);
      if (n == 0) return;
      const uint8_t kv = byte();
      need(n);
      last_.push_back(0);
      for (uint64_t i = 0; i < n; ++i) {
        skip(static_cast<TType>(kv >> 4));
        skip(static_cast<TType>(kv & 0x0f));
      }
      last_.pop_back();
      return;
    }
    case TType::Struct: {
      begin_struct();
      int16_t id;
      TType t;
      while (next_field(id, t)) skip(t);
      return;
    }
    default: throw ThriftError(fmt::format("bad type {} at byte {}", int(type), position()));
  }
}

std::vector<int32_t> CompactReader::i32_list() {
  TType elem;
  const size_t n = list(elem);
  std::vector<int32_t> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) v.push_back(i32());
  return v;
}

std::vector<std::string> CompactReader::string_list() {
  TType elem;
  const size_t n = list(elem);
  std::vector<std::string> v;
  v.reserve(n);
  for (size_t i = 0; i < n; ++i) v.emplace_back(binary());
  return v;
}

}  // namespace flow::parquet
