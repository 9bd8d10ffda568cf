// JSON input: JSON Lines, pretty-printed objects, JSON arrays, objects back to back, and Azure's
// {"records": [...]} (streamed); our records are read here, other services' objects by the
// unpackers of json_unpack.hpp (simdjson On Demand).
#include <algorithm>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <simdjson.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/json_unpack.hpp"
#include "formats/sampled.hpp"

namespace flow {
namespace {

namespace od = simdjson::ondemand;

// Records are parsed in place: a record never ends past the input window, and the window is
// followed by InputStream::kPadding readable bytes.
static_assert(InputStream::kPadding >= simdjson::SIMDJSON_PADDING);

constexpr size_t kMaxRecord = 16 << 20;
constexpr size_t kRecentSchemas = 16;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool is_blank(std::string_view s) {
  for (char c : s)
    if (!is_space(c)) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string shorten(std::string_view s) {
  if (s.size() <= 40) return std::string(s);
  size_t cut = 37;
  while (cut > 0 && (static_cast<uint8_t>(s[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 character
  return std::string(s.substr(0, cut)) + "...";
}

using json::type_phrase;

/// What parsing a value needs to know about its field.
struct FieldKind {
  Type type = Type::String;
  bool known = false;
  uint64_t max = UINT64_MAX;  // UInt and Time
  std::optional<FieldId> id;
};

FieldKind kind_of(const Column& c) { return FieldKind{c.type, c.id.has_value(), value_max(c), c.id}; }

// The same answer as Schema::from_names gives for the column.
FieldKind kind_of(std::string_view key) {
  auto id = find_field(key);
  return kind_of(Column{std::string(), id ? field_info(*id).type : Type::String, id});
}

class JsonReader : public Reader {
 public:
  JsonReader(std::unique_ptr<InputStream> in, const ReadOptions& opts) : in_(std::move(in)), opts_(opts) {}

  bool next(Record& r) override {
    if (mode_ == Mode::Unknown) start();
    for (;;) {
      if (active_) {
        if (active_->next(r)) return true;
        active_ = nullptr;
      }
      std::string_view text;
      uint64_t line = 0;
      if (!(mode_ == Mode::Lines ? next_in_lines(text, line) : next_in_array(text, line))) {
        for (auto& u : unpackers_)
          if (u) u->finish();
        return false;
      }
      // Inside {"records": [...]} the elements are Azure records; elsewhere the keys tell.
      JsonKind kind = wrapped_ ? JsonKind::Azure : parse_record(text, line, r);
      if (kind == JsonKind::Record) return true;
      Unpacker& u = unpacker(kind);
      u.start(text, line);
      active_ = &u;
    }
  }

 private:
  enum class Mode { Unknown, Lines, Array };
  enum class ArrayState { Open, AfterComma, AfterElement, Closed };

  // ---- framing: JSON Lines ----

  void start() {
    in_->fill(3);
    if (in_->view().starts_with("\xEF\xBB\xBF")) in_->consume(3);  // UTF-8 byte-order mark
    mode_ = Mode::Lines;
    // White space before the first value is consumed as it is read (its lines still count for
    // messages), so that any amount of it costs no memory. In JSON Lines line_no_ is the last
    // line read; a JSON array starts with '[' and there line_no_ is the line being read.
    line_no_ = opts_.first_line;
    if (!skip_space()) return;
    char c = in_->data()[0];
    if (c == '[' || (c == '{' && records_wrapper_length(0) > 0)) {
      ++line_no_;
      mode_ = Mode::Array;
      enter_array();
    }
  }

  /// Azure writes a blob as one object, {"records": [...]}: its array is streamed element by
  /// element like a top-level array. The length of that opening at offset i, or 0. Reads only
  /// as far as it takes to tell (at most 256 bytes): a short first record of a live input that
  /// then pauses is not held back.
  size_t records_wrapper_length(size_t i) {
    for (;;) {
      const std::string_view v = in_->view().substr(i + 1);
      if (std::optional<size_t> n = wrapper_opening(v)) return *n;
      if (v.size() >= 255 || !in_->fill(in_->size() + 1)) return 0;
    }
  }

  /// The length of `{"records": [` when its '{' is just before v, 0 when v does not start so,
  /// nullopt when v ends before that can be told.
  static std::optional<size_t> wrapper_opening(std::string_view v) {
    static constexpr std::string_view kKey = "\"records\"";
    size_t k = 0;
    auto more = [&] {  // past white space: is there a byte to look at?
      while (k < v.size() && is_space(v[k])) ++k;
      return k < v.size();
    };
    if (!more()) return std::nullopt;
    const std::string_view key = v.substr(k, kKey.size());
    if (!kKey.starts_with(key)) return 0;
    if (key.size() < kKey.size()) return std::nullopt;
    k += kKey.size();
    if (!more()) return std::nullopt;
    if (v[k++] != ':') return 0;
    if (!more()) return std::nullopt;
    if (v[k] != '[') return 0;
    return k + 2;  // through the '['
  }

  /// At '[' or at a records wrapper: consumes the opening, counting its lines.
  void enter_array() {
    size_t n = in_->data()[0] == '[' ? 1 : records_wrapper_length(0);
    wrapped_ = in_->data()[0] == '{';
    line_no_ += static_cast<uint64_t>(std::count(in_->data(), in_->data() + n, '\n'));
    in_->consume(n);
    array_ = ArrayState::Open;
  }

  /// The next line, consumed; or false at the end of the input, or false with `pretty` set when
  /// the line is a lone '{': the start of a pretty-printed object (as `jq .` writes), left unread.
  bool next_line(std::string_view& line, bool& pretty) {
    size_t scanned = 0;
    for (;;) {
      const char* p = in_->data();
      size_t n = in_->size();
      auto* nl = static_cast<const char*>(std::memchr(p + scanned, '\n', n - scanned));
      if (nl || !in_->fill()) {
        if (!nl && n == 0) return false;
        size_t len = nl ? static_cast<size_t>(nl - p) : n;  // the last line may lack its newline
        p = in_->data();                                    // fill() may have moved the window
        line = std::string_view(p, len);
        if (is_lone_brace(line)) {
          pretty = true;
          return false;
        }
        in_->consume(nl ? len + 1 : len);
        ++line_no_;
        return true;
      }
      scanned = n;
      if (n > kMaxRecord)
        fatal(line_no_ + 1,
              fmt::format("line longer than {} MiB; the rest of the input is not read", kMaxRecord >> 20));
    }
  }

  static bool is_lone_brace(std::string_view line) {
    size_t b = 0;
    while (b < line.size() && is_space(line[b])) ++b;
    return b < line.size() && line[b] == '{' && is_blank(line.substr(b + 1));
  }

  bool next_in_lines(std::string_view& text, uint64_t& line) {
    if (!rest_.empty()) return next_concatenated(text, line);
    bool pretty = false;
    do {
      if (!next_line(text, pretty)) {
        if (pretty) break;
        return false;
      }
    } while (is_blank(text));
    if (!pretty) {
      line = line_no_;
      // Firehose writes CloudWatch Logs envelopes one after the other with nothing between.
      if (text.find("}{") != std::string_view::npos) {
        rest_ = text;
        return next_concatenated(text, line);
      }
      return true;
    }
    // A pretty-printed object runs to its closing brace; the rest of that line is read after it.
    size_t indent = 0;
    while (in_->data()[indent] != '{') ++indent;
    in_->consume(indent);
    line = line_no_ + 1;
    const size_t n = element_length(line, "unterminated JSON object: the input ends inside it");
    text = std::string_view(in_->data(), n);
    line_no_ += static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
    in_->consume(n);
    return true;
  }

  /// The next of several values on one line (rest_): each a balanced {...}.
  bool next_concatenated(std::string_view& text, uint64_t& line) {
    size_t depth = 0, i = 0;
    bool in_string = false;
    for (; i < rest_.size(); ++i) {
      char c = rest_[i];
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        ++depth;
      } else if ((c == '}' || c == ']') && depth > 0 && --depth == 0) {
        ++i;
        break;
      }
    }
    text = rest_.substr(0, std::min(i, rest_.size()));
    rest_.remove_prefix(text.size());
    while (!rest_.empty() && is_space(rest_.front())) rest_.remove_prefix(1);
    line = line_no_;
    return true;
  }

  // ---- framing: a JSON array (streamed element by element) ----

  /// Skips white space, counting lines; false at the end of the input.
  bool skip_space() {
    for (;;) {
      size_t i = 0, n = in_->size();
      const char* p = in_->data();
      while (i < n && is_space(p[i])) line_no_ += p[i++] == '\n';
      in_->consume(i);
      if (i < n) return true;
      if (!in_->fill()) return false;
    }
  }

  /// Length of the array element at the start of the window: a balanced {...} or [...], a string,
  /// or a bare scalar up to ',' ']' or white space. Reads more input as needed.
  size_t element_length(uint64_t line, const char* unterminated) {
    int depth = 0;
    bool in_string = false;
    size_t i = 0;  // may pass the end by one after a backslash: the escaped byte is skipped
    for (;;) {
      if (i >= in_->size()) {
        if (i > kMaxRecord)
          fatal(line,
                fmt::format("JSON value longer than {} MiB; the rest of the input is not read", kMaxRecord >> 20));
        if (in_->fill(i + 1)) continue;
        if (depth == 0 && !in_string) return i;
        fatal(line, unterminated);
      }
      const char* p = in_->data();
      const size_t n = in_->size();
      if (in_string) {
        while (i < n && p[i] != '"' && p[i] != '\\') ++i;
        if (i == n) continue;
        if (p[i] == '\\') {
          i += 2;
          continue;
        }
        ++i;
        in_string = false;
        if (depth == 0) return i;
        continue;
      }
      switch (p[i]) {
        case '"': in_string = true; break;
        case '{':
        case '[': ++depth; break;
        case '}':
        case ']':
          if (depth == 0) return i;
          if (--depth == 0) return i + 1;
          break;
        case ',':
        case ' ':
        case '\t':
        case '\r':
        case '\n':
          if (depth == 0) return i;
          break;
        default: break;
      }
      ++i;
    }
  }

  bool next_in_array(std::string_view& text, uint64_t& line) {
    for (;;) {
      const bool more = skip_space();
      if (array_ == ArrayState::Closed) {
        if (wrapped_) {  // the '}' of {"records": [...]}
          if (!more || in_->data()[0] != '}')
            fatal(line_no_, "expected '}' after the records array of {\"records\": [...]}");
          in_->consume(1);
          wrapped_ = false;
          continue;
        }
        if (!more) return false;
        // Another array or blob follows (concatenated exports).
        if (in_->data()[0] != '[' && !(in_->data()[0] == '{' && records_wrapper_length(0) > 0))
          fatal(line_no_, fmt::format("unexpected '{}' after the end of the JSON array", in_->data()[0]));
        enter_array();
        continue;
      }
      if (!more) fatal(line_no_, "unterminated JSON array: missing ']' at the end of the input");
      const char c = in_->data()[0];
      if (array_ == ArrayState::AfterElement) {
        if (c != ',' && c != ']')
          fatal(line_no_, fmt::format("expected ',' or ']' after an array element, got '{}'", c));
        in_->consume(1);
        array_ = c == ',' ? ArrayState::AfterComma : ArrayState::Closed;
        continue;
      }
      if (c == ']') {
        in_->consume(1);
        const bool trailing_comma = array_ == ArrayState::AfterComma;
        array_ = ArrayState::Closed;
        if (trailing_comma) throw DataError(in_->name(), line_no_, "", "trailing ',' before ']' in the JSON array");
        continue;
      }
      line = line_no_;
      const size_t n = element_length(line, "unterminated JSON array: the input ends inside an element");
      if (n == 0) fatal(line, fmt::format("unexpected '{}' in the JSON array", c));
      text = std::string_view(in_->data(), n);
      line_no_ += static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
      in_->consume(n);  // the bytes stay in place until the next call moves the window
      array_ = ArrayState::AfterElement;
      return true;
    }
  }

  // ---- one object ----

  [[noreturn]] void fatal(uint64_t line, const std::string& what) {
    DataError e(in_->name(), line, "", what);
    e.fatal = true;
    throw e;
  }

  [[noreturn]] void fail(std::string_view field, const std::string& what) {
    throw DataError(in_->name(), line_, std::string(field), what);
  }

  [[noreturn]] void malformed(simdjson::error_code err, std::string_view field = {}) {
    fail(field, fmt::format("malformed JSON: {}", simdjson::error_message(err)));
  }

  /// Parses our own record into r, or returns the kind of another service's element.
  JsonKind parse_record(std::string_view text, uint64_t line, Record& r) {
    line_ = line;
    r.arena.clear();
    od::document doc;
    if (auto err = parser_.iterate(text.data(), text.size(), text.size() + simdjson::SIMDJSON_PADDING).get(doc))
      malformed(err);
    od::json_type t;
    if (auto err = doc.type().get(t)) malformed(err);
    if (t != od::json_type::object) fail("", fmt::format("expected a JSON object, got {}", type_phrase(t)));
    od::object obj;
    if (auto err = doc.get_object().get(obj)) malformed(err);

    // Keys (and the types of unknown keys) equal to the previous object's keep its schema; the
    // first difference starts a new one.
    const Schema* cached = schema_.get();
    bool same = cached != nullptr;
    size_t i = 0;
    keys_.clear();
    types_.clear();
    loose_.clear();
    auto diverge = [&] {  // keys_ = the first i keys, which were the cached schema's
      same = false;
      for (size_t j = 0; j < i; ++j) {
        keys_.push_back(cached->column(j).name);
        types_.push_back(cached->column(j).type);
        loose_.push_back(schema_loose_[j]);
      }
    };
    scalars_only_ = true;
    for (auto field_result : obj) {
      od::field field;
      if (auto err = std::move(field_result).get(field)) malformed(err);
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) malformed(err);
      od::value v = field.value();
      const bool was = cached && i < cached->size() && cached->column(i).name == key;
      FieldKind kind;
      bool loose = false;
      if (same && was) {
        kind = kind_of(cached->column(i));
        if (!kind.known) {
          loose = schema_loose_[i];
          if (settle(kind.type, loose, value_type(v, key))) {
            diverge();
            keys_.emplace_back(key);
            types_.push_back(kind.type);
            loose_.push_back(loose);
          }
        }
      } else {
        if (same) diverge();
        if (JsonKind k = kind_of_key(key, is_array(v, key)); k != JsonKind::Record) return k;
        keys_.emplace_back(key);
        kind = kind_of(key);
        if (!kind.known) {
          if (was) kind.type = cached->column(i).type, loose = schema_loose_[i];
          else loose = true;  // no value seen yet: String, until one says otherwise
          settle(kind.type, loose, value_type(v, key));
        }
        types_.push_back(kind.type);
        loose_.push_back(loose);
      }
      if (i == values_.size()) values_.emplace_back();
      parse_value(v, key, kind, values_[i], r);
      ++i;
    }
    const char* rest;
    if (!doc.current_location().get(rest)) fail("", "unexpected content after the JSON object");

    if (same && i != cached->size()) diverge();  // a prefix of the previous keys
    if (!same) {
      if (JsonKind k = kind_of_keys(); k != JsonKind::Record) return k;
      check_flow_keys();
      new_schema();
    }
    values_.resize(i);
    r.schema = schema_;
    r.values.swap(values_);
    r.line = line;
    return JsonKind::Record;
  }

  /// Other services' objects whose keys together (not one alone) say what they are.
  JsonKind kind_of_keys() const {
    bool known = false, message = false, properties = false, category = false, connection = false;
    for (const auto& k : keys_) {
      known = known || find_field(k).has_value();
      message = message || k == "message";
      properties = properties || k == "properties";
      category = category || k == "category";
      connection = connection || k == "connection";
    }
    if (message && !known) return JsonKind::CloudWatch;  // Firehose's {"message": "<record>"}
    if (properties && category) return JsonKind::Azure;  // an NSG flow-log record
    if (connection && !known) return JsonKind::Gcp;      // a GCP jsonPayload without its LogEntry
    return JsonKind::Record;
  }

  /// An object none of whose keys is a flow-log field and which holds a nested object or array
  /// (or is empty) is no flow log: read on, it would give records with no traffic in them, and
  /// counts of nothing. A flat object of numbers, strings and nulls is what our writers write
  /// for any columns (flowagg -a count -O json: {"records":3}), and reads back.
  void check_flow_keys() {
    if (scalars_only_ && !keys_.empty()) return;
    for (const auto& k : keys_)
      if (find_field(k) || is_source_field_name(k)) return;
    std::string keys;
    for (size_t i = 0; i < keys_.size() && i < 4; ++i)
      keys += fmt::format("{}\"{}\"", i ? ", " : "", shorten(keys_[i]));
    if (keys_.size() > 4) keys += ", ...";
    fail("", keys_.empty() ? std::string("an empty object is not a flow-log record")
                           : fmt::format("not a flow-log record: no flow-log field among its keys ({})", keys));
  }

  Unpacker& unpacker(JsonKind k) {
    auto& u = unpackers_[static_cast<size_t>(k)];
    if (!u) {
      switch (k) {
        case JsonKind::CloudWatch: u = cloudwatch_unpacker(in_->name(), opts_); break;
        case JsonKind::Gcp: u = gcp_unpacker(in_->name(), opts_); break;
        case JsonKind::Azure: u = azure_unpacker(in_->name(), opts_); break;
        case JsonKind::Record: break;
      }
    }
    return *u;
  }

  void new_schema() {
    std::vector<std::string_view> sorted(keys_.begin(), keys_.end());
    std::sort(sorted.begin(), sorted.end());
    auto dup = std::adjacent_find(sorted.begin(), sorted.end());
    if (dup != sorted.end()) fail(*dup, "duplicate key in the object");
    // Inputs that alternate between a few key sets keep one schema object per set.
    for (const auto& [s, loose] : recent_) {
      bool equal = s->size() == keys_.size() && loose == loose_;
      for (size_t j = 0; equal && j < keys_.size(); ++j)
        equal = s->column(j).name == keys_[j] && s->column(j).type == types_[j];
      if (equal) {
        schema_ = s;
        schema_loose_ = loose;
        return;
      }
    }
    std::vector<Column> cols;
    for (size_t j = 0; j < keys_.size(); ++j) cols.push_back(Column{keys_[j], types_[j], std::nullopt});
    try {
      schema_ = std::make_shared<const Schema>(std::move(cols));  // known keys get the field's type
    } catch (const DataError& e) {                                // too many fields
      fail("", e.what());
    }
    schema_loose_ = loose_;
    if (recent_.size() == kRecentSchemas) recent_.erase(recent_.begin());
    recent_.emplace_back(schema_, loose_);
  }

  /// The type a column unknown to the field table takes from a value, by what JSON says it is:
  /// a whole number of at least 0 is a UInt, a string holding an address an Ip (as the text
  /// readers type such a column), anything else a String; nullopt for null, which fits any.
  std::optional<Type> value_type(od::value& v, std::string_view key) {
    od::json_type t;
    if (auto err = v.type().get(t)) malformed(err, key);
    if (t == od::json_type::null) return std::nullopt;
    std::string_view tok = trim(v.raw_json_token());
    if (t == od::json_type::number) {
      // A whole number is a UInt; a negative or fractional one a Float; one past a double's
      // range is kept as text.
      Digits d = leading_digits(tok);
      if (d.count == tok.size() && !d.overflow && (tok[0] != '0' || d.count == 1)) return Type::UInt;
      return parse_float(tok) ? Type::Float : Type::String;
    }
    // An address only as it prints ("::FFFF:1.2.3.4" would come back changed), as in text.
    Value ip;
    if (t == od::json_type::string && tok.size() >= 2 && tok.find('\\') == std::string_view::npos &&
        parse_sampled(Type::Ip, tok.substr(1, tok.size() - 2), ip))
      return Type::Ip;
    if (t == od::json_type::object || t == od::json_type::array) scalars_only_ = false;
    return Type::String;
  }

  /// The type of an unknown column (`type`, `loose`: typed from null only) once it holds a value
  /// of type `t`: the value's type after nulls, String when it differs from an earlier one
  /// (never an error, never a wrong value). True when that changes the column.
  static bool settle(Type& type, bool& loose, std::optional<Type> t) {
    if (!t) return false;
    const Type before = type;
    const bool was_loose = loose;
    type = loose || type == *t ? *t : Type::String;
    loose = false;
    return type != before || was_loose;
  }

  bool is_array(od::value& v, std::string_view key) {
    od::json_type t;
    if (auto err = v.type().get(t)) malformed(err, key);
    return t == od::json_type::array;
  }

  void parse_value(od::value& v, std::string_view key, const FieldKind& kind, Value& out, Record& r) {
    od::json_type t;
    if (auto err = v.type().get(t)) malformed(err, key);
    if (t == od::json_type::null) {
      bool is_null = false;
      if (v.is_null().get(is_null) || !is_null) bad_literal(v, key);
      out.set_null();
      return;
    }
    switch (kind.type) {
      case Type::UInt:
      case Type::Time: {
        uint64_t x = number(v, t, key, kind.max);
        if (kind.type == Type::UInt) out.set_uint(x);
        else out.set_time(static_cast<int64_t>(x));
        return;
      }
      case Type::Float: {
        double d = 0;
        if (t != od::json_type::number) fail(key, fmt::format("expected a number, got {}", describe(v, t)));
        if (auto err = v.get_double().get(d)) malformed(err, key);
        out.set_float(d);
        return;
      }
      case Type::Ip: {
        if (t != od::json_type::string)
          fail(key, fmt::format("expected an IP address in a string, got {}", describe(v, t)));
        std::string_view s = string(v, key);
        auto ip = parse_ip(s);  // dotted quads take parse_ipv4's path inside
        if (!ip) fail(key, fmt::format("'{}' is not an IP address", shorten(s)));
        out.set_ip(*ip);
        return;
      }
      case Type::String: {
        if (t == od::json_type::string) {
          out.set_str(string(v, key));  // unescaped into the parser's buffer, valid until next()
        } else if (t == od::json_type::number || t == od::json_type::boolean) {
          std::string_view tok = trim(v.raw_json_token());
          if (t == od::json_type::boolean) {
            bool b;
            if (v.get_bool().get(b)) bad_literal(v, key);
          } else {
            double d;
            if (auto err = v.get_double().get(d)) malformed(err, key);
          }
          out.set_str(tok);
        } else if (!kind.known) {
          std::string_view raw;
          if (auto err = simdjson::to_json_string(v).get(raw)) malformed(err, key);
          minified_.resize(raw.size() + simdjson::SIMDJSON_PADDING);
          size_t n = 0;
          if (auto err = simdjson::minify(raw.data(), raw.size(), minified_.data(), n)) malformed(err, key);
          out.set_str(r.arena.copy(std::string_view(minified_.data(), n)));
        } else {
          fail(key, fmt::format("expected a string, got {}", type_phrase(t)));
        }
        if (kind.id) check_known_string(out.str(), key, *kind.id);
        return;
      }
    }
  }

  /// A flow-log field's string holds no control character (JSON may escape one: "\u0000"), and
  /// is one of the field's values where AWS documents a closed set.
  void check_known_string(std::string_view s, std::string_view key, FieldId id) {
    for (char c : s)
      if (static_cast<unsigned char>(c) < 0x20)
        fail(key,
             fmt::format("'{}' holds a control character (byte 0x{:02x})", shorten(s), static_cast<unsigned char>(c)));
    if (auto why = field_value_error(id, s); !why.empty()) fail(key, why);
  }

  // simdjson's own message for a misspelt literal is about types; say what is wrong.
  [[noreturn]] void bad_literal(od::value& v, std::string_view key) {
    std::string_view tok = trim(v.raw_json_token());
    fail(key, fmt::format("malformed JSON: '{}' is not a JSON value", shorten(tok)));
  }

  /// A value in a message: its JSON text for a scalar, its kind for an object or array.
  static std::string describe(od::value& v, od::json_type t) {
    if (t == od::json_type::object || t == od::json_type::array) return type_phrase(t);
    return shorten(trim(v.raw_json_token()));
  }

  /// The text of a JSON string: in place when it has no escapes (stage 1 has checked its UTF-8
  /// and control bytes), else unescaped by simdjson into its buffer. Valid until next().
  std::string_view string(od::value& v, std::string_view key) {
    std::string_view tok = trim(v.raw_json_token());
    if (tok.size() >= 2 && tok.back() == '"') {
      std::string_view inner = tok.substr(1, tok.size() - 2);
      if (!std::memchr(inner.data(), '\\', inner.size())) return inner;
    }
    std::string_view s;
    if (auto err = v.get_string().get(s)) malformed(err, key);
    return s;
  }

  /// Leading decimal digits of s: their count, their value (saturated), and whether it overflowed.
  struct Digits {
    size_t count = 0;
    uint64_t value = 0;
    bool overflow = false;
  };
  static Digits leading_digits(std::string_view s) {
    Digits d;
    for (; d.count < s.size(); ++d.count) {
      unsigned x = static_cast<unsigned>(s[d.count] - '0');
      if (x > 9) break;
      if (d.value > (UINT64_MAX - x) / 10) d.overflow = true;
      else d.value = d.value * 10 + x;
    }
    return d;
  }

  /// A UInt or Time value: a JSON integer, or a string of digits (as other tools export int64).
  uint64_t number(od::value& v, od::json_type t, std::string_view key, uint64_t max) {
    std::string_view text;
    Digits d;
    if (t == od::json_type::number) {
      text = v.raw_json_token();  // with the white space after it
      d = leading_digits(text);
      text = trim(text);
      if (d.count == 0 || d.count != text.size() || (text[0] == '0' && d.count > 1)) {
        double ignored;
        if (auto err = v.get_double().get(ignored)) malformed(err, key);
        fail(key, fmt::format("expected a whole number of at least 0, got {}", shorten(text)));
      }
    } else if (t == od::json_type::string) {
      text = string(v, key);
      d = leading_digits(text);
      if (d.count == 0 || d.count != text.size())
        fail(key, fmt::format("expected a number, got \"{}\"", shorten(text)));
    } else {
      fail(key, fmt::format("expected a number, got {}", describe(v, t)));
    }
    if (d.overflow || d.value > max) fail(key, out_of_range(shorten(text), max));
    return d.value;
  }

  std::unique_ptr<InputStream> in_;
  ReadOptions opts_;
  Mode mode_ = Mode::Unknown;
  bool wrapped_ = false;                    // inside {"records": [...]}
  std::string_view rest_;                   // values still to read on the current line
  std::unique_ptr<Unpacker> unpackers_[4];  // by JsonKind, made when first needed
  Unpacker* active_ = nullptr;              // the one with records of the current element left
  ArrayState array_ = ArrayState::Open;
  uint64_t line_no_ = 0;  // lines consumed so far
  uint64_t line_ = 0;     // line of the record being parsed
  od::parser parser_;
  SchemaPtr schema_;                // schema of the previous record
  std::vector<bool> schema_loose_;  // per column of schema_: unknown, and only null seen (String)
  std::vector<std::pair<SchemaPtr, std::vector<bool>>> recent_;  // the last few distinct schemas
  std::vector<std::string> keys_;  // keys of the current record when they differ from schema_
  std::vector<Type> types_;        // and their types
  std::vector<bool> loose_;        // and whether each is an unknown key seen null only
  bool scalars_only_ = true;       // no unknown key of the current record holds an object or array
  std::vector<Value> values_;      // values being parsed, swapped into the record at the end
  std::vector<char> minified_;
};

}  // namespace

std::unique_ptr<Reader> json_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<JsonReader>(std::move(in), opts);
}

}  // namespace flow
