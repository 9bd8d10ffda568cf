// GCP VPC Flow Logs: LogEntry fields mapped onto ours (values as Google documents them), the
// rest kept under "gcp.", int64 in every JSON form, drop records, and both-ends dedup.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "flow/format.hpp"
#include "test_util.hpp"

using namespace flow;
using test::field;
using test::read_error;
using test::read_rows;

namespace {

/// A LogEntry with this connection and these extra jsonPayload members.
std::string entry(std::string_view reporter, std::string_view start, std::string_view end, std::string_view extra = "",
                  std::string_view conn =
                      R"("src_ip":"10.0.0.1","dest_ip":"10.0.0.2","src_port":40000,"dest_port":443,"protocol":6)") {
  return fmt::format(
      R"({{"insertId":"i","jsonPayload":{{"connection":{{{}}},"reporter":"{}","start_time":"{}","end_time":"{}",)"
      R"("bytes_sent":"100","packets_sent":"2"{}}},"logName":"projects/p/logs/compute.googleapis.com%2Fvpc_flows"}})"
      "\n",
      conn, reporter, start, end, extra);
}

}  // namespace

TEST_CASE("gcp: a Compute Engine LogEntry maps onto our fields", "[gcp]") {
  auto rows = read_rows(test::data_file("samples/otel-collector-contrib/gcp/vpc-flow-log-from-computeengine.json"));
  REQUIRE(rows.size() == 1);
  const auto& r = rows[0];
  CHECK(field(r, "srcaddr") == "203.0.113.4");
  CHECK(field(r, "dstaddr") == "192.0.2.4");
  CHECK(field(r, "srcport") == "55524");
  CHECK(field(r, "dstport") == "443");
  CHECK(field(r, "protocol") == "6");
  CHECK(field(r, "packets") == "16");        // packets_sent "16": int64 as a JSON string
  CHECK(field(r, "bytes") == "0");           // payload bytes: 0 for payload-less packets
  CHECK(field(r, "start") == "1759008879");  // 2025-09-27T21:34:39.250342106Z, whole seconds
  CHECK(field(r, "gcp.start-time") == "2025-09-27T21:34:39.250342106Z");  // the exact time kept
  CHECK(field(r, "action") == "ACCEPT");
  CHECK(field(r, "flow-direction") == "ingress");  // reported by the destination
  CHECK(field(r, "gcp.reporter") == "DEST");
  CHECK(field(r, "gcp.dest-instance.vm-name") == "proxy-crest-new-group-892l");
  CHECK(field(r, "gcp.dest-instance.managed-instance-group.name") == "proxy-crest-new-group");
  CHECK(field(r, "gcp.dest-vpc.subnetwork-region") == "us-central1");
  CHECK(field(r, "gcp.network-service.dscp") == "32");
  CHECK(field(r, "gcp.resource.type") == "gce_subnetwork");
  CHECK(field(r, "gcp.resource.labels.subnetwork-id") == "1234548292813243874");
  CHECK(field(r, "gcp.insert-id") == "x1ty6xe56du7");
}

TEST_CASE("gcp: ICMP has no ports, Network Management entries and AS paths are kept", "[gcp]") {
  auto rows =
      read_rows(test::data_file("samples/otel-collector-contrib/gcp/vpc-flow-log-w-internet-routing-details.json"));
  REQUIRE(rows.size() == 1);
  CHECK(field(rows[0], "protocol") == "1");
  CHECK(field(rows[0], "srcport") == "-");
  CHECK(field(rows[0], "dstport") == "-");
  CHECK(field(rows[0], "flow-direction") == "egress");
  CHECK(field(rows[0], "gcp.dest-location.country") == "usa");
  CHECK(field(rows[0], "gcp.dest-location.asn") == "14618");
  CHECK(field(rows[0], "gcp.internet-routing-details.egress-as-path") ==
        R"([{"as_details":[{"asn":16509},{"asn":14618}]}])");
  CHECK(field(rows[0], "gcp.resource.type") == "vpc_flow_logs_config");
  CHECK(field(rows[0], "gcp.labels.target-resource-name") == "projects/123456789012/global/networks/default");
}

TEST_CASE("gcp: every metadata block of the synthetic sample is kept", "[gcp]") {
  auto rows = read_rows(test::data_file("samples/otel-collector-contrib/gcp/vpc-flow-log-synthetic.json"));
  REQUIRE(rows.size() == 1);
  const auto& r = rows[0];
  CHECK(field(r, "bytes") == "123456");
  CHECK(field(r, "end") == "1758967201");
  CHECK(field(r, "gcp.rtt-msec") == "15");  // a number here, a string elsewhere: kept as text
  CHECK(field(r, "gcp.round-trip-time.median-msec") == "12");
  CHECK(field(r, "gcp.src-gateway.type") == "NAT_GATEWAY");
  CHECK(field(r, "gcp.src-gke-details.pod.pod-workload.workload-type") == "DEPLOYMENT");
  CHECK(field(r, "gcp.psc.psc-endpoint.vpc.vpc-name") == "my-vpc-network");
  CHECK(field(r, "gcp.load-balancing.reporter") == "BACKEND");
  CHECK(field(r, "gcp.rdma-traffic-type") == "RoCE");
}

TEST_CASE("gcp: int64 as string, number or integral float, other forms are errors", "[gcp]") {
  auto rows = read_rows(
      entry("SRC", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z", "",
            R"("src_ip":"10.0.0.1","dest_ip":"10.0.0.2","src_port":"3389","dest_port":3389.0,"protocol":6.0)"));
  REQUIRE(rows.size() == 1);
  CHECK(field(rows[0], "srcport") == "3389");
  CHECK(field(rows[0], "dstport") == "3389");
  CHECK(read_error(entry("SRC", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z", "",
                         R"("src_ip":"10.0.0.1","dest_ip":"10.0.0.2","src_port":3389.5)")) ==
        "mem:1: expected a whole number of at least 0, got 3389.5 (field jsonPayload.connection.src_port)");
  CHECK(read_error(entry("SRC", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z", "",
                         R"("src_ip":"10.0.0.1","dest_ip":"10.0.0.2","src_port":70000)")) ==
        "mem:1: 70000 is out of range (at most 65535) (field jsonPayload.connection.src_port)");
  CHECK(read_error(entry("SRC", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z", "",
                         R"("src_ip":"10.0.0.300","dest_ip":"10.0.0.2")")) ==
        "mem:1: '10.0.0.300' is not an IP address (field jsonPayload.connection.src_ip)");
  CHECK(read_error(entry("SRC", "yesterday", "2025-01-01T00:00:05Z")) ==
        "mem:1: 'yesterday' is not an RFC 3339 time (field jsonPayload.start_time)");
  CHECK(read_error(R"({"jsonPayload":{"reporter":"SRC"},"logName":"x"})") ==
        "mem:1: not a VPC flow log entry: no connection (field jsonPayload.connection)");
}

TEST_CASE("gcp: drop records are REJECTs counting the dropped packets", "[gcp]") {
  auto rows = read_rows(
      R"({"jsonPayload":{"connection":{"src_ip":"198.51.100.7","dest_ip":"10.0.0.2","src_port":5555,"dest_port":22,"protocol":6},)"
      R"("reporter":"DEST","disposition":"DROPPED","drop_reason":"FIREWALL_DENY","packets_dropped":"3","bytes_dropped":"180",)"
      R"("start_time":"2025-01-01T00:00:00.5Z","end_time":"2025-01-01T00:00:04Z"}})");
  REQUIRE(rows.size() == 1);
  CHECK(field(rows[0], "action") == "REJECT");
  CHECK(field(rows[0], "packets") == "3");
  CHECK(field(rows[0], "bytes") == "180");
  CHECK(field(rows[0], "gcp.drop-reason") == "FIREWALL_DENY");
  CHECK(field(rows[0], "gcp.disposition") == "DROPPED");
}

TEST_CASE("gcp: a flow reported by both ends is read once unless asked", "[gcp]") {
  // The SRC and DEST reports of the same packets (windows a few ms apart), then a later window.
  std::string in = entry("SRC", "2025-01-01T00:00:00.100Z", "2025-01-01T00:00:04.900Z") +
                   entry("DEST", "2025-01-01T00:00:00.102Z", "2025-01-01T00:00:04.903Z") +
                   entry("SRC", "2025-01-01T00:00:05.100Z", "2025-01-01T00:00:09.900Z");
  std::vector<std::string> warnings;
  auto rows = read_rows(in, {}, &warnings);
  REQUIRE(rows.size() == 2);
  CHECK(field(rows[0], "gcp.reporter") == "SRC");
  CHECK(field(rows[1], "start") == "1735689605");
  CHECK(warnings ==
        std::vector<std::string>{
            "mem: 1 record not read: the other end's report of the same flow came first (--gcp-both-ends keeps them)"});
  ReadOptions both;
  both.gcp_both_ends = true;
  CHECK(read_rows(in, both).size() == 3);
  // Two reports from the same end are two windows, not a pair.
  CHECK(read_rows(entry("SRC", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z") +
                  entry("SRC", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z"))
            .size() == 2);
}

TEST_CASE("gcp: a JSON array export, keys in any order, gives one schema", "[gcp]") {
  std::string a =
      entry("SRC", "2025-01-01T00:00:00Z", "2025-01-01T00:00:05Z", R"(,"src_vpc":{"vpc_name":"v","project_id":"p"})");
  std::string b =
      entry("SRC", "2025-01-01T00:01:00Z", "2025-01-01T00:01:05Z", R"(,"src_vpc":{"project_id":"p","vpc_name":"v"})");
  auto rows = read_rows("[" + a + "," + b + "]");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].header == rows[1].header);
  CHECK(field(rows[1], "gcp.src-vpc.vpc-name") == "v");
}
