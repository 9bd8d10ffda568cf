// A few fixed records (different schemas, nulls, IPv6, NAT, NODATA) for evaluating compiled
// filters and policies against. Parsed once; each keeps its reader alive (values point into it).
#pragma once

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "fuzz_util.hpp"

namespace flow::fuzz {

struct FixedRecord {
  std::unique_ptr<Reader> reader;
  Record record;
};

inline std::vector<std::unique_ptr<FixedRecord>> make_fixed_records() {
  static const char* const inputs[] = {
      // v2 default format
      "2 123456789010 eni-1235b8ca123456789 172.31.16.139 172.31.16.21 20641 22 6 20 4249 1418530010 1418530070 ACCEPT "
      "OK\n",
      "2 123456789010 eni-1235b8ca123456789 172.31.9.69 172.31.9.12 49761 3389 6 20 4249 1418530010 1418530070 REJECT "
      "OK\n",
      "2 123456789010 eni-1a2b3c4d - - - - - - - 1431280876 1431280934 - NODATA\n",
      "2 123456789010 eni-1235b8ca123456789 2001:db8:1234:a100:8d6e:3477:df66:f105 "
      "2001:db8:1234:a102:3304:8879:34cf:4071 34892 22 6 54 8855 1477913708 1477913820 ACCEPT OK\n",
      // custom format with NAT, tcp-flags, direction
      "version vpc-id subnet-id instance-id interface-id account-id type srcaddr dstaddr srcport dstport pkt-srcaddr "
      "pkt-dstaddr protocol bytes packets start end action tcp-flags log-status flow-direction traffic-path\n"
      "3 vpc-abcdefab012345678 subnet-aaaaaaaa012345678 i-01234567890123456 eni-33333333333333333 123456789010 IPv4 "
      "10.20.33.164 10.40.2.236 39812 80 10.20.33.164 203.0.113.5 6 392 4 1566848875 1566848933 ACCEPT 2 OK egress 8\n",
      "version srcaddr dstaddr srcport dstport protocol tcp-flags action start end bytes packets\n"
      "5 203.0.113.9 10.0.1.5 443 51234 6 18 ACCEPT 1566848875000 1566848933000 100000000 70000\n",
  };
  std::vector<std::unique_ptr<FixedRecord>> out;
  for (const char* text : inputs) {
    auto f = std::make_unique<FixedRecord>();
    ReadOptions opts;
    opts.format = Format::Aws;
    f->reader = open_reader(std::make_unique<InputStream>(memory_source(text), "fixed"), opts);
    if (!f->reader->next(f->record)) std::abort();
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace flow::fuzz
