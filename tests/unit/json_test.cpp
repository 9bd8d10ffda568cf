// The JSON reader and writer: types, nulls, key order, escapes, arrays, schemas and every error.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/write_util.hpp"
#include "test_util.hpp"

using namespace flow;
using test::read_error;
using test::read_rows;

namespace {

std::unique_ptr<Reader> reader_for(std::string bytes, Format f) {
  ReadOptions ro;
  ro.format = f;
  return open_reader(std::make_unique<InputStream>(memory_source(std::move(bytes)), "mem"), ro);
}

using test::convert;

/// Reads every record, collecting error messages (and going on after them, as --on-error skip).
struct Outcome {
  std::vector<std::string> rows;  // "header|v1 v2 ..."
  std::vector<std::string> errors;
  bool fatal = false;
};
Outcome read_all(std::string bytes) {
  Outcome o;
  auto reader = reader_for(std::move(bytes), Format::Json);
  Record r;
  for (;;) {
    try {
      if (!reader->next(r)) break;
      std::string row = r.schema->header() + "|";
      for (size_t i = 0; i < r.values.size(); ++i) {
        if (i) row += ' ';
        row += value_text(r.values[i], r.schema->column(i).type);
      }
      o.rows.push_back(row);
    } catch (const DataError& e) {
      o.errors.push_back(e.message());
      if (e.fatal) {
        o.fatal = true;
        break;
      }
    }
  }
  return o;
}

const char* kText =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
    "log-status\n"
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT "
    "OK\n"
    "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n";

}  // namespace

TEST_CASE("json: AWS text becomes one object per record, numbers as numbers, null for '-'", "[json]") {
  CHECK(
      convert(kText, Format::Json) ==
      R"({"version":2,"account-id":"123456789010","interface-id":"eni-1235b8ca123456789","srcaddr":"172.31.16.139","dstaddr":"172.31.16.21","srcport":20641,"dstport":22,"protocol":6,"packets":20,"bytes":4249,"start":1418530010,"end":1418530070,"action":"ACCEPT","log-status":"OK"})"
      "\n"
      R"({"version":2,"account-id":"123456789010","interface-id":"eni-1235b8ca123456789","srcaddr":null,"dstaddr":null,"srcport":null,"dstport":null,"protocol":null,"packets":null,"bytes":null,"start":1431280876,"end":1431280934,"action":null,"log-status":"NODATA"})"
      "\n");
}

TEST_CASE("json: text -> JSON -> text gives the same bytes (IPv6, nulls, unknown fields, format changes)", "[json]") {
  const std::string text =
      "version srcaddr dstaddr srcport dstport protocol start end type packets bytes account-id tcp-flags pkt-srcaddr "
      "traffic-path flow-direction log-status\n"
      "5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14 15044 123456789012 19 52.95.128.179 - "
      "ingress OK\n"
      "5 10.0.0.71 52.95.128.179 34210 80 6 1616729292 1616729349 IPv4 7 471 123456789012 3 10.0.0.71 8 egress OK\n"
      "version srcaddr dstaddr start future-field-v9 bytes\n"
      "9 2001:db8:1234:a100:8d6e:3477:df66:f105 ::1 1477913708123 x,\"y\"\\z 18446744073709551615\n"
      "9 - 2001:db8::ff00:42:8329 0 - 0\n";
  std::string json = convert(text, Format::Json);
  CHECK(convert(json, Format::Aws) == text);
}

TEST_CASE("json: the writer keeps schema order and writes unknown fields with the type their text gave", "[json]") {
  CHECK(convert("dstport srcaddr x-new version a-field-name-longer-than-the-block-copy\n443 10.0.0.1 7 3 -\n",
                Format::Json) ==
        "{\"dstport\":443,\"srcaddr\":\"10.0.0.1\",\"x-new\":7,\"version\":3,"
        "\"a-field-name-longer-than-the-block-copy\":null}\n");
  // Keys from JSON input may need escapes themselves.
  CHECK(convert(R"({"version":2,"a\"b\\c":1,"":"e"})", Format::Json) ==
        "{\"version\":2,\"a\\\"b\\\\c\":1,\"\":\"e\"}\n");
}

TEST_CASE("json: keys keep their order, unknown keys are strings, objects minified", "[json]") {
  auto rows = read_rows(
      R"({"dstport": 443, "note": "hi", "srcaddr": "10.0.0.1", "n": 12.50, "ok": true, "obj": {"a": [1, 2], "b": "x y"}, "arr": [ ], "version": 3})"
      "\n");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].header == "dstport note srcaddr n ok obj arr version");
  CHECK(rows[0].values ==
        std::vector<std::string>{"443", "hi", "10.0.0.1", "12.5", "true", R"({"a":[1,2],"b":"x y"})", "[]", "3"});

  auto reader = reader_for(R"({"dstport":443,"note":"hi","srcaddr":"10.0.0.1","start":"1700000000"})", Format::Json);
  Record r;
  REQUIRE(reader->next(r));
  std::vector<Type> types;
  for (const auto& c : r.schema->columns()) types.push_back(c.type);
  CHECK(types == std::vector<Type>{Type::UInt, Type::String, Type::Ip, Type::Time});
  CHECK(r.values[3].t == 1700000000);  // digits in a string, as other tools export int64
  CHECK_FALSE(reader->next(r));
}

TEST_CASE("json: strings are unescaped on input and escaped on output (RFC 8259)", "[json]") {
  const std::string in = R"({"s":"q\" b\\ t\t n\n c\u0001 e\u00e9 é \ud83d\ude00 sl\/","version":2})"
                         "\n";
  auto rows = read_rows(in);
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].values[0] == "q\" b\\ t\t n\n c\x01 e\xC3\xA9 \xC3\xA9 \xF0\x9F\x98\x80 sl/");
  CHECK(convert(in, Format::Json) ==
        "{\"s\":\"q\\\" b\\\\ t\\t n\\n c\\u0001 e\xC3\xA9 \xC3\xA9 \xF0\x9F\x98\x80 sl/\",\"version\":2}\n");
}

TEST_CASE("json: bytes that are not UTF-8 are written as U+FFFD", "[json]") {
  CHECK(convert("version account-id\n2 ab\xFF\xC3\n", Format::Json) ==
        "{\"version\":2,\"account-id\":\"ab\xEF\xBF\xBD\xEF\xBF\xBD\"}\n");
}

TEST_CASE("json: a JSON array is read element by element, errors name the element's line", "[json]") {
  auto o = read_all(
      "\xEF\xBB\xBF [\n"
      "  {\"version\": 2,\n"
      "   \"srcport\": 1},\n"
      "  {\"version\": 2,\n"
      "   \"srcport\": 70000},\n"
      "  {\"version\": 3, \"srcport\": 2}\n"
      "]\n");
  CHECK(o.rows == std::vector<std::string>{"version srcport|2 1", "version srcport|3 2"});
  CHECK(o.errors == std::vector<std::string>{"mem:4: 70000 is out of range (at most 65535) (field srcport)"});
  CHECK_FALSE(o.fatal);

  CHECK(read_all("[]").rows.empty());
  CHECK(read_all("[{\"vpc-id\":\"]\"}] [{\"vpc-id\":\"2\"}]").rows == std::vector<std::string>{"vpc-id|]", "vpc-id|2"});
}

TEST_CASE("json: array framing errors", "[json]") {
  auto o = read_all("[{\"vpc-id\":1},]");
  CHECK(o.rows.size() == 1);
  CHECK(o.errors == std::vector<std::string>{"mem:1: trailing ',' before ']' in the JSON array"});
  CHECK_FALSE(o.fatal);

  o = read_all("[{\"vpc-id\":1}\n{\"vpc-id\":2}]");
  CHECK(o.errors == std::vector<std::string>{"mem:2: expected ',' or ']' after an array element, got '{'"});
  CHECK(o.fatal);

  o = read_all("[{\"vpc-id\":1},\n{\"vpc-id\":\"2");
  CHECK(o.errors == std::vector<std::string>{"mem:2: unterminated JSON array: the input ends inside an element"});
  CHECK(o.fatal);

  o = read_all("[{\"vpc-id\":1}");
  CHECK(o.errors == std::vector<std::string>{"mem:1: unterminated JSON array: missing ']' at the end of the input"});

  o = read_all("[{\"vpc-id\":1}] x");
  CHECK(o.errors == std::vector<std::string>{"mem:1: unexpected 'x' after the end of the JSON array"});

  o = read_all("[1, {\"vpc-id\":1}]");
  CHECK(o.errors == std::vector<std::string>{"mem:1: expected a JSON object, got a number"});
  CHECK(o.rows == std::vector<std::string>{"vpc-id|1"});
}

TEST_CASE("json: objects with the same keys share one schema object, a change makes a new one", "[json]") {
  auto reader = reader_for(
      "{\"version\":2,\"srcport\":1}\n\n{\"version\":2,\"srcport\":2}\n{\"srcport\":3,\"version\":2}\n"
      "{\"version\":2}\n{\"version\":2,\"srcport\":4}\n",
      Format::Json);
  Record r;
  std::vector<SchemaPtr> seen;
  std::vector<uint64_t> lines;
  while (reader->next(r)) {
    seen.push_back(r.schema);
    lines.push_back(r.line);
  }
  REQUIRE(seen.size() == 5);
  CHECK(lines == std::vector<uint64_t>{1, 3, 4, 5, 6});
  CHECK(seen[0] == seen[1]);
  CHECK(seen[2]->header() == "srcport version");
  CHECK(seen[3]->header() == "version");
  CHECK(seen[4] == seen[0]);  // back to an earlier key set: the same object again
}

TEST_CASE("json: value errors name line and field, and reading goes on with the next line", "[json]") {
  auto o = read_all(
      "{\"srcport\":\"abc\"}\n"
      "{\"srcaddr\":\"1.2.3\"}\n"
      "{\"srcport\":70000}\n"
      "{\"srcport\":-1}\n"
      "{\"srcport\":1.5}\n"
      "{\"srcport\":true}\n"
      "{\"srcaddr\":5}\n"
      "{\"action\":{\"a\":1}}\n"
      "{\"bytes\":18446744073709551616}\n"
      "{\"start\":\"9223372036854775808\"}\n"
      "{\"srcport\":22,\"srcport\":23}\n"
      "{\"a\":1,}\n"
      "\"abc\"\n"
      "{\"a\":1}}\n"
      "{\"srcport\":01}\n"
      "{\"a\":nul}\n"
      "{\"a\":tru}\n"
      "{\"srcport\":22}\n");
  CHECK(o.errors == std::vector<std::string>{
                        "mem:1: expected a number, got \"abc\" (field srcport)",
                        "mem:2: '1.2.3' is not an IP address (field srcaddr)",
                        "mem:3: 70000 is out of range (at most 65535) (field srcport)",
                        "mem:4: expected a whole number of at least 0, got -1 (field srcport)",
                        "mem:5: expected a whole number of at least 0, got 1.5 (field srcport)",
                        "mem:6: expected a number, got true (field srcport)",
                        "mem:7: expected an IP address in a string, got 5 (field srcaddr)",
                        "mem:8: expected a string, got an object (field action)",
                        "mem:9: 18446744073709551616 is out of range (at most 18446744073709551615) (field bytes)",
                        "mem:10: 9223372036854775808 is out of range (at most 9223372036854775807) (field start)",
                        "mem:11: duplicate key in the object (field srcport)",
                        "mem:12: malformed JSON: The JSON document has an improper structure: missing or superfluous "
                        "commas, braces, missing keys, etc.",
                        "mem:13: expected a JSON object, got a string",
                        "mem:14: unexpected content after the JSON object",
                        "mem:15: malformed JSON: Problem while parsing a number (field srcport)",
                        "mem:16: malformed JSON: 'nul' is not a JSON value (field a)",
                        "mem:17: malformed JSON: 'tru' is not a JSON value (field a)",
                    });
  CHECK(o.rows == std::vector<std::string>{"srcport|22"});
  CHECK_FALSE(o.fatal);
}

TEST_CASE("json: invalid UTF-8 and unterminated strings are malformed JSON", "[json]") {
  auto o = read_all("{\"vpc-id\":\"\xFF\"}\n{\"vpc-id\":\"x}\n{\"vpc-id\":\"ok\"}\n");
  CHECK(o.errors == std::vector<std::string>{"mem:1: malformed JSON: The input is not valid UTF-8",
                                             "mem:2: malformed JSON: A string is opened, but never closed."});
  CHECK(o.rows == std::vector<std::string>{"vpc-id|ok"});
}

TEST_CASE("json: null is accepted for every type and read back as null", "[json]") {
  auto rows = read_rows(R"({"version":null,"srcaddr":null,"start":null,"action":null,"other":null})");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].values == std::vector<std::string>{"-", "-", "-", "-", "-"});
  CHECK(convert(R"({"version":null,"srcaddr":null,"start":null,"action":null,"other":null})", Format::Json) ==
        "{\"version\":null,\"srcaddr\":null,\"start\":null,\"action\":null,\"other\":null}\n");
}

TEST_CASE("json: a last line without newline, CRLF line ends and blank lines are fine", "[json]") {
  auto o = read_all("\r\n{\"version\":2}\r\n  \n{\"version\":3}");
  CHECK(o.rows == std::vector<std::string>{"version|2", "version|3"});
  CHECK(o.errors.empty());
}

TEST_CASE("json: the word-at-a-time escaper agrees with a byte-by-byte reference", "[json]") {
  auto reference = [](std::string_view s) {
    std::string out;
    for (size_t i = 0; i < s.size(); ++i) {
      auto c = static_cast<uint8_t>(s[i]);
      char buf[8];
      if (c == '"' || c == '\\') out += {'\\', static_cast<char>(c)};
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20) out.append(buf, static_cast<size_t>(std::snprintf(buf, sizeof buf, "\\u%04x", c)));
      else if (c >= 0x80) out += "\xEF\xBF\xBD";  // alone, never valid UTF-8
      else out += static_cast<char>(c);
    }
    return out;
  };
  for (size_t len = 1; len <= 19; ++len) {
    for (size_t pos = 0; pos < len; ++pos) {
      for (unsigned c = 0; c < 256; ++c) {
        std::string s(len, 'a');
        s[pos] = static_cast<char>(c);
        std::string out(fast::max_escaped_size(len) + 8, '\0');
        out.resize(static_cast<size_t>(fast::escape_json(out.data(), s) - out.data()));
        REQUIRE(out == reference(s));
      }
    }
  }
}

TEST_CASE("json: pretty-printed objects one after the other (jq's output) are read too", "[json]") {
  auto o = read_all(
      "{\"version\": 2, \"srcport\": 1}\n"
      "  {\n"
      "  \"version\": 2,\n"
      "  \"srcport\": 70000\n"
      "}\n"
      "{\n"
      "  \"version\": 3,\n"
      "  \"srcport\": 2\n"
      "}  \n"
      "{\"version\": 4, \"srcport\": \"x\"}\n"
      "{\n"
      "  \"version\": 5,\n");
  CHECK(o.rows == std::vector<std::string>{"version srcport|2 1", "version srcport|3 2"});
  CHECK(o.errors == std::vector<std::string>{
                        "mem:2: 70000 is out of range (at most 65535) (field srcport)",
                        "mem:10: expected a number, got \"x\" (field srcport)",
                        "mem:11: unterminated JSON object: the input ends inside it",
                    });
  CHECK(o.fatal);

  CHECK(read_error(
            "{\n  \"owner\": \"111111111111\",\n  \"logGroup\": \"CloudTrail\",\n  \"messageType\": \"DATA_MESSAGE\",\n"
            "  \"logEvents\": [\n    {\"id\": \"1\", \"timestamp\": 1432826855000, \"message\": \"{}\"}\n  ]\n}\n")
            .starts_with("mem:1: logEvents[0].message: "));  // a pretty-printed envelope is read as one
}
