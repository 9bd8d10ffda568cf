// The CSV and table writers: quoting, nulls, headers, alignment and schema changes.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <fstream>
#include <sstream>

#include "flow/format.hpp"
#include "test_util.hpp"

using namespace flow;

namespace {

using test::convert;

const char* kText =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
    "log-status\n"
    "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT "
    "OK\n"
    "2 123456789010 eni-1235b8ca123456789 - - - - - - - 1431280876 1431280934 - NODATA\n";

}  // namespace

TEST_CASE("csv: header of field names, numbers plain, null as an empty cell", "[csv]") {
  CHECK(convert(kText, Format::Csv) ==
        "version,account-id,interface-id,srcaddr,dstaddr,srcport,dstport,protocol,packets,bytes,start,end,action,log-"
        "status\n"
        "2,123456789010,eni-1235b8ca123456789,172.31.16.139,172.31.16.21,20641,22,6,20,4249,1418530010,1418530070,"
        "ACCEPT,OK\n"
        "2,123456789010,eni-1235b8ca123456789,,,,,,,,1431280876,1431280934,,NODATA\n");
}

TEST_CASE("csv: values with comma, quote, CR or LF are quoted with quotes doubled (RFC 4180)", "[csv]") {
  CHECK(convert(R"({"a":"x,y","b":"say \"hi\"","c":"l1\nl2","d":"cr\r","e":"plain 'q'","srcaddr":"2001:db8::1"})",
                Format::Csv) ==
        "a,b,c,d,e,srcaddr\n"
        "\"x,y\",\"say \"\"hi\"\"\",\"l1\nl2\",\"cr\r\",plain 'q',2001:db8::1\n");
}

TEST_CASE("csv: a header line again when the fields change, none with header off", "[csv]") {
  const char* in = "{\"version\":2,\"dstport\":22}\n{\"version\":2,\"dstport\":80}\n{\"version\":3,\"a,b\":\"x\"}\n";
  CHECK(convert(in, Format::Csv) == "version,dstport\n2,22\n2,80\nversion,\"a,b\"\n3,x\n");
  WriteOptions no_header;
  no_header.header = false;
  CHECK(convert(in, Format::Csv, no_header) == "2,22\n2,80\n3,x\n");
}

TEST_CASE("table: columns aligned, numbers right, text left, times in UTC, null as '-'", "[table]") {
  CHECK(convert(kText, Format::Table) ==
        "version  account-id    interface-id           srcaddr        dstaddr       srcport  dstport  protocol  "
        "packets  bytes                 start                   end  action  log-status\n"
        "      2  123456789010  eni-1235b8ca123456789  172.31.16.139  172.31.16.21    20641       22         6       "
        "20   4249  2014-12-14T04:06:50Z  2014-12-14T04:07:50Z  ACCEPT  OK\n"
        "      2  123456789010  eni-1235b8ca123456789  -              -                   -        -         -        "
        "-      -  2015-05-10T18:01:16Z  2015-05-10T18:02:14Z  -       NODATA\n");
}

TEST_CASE("table: a schema change ends the table and starts a new one after a blank line", "[table]") {
  CHECK(convert("{\"dstport\":22,\"action\":\"ACCEPT\"}\n{\"dstport\":443,\"action\":\"REJECT\"}\n"
                "{\"srcaddr\":\"10.0.0.1\",\"note\":\"é\\tx\"}\n",
                Format::Table) ==
        "dstport  action\n"
        "     22  ACCEPT\n"
        "    443  REJECT\n"
        "\n"
        "srcaddr   note\n"
        "10.0.0.1  é\\tx\n");
}

TEST_CASE("table: widths come from the first 1000 records, wider later values push the line", "[table]") {
  std::string in;
  for (int i = 0; i < 1000; ++i) in += "{\"dstport\":" + std::to_string(i % 10) + ",\"action\":\"ACCEPT\"}\n";
  in += "{\"dstport\":65535,\"action\":\"REJECT\"}\n";
  std::string out = convert(in, Format::Table);
  CHECK(out.substr(0, 38) == "dstport  action\n      0  ACCEPT\n      ");
  CHECK(out.substr(out.size() - 32) == "      9  ACCEPT\n  65535  REJECT\n");

  std::string wide;
  for (int i = 0; i < 1000; ++i) wide += "{\"vpc-id\":\"A\",\"dstport\":1}\n";
  wide += "{\"vpc-id\":\"REJECTED\",\"dstport\":2}\n";
  out = convert(wide, Format::Table);
  CHECK(out.substr(0, 31) == "vpc-id  dstport\nA             1");
  CHECK(out.substr(out.size() - 34) == "A             1\nREJECTED        2\n");
}

TEST_CASE("table: header off leaves only the rows", "[table]") {
  WriteOptions no_header;
  no_header.header = false;
  CHECK(convert("{\"dstport\":22,\"action\":\"ACCEPT\"}\n{\"dstport\":443,\"action\":null}\n", Format::Table,
                no_header) == " 22  ACCEPT\n443  -\n");
}
