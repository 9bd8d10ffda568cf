// Schemas, the record arena, and DataError's message.
#include "flow/record.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "flow/error.hpp"

namespace flow {

Schema::Schema(std::vector<Column> columns) : columns_(std::move(columns)) {
  std::fill(std::begin(slot_of_), std::end(slot_of_), int16_t{-1});
  if (columns_.size() > 4096) throw DataError(fmt::format("too many fields ({})", columns_.size()));
  for (size_t i = 0; i < columns_.size(); ++i) {
    auto& c = columns_[i];
    if (!c.id) c.id = find_field(c.name);
    if (c.id) {
      c.type = field_info(*c.id).type;
      auto& s = slot_of_[static_cast<size_t>(*c.id)];
      if (s >= 0) throw DataError(fmt::format("field '{}' appears twice in the format", c.name));
      s = static_cast<int16_t>(i);
    }
  }
}

std::optional<double> parse_float(std::string_view text) {
  double d = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), d);
  if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(d)) return std::nullopt;
  return d == 0 ? 0.0 : d;
}

uint64_t value_max(const Column& c) {
  if (c.type == Type::Time) return INT64_MAX;
  return c.type == Type::UInt && c.id ? field_info(*c.id).max : UINT64_MAX;
}

std::string out_of_range(std::string_view text, uint64_t max) {
  if (text.starts_with('-')) return fmt::format("{} is out of range (at least 0)", text);
  return fmt::format("{} is out of range (at most {})", text, max);
}

SchemaPtr Schema::from_names(const std::vector<std::string>& names) {
  std::vector<Column> cols;
  cols.reserve(names.size());
  for (const auto& n : names) cols.push_back(Column{n, Type::String, find_field(n)});
  return std::make_shared<const Schema>(std::move(cols));
}

SchemaPtr Schema::parse_aws(std::string_view format) {
  std::vector<std::string> names;
  size_t i = 0;
  while (i < format.size()) {
    while (i < format.size() && (format[i] == ' ' || format[i] == '\t')) ++i;
    size_t b = i;
    while (i < format.size() && format[i] != ' ' && format[i] != '\t') ++i;
    if (b == i) break;
    std::string_view tok = format.substr(b, i - b);
    if (tok.size() > 3 && tok.starts_with("${") && tok.ends_with("}")) tok = tok.substr(2, tok.size() - 3);
    if (!is_field_name_syntax(tok)) throw DataError(fmt::format("'{}' is not a field name", tok));
    names.emplace_back(tok);
  }
  if (names.empty()) throw DataError("the format names no fields");
  return from_names(names);
}

int Schema::slot(std::string_view name) const {
  for (size_t i = 0; i < columns_.size(); ++i)
    if (columns_[i].name == name) return static_cast<int>(i);
  return -1;
}

void check_field_name(std::string_view name, std::string_view option) {
  if (is_field_name_syntax(name)) return;
  auto near = nearest_field(name);
  throw UsageError(near.empty() ? fmt::format("{}: '{}' is not a field name", option, name)
                                : fmt::format("{}: unknown field '{}' (did you mean '{}'?)", option, name, near));
}

void check_field_in(const Schema& s, std::string_view name, std::string_view option, std::string_view where) {
  if (s.slot(name) >= 0 || find_field(name)) return;
  std::vector<std::string_view> names;
  for (const auto& c : s.columns()) names.push_back(c.name);
  auto near = nearest_name(name, names);
  throw UsageError(fmt::format("{}: field '{}' is not in {}{}", option, name, where,
                               near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
}

std::string Schema::header() const {
  std::string h;
  for (const auto& c : columns_) {
    if (!h.empty()) h += ' ';
    h += c.name;
  }
  return h;
}

std::string_view Arena::copy(std::string_view s) {
  if (s.empty()) return {"", 0};
  if (blocks_.empty() || cap_ - used_ < s.size()) {
    size_t cap = std::max<size_t>(s.size(), 64 * 1024);
    blocks_.push_back(std::make_unique<char[]>(cap));
    cap_ = cap;
    used_ = 0;
  }
  char* p = blocks_.back().get() + used_;
  std::memcpy(p, s.data(), s.size());
  used_ += s.size();
  return {p, s.size()};
}

void Arena::clear() {
  if (blocks_.size() > 1) {
    // Keep one block (the largest is the last one allocated only if it grew; keep the last).
    auto last = std::move(blocks_.back());
    blocks_.clear();
    blocks_.push_back(std::move(last));
  }
  used_ = 0;
}

std::optional<int64_t> start_seconds(const Record& r) {
  const Value* v = r.get(FieldId::start);
  if (!v || v->null()) return std::nullopt;
  return time_seconds(v->t);
}

DataError::DataError(const std::string& what) : std::runtime_error(printable(what)) {}

DataError::DataError(std::string f, uint64_t l, std::string fld, const std::string& what)
    : std::runtime_error(printable(what)), file(std::move(f)), line(l), field(std::move(fld)) {}

std::string DataError::message() const {
  std::string m;
  if (!file.empty()) m = line ? fmt::format("{}:{}: ", file, line) : file + ": ";
  m += what();
  if (!field.empty()) m += fmt::format(" (field {})", field);
  return printable(m);
}

namespace {
/// Length of the valid UTF-8 sequence at s[i] (2-4), or 0 (RFC 3629: no overlongs, no
/// surrogates, nothing above U+10FFFF).
size_t utf8_length(std::string_view s, size_t i) {
  auto at = [&](size_t k) -> uint8_t { return i + k < s.size() ? static_cast<uint8_t>(s[i + k]) : uint8_t{0}; };
  auto cont = [&](size_t k) { return (at(k) & 0xC0) == 0x80; };
  uint8_t c = at(0);
  if (c >= 0xC2 && c <= 0xDF) return cont(1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (!cont(1) || !cont(2)) return 0;
    if (c == 0xE0 && at(1) < 0xA0) return 0;   // overlong
    if (c == 0xED && at(1) >= 0xA0) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return 0;
    if (c == 0xF0 && at(1) < 0x90) return 0;   // overlong
    if (c == 0xF4 && at(1) >= 0x90) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}
}  // namespace

std::string printable(std::string_view s, bool lines) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<uint8_t>(s[i]);
    if ((c >= 0x20 && c < 0x7F) || (lines && c == '\n')) {
      out += static_cast<char>(c);
      ++i;
    } else if (size_t n = c >= 0x80 ? utf8_length(s, i) : 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += fmt::format("\\x{:02x}", c);
      ++i;
    }
  }
  return out;
}

void copy_record(const Record& from, Record& to) {
  to.arena.clear();
  to.reset(from.schema);
  for (size_t i = 0; i < from.values.size(); ++i) {
    to.values[i] = from.values[i];
    if (from.schema->column(i).type == Type::String && !from.values[i].null())
      to.values[i].set_str(to.arena.copy(from.values[i].str()));
  }
  to.line = from.line;
}

}  // namespace flow
