// Azure NSG (versions 1 and 2) and VNet flow logs: tuple orders, states, delta counters, second
// and millisecond times, and the bidirectional tuple as two records.
#include <catch2/catch.hpp>

#include <fmt/format.h>

#include "flow/format.hpp"
#include "test_util.hpp"

using namespace flow;
using test::field;
using test::read_error;
using test::read_rows;

namespace {

std::string nsg(std::string_view tuples, int version = 2) {
  return fmt::format(
      R"({{"records":[{{"time":"2018-11-13T12:00:35.3899262Z","systemId":"s","category":"NetworkSecurityGroupFlowEvent",)"
      R"("resourceId":"/NSG","operationName":"NetworkSecurityGroupFlowEvents","properties":{{"Version":{},"flows":[)"
      R"({{"rule":"R","flows":[{{"mac":"000D3AF87856","flowTuples":[{}]}}]}}]}}}}]}})",
      version, tuples);
}

std::string vnet(std::string_view tuples) {
  return fmt::format(
      R"({{"records":[{{"time":"2022-09-14T09:00:52.5625085Z","flowLogVersion":4,"flowLogGUID":"g","macAddress":"00224871C205",)"
      R"("category":"FlowLogFlowEvent","flowLogResourceID":"/FL","targetResourceID":"/vnet","operationName":"FlowLogFlowEvent",)"
      R"("flowRecords":{{"flows":[{{"aclID":"acl","flowGroups":[{{"rule":"R","flowTuples":[{}]}}]}}]}}}}]}})",
      tuples);
}

}  // namespace

TEST_CASE("azure: NSG version 1 tuples, also in the doc sample's nested records", "[azure]") {
  auto rows = read_rows(test::data_file("samples/azure-docs/nsg-v1-doc-sample-nested-records.json"));
  // Two records of 5 and 7 tuples, then a nested {"records": [...]} of 5 and 4.
  REQUIRE(rows.size() == 21);
  const auto& r = rows[0];  // 1487282421,192.0.2.95,10.1.0.4,51529,5358,T,I,D
  CHECK(field(r, "start") == "1487282421");
  CHECK(field(r, "srcaddr") == "192.0.2.95");
  CHECK(field(r, "dstport") == "5358");
  CHECK(field(r, "protocol") == "6");
  CHECK(field(r, "flow-direction") == "ingress");
  CHECK(field(r, "action") == "REJECT");
  CHECK(field(r, "packets") == "-");  // version 1 has no counters
  CHECK(field(r, "azure.rule") == "DefaultRule_DenyAllInBound");
  CHECK(field(r, "azure.mac") == "000D3AF8801A");
  CHECK(field(r, "azure.version") == "1");
  CHECK(field(r, "azure.time") == "2017-02-16T22:00:32.8950000Z");
  CHECK(field(rows[1], "action") == "ACCEPT");
  CHECK(field(rows[1], "azure.rule") == "UserRule_default-allow-rdp");
}

TEST_CASE("azure: NSG version 2: B has no counters, C and E count both directions", "[azure]") {
  auto rows = read_rows(nsg(R"("1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,",)"
                            R"("1542110379,10.5.16.4,203.0.113.115,44931,443,T,O,A,C,30,16978,24,14008",)"
                            R"("1542110402,192.0.2.190,10.5.16.4,28746,443,U,I,D,B,,,,")"));
  REQUIRE(rows.size() == 4);
  CHECK(field(rows[0], "azure.flow-state") == "B");
  CHECK(field(rows[0], "packets") == "-");
  // C: sent 30 packets / 16978 bytes (source to destination), received 24 / 14008.
  CHECK(field(rows[1], "packets") == "30");
  CHECK(field(rows[1], "bytes") == "16978");
  CHECK(field(rows[1], "flow-direction") == "egress");
  CHECK(field(rows[1], "azure.counters") == "sent");
  CHECK(field(rows[2], "srcaddr") == "203.0.113.115");
  CHECK(field(rows[2], "dstaddr") == "10.5.16.4");
  CHECK(field(rows[2], "srcport") == "443");
  CHECK(field(rows[2], "dstport") == "44931");
  CHECK(field(rows[2], "packets") == "24");
  CHECK(field(rows[2], "bytes") == "14008");
  CHECK(field(rows[2], "flow-direction") == "ingress");
  CHECK(field(rows[2], "azure.counters") == "received");
  CHECK(field(rows[3], "protocol") == "17");
  CHECK(field(rows[3], "action") == "REJECT");
}

TEST_CASE("azure: the doc's bandwidth example sums to its totals", "[azure]") {
  // Flow totals = the sum of the C and E tuples (1021+52 packets sent, 8005+47 received).
  auto rows = read_rows(nsg(R"("1708978215,203.0.113.105,10.0.0.5,35370,443,T,I,A,B,,,,",)"
                            R"("1708978215,203.0.113.105,10.0.0.5,35370,443,T,I,A,C,1021,588096,8005,4610880",)"
                            R"("1708978215,203.0.113.105,10.0.0.5,35370,443,T,I,A,E,52,29952,47,27072")"));
  uint64_t sent = 0, received = 0, sent_bytes = 0;
  for (const auto& r : rows) {
    if (field(r, "packets") == "-") continue;
    (field(r, "azure.counters") == "sent" ? sent : received) += std::stoull(field(r, "packets"));
    if (field(r, "azure.counters") == "sent") sent_bytes += std::stoull(field(r, "bytes"));
  }
  CHECK(sent == 1073);
  CHECK(received == 8052);
  CHECK(sent_bytes == 618048);
}

TEST_CASE("azure: VNet tuples: numeric protocol, D state, milliseconds, encryption", "[azure]") {
  auto rows = read_rows(test::data_file("samples/azure-docs/vnet-doc-sample.json"));
  // 19 tuples; the 5 E tuples with received packets add 5 records.
  REQUIRE(rows.size() == 24);
  CHECK(field(rows[0], "start") == "1663146003599");  // milliseconds, kept as written
  CHECK(field(rows[0], "packets") == "0");            // "0,0,0,0" is zero, not null
  CHECK(field(rows[0], "azure.encryption") == "NX");
  CHECK(field(rows[0], "azure.acl-id") == "00000000-1234-abcd-ef00-c1c2c3c4c5c6");
  CHECK(field(rows[0], "azure.mac") == "00224871C205");
  CHECK(field(rows[0], "azure.target-resource-id").ends_with("/virtualNetworks/myVNet"));
  const auto& denied = rows[15];  // after 10 tuples and 5 received halves  //
                                  // 1663145998065,101.33.218.153,10.0.0.6,55188,22,6,I,D,NX,0,0,0,0
  CHECK(field(denied, "srcaddr") == "101.33.218.153");
  CHECK(field(denied, "action") == "REJECT");
  CHECK(field(denied, "azure.flow-state") == "D");
  CHECK(field(denied, "azure.rule") == "BlockHighRiskTCPPortsFromInternet");
  auto secs = read_rows(vnet(R"("1493763938,185.170.185.105,10.2.0.4,35370,23,6,I,B,NX,,,,")"));
  REQUIRE(secs.size() == 1);
  CHECK(field(secs[0], "start") == "1493763938");
  CHECK(field(secs[0], "packets") == "-");
}

TEST_CASE("azure: a VNet record with an NSG-style tuple is read in that order, with a warning", "[azure]") {
  std::vector<std::string> warnings;
  auto rows = read_rows(test::data_file("samples/azure-docs/vnet-tutorial-older-nsg-style-tuple.json"), {}, &warnings);
  REQUIRE(rows.size() == 2);
  CHECK(field(rows[0], "protocol") == "6");
  CHECK(field(rows[0], "packets") == "7");
  CHECK(field(rows[1], "bytes") == "8143");
  REQUIRE(warnings.size() == 1);
  CHECK(
      warnings[0].ends_with("VNet flow tuple in the NSG version 2 order (T/U protocol, decision field); read as such"));
}

TEST_CASE("azure: malformed tuples and records name the path and field", "[azure]") {
  const std::string path = "mem:1: records[0].properties.flows[0].flows[0].flowTuples[0]";
  CHECK(read_error(nsg(R"("1542110377,10.5.16.4,203.0.113.118,59831,443,X,O,A,B,,,,")")) ==
        path + ": expected T or U, got 'X' (field protocol)");
  CHECK(read_error(nsg(R"("1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,Q,,,,")")) ==
        path + ": expected B, C or E, got 'Q' (field azure.flow-state)");
  CHECK(read_error(nsg(R"("1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,C,1,2,3")")) ==
        path + ": expected 8 (NSG version 1) or 13 comma-separated fields, found 12");
  CHECK(read_error(nsg(R"("1542110377,10.5.16.4,203.0.113.999,59831,443,T,O,A")", 1)) ==
        path + ": '203.0.113.999' is not an IP address (field dstaddr)");
  CHECK(read_error(nsg(R"("1542110377,10.5.16.4,203.0.113.1,59831,443,T,X,A")", 1)) ==
        path + ": expected I or O, got 'X' (field flow-direction)");
  CHECK(read_error(vnet(R"("1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,Z,NX,0,0,0,0")")) ==
        "mem:1: records[0].flowRecords.flows[0].flowGroups[0].flowTuples[0]: expected B, C, E or D, got 'Z' (field "
        "azure.flow-state)");
  CHECK(read_error(vnet(R"("1663146003599,10.0.0.6,52.239.184.180,23956,443,6,O,E,NX,x,0,0,0")")) ==
        "mem:1: records[0].flowRecords.flows[0].flowGroups[0].flowTuples[0]: 'x' is not a number (field packets)");
  CHECK(read_error(R"({"records":[{"time":"t","category":"x"}]})") ==
        "mem:1: not an Azure flow-log record: no properties.flows (NSG) or flowRecords (VNet) (field records[0])");
  CHECK(read_error(R"({"records":[{"flowRecords":{"flows":[{"flowGroups":[{"flowTuples":[7]}]}]}}]})") ==
        "mem:1: expected a string, got 7 (field records[0].flowRecords.flows[0].flowGroups[0].flowTuples[0])");
}

TEST_CASE("azure: a blob is streamed record by record, blobs may follow each other", "[azure]") {
  std::string blob = nsg(R"("1542110377,10.5.16.4,203.0.113.118,59831,443,T,O,A,B,,,,")");
  auto rows = read_rows(blob + "\n" + blob);
  CHECK(rows.size() == 2);
  // A bad tuple is one error; with --on-error=skip the next tuples are read.
  auto reader = open_reader(
      std::make_unique<InputStream>(
          memory_source(nsg(R"("1,10.0.0.1,10.0.0.2,1,2,T,O,A,B,,,,","bad","2,10.0.0.1,10.0.0.2,1,2,T,O,A,B,,,,")")),
          "mem"),
      {});
  Record r;
  int read = 0, errors = 0;
  for (;;) {
    try {
      if (!reader->next(r)) break;
      ++read;
    } catch (const DataError&) {
      ++errors;
    }
  }
  CHECK(read == 2);
  CHECK(errors == 1);
}
