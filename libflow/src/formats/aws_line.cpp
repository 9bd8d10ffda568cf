// The AWS text line parser: each field parsed in the same pass that finds its end.
#include "formats/aws_line.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "formats/sampled.hpp"

namespace flow {
namespace {

/// Leading decimal digits of the 8 bytes at p (0..8), and their value in `out`.
inline unsigned digits8(const char* p, uint64_t& out) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  uint64_t x = v ^ 0x3030303030303030ULL;                                    // digit bytes become 0..9
  uint64_t bad = ((x + 0x7676767676767676ULL) | x) & 0x8080808080808080ULL;  // bytes > 9
  unsigned n = bad ? static_cast<unsigned>(__builtin_ctzll(bad)) / 8 : 8;
  if (n == 0) return 0;
  x <<= 8 * (8 - n);                                  // right-align: the digits after zeros (leading zeros)
  x = (x * 10 + (x >> 8)) & 0x00FF00FF00FF00FFULL;    // pairs
  x = (x * 100 + (x >> 16)) & 0x0000FFFF0000FFFFULL;  // quads
  out = (x * 10000 + (x >> 32)) & 0xFFFFFFFFULL;      // eight
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

/// The end of the field at t: the next space, or e. Reads whole words (the line is padded).
inline const char* field_end(const char* t, const char* e) {
  for (const char* p = t;; p += 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    const uint64_t x = v ^ 0x2020202020202020ULL;                                    // spaces become 0
    const uint64_t zero = (x - 0x0101010101010101ULL) & ~x & 0x8080808080808080ULL;  // lowest one exact
    if (zero) return std::min(e, p + __builtin_ctzll(zero) / 8);
    if (p + 8 >= e) return e;
  }
}

/// The end of the string at t: the first byte at or below ' ' (a space, or a control character
/// the caller refuses), or e. Reads whole words (the line is padded).
inline const char* string_end(const char* t, const char* e) {
  for (const char* p = t;; p += 8) {
    uint64_t v;
    std::memcpy(&v, p, 8);
    const uint64_t low = (v - 0x2121212121212121ULL) & ~v & 0x8080808080808080ULL;  // lowest one exact
    if (low) return std::min(e, p + __builtin_ctzll(low) / 8);
    if (p + 8 >= e) return e;
  }
}

std::string_view token_at(const char* t, const char* e) {
  auto* sp = static_cast<const char*>(std::memchr(t, ' ', static_cast<size_t>(e - t)));
  return std::string_view(t, static_cast<size_t>((sp ? sp : e) - t));
}

std::string shorten(std::string_view s) {
  return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
}

}  // namespace

static_assert(static_cast<int>(Type::UInt) == 0 && static_cast<int>(Type::Time) == 1 &&
              static_cast<int>(Type::Ip) == 2 && static_cast<int>(Type::String) == 3);

size_t count_fields(std::string_view line) {
  size_t n = 0;
  for (size_t i = 0; i < line.size();) {
    while (i < line.size() && line[i] == ' ') ++i;
    if (i == line.size()) break;
    ++n;
    while (i < line.size() && line[i] != ' ') ++i;
  }
  return n;
}

const SchemaPtr& aws_default_schema() {
  static const SchemaPtr s = Schema::parse_aws(kAwsDefaultFormat);
  return s;
}

const SchemaPtr& tgw_default_schema() {
  static const SchemaPtr s = Schema::parse_aws(kTgwDefaultFormat);
  return s;
}

const std::vector<SchemaPtr>& AwsLineParser::alternatives(const ReadOptions& opts, bool header_seen) {
  static const std::vector<SchemaPtr> defaults{aws_default_schema(), tgw_default_schema()}, none;
  if (!opts.aws_schemas.empty()) return opts.aws_schemas;
  return opts.aws_schema || header_seen ? none : defaults;
}

void AwsLineParser::parse(std::string_view line, Record& r, uint64_t line_no,
                          const std::vector<SchemaPtr>& alternatives) {
  line_no_ = line_no;
  line_ = line;
  misfit_ = -1;
  if (alternatives.empty()) return parse_fields(line, r);
  try {
    parse_fields(line, r);
  } catch (const DataError&) {
    size_t n = count_fields(line);
    for (const auto& other : alternatives)
      if (other != r.schema && other->size() == n) {
        r.reset(other);
        return parse_fields(line, r);
      }
    throw;
  }
}

void AwsLineParser::given_formats(const ReadOptions& opts) {
  if (opts.aws_schemas.size() > 1) {
    std::string sizes;
    for (size_t i = 0; i < opts.aws_schemas.size(); ++i)
      sizes += fmt::format("{}{}",
                           i == 0                             ? ""
                           : i + 1 == opts.aws_schemas.size() ? " and "
                                                              : ", ",
                           opts.aws_schemas[i]->size());
    given_ = fmt::format("the formats given with --aws-format have {} fields", sizes);
  } else if (opts.aws_schema) {
    std::string names = opts.aws_schema->header();
    if (names.size() > 100) names = names.substr(0, 97) + "...";
    given_ = fmt::format("the format given with --aws-format has {}: {}", opts.aws_schema->size(), names);
  }
}

void AwsLineParser::count_fail(const std::string& field, size_t n, size_t found, const std::string& detail) {
  // Said in the user's terms when the format is theirs: a wrong --aws-format is the likely cause.
  if (!given_.empty())
    fail(field, fmt::format("line has {} fields; {}{}", found, given_, detail.empty() ? "" : "; " + detail));
  fail(field, fmt::format("expected {} fields, found {}{}", n, found, detail.empty() ? "" : ": " + detail));
}

/// A line holding control characters is binary data fed as text, which is said instead of the
/// field it happened to break.
void AwsLineParser::fail(const std::string& field, const std::string& what) {
  for (size_t i = 0; i < line_.size(); ++i) {
    auto c = static_cast<unsigned char>(line_[i]);
    if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7F)
      throw DataError(file_, line_no_, "",
                      fmt::format("binary data, not text (byte 0x{:02x} at column {}): is this a flow log?", c, i + 1));
  }
  throw DataError(file_, line_no_, field, what);
}

void AwsLineParser::note(Tolerated& t, uint64_t line_no, const char* what) {
  if (t.last_line == line_no) return;  // count lines, not values
  t.last_line = line_no;
  if (t.count++ == 0) {
    t.first_line = line_no;
    t.what = what;
    if (warn_) warn_(fmt::format("{}:{}: {}", file_, line_no, what));
  }
}

void AwsLineParser::report_tolerated() {
  for (auto* t : {&spaces_, &crlf_, &millis_})
    if (t->count > 1 && warn_)
      warn_(fmt::format("{}: {} lines in all: {} (first at line {})", file_, t->count, t->what, t->first_line));
  spaces_ = crlf_ = millis_ = Tolerated{};
}

// The hot loop: each field is parsed in the same pass that finds its end.
void AwsLineParser::parse_fields(std::string_view line, Record& r) {
  const Schema& schema = *r.schema;
  if (plan_schema_ != r.schema) {
    plan_.clear();
    for (const auto& c : schema.columns()) {
      const bool skip = wanted_ && std::find(wanted_->begin(), wanted_->end(), c.name) == wanted_->end();
      const bool sampled = !c.id && c.type != Type::String;
      const Kind kind = sampled ? Kind::Sampled : static_cast<Kind>(c.type);
      plan_.push_back({kind, value_max(c), skip, c.id ? field_values(*c.id) : std::span<const std::string_view>{}});
    }
    plan_schema_ = r.schema;
  }
  const char* q = line.data();
  const char* const e = q + line.size();
  const size_t n = plan_.size();
  Value* out = r.values.data();
  for (size_t i = 0; i < n; ++i) {
    if (q >= e) count_fail(schema.column(i).name, n, i, "");
    const char* t = q;
    Value& v = out[i];
    if (plan_[i].skip) {
      v.set_null();
      q = field_end(q, e);
    } else if (*q == '-' && (q + 1 == e || q[1] == ' ')) {
      v.set_null();
      ++q;
    } else {
      switch (plan_[i].kind) {
        case Kind::UInt: {
          uint64_t x;
          unsigned len = parse_digits_fast(q, x);
          q += len;
          if (len == 0 || len >= 16 || (q < e && *q != ' ') || x > plan_[i].max)
            x = slow_uint(i, t, e), q = t + token_at(t, e).size();
          v.set_uint(x);
          break;
        }
        case Kind::Time: {
          uint64_t x;
          unsigned len = parse_digits_fast(q, x);
          q += len;
          if (len == 0 || len >= 16 || (q < e && *q != ' ')) x = slow_uint(i, t, e), q = t + token_at(t, e).size();
          if (x >= 100'000'000'000)
            note(millis_, line_no_, "time in milliseconds; kept as written, read as seconds/1000");
          v.set_time(static_cast<int64_t>(x));
          break;
        }
        case Kind::Ip: q = parse_ip_field(i, t, e, v); break;
        case Kind::String: q = parse_string(i, t, e, v); break;
        case Kind::Float: {
          auto tok = token_at(t, e);
          auto d = parse_float(tok);
          if (!d) fail(schema.column(i).name, fmt::format("'{}' is not a number", shorten(tok)));
          v.set_float(*d);
          q = t + tok.size();
          break;
        }
        case Kind::Sampled: q = parse_sampled(i, t, e, v); break;
      }
    }
    if (q < e) {
      ++q;                       // the separator (the parsers stop only at a space or the end)
      if (q < e && *q == ' ') {  // runs of spaces: AWS's own doc sample has one
        while (q < e && *q == ' ') ++q;
        note(spaces_, line_no_, "runs of spaces between fields (read as one)");
      }
    }
  }
  if (q < e) {
    std::string_view rest(q, static_cast<size_t>(e - q));
    size_t extra = 1;
    for (char c : rest) extra += c == ' ';
    count_fail("", n, n + extra,
               fmt::format("unexpected '{}' after the last field ({})", shorten(rest.substr(0, rest.find(' '))),
                           schema.columns().back().name));
  }
}

// The checked path for numbers the fast loop did not take: says what is wrong, or returns.
uint64_t AwsLineParser::slow_uint(size_t i, const char* t, const char* e) {
  const Column& c = plan_schema_->column(i);
  auto tok = token_at(t, e);
  if (tok.empty()) fail(c.name, "empty value");
  uint64_t x = 0;
  for (char ch : tok) {
    unsigned d = static_cast<unsigned>(ch - '0');
    if (d > 9) fail(c.name, fmt::format("'{}' is not a number", shorten(tok)));
    if (x > (UINT64_MAX - d) / 10) fail(c.name, fmt::format("{} is out of range", shorten(tok)));
    x = x * 10 + d;
  }
  if (x > plan_[i].max) fail(c.name, out_of_range(tok, plan_[i].max));
  return x;
}

// A string is the token as it is, but no control character (a NUL is no part of any name),
// and one of the field's values where AWS documents a closed set.
const char* AwsLineParser::parse_string(size_t i, const char* t, const char* e, Value& v) {
  const char* q = string_end(t, e);
  if (q < e && *q != ' ') {
    auto tok = token_at(t, e);
    throw DataError(file_, line_no_, plan_schema_->column(i).name,
                    fmt::format("'{}' holds a control character (byte 0x{:02x} at column {})", shorten(tok),
                                static_cast<unsigned char>(*q), q - line_.data() + 1));
  }
  std::string_view s(t, static_cast<size_t>(q - t));
  const auto& values = plan_[i].values;
  if (!values.empty() && std::find(values.begin(), values.end(), s) == values.end()) {
    const Column& c = plan_schema_->column(i);
    fail(c.name, field_value_error(*c.id, s));
  }
  v.set_str(s);
  return q;
}

// A column typed from a sample takes only what prints back as written: "007" or "::FFFF:1.2.3.4"
// would come out changed (an account number losing its zero), so they are misfits, and the
// reader makes the column a String.
const char* AwsLineParser::parse_sampled(size_t i, const char* t, const char* e, Value& v) {
  const auto tok = token_at(t, e);
  const Column& c = plan_schema_->column(i);
  if (!flow::parse_sampled(c.type, tok, v)) {
    misfit_ = static_cast<int>(i);
    fail(c.name, fmt::format("'{}' is not a {} as the column's other values are", shorten(tok), type_name(c.type)));
  }
  return tok.data() + tok.size();
}

// Dotted quads inline; anything else (IPv6, errors) through parse_ip.
const char* AwsLineParser::parse_ip_field(size_t i, const char* t, const char* e, Value& v) {
  // Four parts of one to three digits, no leading zero, at most 255, each read by digits8
  // without a branch on its length (the lengths vary from address to address, which branches
  // mispredict); one test at the end sends anything else (IPv6, errors) the slow way. The
  // reads stay within the line's padding: a part advances q by at most 9 bytes.
  const char* q = t;
  uint8_t b[4];
  bool ok = true;
  for (int k = 0; k < 4; ++k) {
    uint64_t x = 0;
    const unsigned n = digits8(q, x);
    ok &= (n - 1u < 3u) & (x <= 255) & !((n > 1) & (*q == '0'));
    b[k] = static_cast<uint8_t>(x);
    q += n;
    if (k < 3) ok &= *q++ == '.';
  }
  ok &= q == e || (q < e && *q == ' ');
  if (!ok) return parse_ip_slow(i, t, e, v);
  std::memset(v.ip, 0, sizeof v.ip);
  std::memcpy(v.ip, b, 4);
  v.v6 = false;
  v.state = Value::Set;
  return q;
}

const char* AwsLineParser::parse_ip_slow(size_t i, const char* t, const char* e, Value& v) {
  auto tok = token_at(t, e);
  auto ip = parse_ip(tok);
  if (!ip) fail(plan_schema_->column(i).name, fmt::format("'{}' is not an IP address", shorten(tok)));
  v.set_ip(*ip);
  return tok.data() + tok.size();
}

}  // namespace flow
