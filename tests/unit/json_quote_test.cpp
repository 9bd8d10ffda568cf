// The one JSON string quoter (escape_json, json_quote on top of it): control characters come out
// escaped through every way a string reaches JSON.
#include <catch2/catch.hpp>

#include "flow/firehose.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"
#include "flow/record.hpp"
#include "flow/stat.hpp"
#include "formats/write_util.hpp"
#include "net/bulk.hpp"

using namespace flow;

namespace {
// A quote, a backslash, a tab, a newline, a control byte, é and a byte that is not UTF-8.
const std::string kNasty = "q\" b\\ t\t n\n c\x01 e\xC3\xA9 x\xFF";
const std::string kQuoted = "\"q\\\" b\\\\ t\\t n\\n c\\u0001 e\xC3\xA9 x\xEF\xBF\xBD\"";
}  // namespace

TEST_CASE("json_quote: quotes, backslashes and control characters are escaped", "[json]") {
  CHECK(json_quote(kNasty) == kQuoted);
  CHECK(json_quote("") == "\"\"");
  CHECK(json_quote(std::string("\0\x1f\x7f", 3)) == "\"\\u0000\\u001f\x7f\"");
  CHECK(json_quote("long enough to take the 8-byte path\x02 of escape_json") ==
        "\"long enough to take the 8-byte path\\u0002 of escape_json\"");
  // The core it is built on, as the writers call it.
  std::string out(fast::max_escaped_size(kNasty.size()), '\0');
  out.resize(static_cast<size_t>(fast::escape_json(out.data(), kNasty) - out.data()));
  CHECK('"' + out + '"' == kQuoted);
}

TEST_CASE("json_quote: every writer of JSON strings escapes control characters", "[json]") {
  // flowcat --listen's answer to Firehose.
  CHECK(net::firehose_response("r\x01"
                               "1",
                               5) == "{\"requestId\":\"r\\u00011\",\"timestamp\":5}");
  // flowcat --post to Elasticsearch: the index name on every action line.
  net::DocFormatter es(net::Shape::Elasticsearch, "in\"dex\n\x01");
  auto reader = open_reader(open_input(memory_source("version srcport\n2 1\n"), "mem"), {});
  Record r;
  REQUIRE(reader->next(r));
  CHECK(es.doc(r).starts_with("{\"index\":{\"_index\":\"in\\\"dex\\n\\u0001\"}}\n"));
  // flowstat -O json: names from the data.
  Stats s;
  s.log_status.emplace_back(kNasty, 1);
  CHECK(render_json(s).find(kQuoted + ":1") != std::string::npos);
}
