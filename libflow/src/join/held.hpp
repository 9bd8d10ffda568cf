// A record kept in memory beyond its reader's next read: its values, with the bytes of its
// strings in one buffer of its own (a Record's arena would cost 64 KiB each).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flow/record.hpp"

namespace flow {

class HeldRecord {
 public:
  HeldRecord(const Record& r, uint64_t seq) : seq_(seq), line_(r.line), schema_(r.schema), values_(r.values) {
    for (size_t i = 0; i < values_.size(); ++i) {
      Value& x = values_[i];
      if (schema_->column(i).type != Type::String || x.null()) continue;
      offsets_.push_back({i, bytes_.size()});
      bytes_.append(x.str());
    }
  }
  uint64_t seq() const { return seq_; }
  const SchemaPtr& schema() const { return schema_; }
  /// Value i, its string pointing into this record's buffer (valid while it lives, unmoved).
  Value value(size_t i) const {
    Value v = values_[i];
    if (schema_->column(i).type == Type::String && !v.null())
      for (const auto& [col, at] : offsets_)
        if (col == i) v.s.data = bytes_.data() + at;
    return v;
  }
  /// Makes `out` this record (strings point into this one's buffer).
  void restore(Record& out) const {
    out.schema = schema_;
    out.values = values_;
    out.line = line_;
    for (const auto& [col, at] : offsets_) out.values[col].s.data = bytes_.data() + at;
  }

 private:
  uint64_t seq_, line_;
  SchemaPtr schema_;
  std::vector<Value> values_;
  std::vector<std::pair<size_t, size_t>> offsets_;  // string column, offset in bytes_
  std::string bytes_;
};

}  // namespace flow
