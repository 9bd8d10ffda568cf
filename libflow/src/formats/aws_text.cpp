// AWS VPC Flow Logs text: space-separated fields, "-" for null, S3 header lines naming the format.
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/text_util.hpp"

namespace flow {
namespace {

constexpr size_t kMaxLine = 16 << 20;

// Parsing relies on a sentinel: every line handed to parse() is followed in memory by '\n', '\r'
// or InputStream's zeroed padding (at least 64 bytes), so digit loops stop without bounds checks
// and 8-byte loads never leave the buffer.

/// Leading decimal digits of the 8 bytes at p (0..8), and their value in `out`.
inline unsigned digits8(const char* p, uint64_t& out) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  uint64_t x = v ^ 0x3030303030303030ULL;  // digit bytes become 0..9
  uint64_t bad = ((x + 0x7676767676767676ULL) | x) & 0x8080808080808080ULL;  // bytes > 9
  unsigned n = bad ? static_cast<unsigned>(__builtin_ctzll(bad)) / 8 : 8;
  if (n == 0) return 0;
  x <<= 8 * (8 - n);  // right-align: the digits after zeros (leading zeros)
  x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFULL;       // pairs
  x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFULL;     // quads
  out = (x * 10000 + (x >> 32)) & 0xFFFFFFFFULL;          // eight
  return n;
}

/// Parses up to 16 leading digits at q; returns the count (0 = none).
inline unsigned parse_digits_fast(const char* q, uint64_t& out) {
  uint64_t hi;
  unsigned n = digits8(q, hi);
  if (n < 8) {
    out = hi;
    return n;
  }
  static constexpr uint64_t kPow10[9] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  uint64_t lo = 0;
  unsigned m = digits8(q + 8, lo);
  out = hi * kPow10[m] + lo;
  return 8 + m;
}

const SchemaPtr& default_schema() {
  static const SchemaPtr s = Schema::parse_format(kAwsDefaultFormat);
  return s;
}

/// A header line names fields: every token has field-name syntax (or is ${name}), and at least
/// half are names we know, so that data made only of identifiers is not taken for a header.
SchemaPtr parse_header(std::string_view line) {
  size_t tokens = 0, known = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t b = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (b == i) break;
    auto tok = line.substr(b, i - b);
    if (tok.size() > 3 && tok.starts_with("${") && tok.ends_with("}")) tok = tok.substr(2, tok.size() - 3);
    if (!is_field_name_syntax(tok)) return nullptr;
    ++tokens;
    known += find_field(tok).has_value();
  }
  if (tokens == 0 || known * 2 < tokens) return nullptr;
  return Schema::parse_format(line);
}

class AwsTextReader : public Reader {
 public:
  AwsTextReader(std::unique_ptr<InputStream> in, const ReadOptions& opts)
      : in_(std::move(in)), opts_(opts), schema_(opts.aws_format ? opts.aws_format : default_schema()) {}

  bool next(Record& r) override {
    for (;;) {
      std::string_view line;
      if (!next_line(line)) {
        report_tolerated();
        return false;
      }
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
        note(crlf_, "line ends in CR (Windows line ending); the CR is dropped");
      }
      if (line.find_first_not_of(' ') == std::string_view::npos) continue;  // blank line
      if ((line[0] >= 'a' && line[0] <= 'z') || line[0] == '$') {
        if (SchemaPtr h = header_schema(line)) {
          use_header(h);
          continue;
        }
      }
      if (!same_schema(r.schema, schema_)) r.reset(schema_);
      r.line = line_no_;
      line_ = line;
      parse(line, r);
      return true;
    }
  }

 private:
  struct Tolerated {
    uint64_t count = 0, first_line = 0, last_line = 0;
    std::string what;
  };

  bool next_line(std::string_view& line) {
    size_t scanned = 0;
    for (;;) {
      const char* p = in_->data();
      size_t n = in_->size();
      auto* nl = static_cast<const char*>(std::memchr(p + scanned, '\n', n - scanned));
      if (nl) {
        line = std::string_view(p, static_cast<size_t>(nl - p));
        in_->consume(line.size() + 1);
        ++line_no_;
        return true;
      }
      scanned = n;
      if (n > kMaxLine) {
        DataError e(in_->name(), line_no_ + 1, "", fmt::format("line longer than {} MiB; the rest of the input is not read", kMaxLine >> 20));
        e.fatal = true;
        throw e;
      }
      if (!in_->fill()) {
        if (n == 0) return false;
        line = std::string_view(in_->data(), n);  // last line without a newline (fill moved the window)
        in_->consume(n);
        ++line_no_;
        return true;
      }
    }
  }

  /// The schema a header line names, or null when the line is not a header. A line that is a
  /// header but names an impossible format (a field twice, too many fields) ends the input:
  /// the lines after it cannot be read without knowing their fields.
  SchemaPtr header_schema(std::string_view line) {
    try {
      return parse_header(line);
    } catch (const DataError& e) {
      DataError d(in_->name(), line_no_, "", fmt::format("bad header line: {}; the lines after it are not read", e.what()));
      d.fatal = true;
      throw d;
    }
  }

  void use_header(SchemaPtr h) {
    if (opts_.aws_format) {
      if (!(*h == *opts_.aws_format) && opts_.warn)
        opts_.warn(fmt::format("{}:{}: header line differs from --aws-format; using --aws-format",
                               in_->name(), line_no_));
      return;
    }
    schema_ = std::move(h);
  }

  void note(Tolerated& t, const char* what) {
    if (t.last_line == line_no_) return;  // count lines, not values
    t.last_line = line_no_;
    if (t.count++ == 0) {
      t.first_line = line_no_;
      t.what = what;
      if (opts_.warn) opts_.warn(fmt::format("{}:{}: {}", in_->name(), line_no_, what));
    }
  }

  void report_tolerated() {
    for (auto* t : {&spaces_, &crlf_, &millis_})
      if (t->count > 1 && opts_.warn)
        opts_.warn(fmt::format("{}: {} lines in all: {} (first at line {})", in_->name(), t->count,
                               t->what, t->first_line));
    spaces_ = crlf_ = millis_ = Tolerated{};
  }

  [[noreturn]] void fail(const Column& c, const std::string& what) { fail(c.name, what); }

  /// Throws the error of the current line; a line holding control characters is binary data
  /// fed as text, which is said instead of the field it happened to break.
  [[noreturn, gnu::cold, gnu::noinline]] void fail(const std::string& field, const std::string& what) {
    for (size_t i = 0; i < line_.size(); ++i) {
      auto c = static_cast<unsigned char>(line_[i]);
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
        throw DataError(in_->name(), line_no_, "",
                        fmt::format("binary data, not text (byte 0x{:02x} at column {}): is this a flow log?", c, i + 1));
    }
    throw DataError(in_->name(), line_no_, field, what);
  }

  // Per-column parsing facts, looked up once per schema rather than once per value.
  struct Plan {
    Type type;
    uint64_t max;
  };

  void make_plan() {
    plan_.clear();
    for (const auto& c : schema_->columns())
      plan_.push_back({c.type, c.id ? field_info(*c.id).max : UINT64_MAX});
    plan_schema_ = schema_;
  }

  // The hot loop: each field is parsed in the same pass that finds its end.
  void parse(std::string_view line, Record& r) {
    if (plan_schema_ != schema_) make_plan();
    const char* q = line.data();
    const char* const e = q + line.size();
    const size_t n = plan_.size();
    Value* out = r.values.data();
    for (size_t i = 0; i < n; ++i) {
      if (q >= e) fail(schema_->column(i), fmt::format("expected {} fields, found {}", n, i));
      const char* t = q;
      Value& v = out[i];
      if (*q == '-' && (q + 1 == e || q[1] == ' ')) {
        v.set_null();
        ++q;
      } else {
        switch (plan_[i].type) {
          case Type::UInt: {
            uint64_t x;
            unsigned len = parse_digits_fast(q, x);
            q += len;
            if (len == 0 || len >= 16 || (q < e && *q != ' ') || x > plan_[i].max) x = slow_uint(i, t, e), q = t + token_at(t, e).size();
            v.set_uint(x);
            break;
          }
          case Type::Time: {
            uint64_t x;
            unsigned len = parse_digits_fast(q, x);
            q += len;
            if (len == 0 || len >= 16 || (q < e && *q != ' ')) x = slow_uint(i, t, e), q = t + token_at(t, e).size();
            if (x >= 100'000'000'000) note(millis_, "time in milliseconds; kept as written, read as seconds/1000");
            v.set_time(static_cast<int64_t>(x));
            break;
          }
          case Type::Ip:
            q = parse_ip_field(i, t, e, v);
            break;
          case Type::String: {
            auto* sp = static_cast<const char*>(std::memchr(q, ' ', static_cast<size_t>(e - q)));
            q = sp ? sp : e;
            v.set_str(std::string_view(t, static_cast<size_t>(q - t)));
            break;
          }
        }
      }
      if (q < e) {
        ++q;  // the separator (the parsers stop only at a space or the end)
        if (q < e && *q == ' ') {  // runs of spaces: AWS's own doc sample has one
          while (q < e && *q == ' ') ++q;
          note(spaces_, "runs of spaces between fields (read as one)");
        }
      }
    }
    if (q < e) {
      std::string_view rest(q, static_cast<size_t>(e - q));
      size_t extra = 1;
      for (char c : rest) extra += c == ' ';
      fail("", fmt::format("expected {} fields, found {}: unexpected '{}' after the last field ({})",
                                  n, n + extra, shorten(rest.substr(0, rest.find(' '))),
                                  schema_->columns().back().name));
    }
  }

  static std::string_view token_at(const char* t, const char* e) {
    auto* sp = static_cast<const char*>(std::memchr(t, ' ', static_cast<size_t>(e - t)));
    return std::string_view(t, static_cast<size_t>((sp ? sp : e) - t));
  }

  // The checked path for numbers the fast loop did not take: says what is wrong, or returns.
  uint64_t slow_uint(size_t i, const char* t, const char* e) {
    const Column& c = schema_->column(i);
    auto tok = token_at(t, e);
    if (tok.empty()) fail(c, "empty value");
    uint64_t x = 0;
    for (char ch : tok) {
      unsigned d = static_cast<unsigned>(ch - '0');
      if (d > 9) fail(c, fmt::format("'{}' is not a number", shorten(tok)));
      if (x > (UINT64_MAX - d) / 10) fail(c, fmt::format("{} is out of range", shorten(tok)));
      x = x * 10 + d;
    }
    uint64_t max = c.type == Type::Time ? static_cast<uint64_t>(INT64_MAX) : plan_[i].max;
    if (x > max) fail(c, fmt::format("{} is out of range (at most {})", tok, max));
    return x;
  }

  // Dotted quads inline; anything else (IPv6, errors) through parse_ip.
  const char* parse_ip_field(size_t i, const char* t, const char* e, Value& v) {
    const char* q = t;
    uint8_t b[4];
    for (int k = 0; k < 4; ++k) {
      // Up to three digits, no leading zero, at most 255; the sentinel ends the line.
      unsigned x = static_cast<unsigned>(*q - '0');
      if (x > 9) return parse_ip_slow(i, t, e, v);
      unsigned d = static_cast<unsigned>(q[1] - '0');
      if (d <= 9) {
        if (x == 0) return parse_ip_slow(i, t, e, v);
        x = x * 10 + d;
        d = static_cast<unsigned>(q[2] - '0');
        if (d <= 9) {
          x = x * 10 + d;
          q += 3;
        } else {
          q += 2;
        }
      } else {
        q += 1;
      }
      if (x > 255 || q > e) return parse_ip_slow(i, t, e, v);
      b[k] = static_cast<uint8_t>(x);
      if (k < 3) {
        if (*q != '.' || q >= e) return parse_ip_slow(i, t, e, v);
        ++q;
      }
    }
    if (q < e && *q != ' ') return parse_ip_slow(i, t, e, v);
    std::memset(v.ip, 0, sizeof v.ip);
    std::memcpy(v.ip, b, 4);
    v.v6 = false;
    v.state = Value::Set;
    return q;
  }

  const char* parse_ip_slow(size_t i, const char* t, const char* e, Value& v) {
    auto tok = token_at(t, e);
    auto ip = parse_ip(tok);
    if (!ip) fail(schema_->column(i), fmt::format("'{}' is not an IP address", shorten(tok)));
    v.set_ip(*ip);
    return tok.data() + tok.size();
  }

  static std::string shorten(std::string_view s) {
    return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
  }

  std::unique_ptr<InputStream> in_;
  ReadOptions opts_;
  SchemaPtr schema_, plan_schema_;
  std::vector<Plan> plan_;
  std::string_view line_;  // the line being parsed, for messages
  uint64_t line_no_ = 0;
  Tolerated spaces_, crlf_, millis_;
};

class AwsTextWriter : public Writer {
 public:
  AwsTextWriter(Output& out, const WriteOptions& opts) : out_(out), opts_(opts) {}

  void write(const Record& r) override {
    if (!same_schema(last_, r.schema)) start_schema(r.schema);
    const size_t n = types_.size();
    size_t need = n + 1 + 44 * n;
    for (size_t i : string_slots_) need += r.values[i].s.size;
    char* p = out_.space(need);
    for (size_t i = 0; i < n; ++i) {
      const Value& v = r.values[i];
      if (v.null()) {
        *p++ = '-';
      } else {
        if (types_[i] == Type::String) check_token(r, i);
        p = text::put_value(p, v, types_[i]);
      }
      *p++ = ' ';
    }
    p[-1] = '\n';
    out_.advance(p);
  }

 private:
  void start_schema(const SchemaPtr& s) {
    last_ = s;
    types_.clear();
    string_slots_.clear();
    for (size_t i = 0; i < s->size(); ++i) {
      types_.push_back(s->column(i).type);
      if (types_.back() == Type::String) string_slots_.push_back(i);
    }
    if (opts_.header) {
      out_.write(s->header());
      out_.put('\n');
    }
  }

  // AWS text has no quoting: a value that is empty, "-", or holds white space cannot be written.
  static void check_token(const Record& r, size_t i) {
    auto s = r.values[i].str();
    bool blank = false;
    for (char c : s) blank |= static_cast<unsigned char>(c) <= ' ';
    if (!blank && !s.empty() && s != "-") return;
    const char* why = s.empty() ? "empty value" : s == "-" ? "the value '-' would read back as null" : "value contains white space";
    throw DataError("", r.line, r.schema->column(i).name,
                    fmt::format("record {}: {}; AWS text cannot carry it (use -O json)", r.line, why));
  }

  Output& out_;
  WriteOptions opts_;
  SchemaPtr last_;
  std::vector<Type> types_;
  std::vector<size_t> string_slots_;
};

}  // namespace

std::unique_ptr<Reader> aws_text_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<AwsTextReader>(std::move(in), opts);
}

std::unique_ptr<Writer> aws_text_writer(Output& out, const WriteOptions& opts) {
  return std::make_unique<AwsTextWriter>(out, opts);
}

}  // namespace flow
