// Column types of the tables and the parsing of their cells.
#include "enrich/columns.hpp"

#include <fmt/format.h>

#include <charconv>

#include "enrich/lookup.hpp"
#include "flow/error.hpp"
#include "flow/field.hpp"
#include "formats/text_util.hpp"

namespace flow::enrich {
namespace {

/// Decimal digits only, no leading zero (but "0"), fitting 64 bits.
std::optional<uint64_t> whole_number(std::string_view s) {
  if (s.empty() || s.size() > 20 || (s.size() > 1 && s[0] == '0')) return std::nullopt;
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

}  // namespace

std::optional<Value> parse_as(std::string_view text, Type t, std::optional<FieldId> id) {
  Value v;
  switch (t) {
    case Type::UInt: {
      uint64_t u = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), u);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
      if (id && field_info(*id).max && u > field_info(*id).max) return std::nullopt;
      v.set_uint(u);
      return v;
    }
    case Type::Time: {
      int64_t x = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
      if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
      v.set_time(x);
      return v;
    }
    case Type::Ip: {
      auto ip = parse_ip(text);
      if (!ip) return std::nullopt;
      v.set_ip(*ip);
      return v;
    }
    case Type::String: v.set_str(text); return v;
    case Type::Float: {
      auto d = parse_float(text);
      if (!d) return std::nullopt;
      v.set_float(*d);
      return v;
    }
  }
  return std::nullopt;
}

std::string_view key_text(const Value& v, Type t, char* buf) {
  if (t == Type::String) return v.str();  // no copy
  return {buf, static_cast<size_t>(text::put_value(buf, v, t) - buf)};
}

void type_columns(const TextTable& t, int skip, std::string_view prefix, std::vector<Column>& columns,
                  std::vector<Value>& values) {
  size_t first = columns.size(), width = 0;
  std::vector<size_t> cols;
  for (size_t c = 0; c < t.names.size(); ++c) {
    if (static_cast<int>(c) == skip) continue;
    cols.push_back(c);
    auto id = find_field(t.names[c]);
    Type type = Type::String;
    if (id) {
      type = field_info(*id).type;
    } else {
      // A number when every value is a whole number; an address when every one is an address
      // (private-ip: then filters take prefixes and flowagg groups by /24).
      bool any = false, whole = true, addr = true;
      for (size_t r = 0; r < t.rows() && (whole || addr); ++r) {
        auto cell = t.at(r, c);
        if (TextTable::is_null(cell)) continue;
        any = true;
        whole = whole && whole_number(cell).has_value();
        addr = addr && parse_ip(cell).has_value();
      }
      if (any && whole) type = Type::UInt;
      else if (any && addr) type = Type::Ip;
    }
    std::string name(prefix);
    name += t.names[c];
    // The column's own name decides its id (src.vpc-id is no field of ours, vpc-id is).
    columns.push_back(Column{std::move(name), type, find_field(std::string(prefix) + t.names[c])});
  }
  width = cols.size();
  values.resize(t.rows() * width);
  for (size_t i = 0; i < width; ++i) {
    size_t c = cols[i];
    Type type = columns[first + i].type;
    auto id = find_field(t.names[c]);
    for (size_t r = 0; r < t.rows(); ++r) {
      auto cell = t.at(r, c);
      if (TextTable::is_null(cell)) continue;
      auto v = parse_as(cell, type, id);
      if (!v)
        throw DataError(t.file, t.lines[r], t.names[c],
                        fmt::format("'{}' is not a valid {} value", cell, type_name(type)));
      values[r * width + i] = *v;
    }
  }
}

}  // namespace flow::enrich
