// Reading back what the tools write: the CSV reader, headers of columns named anything, and
// the types of columns the field table does not know (from a sample of text, from JSON).
#include <catch2/catch.hpp>

#include "flow/format.hpp"
#include "formats/csv_reader.hpp"
#include "test_util.hpp"

using namespace flow;

namespace {

/// Every record as "name:type=value ..." (value as AWS text writes it).
std::vector<std::string> typed_rows(std::string bytes, Format f = Format::Auto) {
  ReadOptions opts;
  opts.format = f;
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(std::move(bytes)), "mem"), opts);
  std::vector<std::string> rows;
  Record r;
  while (reader->next(r)) {
    std::string row;
    for (size_t i = 0; i < r.values.size(); ++i) {
      const Column& c = r.schema->column(i);
      row += (i ? " " : "") + c.name + ":" + std::string(type_name(c.type)) + "=" + value_text(r.values[i], c.type);
    }
    rows.push_back(row);
  }
  return rows;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("csv reader: our CSV reads back, quoting per RFC 4180, CRLF, empty is null", "[csv][reread]") {
  CHECK(typed_rows("srcaddr,records,note\r\n10.0.0.1,3,\"a, \"\"b\"\"\r\nc\"\r\n10.0.0.2,,\r\n") ==
        V{"srcaddr:ip=10.0.0.1 records:uint=3 note:string=a, \"b\"\r\nc",
          "srcaddr:ip=10.0.0.2 records:uint=- note:string=-"});
  // A quoted empty value is an empty string where the column holds strings.
  CHECK(typed_rows("a,b\nx,\"\"\n", Format::Csv) == V{"a:string=x b:string="});
}

TEST_CASE("csv reader: Athena results, every value quoted, underscore names", "[csv][reread]") {
  const char* athena =
      "\"version\",\"account_id\",\"srcaddr\",\"dstport\",\"log_status\",\"pkt_src_aws_service\",\"_col6\"\n"
      "\"2\",\"123456789012\",\"10.0.0.1\",\"443\",\"OK\",,\"17\"\n";
  CHECK(typed_rows(athena) ==
        V{"version:uint=2 account-id:string=123456789012 srcaddr:ip=10.0.0.1 dstport:uint=443 log-status:string=OK "
          "pkt-src-aws-service:string=- col6:uint=17"});
}

TEST_CASE("csv reader: errors name file, line and field", "[csv][reread]") {
  CHECK(test::read_error("srcaddr,dstport\n10.0.0.1,http\n") == "mem:2: 'http' is not a number (field dstport)");
  CHECK(test::read_error("srcaddr,dstport\n10.0.0.1\n") == "mem:2: expected 2 fields, found 1 (field dstport)");
  CHECK(test::read_error("a,b\n\"x\ny\",\"z\n") == "mem:2: unterminated quoted value: the input ends inside it");
  ReadOptions csv;
  csv.format = Format::Csv;
  CHECK(test::read_error("Source IP,b\n1,2\n", csv) ==
        "mem:1: 'Source IP' in the header is not a column name (lower-case letters, digits, dashes; CSV input needs "
        "a header line)");
}

TEST_CASE("csv detection: a header of names between commas, AWS text and JSON are not CSV", "[csv][reread]") {
  CHECK(is_csv_header("srcaddr,records"));
  CHECK(is_csv_header("\"records\""));
  CHECK_FALSE(is_csv_header("records"));
  CHECK_FALSE(is_csv_header("version account-id interface-id"));
  CHECK_FALSE(is_csv_header("2,3"));
}

TEST_CASE("sampled columns: numbers, addresses, fractions, else strings, a misfit widens", "[reread]") {
  CHECK(typed_rows("srcaddr records peer name\n10.0.0.1 3 10.0.0.9 web\n10.0.0.2 4 2001:db8::1 -\n") ==
        V{"srcaddr:ip=10.0.0.1 records:uint=3 peer:ip=10.0.0.9 name:string=web",
          "srcaddr:ip=10.0.0.2 records:uint=4 peer:ip=2001:db8::1 name:string=-"});
  // "007" would print back as 7: the column is a string from the sample on.
  CHECK(typed_rows("a b\nx 1\ny 007\n") == V{"a:string=x b:string=1", "a:string=y b:string=007"});
  // Beyond the sample (here: a value after a header line ends it) a misfit gives a new schema.
  std::string text = "a b\n";
  for (int i = 0; i < 1000; ++i) text += "x " + std::to_string(i + 1) + "\n";
  text += "y 0x10\n";
  auto rows = typed_rows(text);
  REQUIRE(rows.size() == 1001);
  CHECK(rows[999] == "a:string=x b:uint=1000");
  CHECK(rows[1000] == "a:string=y b:string=0x10");
  // Whole numbers that meet a fraction (a computed column) go on as numbers: a Float.
  text = "a b\n";
  for (int i = 0; i < 1000; ++i) text += "x " + std::to_string(i + 1) + "\n";
  text += "y 2.5\ny 7\n";
  rows = typed_rows(text);
  REQUIRE(rows.size() == 1002);
  CHECK(rows[1000] == "a:string=y b:float=2.5");
  CHECK(rows[1001] == "a:string=y b:float=7");
  // Fractions in the sample: a Float column; CSV samples alike.
  CHECK(typed_rows("k ratio\nx 0.25\ny 1\nz -3\n") ==
        V{"k:string=x ratio:float=0.25", "k:string=y ratio:float=1", "k:string=z ratio:float=-3"});
  CHECK(typed_rows("k,ratio\nx,0.25\ny,1e+20\n", Format::Csv) ==
        V{"k:string=x ratio:float=0.25", "k:string=y ratio:float=1e+20"});
}

TEST_CASE("aws text: a header of names the field table does not know is a header", "[aws][reread]") {
  CHECK(typed_rows("records\n5\n") == V{"records:uint=5"});
  CHECK(typed_rows("srcaddr records conns\n10.0.0.1 3 2\n") == V{"srcaddr:ip=10.0.0.1 records:uint=3 conns:uint=2"});
  // Repeated (files concatenated), it is a header again, not data.
  CHECK(typed_rows("team owner\nweb ann\nteam owner\ndb bob\n") ==
        V{"team:string=web owner:string=ann", "team:string=db owner:string=bob"});
  // Data made of identifiers stays data where it reads as data.
  ReadOptions opts;
  opts.aws_schema = Schema::parse_aws("interface-id vpc-id");
  CHECK(test::read_rows("eni-1 vpc-1\n", opts).size() == 1);
}

TEST_CASE("json: unknown keys typed from JSON, flat objects of any keys read back", "[json][reread]") {
  CHECK(typed_rows("{\"records\":3}\n{\"records\":4}\n") == V{"records:uint=3", "records:uint=4"});
  CHECK(typed_rows("{\"srcaddr\":\"10.0.0.1\",\"records\":2,\"peer\":\"10.0.0.9\",\"r\":-1,\"f\":0.5}\n") ==
        V{"srcaddr:ip=10.0.0.1 records:uint=2 peer:ip=10.0.0.9 r:float=-1 f:float=0.5"});
  // An address not as it prints would come back changed: a string.
  CHECK(typed_rows("{\"peer\":\"::FFFF:1.2.3.4\"}\n{\"peer\":\"10.0.0.1\"}\n") ==
        V{"peer:string=::FFFF:1.2.3.4", "peer:string=10.0.0.1"});
  // null first, then a number: typed by the number; then a string: widened, values kept.
  CHECK(typed_rows("{\"n\":null}\n{\"n\":5}\n{\"n\":\"x\"}\n{\"n\":6}\n") ==
        V{"n:string=-", "n:uint=5", "n:string=x", "n:string=6"});
  // Nested values and no flow-log key: not a flow log (as before).
  CHECK_FALSE(test::read_error("{\"foo\":1,\"bar\":{\"baz\":2}}\n").empty());
}
