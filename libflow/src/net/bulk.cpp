// NDJSON, Elasticsearch _bulk and Splunk HEC documents; the _bulk response's per-item outcome.
#include "net/bulk.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "flow/error.hpp"

namespace flow::net {

Shape parse_shape(std::string_view name) {
  if (name == "ndjson") return Shape::Ndjson;
  if (name == "elasticsearch" || name == "opensearch") return Shape::Elasticsearch;
  if (name == "splunk") return Shape::Splunk;
  throw UsageError(fmt::format("--post-format: unknown '{}' (expected ndjson, elasticsearch or splunk)", name));
}

DocFormatter::DocFormatter(Shape shape, std::string_view es_index) : shape_(shape), mem_(Output::memory()) {
  json_ = json_writer(*mem_, {});
  if (shape == Shape::Elasticsearch) {
    // The index from the URL (/INDEX/_bulk) unless named; the escaping of a JSON string is the
    // writer's own, so build the line through it.
    if (es_index.empty()) {
      action_ = "{\"index\":{}}\n";
    } else {
      action_ = fmt::format("{{\"index\":{{\"_index\":{}}}}}\n", json_quote(es_index));
    }
  }
}

std::string_view DocFormatter::content_type() const {
  return shape_ == Shape::Splunk ? "application/json" : "application/x-ndjson";
}

std::string DocFormatter::doc(const Record& r) {
  json_->write(r);
  std::string line = mem_->take();
  switch (shape_) {
    case Shape::Ndjson: return line;
    case Shape::Elasticsearch: return action_ + line;
    case Shape::Splunk: {
      // HEC event time is the record's start, so that Splunk files it where it happened.
      line.pop_back();
      auto start = start_seconds(r);
      std::string out = start ? fmt::format("{{\"time\":{},\"event\":", *start) : std::string("{\"event\":");
      out += line;
      out += "}\n";
      return out;
    }
  }
  return line;
}

namespace {
namespace od = simdjson::ondemand;

[[noreturn]] void not_bulk(const std::string& why) {
  throw DataError(fmt::format("not an Elasticsearch _bulk response ({})", why));
}
}  // namespace

bool bulk_all_ok(std::string_view body) {
  simdjson::padded_string text(body);
  od::parser parser;
  od::document doc;
  bool errors = true;
  if (parser.iterate(text).get(doc) || doc["errors"].get_bool().get(errors)) not_bulk("no \"errors\" field");
  return !errors;
}

std::vector<BulkItem> bulk_items(std::string_view body) {
  simdjson::padded_string text(body);
  od::parser parser;
  od::document doc;
  od::array items;
  if (parser.iterate(text).get(doc) || doc["items"].get_array().get(items)) not_bulk("no \"items\" array");
  std::vector<BulkItem> out;
  for (auto item : items) {
    od::object action;  // {"index": {...}} or {"create": {...}}: the one field holds the outcome
    if (item.get_object().get(action)) not_bulk("an item is not an object");
    for (auto field : action) {
      od::object result;
      if (field.value().get_object().get(result)) not_bulk("an item's result is not an object");
      BulkItem b;
      int64_t status = 0;
      for (auto f : result) {
        std::string_view key;
        if (f.unescaped_key().get(key)) not_bulk("bad key");
        if (key == "status") {
          if (f.value().get_int64().get(status)) not_bulk("status is not a number");
        } else if (key == "error") {
          od::object e;
          std::string_view type, reason;
          if (!f.value().get_object().get(e)) {
            for (auto ef : e) {
              std::string_view k;
              if (ef.unescaped_key().get(k)) break;
              // A missing or odd type or reason stays empty: the status says enough.
              if (k == "type" && ef.value().get_string().get(type)) type = {};
              if (k == "reason" && ef.value().get_string().get(reason)) reason = {};
            }
          }
          b.error = printable(fmt::format("{}: {}", type, reason));
        }
      }
      b.status = static_cast<int>(status);
      out.push_back(std::move(b));
      break;
    }
  }
  return out;
}

}  // namespace flow::net
