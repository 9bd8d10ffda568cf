// What the JSON unpackers share: the kind of an element, and values read with precise errors.
#include "formats/json_unpack.hpp"

#include <cmath>

#include <fmt/format.h>

#include "flow/error.hpp"

namespace flow {

JsonKind kind_of_key(std::string_view key, bool array) {
  if (key == "logEvents" || key == "messageType" || key == "awslogs") return JsonKind::CloudWatch;
  if (key == "jsonPayload") return JsonKind::Gcp;
  if (key == "flowRecords") return JsonKind::Azure;
  // Around an array only: elsewhere "records" is flowagg's count, and "events" anyone's field.
  // "records" is the blob around Azure records (also nested in one, as a Microsoft doc sample has);
  // "events" is what `aws logs get-log-events` and `filter-log-events` print.
  if (key == "records" && array) return JsonKind::Azure;
  if (key == "events" && array) return JsonKind::CloudWatch;
  return JsonKind::Record;
}

namespace json {

const char* type_phrase(od::json_type t) {
  switch (t) {
    case od::json_type::array: return "an array";
    case od::json_type::object: return "an object";
    case od::json_type::number: return "a number";
    case od::json_type::string: return "a string";
    case od::json_type::boolean: return "a boolean";
    case od::json_type::null: return "null";
  }
  return "?";
}

namespace {
std::string shorten(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
    s.remove_suffix(1);
  if (s.size() <= 40) return std::string(s);
  size_t cut = 37;
  while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "...";
}
}  // namespace

void Extractor::fail(std::string_view path, const std::string& what) const {
  throw DataError(file_, line, std::string(path), what);
}

void Extractor::malformed(std::string_view path, simdjson::error_code err) const {
  fail(path, fmt::format("malformed JSON: {}", simdjson::error_message(err)));
}

void Extractor::wrong_type(std::string_view path, od::value& v, const char* expected) const {
  od::json_type t;
  if (auto err = v.type().get(t)) malformed(path, err);
  std::string got = type_phrase(t);
  if (t != od::json_type::object && t != od::json_type::array) got = shorten(v.raw_json_token());
  fail(path, fmt::format("expected {}, got {}", expected, got));
}

od::object Extractor::object(od::parser& p, od::document& doc, std::string_view text) const {
  if (auto err = p.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc))
    malformed("", err);
  od::json_type t;
  if (auto err = doc.type().get(t)) malformed("", err);
  if (t != od::json_type::object) fail("", fmt::format("expected a JSON object, got {}", type_phrase(t)));
  od::object o;
  if (auto err = doc.get_object().get(o)) malformed("", err);
  return o;
}

od::object Extractor::object(std::string_view path, od::value v) const {
  od::json_type t;
  if (auto err = v.type().get(t)) malformed(path, err);
  if (t != od::json_type::object) wrong_type(path, v, "an object");
  od::object o;
  if (auto err = v.get_object().get(o)) malformed(path, err);
  return o;
}

od::array Extractor::array(std::string_view path, od::value v) const {
  od::json_type t;
  if (auto err = v.type().get(t)) malformed(path, err);
  if (t != od::json_type::array) wrong_type(path, v, "an array");
  od::array a;
  if (auto err = v.get_array().get(a)) malformed(path, err);
  return a;
}

std::string_view Extractor::string(std::string_view path, od::value v) const {
  od::json_type t;
  if (auto err = v.type().get(t)) malformed(path, err);
  if (t != od::json_type::string) wrong_type(path, v, "a string");
  std::string_view s;
  if (auto err = v.get_string().get(s)) malformed(path, err);
  return s;
}

uint64_t Extractor::integer(std::string_view path, od::value v, uint64_t max) const {
  od::json_type t;
  if (auto err = v.type().get(t)) malformed(path, err);
  std::string_view text;
  if (t == od::json_type::string) {
    if (auto err = v.get_string().get(text)) malformed(path, err);
  } else if (t == od::json_type::number) {
    text = v.raw_json_token();
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\r' || text.back() == '\t'))
      text.remove_suffix(1);
  } else {
    wrong_type(path, v, "a whole number");
  }
  // Digits, optionally followed by ".0..." (an integral float); nothing else.
  uint64_t x = 0;
  size_t i = 0;
  bool overflow = false;
  for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
    unsigned d = static_cast<unsigned>(text[i] - '0');
    if (x > (UINT64_MAX - d) / 10) overflow = true;
    else x = x * 10 + d;
  }
  bool ok = i > 0;
  if (ok && i < text.size()) {
    ok = text[i] == '.' && i + 1 < text.size();
    for (size_t j = i + 1; ok && j < text.size(); ++j) ok = text[j] == '0';
  }
  if (!ok)
    fail(path, fmt::format("expected a whole number of at least 0, got {}",
                           t == od::json_type::string ? fmt::format("\"{}\"", shorten(text)) : shorten(text)));
  if (overflow || x > max) fail(path, out_of_range(shorten(text), max));
  return x;
}

Ip Extractor::address(std::string_view path, od::value v) const {
  std::string_view s = string(path, v);
  auto ip = parse_ip(s);
  if (!ip) fail(path, fmt::format("'{}' is not an IP address", shorten(s)));
  return *ip;
}

std::string_view Extractor::text(std::string_view path, od::value v, Arena& arena) const {
  od::json_type t;
  if (auto err = v.type().get(t)) malformed(path, err);
  if (t == od::json_type::string) {
    std::string_view s;
    if (auto err = v.get_string().get(s)) malformed(path, err);
    return s;
  }
  std::string_view raw;
  if (auto err = simdjson::to_json_string(v).get(raw)) malformed(path, err);
  std::string min(raw.size() + simdjson::SIMDJSON_PADDING, '\0');
  size_t n = 0;
  if (auto err = simdjson::minify(raw.data(), raw.size(), min.data(), n)) malformed(path, err);
  return arena.copy(std::string_view(min.data(), n));
}

}  // namespace json
}  // namespace flow
