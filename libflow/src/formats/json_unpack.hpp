// Other services' JSON: each unpacker turns one JSON element of the input (a CloudWatch Logs
// envelope, a GCP LogEntry, an Azure flow-log record) into zero or more records. The JSON
// reader frames the elements and picks the unpacker from the element's keys.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "flow/format.hpp"

namespace flow {

/// What a JSON object of the input is.
enum class JsonKind {
  Record,      ///< our own record: its keys are field names
  CloudWatch,  ///< a CloudWatch Logs subscription envelope, its Lambda event, a Firehose {"message": ...},
               ///< or the output of `aws logs get-log-events` / `filter-log-events`
  Gcp,         ///< a Cloud Logging LogEntry of VPC Flow Logs, or its jsonPayload alone
  Azure,       ///< an Azure NSG or VNet flow-log record, or a whole {"records": [...]} blob
};

/// The kind of an object that has this key (its value an array or not), or Record when the key
/// alone does not tell.
JsonKind kind_of_key(std::string_view key, bool array);

class Unpacker {
 public:
  virtual ~Unpacker() = default;
  /// Starts on one element that begins on input line `line`. Its text, followed by
  /// simdjson::SIMDJSON_PADDING readable bytes, stays in place until next() returns false.
  virtual void start(std::string_view text, uint64_t line) = 0;
  /// The element's next record; false when it has no more. A DataError leaves the unpacker
  /// ready to go on with the element's next record.
  virtual bool next(Record& r) = 0;
  /// Called at the end of the input (counts of tolerated quirks).
  virtual void finish() {}
};

std::unique_ptr<Unpacker> cloudwatch_unpacker(const std::string& file, const ReadOptions& opts);
std::unique_ptr<Unpacker> gcp_unpacker(const std::string& file, const ReadOptions& opts);
std::unique_ptr<Unpacker> azure_unpacker(const std::string& file, const ReadOptions& opts);

namespace json {

namespace od = simdjson::ondemand;

/// Helpers the unpackers share: errors naming the file, line and JSON path, and values read
/// the lenient way cloud exports need.
class Extractor {
 public:
  explicit Extractor(std::string file) : file_(std::move(file)) {}
  const std::string& file() const { return file_; }
  uint64_t line = 0;  ///< line of the element being read

  /// "FILE:LINE: what (field PATH)".
  [[noreturn]] void fail(std::string_view path, const std::string& what) const;
  /// simdjson's error, or the type the value should have had.
  [[noreturn]] void malformed(std::string_view path, simdjson::error_code err) const;
  [[noreturn]] void wrong_type(std::string_view path, od::value& v, const char* expected) const;

  /// Iterates `text` (padded) as a document; fails unless it is one JSON object.
  od::object object(od::parser& p, od::document& doc, std::string_view text) const;
  od::object object(std::string_view path, od::value v) const;
  od::array array(std::string_view path, od::value v) const;
  std::string_view string(std::string_view path, od::value v) const;
  /// An integer given as a JSON number, a string of digits (int64 in Google's JSON) or an
  /// integral float (3389.0, as Python clients write); fails above `max`.
  uint64_t integer(std::string_view path, od::value v, uint64_t max = UINT64_MAX) const;
  Ip address(std::string_view path, od::value v) const;
  /// Calls f(path "P[i]", item) for each item of the array at `path`.
  template <typename F>
  void each(const std::string& path, od::value v, F&& f) const {
    size_t i = 0;
    for (auto item : array(path, v)) {
      std::string p = path + '[' + std::to_string(i++) + ']';
      od::value x;
      if (auto err = item.get(x)) malformed(p, err);
      f(p, x);
    }
  }
  /// Calls f(key, value) for each field of the object at `path`.
  template <typename F>
  void fields(const std::string& path, od::value v, F&& f) const {
    for (auto field : object(path, v)) {
      std::string_view key;
      if (auto err = field.unescaped_key().get(key)) malformed(path, err);
      f(key, field.value());
    }
  }
  /// Any value as text: a string as it is, anything else as its minified JSON (in the arena).
  std::string_view text(std::string_view path, od::value v, Arena& arena) const;

 private:
  std::string file_;
};

const char* type_phrase(od::json_type t);

}  // namespace json
}  // namespace flow
