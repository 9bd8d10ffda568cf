// libFuzzer target: the tables of flowjoin's lookups (key tables in CSV and JSON Lines, CIDR
// tables, AWS ip-ranges.json), loaded by an Enricher and applied to fixed records. The first
// byte picks the kind (byte % 3: key, CIDR, ip-ranges.json) and the looked-up fields; the rest
// is the table, written to a memfd whose /proc/self/fd path the Enricher opens.
#include "flow/enrich.hpp"
#include "records.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto records = flow::fuzz::make_fixed_records();
  static flow::fuzz::MemFile file("table");
  if (size == 0) return 0;
  static const char* const key_fields[] = {"interface-id", "dstport", "srcaddr", "account-id", "owner"};
  static const char* const addr_fields[] = {"srcaddr", "dstaddr", "pkt-dstaddr", "gcp.src-ip"};
  auto kind = static_cast<flow::LookupSpec::Kind>(data[0] % 3);
  unsigned pick = data[0] / 3u;
  file.set(data + 1, size - 1);
  // Two lookups of the same table on two fields: the second fills in the first's columns.
  std::vector<flow::LookupSpec> specs;
  for (unsigned i = 0; i < 2; ++i) {
    const char* field = kind == flow::LookupSpec::Key ? key_fields[(pick + i) % 5] : addr_fields[(pick + i) % 4];
    specs.push_back(flow::LookupSpec{kind, field, file.path()});
  }
  try {
    flow::Enricher enricher(specs);
    flow::Record out;
    volatile size_t sink = 0;
    for (const auto& r : records) {
      auto res = enricher.apply(r->record, out);
      sink = sink + res.matched + flow::fuzz::consume_record(out);
    }
  } catch (const flow::DataError&) {
  }
  return 0;
}
