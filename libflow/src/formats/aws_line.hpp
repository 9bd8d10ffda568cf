// One line of AWS flow-log text into a record: shared by the text reader and the readers of
// CloudWatch Logs envelopes and Firehose records, which carry the same lines inside JSON.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flow/format.hpp"

namespace flow {

/// The schema AWS writes by default: VPC version 2, or Transit Gateway's 36 fields.
const SchemaPtr& aws_default_schema();
const SchemaPtr& tgw_default_schema();

/// Bytes that must be readable after a line given to AwsLineParser::parse (InputStream's
/// padding provides them): the parsers read whole words past a field's end.
inline constexpr size_t kLinePadding = 64;

/// The number of space-separated fields of a line.
size_t count_fields(std::string_view line);

/// The schema the first line of a file names when every token is a field name, known or not
/// (the header of a tool's output, of columns named anything), else null. Lines after the first
/// are headers by aws_header_schema() (at least half the names known), or when they do not read
/// as data in the format before them (the text reader's rule).
SchemaPtr aws_first_header_schema(std::string_view line);

class AwsLineParser {
 public:
  AwsLineParser(std::string file, WarnFn warn) : file_(std::move(file)), warn_(std::move(warn)) {}

  /// Parses only these fields (ReadOptions::fields); the others must be there, but are not
  /// read and come out null. nullopt: every field.
  void read_only(std::optional<std::vector<std::string>> fields) {
    wanted_ = std::move(fields);
    plan_schema_ = nullptr;
  }

  /// The formats the user gave (ReadOptions::aws_schema, aws_schemas: --aws-format), named in
  /// the message for a line of another number of fields.
  void given_formats(const ReadOptions& opts);

  /// Parses `line` into r, whose schema gives the fields (r.values sized to it). The line must be
  /// followed in memory by '\n', '\r' or a zero byte, then kLinePadding readable bytes (the
  /// parsers read whole words without bounds checks). When the line does not read so and one of `alternatives` has its
  /// number of fields, r is reset to that one: nothing in a header-less line says its format, and a stream may mix
  /// AWS's two defaults (VPC v2, 14 fields; Transit Gateway, 36) or the formats the user gave.
  void parse(std::string_view line, Record& r, uint64_t line_no, const std::vector<SchemaPtr>& alternatives = {});
  /// The alternatives for a reader: the formats given (ReadOptions::aws_schemas), else AWS's
  /// two defaults when no header line or single --aws-format fixes the format.
  static const std::vector<SchemaPtr>& alternatives(const ReadOptions& opts, bool header_seen);
  /// After parse() threw: the slot of the column whose value did not fit the type its sample
  /// gave it (a column unknown to the field table typed UInt or Ip from the text), else -1.
  /// Such a column is read strictly (digits without a leading zero; an address as it prints),
  /// so that a value is never changed, and its reader widens it to String.
  int misfit() const { return misfit_; }
  /// Counts a tolerated quirk of a line (warned once per input, counted at its end).
  void note_crlf(uint64_t line_no) { note(crlf_, line_no, "line ends in CR (Windows line ending); the CR is dropped"); }
  /// The end-of-input counts of tolerated quirks.
  void report_tolerated();
  const std::string& file() const { return file_; }

 private:
  struct Tolerated {
    uint64_t count = 0, first_line = 0, last_line = 0;
    std::string what;
  };
  // A column's parse: its Type's, or strictly for an unknown column typed from a sample.
  // A Type, or Sampled: a column the field table does not know, typed from a sample of its text
  // (formats/sampled.hpp), whose value may not fit (misfit()).
  enum class Kind : uint8_t { UInt, Time, Ip, String, Float, Sampled };
  struct Plan {  // per-column facts, looked up once per schema rather than once per value
    Kind kind;
    uint64_t max;
    bool skip;                                 // not read by the caller: found, not parsed
    std::span<const std::string_view> values;  // a string's only values (field_values), or empty
  };

  void parse_fields(std::string_view line, Record& r);
  /// A line of `found` fields where the schema has n.
  [[noreturn, gnu::cold, gnu::noinline]] void count_fail(const std::string& field, size_t n, size_t found,
                                                         const std::string& detail);
  [[noreturn, gnu::cold, gnu::noinline]] void fail(const std::string& field, const std::string& what);
  std::string given_;  // "the format given with --aws-format has N: ...", or empty
  void note(Tolerated& t, uint64_t line_no, const char* what);
  uint64_t slow_uint(size_t i, const char* t, const char* e);
  const char* parse_ip_field(size_t i, const char* t, const char* e, Value& v);
  const char* parse_ip_slow(size_t i, const char* t, const char* e, Value& v);
  const char* parse_string(size_t i, const char* t, const char* e, Value& v);
  const char* parse_sampled(size_t i, const char* t, const char* e, Value& v);

  std::string file_;
  WarnFn warn_;
  std::optional<std::vector<std::string>> wanted_;
  SchemaPtr plan_schema_;
  std::vector<Plan> plan_;
  uint64_t line_no_ = 0;
  int misfit_ = -1;
  std::string_view line_;  // the line being parsed, for messages
  Tolerated spaces_, crlf_, millis_;
};

}  // namespace flow
