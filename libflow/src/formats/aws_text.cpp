// AWS VPC Flow Logs text: space-separated fields, "-" for null, S3 header lines naming the format.
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/text_util.hpp"

namespace flow {
namespace {

constexpr size_t kMaxLine = 16 << 20;

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
        if (SchemaPtr h = parse_header(line)) {
          use_header(h);
          continue;
        }
      }
      if (!same_schema(r.schema, schema_)) r.reset(schema_);
      r.line = line_no_;
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
        DataError e(in_->name(), line_no_ + 1, "", fmt::format("line longer than {} MiB", kMaxLine >> 20));
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
        opts_.warn(fmt::format("{}: {} lines in all like line {} ({})", in_->name(), t->count,
                               t->first_line, t->what));
    spaces_ = crlf_ = millis_ = Tolerated{};
  }

  [[noreturn]] void fail(const Column& c, const std::string& what) {
    throw DataError(in_->name(), line_no_, c.name, what);
  }

  void parse(std::string_view line, Record& r) {
    const char* q = line.data();
    const char* e = q + line.size();
    const auto& cols = schema_->columns();
    const size_t n = cols.size();
    for (size_t i = 0; i < n; ++i) {
      if (q >= e) {
        throw DataError(in_->name(), line_no_, cols[i].name,
                        fmt::format("expected {} fields, found {}", n, i));
      }
      const char* t = q;
      while (q < e && *q != ' ') ++q;
      std::string_view tok(t, static_cast<size_t>(q - t));
      if (q < e) {
        ++q;
        if (q < e && *q == ' ') {  // runs of spaces: AWS's own doc sample has one
          while (q < e && *q == ' ') ++q;
          note(spaces_, "runs of spaces between fields (read as one)");
        }
      }
      parse_value(cols[i], tok, r.values[i]);
    }
    if (q < e) {
      std::string_view rest(q, static_cast<size_t>(e - q));
      size_t extra = 1;
      for (char c : rest) extra += c == ' ';
      throw DataError(in_->name(), line_no_, "",
                      fmt::format("expected {} fields, found {}: unexpected '{}' after the last field ({})",
                                  n, n + extra, rest.substr(0, rest.find(' ')).substr(0, 40),
                                  cols.back().name));
    }
  }

  void parse_value(const Column& c, std::string_view tok, Value& v) {
    if (tok.size() == 1 && tok[0] == '-') {
      v.set_null();
      return;
    }
    switch (c.type) {
      case Type::String:
        v.set_str(tok);
        return;
      case Type::UInt: {
        uint64_t x = parse_digits(c, tok);
        uint64_t max = c.id ? field_info(*c.id).max : UINT64_MAX;
        if (x > max) fail(c, fmt::format("{} is out of range (at most {})", tok, max));
        v.set_uint(x);
        return;
      }
      case Type::Time: {
        uint64_t x = parse_digits(c, tok);
        if (x > static_cast<uint64_t>(INT64_MAX)) fail(c, fmt::format("{} is out of range", tok));
        if (x >= 100'000'000'000) note(millis_, "time in milliseconds; kept as written, read as seconds/1000");
        v.set_time(static_cast<int64_t>(x));
        return;
      }
      case Type::Ip: {
        auto ip = parse_ipv4(tok);
        if (!ip) ip = parse_ip(tok);
        if (!ip) fail(c, fmt::format("'{}' is not an IP address", shorten(tok)));
        v.set_ip(*ip);
        return;
      }
    }
  }

  uint64_t parse_digits(const Column& c, std::string_view tok) {
    if (tok.empty()) fail(c, "empty value");
    uint64_t x = 0;
    for (char ch : tok) {
      unsigned d = static_cast<unsigned>(ch - '0');
      if (d > 9) fail(c, fmt::format("'{}' is not a number", shorten(tok)));
      if (x > (UINT64_MAX - d) / 10) fail(c, fmt::format("{} is out of range", shorten(tok)));
      x = x * 10 + d;
    }
    return x;
  }

  static std::string shorten(std::string_view s) {
    return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
  }

  std::unique_ptr<InputStream> in_;
  ReadOptions opts_;
  SchemaPtr schema_;
  uint64_t line_no_ = 0;
  Tolerated spaces_, crlf_, millis_;
};

class AwsTextWriter : public Writer {
 public:
  AwsTextWriter(Output& out, const WriteOptions& opts) : out_(out), opts_(opts) {}

  void write(const Record& r) override {
    const Schema& s = *r.schema;
    if (!same_schema(last_, r.schema)) {
      last_ = r.schema;
      if (opts_.header) {
        out_.write(s.header());
        out_.put('\n');
      }
    }
    size_t need = s.size() + 1;
    for (size_t i = 0; i < s.size(); ++i) need += text::max_text_size(r.values[i], s.column(i).type);
    char* p = out_.space(need);
    for (size_t i = 0; i < s.size(); ++i) {
      if (i) *p++ = ' ';
      const Value& v = r.values[i];
      const Type t = s.column(i).type;
      if (v.null()) {
        *p++ = '-';
      } else {
        if (t == Type::String) check_token(r, i);
        p = text::put_value(p, v, t);
      }
    }
    *p++ = '\n';
    out_.advance(p);
  }

 private:
  // AWS text has no quoting: a value that is empty, "-", or holds a space cannot be written.
  static void check_token(const Record& r, size_t i) {
    auto s = r.values[i].str();
    const char* why = s.empty() ? "empty value"
                      : s == "-" ? "the value '-' would read back as null"
                      : s.find_first_of(" \n\r\t") != std::string_view::npos ? "value contains white space"
                                                                        : nullptr;
    if (why)
      throw DataError("", r.line, r.schema->column(i).name,
                      fmt::format("record {}: {}; AWS text cannot carry it (use -O json)", r.line, why));
  }

  Output& out_;
  WriteOptions opts_;
  SchemaPtr last_;
};

}  // namespace

std::unique_ptr<Reader> aws_text_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<AwsTextReader>(std::move(in), opts);
}

std::unique_ptr<Writer> aws_text_writer(Output& out, const WriteOptions& opts) {
  return std::make_unique<AwsTextWriter>(out, opts);
}

}  // namespace flow
