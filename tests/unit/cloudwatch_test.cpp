// AWS records inside JSON and encodings: CloudWatch Logs envelopes, their Lambda and Kinesis
// (base64 of gzip) forms, Firehose's concatenated gzip members and {"message": ...} records, and
// the output of `aws logs filter-log-events` / `get-log-events`.
#include <catch2/catch.hpp>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"
#include "test_util.hpp"

using namespace flow;
using test::field;
using test::read_error;
using test::read_rows;

namespace {

const char* kEnvelope =
    R"({"messageType":"DATA_MESSAGE","owner":"123456789010","logGroup":"/aws/vpc/flowlogs",)"
    R"("logStream":"eni-1235b8ca123456789","subscriptionFilters":["f"],"logEvents":[)"
    R"({"id":"1","timestamp":1418530010000,"message":"2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT OK"},)"
    R"({"id":"2","timestamp":1418530010000,"message":"2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT OK"}]})";

const char* kControl =
    R"({"messageType": "CONTROL_MESSAGE", "owner": "CloudwatchLogs", "logGroup": "", "logStream": "", )"
    R"("subscriptionFilters": [], "logEvents": [{"id": "", "timestamp": 1600110003794, )"
    R"("message": "CWL CONTROL MESSAGE: Checking health of destination Firehose."}]})";

}  // namespace

TEST_CASE("cloudwatch: an envelope's log events are records in AWS's default format", "[cloudwatch]") {
  auto rows = read_rows(kEnvelope);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].header == std::string(kAwsDefaultFormat));
  CHECK(field(rows[0], "srcaddr") == "172.31.16.139");
  CHECK(field(rows[0], "dstport") == "22");
  CHECK(field(rows[0], "bytes") == "4249");
  CHECK(field(rows[0], "start") == "1418530010");
  CHECK(field(rows[1], "action") == "REJECT");
  CHECK(field(rows[1], "dstport") == "3389");
}

TEST_CASE("cloudwatch: health-check envelopes (CONTROL_MESSAGE) give no records", "[cloudwatch]") {
  CHECK(read_rows(kControl).empty());
  // Firehose concatenates gzip members with no separator: three envelopes on one line.
  auto rows = read_rows(std::string(kEnvelope) + kControl + kEnvelope);
  CHECK(rows.size() == 4);
}

TEST_CASE("cloudwatch: --aws-format gives the format of the messages", "[cloudwatch]") {
  ReadOptions ro;
  ro.aws_schema = Schema::parse_aws("version interface-id srcaddr dstaddr");
  auto rows = read_rows(test::data_file("samples/otel-collector-contrib/aws/valid_vpc_flow_cw_custom.json"), ro);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].header == "version interface-id srcaddr dstaddr");
  CHECK(field(rows[1], "srcaddr") == "172.31.9.69");
  // Without it, the error says where, what, and that the envelope does not carry the format.
  CHECK(read_error(test::data_file("samples/otel-collector-contrib/aws/valid_vpc_flow_cw_custom.json")) ==
        "mem:1: logEvents[0].message: expected 14 fields, found 4 (read in AWS's default format; give another "
        "with --aws-format) (field dstaddr)");
}

TEST_CASE("cloudwatch: a 36-field line without a format is a Transit Gateway record", "[cloudwatch][aws]") {
  std::string tgw =
      "6 TransitGatewayAttachment 123456789012 tgw-1 tgw-attach-1 111111111111 222222222222 vpc-1 vpc-2 "
      "subnet-1 subnet-2 eni-1 eni-2 use1-az1 use1-az2 tgw-attach-2 10.0.0.1 10.0.1.1 12345 443 6 10 1000 "
      "1700000000 1700000060 OK IPv4 1 2 3 4 2 us-east-1 ingress - -";
  auto rows = read_rows("2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK\n" + tgw + "\n");
  REQUIRE(rows.size() == 2);
  CHECK(rows[1].header == std::string(kTgwDefaultFormat));
  CHECK(field(rows[1], "packets-lost-no-route") == "1");
  CHECK(field(rows[1], "packets-lost-ttl-expired") == "4");
  CHECK(field(rows[1], "action") == "(absent)");  // Transit Gateway logs have none
  CHECK(field(rows[1], "tgw-pair-attachment-id") == "tgw-attach-2");
  auto env = read_rows(R"({"messageType":"DATA_MESSAGE","logEvents":[{"message":")" + tgw + R"("}]})");
  REQUIRE(env.size() == 1);
  CHECK(field(env[0], "tgw-id") == "tgw-1");
}

TEST_CASE("cloudwatch: the Lambda event form and Kinesis base64 data are decoded", "[cloudwatch]") {
  auto lambda = read_rows(test::data_file("samples/derived/cwl-lambda-event.json"));
  auto kinesis = read_rows(test::data_file("samples/derived/cwl-kinesis-record-data.b64"));
  REQUIRE(lambda.size() == 2);
  REQUIRE(kinesis.size() == 2);
  CHECK(field(lambda[1], "srcaddr") == "172.31.9.69");
  CHECK(field(kinesis[0], "interface-id") == "eni-1235b8ca123456789");
  // Several base64 records one a line: each ends with its own padding.
  std::string b64 = test::data_file("samples/derived/cwl-kinesis-record-data.b64");
  CHECK(read_rows(b64 + b64).size() == 4);
}

TEST_CASE("cloudwatch: Firehose's {\"message\": ...} records", "[cloudwatch]") {
  auto rows = read_rows(
      "{\"message\":\"2 123456789010 eni-1 10.0.0.1 10.0.0.2 443 5000 6 3 120 1700000000 1700000060 ACCEPT OK\"}\n"
      "{\"message\":\"2 123456789010 eni-1 - - - - - - - 1700000000 1700000060 - NODATA\"}\n");
  REQUIRE(rows.size() == 2);
  CHECK(field(rows[0], "srcport") == "443");
  CHECK(field(rows[1], "log-status") == "NODATA");
  CHECK(field(rows[1], "srcaddr") == "-");
  CHECK(read_error(R"({"message":"2 1 eni-1 10.0.0.1"})") ==
        "mem:1: message: expected 14 fields, found 4 (read in AWS's default format; give another with "
        "--aws-format) (field dstaddr)");
}

TEST_CASE("cloudwatch: malformed envelopes name the JSON path", "[cloudwatch]") {
  CHECK(read_error(R"({"messageType":"DATA_MESSAGE","logEvents":{}})") ==
        "mem:1: expected an array, got an object (field logEvents)");
  CHECK(read_error(R"({"messageType":"DATA_MESSAGE","logEvents":[{"id":"1"}]})") ==
        "mem:1: log event without a 'message' (field logEvents[0])");
  CHECK(read_error(R"({"messageType":"DATA_MESSAGE","logEvents":[{"message":7}]})") ==
        "mem:1: expected a string, got 7 (field logEvents[0].message)");
  CHECK(read_error(R"({"messageType":"DATA","logEvents":[]})") ==
        "mem:1: expected DATA_MESSAGE or CONTROL_MESSAGE, got 'DATA' (field messageType)");
  CHECK(read_error(R"({"messageType":"DATA_MESSAGE"})") ==
        "mem:1: CloudWatch Logs envelope without logEvents (field logEvents)");
  CHECK(read_error(R"({"awslogs":{"data":"H4sI*AAA"}})") ==
        "mem:1: not base64: '*' at character 5 (field awslogs.data)");
  CHECK(read_error(R"({"awslogs":{"data":"aGVsbG8="}})") == "mem:1: awslogs.data: not gzip data (field awslogs.data)");
  CHECK(read_error(R"({"awslogs":{}})") == "mem:1: no 'data' in the Lambda event (field awslogs)");
}

TEST_CASE("cloudwatch: what `aws logs filter-log-events` and `get-log-events` print", "[cloudwatch]") {
  auto filtered = read_rows(test::data_file("samples/derived/cwl-filter-log-events.json"));
  REQUIRE(filtered.size() == 4);
  CHECK(field(filtered[1], "dstport") == "3389");
  CHECK(field(filtered[3], "action") == "REJECT");
  // Pages one after the other, as a paging loop writes them; the last one empty.
  auto pages = read_rows(test::data_file("samples/derived/cwl-get-log-events-pages.json"));
  REQUIRE(pages.size() == 4);
  CHECK(field(pages[2], "srcaddr") == "203.0.113.12");
  // The keys in any order (jq -S sorts them), and one JSON Lines document a page.
  const std::string page =
      R"({"nextBackwardToken":"b/1","events":[{"timestamp":1,"message":"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK"}],"nextForwardToken":"f/2"})"
      "\n";
  CHECK(read_rows(page + page).size() == 2);
  CHECK(read_error(
            R"({"events":[{"message":"2 1 eni-1 10.0.0.1 10.0.0.2 1 2 6 1 1 1 2 ACCEPT OK"},{"message":"2 1"}]})") ==
        "mem:1: events[1].message: expected 14 fields, found 2 (read in AWS's default format; give another with "
        "--aws-format) (field interface-id)");
  CHECK(read_error(R"({"events":[{"timestamp":1}]})") == "mem:1: log event without a 'message' (field events[0])");
  // "events" that is not an array is nobody's envelope: a field of a record, as "records" is.
  auto own = read_rows("{\"srcaddr\":\"10.0.0.1\",\"events\":3}\n");
  REQUIRE(own.size() == 1);
  CHECK(field(own[0], "events") == "3");
}

TEST_CASE("cloudwatch: damaged base64 input is an error naming the byte", "[cloudwatch]") {
  CHECK(read_error("H4sIAAAA!AAA\n") == "mem: not base64: '!' at byte 9");
}
