// Types of unknown columns from a sample of their text.
#include "formats/sampled.hpp"

#include "formats/text_util.hpp"

namespace flow {

bool parse_sampled(Type t, std::string_view text, Value& v) {
  if (t == Type::UInt) {
    if (text.empty() || text.size() > 20 || (text[0] == '0' && text.size() > 1)) return false;
    uint64_t x = 0;
    for (char ch : text) {
      const unsigned d = static_cast<unsigned>(ch - '0');
      if (d > 9 || x > (UINT64_MAX - d) / 10) return false;
      x = x * 10 + d;
    }
    v.set_uint(x);
    return true;
  }
  if (t == Type::Ip) {
    auto ip = parse_ip(text);
    if (!ip) return false;
    v.set_ip(*ip);
    char buf[64];
    return std::string_view(buf, static_cast<size_t>(text::put_value(buf, v, Type::Ip) - buf)) == text;
  }
  if (t == Type::Float) {
    auto d = parse_float(text);
    if (!d) return false;
    v.set_float(*d);
    char buf[64];
    return !v.null() && std::string_view(buf, static_cast<size_t>(text::put_value(buf, v, Type::Float) - buf)) == text;
  }
  v.set_str(text);
  return t == Type::String;
}

ColumnSampler::ColumnSampler(const SchemaPtr& schema) : schema_(schema), slots_(schema->size(), -1) {
  for (size_t i = 0; i < schema->size(); ++i)
    if (!schema->column(i).id && schema->column(i).type == Type::String) {
      slots_[i] = static_cast<int>(seen_.size());
      seen_.emplace_back();
    }
  if (seen_.empty()) slots_.clear();
}

void ColumnSampler::add(size_t slot, std::string_view text) {
  if (slot >= slots_.size() || slots_[slot] < 0) return;
  Seen& s = seen_[static_cast<size_t>(slots_[slot])];
  Value v;
  s.any = true;
  s.uint = s.uint && parse_sampled(Type::UInt, text, v);
  s.ip = s.ip && !s.uint && parse_sampled(Type::Ip, text, v);
  s.num = s.num && !s.ip && parse_sampled(Type::Float, text, v);
}

SchemaPtr ColumnSampler::typed() const {
  std::vector<Column> cols = schema_->columns();
  bool changed = false;
  for (size_t i = 0; i < slots_.size(); ++i) {
    if (slots_[i] < 0) continue;
    const Seen& s = seen_[static_cast<size_t>(slots_[i])];
    if (!s.any || (!s.uint && !s.ip && !s.num)) continue;
    cols[i].type = s.uint ? Type::UInt : s.ip ? Type::Ip : Type::Float;
    changed = true;
  }
  return changed ? std::make_shared<const Schema>(std::move(cols)) : schema_;
}

SchemaPtr widen_column(const Schema& s, size_t slot) {
  std::vector<Column> cols = s.columns();
  // Whole numbers that meet a fraction (a computed column) go on as numbers; the reader tries
  // the value again, and a column it still does not fit becomes a String.
  cols[slot].type = cols[slot].type == Type::UInt ? Type::Float : Type::String;
  return std::make_shared<const Schema>(std::move(cols));
}

}  // namespace flow
