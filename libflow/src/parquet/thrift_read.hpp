// A reader of Thrift's compact protocol (the encoding of Parquet's metadata), written against
// the Thrift specification: every length is checked against the bytes left, nesting is bounded,
// and fields a reader does not ask for are passed over.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/types.hpp"

namespace flow::parquet {

/// Damaged or unreadable Thrift data; the caller adds where it was.
struct ThriftError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class CompactReader {
 public:
  CompactReader(const char* data, size_t size) : p_(data), begin_(data), end_(data + size) {}

  /// Bytes read so far.
  size_t position() const { return static_cast<size_t>(p_ - begin_); }

  /// Enters a struct: its fields follow, read with next_field() until it returns false.
  void begin_struct();
  /// The next field's id and type, or false at the struct's end (which it leaves).
  bool next_field(int16_t& id, TType& type);
  /// Passes over a value of this type (a field not asked for).
  void skip(TType type);

  int32_t i32() { return static_cast<int32_t>(zigzag(varint(5))); }
  int64_t i64() { return zigzag(varint(10)); }
  /// A bool field's value (compact protocol keeps it in the field header's type).
  bool boolean(TType type);
  std::string_view binary();
  /// A list (or set) header: the number of elements, and their type.
  size_t list(TType& elem);

  /// i32 values of a list field (e.g. encodings).
  std::vector<int32_t> i32_list();
  std::vector<std::string> string_list();

 private:
  static constexpr int kMaxDepth = 32;
  uint64_t varint(int max_bytes);
  static int64_t zigzag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }
  uint8_t byte();
  void need(uint64_t n) const;

  const char* p_;
  const char* begin_;
  const char* end_;
  std::vector<int16_t> last_;  // per open struct: the id of its last field (ids are deltas)
};

}  // namespace flow::parquet
