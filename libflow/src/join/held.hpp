// A record kept in memory beyond its reader's next read: its values and the bytes of its strings
// in one allocation of its own (a Record's arena would cost 64 KiB each; three allocations per
// record were most of dedup's time).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "flow/record.hpp"

namespace flow {

class HeldRecord {
 public:
  HeldRecord(const Record& r, uint64_t seq) : seq_(seq), line_(r.line), schema_(r.schema) {
    const size_t n = r.values.size();
    size_t text = 0;
    for (uint16_t i : text_columns(*schema_)) text += r.values[i].s.size;  // a null's size is 0
    buf_ = std::make_unique_for_overwrite<Value[]>(n + (text + sizeof(Value) - 1) / sizeof(Value));
    std::memcpy(static_cast<void*>(buf_.get()), r.values.data(), n * sizeof(Value));
    char* bytes = reinterpret_cast<char*>(buf_.get() + n);
    size_t at = 0;
    for (uint16_t i : text_columns(*schema_)) {
      const Value& v = r.values[i];
      if (v.null()) continue;
      std::memcpy(bytes + at, v.s.data, v.s.size);
      buf_[i].s.data = reinterpret_cast<const char*>(at);  // an offset: the buffer may move with us
      at += v.s.size;
    }
  }
  uint64_t seq() const { return seq_; }
  const SchemaPtr& schema() const { return schema_; }
  /// Value i, a string pointing into this record's buffer (valid while it lives).
  Value value(size_t i) const {
    Value v = buf_[i];
    if (schema_->column(i).type == Type::String && !v.null()) v.s.data = text() + reinterpret_cast<uintptr_t>(v.s.data);
    return v;
  }
  /// Makes `out` this record (strings point into this one's buffer).
  void restore(Record& out) const {
    const size_t n = schema_->size();
    out.schema = schema_;
    out.values.resize(n);
    std::memcpy(static_cast<void*>(out.values.data()), buf_.get(), n * sizeof(Value));
    for (uint16_t i : text_columns(*schema_))
      if (!out.values[i].null()) out.values[i].s.data = text() + reinterpret_cast<uintptr_t>(buf_[i].s.data);
    out.line = line_;
  }

 private:
  /// The String columns of a schema (of the last one asked about: a stream rarely changes schema).
  static const std::vector<uint16_t>& text_columns(const Schema& s) {
    thread_local const Schema* last = nullptr;
    thread_local std::vector<uint16_t> cols;
    if (&s != last) {
      cols.clear();
      for (size_t i = 0; i < s.size(); ++i)
        if (s.column(i).type == Type::String) cols.push_back(static_cast<uint16_t>(i));
      last = &s;
    }
    return cols;
  }
  const char* text() const { return reinterpret_cast<const char*>(buf_.get() + schema_->size()); }

  uint64_t seq_, line_;
  SchemaPtr schema_;
  std::unique_ptr<Value[]> buf_;  // the values, then the bytes of their strings
};

}  // namespace flow
