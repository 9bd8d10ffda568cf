// AWS VPC Flow Logs text: space-separated fields, "-" for null, S3 header lines naming the format.
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/aws_line.hpp"
#include "formats/sampled.hpp"
#include "formats/text_util.hpp"

namespace flow {

static_assert(InputStream::kPadding >= kLinePadding, "the line parser reads past a line's end");
namespace {

constexpr size_t kMaxLine = 16 << 20;

// Parsing relies on a sentinel: every line handed to the parser is followed in memory by '\n',
// '\r' or InputStream's zeroed padding (at least 64 bytes); see AwsLineParser::parse.

// A sample of the lines after a header types the columns it names that the field table does
// not know: at most this many bytes read ahead (only what can be had without waiting).
constexpr size_t kSampleBytes = 1 << 20;
constexpr size_t kSampleLines = 1000;

/// What a line may be: None, data (a token is no field name); Names, every token has
/// field-name syntax (or is ${name}) but fewer than half are names we know: a header (a tool's
/// own, of columns named anything) or data made only of identifiers ("eni-1 vpc-1"), which the
/// reader tells apart by whether it reads as data; Known, a header line.
enum class LineKind { None, Names, Known };

LineKind line_kind(std::string_view line) {
  if (line.empty() || !((line[0] >= 'a' && line[0] <= 'z') || line[0] == '$')) return LineKind::None;
  size_t tokens = 0, known = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t b = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (b == i) break;
    auto tok = line.substr(b, i - b);
    if (tok.size() > 3 && tok.starts_with("${") && tok.ends_with("}")) tok = tok.substr(2, tok.size() - 3);
    if (!is_field_name_syntax(tok)) return LineKind::None;
    ++tokens;
    known += find_field(tok).has_value() || is_source_field_name(tok);
  }
  if (tokens == 0) return LineKind::None;
  return known * 2 < tokens ? LineKind::Names : LineKind::Known;
}

/// Whether the names of a header line are the columns of `s`, in order.
bool names_schema(std::string_view line, const Schema& s) {
  size_t n = 0, i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    const size_t b = i;
    while (i < line.size() && line[i] != ' ') ++i;
    if (b == i) break;
    auto tok = line.substr(b, i - b);
    if (tok.size() > 3 && tok.starts_with("${") && tok.ends_with("}")) tok = tok.substr(2, tok.size() - 3);
    if (n >= s.size() || s.column(n).name != tok) return false;
    ++n;
  }
  return n == s.size();
}

SchemaPtr parse_header(std::string_view line) {
  return line_kind(line) == LineKind::Known ? Schema::parse_aws(line) : nullptr;
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
        header_seen_(opts.initial_schema != nullptr),  // a piece after a header: that header's format
        untyped_(true) {
    if (!opts.check_every_field) parser_.read_only(opts.fields);
    parser_.given_formats(opts);
  }

  bool next(Record& r) override {
    for (;;) {
      if (untyped_) sample();
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
        const LineKind k = line_kind(line);
        if (k == LineKind::Names && !names_schema(line, *schema_)) {
          // Field names, not half of them known, not the header again: data if it reads so (as
          // it is: a misfit does not widen a column here), else a header (a tool's own) if the
          // next line has as many fields; else the error it is as data ("not a flow log").
          try {
            parse_data(line, r, false);
            return true;
          } catch (const DataError&) {
            SchemaPtr h = header_schema(line);
            if (!next_line_has(h->size())) throw;
            use_header(std::move(h));
            continue;
          }
        }
        if (k != LineKind::None) {
          use_header(header_schema(line));
          continue;
        }
      }
      parse_data(line, r);
      return true;
    }
  }

 private:
  void parse_data(std::string_view line, Record& r, bool widen = true) {
    if (!same_schema(r.schema, schema_)) r.reset(schema_);
    r.line = line_no_;
    for (;;) {
      try {
        // Without a header or --aws-format, a line may be in either of AWS's default formats.
        parser_.parse(line, r, line_no_, AwsLineParser::alternatives(opts_, header_seen_));
        break;
      } catch (const DataError&) {
        // A value that does not fit the type a sample gave its column: the column becomes a String.
        const int slot = parser_.misfit();
        if (slot < 0 || !widen) throw;
        schema_ = widen_column(*r.schema, static_cast<size_t>(slot));
        r.reset(schema_);
        r.line = line_no_;
      }
    }
    schema_ = r.schema;
  }

  /// Whether the next line that is not blank has n fields (read ahead as far as it takes).
  bool next_line_has(size_t n) {
    size_t from = 0;
    for (;;) {
      const std::string_view v = in_->view();
      const size_t nl = v.find('\n', from);
      if (nl == std::string_view::npos && in_->size() <= kMaxLine && in_->fill(in_->size() + 1)) continue;
      std::string_view next = v.substr(from, nl == std::string_view::npos ? std::string_view::npos : nl - from);
      if (!next.empty() && next.back() == '\r') next.remove_suffix(1);
      if (next.find_first_not_of(' ') != std::string_view::npos) return count_fields(next) == n;
      if (nl == std::string_view::npos) return false;
      from = nl + 1;
    }
  }

  /// Types the columns of schema_ that the field table does not know from the lines ahead (those
  /// in the window, and what can be read without waiting, up to kSampleBytes and kSampleLines),
  /// before the first record of the schema is handed out. The sample ends at a header line.
  void sample() {
    untyped_ = false;
    ColumnSampler sampler(schema_);
    if (!sampler.wanted()) return;
    bool ended = false;  // the window holds the rest of the input
    while (!ended && in_->size() < kSampleBytes && in_->source().ready()) ended = !in_->fill(in_->size() + 1);
    std::string_view v = in_->view().substr(0, kSampleBytes);
    const size_t n = schema_->size();
    std::vector<std::string_view> tokens;
    for (size_t lines = 0; lines < kSampleLines && !v.empty(); ++lines) {
      const size_t nl = v.find('\n');
      if (nl == std::string_view::npos && !(ended && v.data() + v.size() == in_->data() + in_->size()))
        break;  // a line read in part
      std::string_view line = v.substr(0, nl);
      v.remove_prefix(nl == std::string_view::npos ? v.size() : nl + 1);
      if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
      if (line_kind(line) != LineKind::None) break;
      tokens.clear();
      for (size_t i = 0; i < line.size();) {
        while (i < line.size() && line[i] == ' ') ++i;
        const size_t b = i;
        while (i < line.size() && line[i] != ' ') ++i;
        if (b < i) tokens.push_back(line.substr(b, i - b));
      }
      if (tokens.size() != n) continue;  // blank, or not of this format: its error comes when read
      for (size_t i = 0; i < n; ++i)
        if (tokens[i] != "-") sampler.add(i, tokens[i]);
    }
    schema_ = sampler.typed();
  }

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
      return Schema::parse_aws(line);
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
    untyped_ = true;
  }

  std::unique_ptr<InputStream> in_;
  ReadOptions opts_;
  SchemaPtr schema_;
  AwsLineParser parser_;
  uint64_t line_no_ = 0;
  bool header_seen_ = false;
  bool untyped_ = false;  // schema_ may have columns to type from a sample (sample())
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

SchemaPtr aws_first_header_schema(std::string_view line) {
  return line_kind(line) == LineKind::None ? nullptr : Schema::parse_aws(line);
}

std::unique_ptr<Reader> aws_text_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<AwsTextReader>(std::move(in), opts);
}

std::unique_ptr<Writer> aws_text_writer(Output& out, const WriteOptions& opts) {
  return std::make_unique<AwsTextWriter>(out, opts);
}

}  // namespace flow
