// Firehose HTTP-endpoint requests read with simdjson, and the JSON answers Firehose expects.
#include "flow/firehose.hpp"

#include <fmt/format.h>
#include <simdjson.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"

namespace flow::net {

namespace od = simdjson::ondemand;

FirehoseRequest parse_firehose(std::string_view body) {
  simdjson::padded_string text(body);
  od::parser parser;
  od::document doc;
  od::object top;
  auto bad = [](std::string_view why) { return DataError(fmt::format("not a Firehose request: {}", why)); };
  if (parser.iterate(text).get(doc) || doc.get_object().get(top)) throw bad("not a JSON object");
  FirehoseRequest req;
  bool have_records = false;
  for (auto field : top) {
    std::string_view key;
    if (field.unescaped_key().get(key)) throw bad("malformed JSON");
    if (key == "requestId") {
      std::string_view id;
      if (field.value().get_string().get(id)) throw bad("requestId is not a string");
      req.request_id = id;
    } else if (key == "records") {
      od::array records;
      if (field.value().get_array().get(records)) throw bad("records is not an array");
      have_records = true;
      for (auto rec : records) {
        std::string_view data;
        if (rec["data"].get_string().get(data))
          throw bad(fmt::format("record {} has no \"data\" string", req.records.size() + 1));
        std::string out;
        size_t at = 0;
        if (!base64_decode(data, out, at))
          throw bad(fmt::format("record {}: bad base64 at offset {}", req.records.size() + 1, at));
        req.records.push_back(std::move(out));
      }
    }
  }
  if (!have_records) throw bad("no \"records\" array");
  return req;
}

std::string firehose_response(std::string_view request_id, int64_t timestamp_ms, std::string_view error) {
  std::string out = fmt::format("{{\"requestId\":{},\"timestamp\":{}", json_quote(request_id), timestamp_ms);
  if (!error.empty()) out += fmt::format(",\"errorMessage\":{}", json_quote(printable(error)));
  out += "}";
  return out;
}

}  // namespace flow::net
