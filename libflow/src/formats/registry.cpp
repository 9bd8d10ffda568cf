// Format names, detection of the input format, and the reader/writer factories.
#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
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
    {Format::Auto, "auto", true, false}, {Format::Aws, "aws", true, true},      {Format::Json, "json", true, true},
    {Format::Csv, "csv", false, true},   {Format::Table, "table", false, true}, {Format::Binary, "bin", true, true},
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
  throw UsageError(fmt::format("unknown format '{}' (expected aws, json, csv, table or bin)", name));
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

Format detect_format(InputStream& in) {
  in.fill(kSniffSize);
  auto head = in.view();
  if (sniff(head) == Magic::Binary) return Format::Binary;
  // JSON starts with '{' or '[' after optional white space (and a UTF-8 byte-order mark).
  size_t i = head.starts_with("\xEF\xBB\xBF") ? 3 : 0;
  for (;;) {
    while (i < head.size() && (head[i] == ' ' || head[i] == '\t' || head[i] == '\n' || head[i] == '\r')) ++i;
    if (i < head.size() || !in.fill(head.size() + 4096)) break;
    head = in.view();
  }
  if (i < head.size() && (head[i] == '{' || head[i] == '[')) return Format::Json;
  return Format::Aws;
}

std::unique_ptr<InputStream> undo_encoding(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  // "H4sI" is how base64 spells the gzip magic: Kinesis record data (CloudWatch Logs envelopes)
  // as the API and the console show it. Decoded, it is read like any gzip input, within the
  // same limit.
  in->fill(64);
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
  Format f = opts.format == Format::Auto ? detect_format(*in) : opts.format;
  switch (f) {
    case Format::Aws: return aws_text_reader(std::move(in), opts);
    case Format::Json: return json_reader(std::move(in), opts);
    case Format::Binary: return binary_reader(std::move(in), opts);
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
