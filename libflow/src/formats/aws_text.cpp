// AWS VPC Flow Logs text: space-separated fields, "-" for null, S3 header lines naming the format.
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/aws_line.hpp"
#include "formats/text_util.hpp"

namespace flow {

static_assert(InputStream::kPadding >= kLinePadding, "the line parser reads past a line's end");
namespace {

constexpr size_t kMaxLine = 16 << 20;

// Parsing relies on a sentinel: every line handed to the parser is followed in memory by '\n',
// '\r' or InputStream's zeroed padding (at least 64 bytes); see AwsLineParser::parse.

/// A header line names fields: every token has field-name syntax (or is ${name}), and at least
/// half are names we know, so that data made only of identifiers is not taken for a header.
SchemaPtr parse_header(std::string_view line) {
  if (line.empty() || !((line[0] >= 'a' && line[0] <= 'z') || line[0] == '$')) return nullptr;
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
    known += find_field(tok).has_value() || is_source_field_name(tok);
  }
  if (tokens == 0 || known * 2 < tokens) return nullptr;
  return Schema::parse_aws(line);
}

class AwsTextReader : public Reader {
 public:
  AwsTextReader(std::unique_ptr<InputStream> in, const ReadOptions& opts)
      : in_(std::move(in)),
        opts_(opts),
        schema_(opts.aws_schema       ? opts.aws_schema
                : opts.initial_schema ? opts.initial_schema
                                      : aws_default_schema()),
        parser_(in_->name(), opts.warn),
        line_no_(opts.first_line),
        header_seen_(opts.initial_schema != nullptr) {  // a piece after a header: that header's format
    if (!opts.check_every_field) parser_.read_only(opts.fields);
    parser_.given_formats(opts);
  }

  bool next(Record& r) override {
    for (;;) {
      std::string_view line;
      if (!next_line(line)) {
        parser_.report_tolerated();
        return false;
      }
      if (!line.empty() && line.back() == '\r') {
        line.remove_suffix(1);
        parser_.note_crlf(line_no_);
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
      // Without a header or --aws-format, a line may be in either of AWS's default formats.
      parser_.parse(line, r, line_no_, AwsLineParser::alternatives(opts_, header_seen_));
      schema_ = r.schema;
      return true;
    }
  }

 private:
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
        DataError e(in_->name(), line_no_ + 1, "",
                    fmt::format("line longer than {} MiB; the rest of the input is not read", kMaxLine >> 20));
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
      DataError d(in_->name(), line_no_, "",
                  fmt::format("bad header line: {}; the lines after it are not read", e.what()));
      d.fatal = true;
      throw d;
    }
  }

  void use_header(SchemaPtr h) {
    if (opts_.aws_schema) {
      if (!(*h == *opts_.aws_schema) && opts_.warn)
        opts_.warn(
            fmt::format("{}:{}: header line differs from --aws-format; using --aws-format", in_->name(), line_no_));
      return;
    }
    header_seen_ = true;
    schema_ = std::move(h);
  }

  std::unique_ptr<InputStream> in_;
  ReadOptions opts_;
  SchemaPtr schema_;
  AwsLineParser parser_;
  uint64_t line_no_ = 0;
  bool header_seen_ = false;
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
    const char* why = s.empty()  ? "empty value"
                      : s == "-" ? "the value '-' would read back as null"
                                 : "value contains white space";
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

SchemaPtr aws_header_schema(std::string_view line) { return parse_header(line); }

std::unique_ptr<Reader> aws_text_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<AwsTextReader>(std::move(in), opts);
}

std::unique_ptr<Writer> aws_text_writer(Output& out, const WriteOptions& opts) {
  return std::make_unique<AwsTextWriter>(out, opts);
}

}  // namespace flow
