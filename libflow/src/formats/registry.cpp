// Format names, detection of the input format, and the reader/writer factories.
#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/csv_reader.hpp"
#include "formats/text_util.hpp"
#include "io/sniff.hpp"

namespace flow {

namespace {
struct Name {
  Format format;
  std::string_view name;
  bool input, output;
};
constexpr Name kNames[] = {
    {Format::Auto, "auto", true, false},       {Format::Aws, "aws", true, true},
    {Format::Json, "json", true, true},        {Format::Csv, "csv", true, true},
    {Format::Table, "table", false, true},     {Format::Binary, "bin", true, true},
    {Format::Parquet, "parquet", true, true},
};
}  // namespace

std::string_view format_name(Format f) {
  for (const auto& n : kNames)
    if (n.format == f) return n.name;
  return "?";
}

Format parse_format_name(std::string_view name) {
  for (const auto& n : kNames)
    if (n.name == name) return n.format;
  if (name == "text") return Format::Aws;
  if (name == "jsonl" || name == "ndjson") return Format::Json;
  if (name == "binary") return Format::Binary;
  throw UsageError(fmt::format("unknown format '{}' (expected aws, json, csv, table, bin or parquet)", name));
}

std::vector<std::string> output_format_names() {
  std::vector<std::string> v;
  for (const auto& n : kNames)
    if (n.output) v.emplace_back(n.name);
  return v;
}

std::vector<std::string> input_format_names() {
  std::vector<std::string> v;
  for (const auto& n : kNames)
    if (n.input) v.emplace_back(n.name);
  return v;
}

namespace {

// Detection looks at this many bytes after the blank lines; white space beyond is read as text.
constexpr size_t kDetectSize = 64 << 10;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/// Consumes the blank lines (spaces and CRs: blank to every reader) at the start of `in` as
/// they are read and returns their number: an input of nothing but newlines costs no more
/// memory than one line. Stops within a line of white space longer than kDetectSize (the
/// reader then sees it and its length).
uint64_t skip_blank_lines(InputStream& in) {
  uint64_t lines = 0;
  size_t scanned = 0;  // bytes of the window known to be blank, after the last newline
  for (;;) {
    std::string_view v = in.view();
    size_t i = scanned, cut = 0;
    for (; i < v.size() && (v[i] == ' ' || v[i] == '\r' || v[i] == '\n'); ++i)
      if (v[i] == '\n') ++lines, cut = i + 1;
    in.consume(cut);
    if (i < v.size() || in.size() > kDetectSize || !in.fill(in.size() + 1)) return lines;
    scanned = i - cut;
  }
}

}  // namespace

Format detect_format(InputStream& in) {
  in.fill(kSniffSize);
  if (sniff(in.view()) == Magic::Binary) return Format::Binary;
  if (sniff(in.view()) == Magic::Parquet) return Format::Parquet;
  // JSON starts with '{' or '[' after optional white space (and a UTF-8 byte-order mark).
  size_t i = in.view().starts_with("\xEF\xBB\xBF") ? 3 : 0;
  while (i < kDetectSize && (i < in.size() || in.fill(i + 1)) && is_space(in.data()[i])) ++i;
  if (i < in.size() && (in.data()[i] == '{' || in.data()[i] == '[')) return Format::Json;
  // CSV starts with a header line of column names between commas (AWS text's has spaces).
  while (in.view().find('\n', i) == std::string_view::npos && in.size() < kDetectSize && in.fill(in.size() + 1)) {
  }
  const std::string_view v = in.view().substr(0, kDetectSize);
  if (is_csv_header(v.substr(0, v.find('\n')))) return Format::Csv;
  return Format::Aws;
}

std::unique_ptr<InputStream> undo_encoding(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  // "H4sI" is how base64 spells the gzip magic: Kinesis record data (CloudWatch Logs envelopes)
  // as the API and the console show it. Decoded, it is read like any gzip input, within the
  // same limit.
  // Up to 64 bytes, or fewer once they tell: a short first record of a live input that then
  // pauses is not held back.
  while (in->size() < 64) {
    const std::string_view v = in->view();
    const size_t first = v.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && !std::string_view("H4sI").starts_with(v.substr(first, 4))) break;
    if (first != std::string_view::npos && v.size() >= first + 4) break;
    if (!in->fill(in->size() + 1)) break;
  }
  if (opts.format == Format::Auto && sniff(in->view()) == Magic::Base64Gzip) {
    std::string name = in->name();
    const uint64_t limit = in->limit();
    auto decoded = std::make_unique<InputStream>(base64_source(std::move(in)), name);
    decoded->fill(2);
    in = std::make_unique<InputStream>(gzip_source(std::move(decoded)), name);
    in->set_limit(limit);
  }
  // A UTF-8 byte-order mark (editors and Windows tools write one) is not data: without this the
  // first field of a text file or the first JSON value would start with three invisible bytes.
  if (in->view().starts_with("\xEF\xBB\xBF")) in->consume(3);
  return in;
}

std::unique_ptr<Reader> open_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  in = undo_encoding(std::move(in), opts);
  ReadOptions o = opts;
  Format f = opts.format;
  if (f == Format::Auto) {
    // Blank lines before the data are passed over, counted so that line numbers stay the file's.
    o.first_line += skip_blank_lines(*in);
    f = detect_format(*in);
  }
  switch (f) {
    case Format::Aws: return aws_text_reader(std::move(in), o);
    case Format::Json: return json_reader(std::move(in), o);
    case Format::Csv: return csv_reader(std::move(in), o);
    case Format::Binary: return binary_reader(std::move(in), o);
    case Format::Parquet: return parquet_reader(std::move(in), o);
    default: throw UsageError(fmt::format("{} cannot be read as input", format_name(f)));
  }
}

std::unique_ptr<Writer> make_writer(Format f, Output& out, const WriteOptions& opts) {
  switch (f) {
    case Format::Aws: return aws_text_writer(out, opts);
    case Format::Json: return json_writer(out, opts);
    case Format::Csv: return csv_writer(out, opts);
    case Format::Table: return table_writer(out, opts);
    case Format::Binary: return binary_writer(out, opts);
    case Format::Parquet: return parquet_writer(out, opts);
    default: throw UsageError(fmt::format("{} is not an output format", format_name(f)));
  }
}

std::string value_text(const Value& v, Type t) {
  if (v.null()) return "-";
  char buf[64];
  if (t == Type::String) return std::string(v.str());
  return std::string(buf, text::put_value(buf, v, t));
}

}  // namespace flow
