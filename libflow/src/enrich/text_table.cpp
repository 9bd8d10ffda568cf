// Table files as text cells: a small RFC 4180 CSV reader and a JSON Lines reader (simdjson).
#include "enrich/text_table.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "flow/error.hpp"
#include "flow/field.hpp"

namespace flow::enrich {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Column names become field names (writers and filter expressions need them), so they must
/// have a field name's syntax, and each may appear once.
void add_name(TextTable& t, std::string_view name, uint64_t line) {
  if (!is_field_name_syntax(name))
    throw DataError(t.file, line, std::string(name),
                    "column name must be lower-case letters, digits, '-' and '.' (a field name)");
  if (t.find(name) >= 0) throw DataError(t.file, line, std::string(name), "column named twice");
  t.names.emplace_back(name);
}

/// RFC 4180: fields separated by commas, records by LF or CRLF; a field in double quotes may
/// hold commas, line breaks and "" (one quote). Spaces around unquoted fields are dropped.
class CsvParser {
 public:
  CsvParser(std::string_view s, TextTable& t) : s_(s), t_(t) {}

  /// The next record's fields into `out`; false at the end. Blank lines are skipped.
  bool next(std::vector<std::string_view>& out, uint64_t& start_line) {
    out.clear();
    while (p_ < s_.size() && (s_[p_] == '\n' || (s_[p_] == '\r' && p_ + 1 < s_.size() && s_[p_ + 1] == '\n'))) {
      p_ += s_[p_] == '\r' ? 2 : 1;
      ++line_;
    }
    if (p_ >= s_.size()) return false;
    start_line = line_;
    for (;;) {
      out.push_back(field());
      if (p_ >= s_.size()) return true;
      char c = s_[p_++];
      if (c == ',') continue;
      if (c == '\r') ++p_;  // field() stops at '\r' only before '\n'
      ++line_;
      return true;
    }
  }

 private:
  bool at_end_of_line(size_t i) const {
    return s_[i] == '\n' || (s_[i] == '\r' && (i + 1 == s_.size() || s_[i + 1] == '\n'));
  }

  std::string_view field() {
    size_t b = p_;
    while (b < s_.size() && (s_[b] == ' ' || s_[b] == '\t')) ++b;
    if (b < s_.size() && s_[b] == '"') return quoted(b + 1);
    size_t e = p_;
    while (e < s_.size() && s_[e] != ',' && !at_end_of_line(e)) ++e;
    auto v = trim(s_.substr(p_, e - p_));
    p_ = e;
    return t_.arena.copy(v);
  }

  std::string_view quoted(size_t i) {
    uint64_t first_line = line_;
    std::string v;
    for (;;) {
      size_t q = s_.find('"', i);
      if (q == std::string_view::npos)
        throw DataError(t_.file, first_line, "", "quoted field not closed before the end of the file");
      auto part = s_.substr(i, q - i);
      for (char c : part) line_ += c == '\n';
      v += part;
      if (q + 1 < s_.size() && s_[q + 1] == '"') {
        v += '"';
        i = q + 2;
        continue;
      }
      i = q + 1;
      break;
    }
    while (i < s_.size() && (s_[i] == ' ' || s_[i] == '\t')) ++i;
    if (i < s_.size() && s_[i] != ',' && !at_end_of_line(i))
      throw DataError(t_.file, line_, "",
                      fmt::format("'{}' after a closing quote (a quote inside a quoted field is written \"\")", s_[i]));
    p_ = i;
    return t_.arena.copy(v);
  }

  std::string_view s_;
  TextTable& t_;
  size_t p_ = 0;
  uint64_t line_ = 1;
};

void parse_csv(std::string_view s, TextTable& t) {
  CsvParser csv(s, t);
  std::vector<std::string_view> fields;
  uint64_t line = 0;
  if (!csv.next(fields, line)) throw DataError(t.file, 0, "", "empty table: no header line");
  for (auto name : fields) add_name(t, name, line);
  while (csv.next(fields, line)) {
    if (fields.size() != t.names.size())
      throw DataError(t.file, line, "",
                      fmt::format("{} field{} where the header line has {}", fields.size(),
                                  fields.size() == 1 ? "" : "s", t.names.size()));
    t.cells.insert(t.cells.end(), fields.begin(), fields.end());
    t.lines.push_back(line);
  }
}

/// A JSON scalar as cell text: strings as they are, numbers in decimal, booleans as true/false,
/// null as empty (null). Arrays and objects are refused: a cell holds one value.
std::string_view json_cell(simdjson::dom::element v, TextTable& t, uint64_t line, std::string_view key) {
  using simdjson::dom::element_type;
  switch (v.type()) {
    case element_type::STRING: return t.arena.copy(std::string_view(v.get_string().value_unsafe()));
    case element_type::INT64: return t.arena.copy(fmt::format("{}", v.get_int64().value_unsafe()));
    case element_type::UINT64: return t.arena.copy(fmt::format("{}", v.get_uint64().value_unsafe()));
    case element_type::DOUBLE: return t.arena.copy(fmt::format("{}", v.get_double().value_unsafe()));
    case element_type::BOOL: return v.get_bool().value_unsafe() ? "true" : "false";
    case element_type::NULL_VALUE: return {};
    default:
      throw DataError(t.file, line, std::string(key),
                      "nested JSON value: a cell must be a string, number, boolean or null");
  }
}

void parse_jsonl(std::string_view s, TextTable& t) {
  simdjson::dom::parser parser;
  std::vector<std::vector<std::pair<size_t, std::string_view>>> rows;
  uint64_t line = 0;
  for (size_t b = 0; b < s.size();) {
    size_t e = s.find('\n', b);
    if (e == std::string_view::npos) e = s.size();
    ++line;
    auto text = trim(s.substr(b, e - b));
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    b = e + 1;
    if (trim(text).empty()) continue;
    simdjson::dom::object obj;
    auto err = parser.parse(text.data(), text.size()).get(obj);
    if (err == simdjson::INCORRECT_TYPE) throw DataError(t.file, line, "", "not a JSON object");
    if (err) throw DataError(t.file, line, "", fmt::format("invalid JSON: {}", simdjson::error_message(err)));
    auto& row = rows.emplace_back();
    for (auto [key, value] : obj) {
      int col = t.find(key);
      if (col < 0) {
        add_name(t, key, line);
        col = static_cast<int>(t.names.size() - 1);
      }
      for (auto& [c, v] : row)
        if (c == static_cast<size_t>(col))
          throw DataError(t.file, line, std::string(key), "key appears twice in the object");
      row.emplace_back(static_cast<size_t>(col), json_cell(value, t, line, key));
    }
    t.lines.push_back(line);
  }
  // Columns are known only at the end (a key may first appear late): missing ones are null.
  t.cells.assign(rows.size() * t.names.size(), std::string_view{});
  for (size_t r = 0; r < rows.size(); ++r)
    for (auto& [c, v] : rows[r]) t.cells[r * t.names.size() + c] = v;
}

}  // namespace

int TextTable::find(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

TextTable parse_text_table(std::string_view content, const std::string& file) {
  TextTable t;
  t.file = file;
  if (content.starts_with("\xEF\xBB\xBF")) content.remove_prefix(3);
  size_t first = content.find_first_not_of(" \t\r\n");
  if (first != std::string_view::npos && content[first] == '{') {
    parse_jsonl(content, t);
  } else {
    parse_csv(content, t);
  }
  if (t.rows() == 0) throw DataError(t.file, 0, "", "empty table: no rows");
  return t;
}

}  // namespace flow::enrich
