// AWS flow-log records inside JSON: CloudWatch Logs subscription envelopes (as Kinesis and
// Firehose deliver them), their Lambda event form, Firehose's {"message": "<record>"}, and what
// `aws logs get-log-events` / `filter-log-events` print ({"events": [{"message": ...}], ...},
// one document a page). None carries the log format: --aws-format gives it, else AWS's defaults.
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "formats/aws_line.hpp"
#include "formats/json_unpack.hpp"

namespace flow {
namespace {

namespace od = simdjson::ondemand;

constexpr size_t kMaxDecoded = 64 << 20;  // CloudWatch Logs batches are at most 1 MB

class CloudWatchUnpacker : public Unpacker {
 public:
  CloudWatchUnpacker(const std::string& file, const ReadOptions& opts)
      : ctx_(file),
        opts_(opts),
        lines_(file, opts.warn),
        schema_(opts.aws_schema ? opts.aws_schema : aws_default_schema()) {
    lines_.given_formats(opts);
  }

  void start(std::string_view text, uint64_t line) override {
    ctx_.line = line;
    events_.clear();
    next_ = 0;
    prefix_.clear();
    type_ = {};
    has_events_ = false;
    od::object o = ctx_.object(parser_, doc_, text);
    bool envelope = false;
    std::string_view data;
    for (auto f : o) {
      std::string_view key;
      if (auto err = f.unescaped_key().get(key)) ctx_.malformed("", err);
      if (key == "awslogs") {
        od::object a = ctx_.object("awslogs", f.value());
        od::value d;
        if (a.find_field_unordered("data").get(d)) ctx_.fail("awslogs", "no 'data' in the Lambda event");
        data = ctx_.string("awslogs.data", d);
      } else if (key == "message") {
        events_.push_back({ctx_.string("message", f.value()), SIZE_MAX});
      } else if (key == "logEvents" || key == "events" || key == "messageType") {
        envelope = true;
        read_field(key, f.value());
      }
    }
    if (!data.empty()) return start_lambda(data);
    if (envelope) end_envelope();
  }

  bool next(Record& r) override {
    while (next_ < events_.size()) {
      const Event& ev = events_[next_++];
      if (!same_schema(r.schema, schema_)) r.reset(schema_);
      r.line = ctx_.line;
      // The line parser needs a sentinel after the text; the record's strings point here.
      buf_.assign(ev.message);
      buf_.push_back('\n');
      buf_.append(kLinePadding, '\0');
      try {
        lines_.parse(std::string_view(buf_.data(), ev.message.size()), r, ctx_.line,
                     AwsLineParser::alternatives(opts_, false));
      } catch (const DataError& e) {
        std::string path = ev.index == SIZE_MAX ? "message" : fmt::format("{}[{}].message", list_, ev.index);
        // The usual cause: a custom format, which the envelope does not say.
        const char* hint = opts_.aws_schema ? "" : " (read in AWS's default format; give another with --aws-format)";
        throw DataError(e.file, e.line, e.field, fmt::format("{}{}: {}{}", prefix_, path, e.what(), hint));
      }
      schema_ = r.schema;  // a format chosen by field count holds for the next lines
      return true;
    }
    return false;
  }

  void finish() override { lines_.report_tolerated(); }

 private:
  struct Event {
    std::string_view message;
    size_t index;  // in logEvents or events; SIZE_MAX for Firehose's {"message": ...}
  };

  void read_field(std::string_view key, od::value v) {
    std::string p = prefix_.empty() ? std::string(key) : fmt::format("{}{}", prefix_, key);
    if (key == "messageType") {
      type_ = ctx_.string(p, v);
      return;
    }
    list_ = key == "events" ? "events" : "logEvents";
    size_t i = 0;
    ctx_.each(p, v, [&](const std::string& path, od::value ev) {
      od::object o = ctx_.object(path, ev);
      od::value m;
      if (o.find_field_unordered("message").get(m)) ctx_.fail(path, "log event without a 'message'");
      events_.push_back({ctx_.string(path + ".message", m), i++});
    });
    has_events_ = true;
  }

  /// Health checks (CONTROL_MESSAGE) carry no records.
  void end_envelope() {
    bool events = has_events_;
    std::string type(type_);
    has_events_ = false;
    type_ = {};
    if (type == "CONTROL_MESSAGE") {
      events_.clear();
      return;
    }
    if (!type.empty() && type != "DATA_MESSAGE")
      ctx_.fail(prefix_ + "messageType", fmt::format("expected DATA_MESSAGE or CONTROL_MESSAGE, got '{}'", type));
    if (!events) ctx_.fail(prefix_ + "logEvents", "CloudWatch Logs envelope without logEvents");
  }

  // {"awslogs": {"data": base64(gzip(envelope))}}
  void start_lambda(std::string_view data) {
    size_t bad = 0;
    if (!base64_decode(data, raw_, bad))
      ctx_.fail("awslogs.data", bad < data.size() ? fmt::format("not base64: '{}' at character {}", data[bad], bad + 1)
                                                  : std::string("base64 text ends inside a group"));
    try {
      inner_ = gunzip(std::move(raw_), "awslogs.data", kMaxDecoded);
    } catch (const DataError& e) {
      ctx_.fail("awslogs.data", e.what());
    }
    inner_.append(simdjson::SIMDJSON_PADDING, '\0');
    prefix_ = "awslogs.data: ";
    od::object o;
    try {
      o = ctx_.object(inner_parser_, inner_doc_,
                      std::string_view(inner_.data(), inner_.size() - simdjson::SIMDJSON_PADDING));
    } catch (const DataError& e) {
      ctx_.fail("awslogs.data", fmt::format("decoded envelope: {}", e.what()));
    }
    for (auto f : o) {
      std::string_view key;
      if (auto err = f.unescaped_key().get(key)) ctx_.malformed("awslogs.data", err);
      if (key == "logEvents" || key == "messageType") read_field(key, f.value());
    }
    end_envelope();
  }

  json::Extractor ctx_;
  ReadOptions opts_;
  AwsLineParser lines_;
  SchemaPtr schema_;
  od::parser parser_, inner_parser_;
  od::document doc_, inner_doc_;
  std::vector<Event> events_;
  size_t next_ = 0;
  std::string prefix_;  // "awslogs.data: " inside a Lambda event
  std::string_view type_;
  const char* list_ = "logEvents";  // the key of the events' array
  bool has_events_ = false;
  std::string raw_, inner_, buf_;
};

}  // namespace

std::unique_ptr<Unpacker> cloudwatch_unpacker(const std::string& file, const ReadOptions& opts) {
  return std::make_unique<CloudWatchUnpacker>(file, opts);
}

}  // namespace flow
