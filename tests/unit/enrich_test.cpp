// flowjoin's table lookups: key tables, CIDR tables, ip-ranges.json and MaxMind DBs.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <unordered_set>

#include "enrich/prefix_map.hpp"
#include "flow/enrich.hpp"
#include "flow/error.hpp"
#include "mmdb_writer.hpp"
#include "test_util.hpp"

using namespace flow;

namespace {

/// A file that is removed at the end of the test.
class TempFile {
 public:
  explicit TempFile(const std::string& content, const std::string& suffix = "") {
    std::string tmpl = "/tmp/flow-enrich-XXXXXX" + suffix;
    int fd = mkstemps(tmpl.data(), static_cast<int>(suffix.size()));
    REQUIRE(fd >= 0);
    close(fd);
    path_ = tmpl;
    std::ofstream(path_, std::ios::binary) << content;
  }
  ~TempFile() { unlink(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

const char* kFlows =
    "version interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action log-status vpc-id\n"
    "5 eni-0a1 10.0.1.5 52.216.8.1 40000 443 6 10 840 1700000000 1700000060 ACCEPT OK -\n"
    "5 eni-0b2 10.0.2.9 10.0.1.5 51000 5432 6 20 1680 1700000000 1700000060 ACCEPT OK vpc-keep\n"
    "5 eni-999 2001:db8::7 10.9.9.9 1 22 6 1 40 1700000000 1700000060 REJECT OK -\n";

/// Every record of `flows` enriched: rows as text, and the summed lookup results.
std::vector<test::Row> enrich_all(const std::vector<LookupSpec>& specs, const std::string& flows = kFlows,
                                  LookupResult* total = nullptr) {
  Enricher e(specs);
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(flows), "mem"), {});
  std::vector<test::Row> rows;
  Record in, out;
  while (reader->next(in)) {
    auto res = e.apply(in, out);
    if (total) total->lookups += res.lookups, total->matched += res.matched;
    test::Row row{out.schema->header(), {}};
    for (size_t i = 0; i < out.values.size(); ++i)
      row.values.push_back(value_text(out.values[i], out.schema->column(i).type));
    rows.push_back(std::move(row));
  }
  return rows;
}

/// The values of column `name` in every row.
std::vector<std::string> column(const std::vector<test::Row>& rows, std::string_view name) {
  std::vector<std::string> v;
  for (const auto& r : rows) v.push_back(test::field(r, name));
  return v;
}
using Strings = std::vector<std::string>;

LookupSpec spec(LookupSpec::Kind k, const std::string& field, const TempFile& f) {
  return LookupSpec{k, field, f.path()};
}

/// The message of the DataError loading `table` as a lookup of `kind` on `field` throws ("" if
/// none), with the temporary file's name replaced by "T".
std::string load_error(LookupSpec::Kind kind, const std::string& field, const std::string& table) {
  TempFile f(table);
  try {
    Enricher e({spec(kind, field, f)});
  } catch (const DataError& err) {
    std::string m = err.message();
    for (size_t p; (p = m.find(f.path())) != std::string::npos;) m.replace(p, f.path().size(), "T");
    return m;
  }
  return "";
}

}  // namespace

TEST_CASE("enrich: key table from CSV adds its columns, typed, on an exact match", "[enrich]") {
  TempFile t(
      "interface-id,owner,cost-center,account-id,vpc-id\n"
      "eni-0a1,team-web,1200,012345678901,vpc-1\n"
      "eni-0b2,team-db,,-,vpc-2\n");
  LookupResult total;
  auto rows = enrich_all({spec(LookupSpec::Key, "interface-id", t)}, kFlows, &total);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].header.ends_with("log-status vpc-id owner cost-center account-id"));
  CHECK(column(rows, "owner") == Strings{"team-web", "team-db", "-"});     // the third: no match
  CHECK(column(rows, "cost-center") == Strings{"1200", "-", "-"});         // empty cell: null
  CHECK(column(rows, "account-id") == Strings{"012345678901", "-", "-"});  // a String field: zero kept; "-": null
  CHECK(total.lookups == 3);
  CHECK(total.matched == 2);
  // Fills in: the input's vpc-id where set, the table's where null.
  CHECK(column(rows, "vpc-id") == Strings{"vpc-1", "vpc-keep", "-"});
}

TEST_CASE("enrich: column types: known fields, whole numbers, leading zeros, strings", "[enrich]") {
  TempFile t(
      "interface-id,n,zip,mixed,srcport,note,private-ip,host\n"
      "eni-0a1,18446744073709551615,0123,12,80,x,10.0.1.5,10.0.1.6\n"
      "eni-0b2,0,99,12a,-,-,2001:db8::1,db-1\n");
  Enricher e({spec(LookupSpec::Key, "interface-id", t)});
  auto& cols = e.added_columns();
  REQUIRE(cols.size() == 7);
  CHECK(cols[5].type == Type::Ip);      // every value an address (IPv4 or IPv6)
  CHECK(cols[6].type == Type::String);  // not every one
  CHECK(cols[0].name == "n");
  CHECK(cols[0].type == Type::UInt);
  CHECK(cols[1].type == Type::String);  // 0123 is no whole number of ours: the zero stays
  CHECK(cols[2].type == Type::String);
  CHECK(cols[3].type == Type::UInt);  // srcport, a known field
  CHECK(cols[4].type == Type::String);
  CHECK(load_error(LookupSpec::Key, "interface-id", "interface-id,srcport\neni-1,http\n") ==
        "T:2: 'http' is not a valid uint value (field srcport)");
  CHECK(load_error(LookupSpec::Key, "interface-id", "interface-id,srcport\neni-1,70000\n") ==
        "T:2: '70000' is not a valid uint value (field srcport)");
}

TEST_CASE("enrich: CSV quoting, CRLF, a BOM and the first column as the key", "[enrich]") {
  TempFile t(
      "\xEF\xBB\xBF"
      "eni,owner,desc\r\n"
      "eni-0a1,\"team, web\",\"says \"\"hi\"\"\"\r\n"
      "\"eni-0b2\",db,\"two\nlines\"\r\n");
  auto rows = enrich_all({spec(LookupSpec::Key, "interface-id", t)});
  CHECK(rows[0].header.ends_with("vpc-id owner desc"));  // the key column is not added
  CHECK(column(rows, "owner") == Strings{"team, web", "db", "-"});
  CHECK(column(rows, "desc") == Strings{"says \"hi\"", "two\nlines", "-"});
}

TEST_CASE("enrich: key table from JSON Lines: strings, numbers, booleans, null", "[enrich]") {
  TempFile t(
      "{\"interface-id\": \"eni-0a1\", \"owner\": \"web\", \"tier\": 1, \"public\": true}\n"
      "\n"
      "{\"interface-id\": \"eni-0b2\", \"owner\": null, \"tier\": 2, \"ratio\": 0.5}\n");
  auto rows = enrich_all({spec(LookupSpec::Key, "interface-id", t)});
  CHECK(rows[0].header.ends_with("vpc-id owner tier public ratio"));
  CHECK(column(rows, "tier") == Strings{"1", "2", "-"});
  CHECK(column(rows, "public") == Strings{"true", "-", "-"});
  CHECK(column(rows, "ratio") == Strings{"-", "0.5", "-"});  // a key first seen later: null before
  CHECK(column(rows, "owner") == Strings{"web", "-", "-"});
  CHECK(load_error(LookupSpec::Key, "interface-id", "{\"interface-id\": \"a\", \"tags\": [1]}\n") ==
        "T:1: nested JSON value: a cell must be a string, number, boolean or null (field tags)");
  CHECK(load_error(LookupSpec::Key, "interface-id", "{\"interface-id\": \"a\"}\n[1]\n") == "T:2: not a JSON object");
  CHECK(load_error(LookupSpec::Key, "interface-id", "{\"interface-id\": \"a\"}\n{\"owner\": \"b\"}\n") ==
        "T:2: empty key (field interface-id)");
}

TEST_CASE("enrich: keys of number and address fields match the record's text", "[enrich]") {
  TempFile ports("dstport,service\n0443,https\n5432,postgres\n");
  TempFile addrs("srcaddr,host\n2001:DB8:0:0::7,v6-host\n10.0.1.5,web-1\n");
  auto rows = enrich_all({spec(LookupSpec::Key, "dstport", ports), spec(LookupSpec::Key, "srcaddr", addrs)});
  CHECK(column(rows, "service") == Strings{"https", "postgres", "-"});
  CHECK(column(rows, "host") == Strings{"web-1", "-", "v6-host"});
  CHECK(load_error(LookupSpec::Key, "srcaddr", "srcaddr,host\nnot-an-ip,x\n") ==
        "T:2: 'not-an-ip' is not a valid ip value (field srcaddr)");
}

TEST_CASE("enrich: a lookup keyed on a column an earlier one added", "[enrich]") {
  TempFile enis("interface-id,instance\neni-0a1,i-1\neni-0b2,i-2\n"), instances("instance,role\ni-1,frontend\n");
  LookupResult total;
  auto rows = enrich_all({spec(LookupSpec::Key, "interface-id", enis), spec(LookupSpec::Key, "instance", instances)},
                         kFlows, &total);
  CHECK(column(rows, "role") == Strings{"frontend", "-", "-"});
  // Three interface lookups, then an instance lookup for the two records that got an instance.
  CHECK(total.lookups == 5);
  CHECK(total.matched == 3);
}

TEST_CASE("enrich: table errors name file, line and column", "[enrich]") {
  using K = LookupSpec;
  struct Case {
    K::Kind kind;
    const char *field, *table, *error;
  };
  const Case cases[] = {
      {K::Key, "interface-id", "", "T: empty table: no header line"},
      {K::Key, "interface-id", "interface-id,owner\n", "T: empty table: no rows"},
      {K::Key, "interface-id", "interface-id,owner\na,b\nc\n", "T:3: 1 field where the header line has 2"},
      {K::Key, "interface-id", "interface-id,owner\na,b\n\na,c\n",
       "T:4: key 'a' already on line 2 (field interface-id)"},
      {K::Key, "interface-id", "interface-id,Owner Name\na,b\n",
       "T:1: column name must be lower-case letters, digits, '-' and '.' (a field name) (field Owner Name)"},
      {K::Key, "interface-id", "interface-id,owner,owner\na,b,c\n", "T:1: column named twice (field owner)"},
      {K::Key, "interface-id", "interface-id,owner\na,\"b\n",
       "T:2: quoted field not closed before the end of the file"},
      {K::Key, "interface-id", "interface-id,owner\na,\"b\"c\n",
       "T:2: 'c' after a closing quote (a quote inside a quoted field is written \"\")"},
      {K::Cidr, "srcaddr", "cidr,zone\n10.0.0.0/8,a\n10.0.0.0/33,b\n",
       "T:3: '10.0.0.0/33' is not an IPv4 or IPv6 prefix (field cidr)"},
      {K::Cidr, "srcaddr", "cidr,zone\n10.0.0.0/8,a\n10.1.0.0/16,b\n10.0.0.0/8,c\n",
       "T:4: prefix '10.0.0.0/8' already on line 2 (field cidr)"},
  };
  for (const auto& c : cases) {
    INFO(c.table);
    CHECK(load_error(c.kind, c.field, c.table) == c.error);
  }
  try {
    Enricher e({LookupSpec{K::Key, "interface-id", "/nonexistent/enis.csv"}});
    FAIL("no error");
  } catch (const DataError& err) {
    CHECK(err.message().find("/nonexistent/enis.csv") != std::string::npos);
  }
}

TEST_CASE("enrich: CIDR table: longest prefix, IPv4 and IPv6, columns named after the field", "[enrich]") {
  TempFile t(
      "zone,cidr,tier\n"
      "internal,10.0.0.0/8,\n"
      "web,10.0.1.0/24,1\n"
      "db,10.0.2.0/24,2\n"
      "db-primary,10.0.2.9,3\n"
      "lab,2001:db8::/32,9\n"
      "s3,52.216.0.0/15,-\n");
  auto rows = enrich_all({spec(LookupSpec::Cidr, "srcaddr", t), spec(LookupSpec::Cidr, "dstaddr", t)});
  CHECK(rows[0].header.ends_with("vpc-id src.zone src.tier dst.zone dst.tier"));
  CHECK(column(rows, "src.zone") == Strings{"web", "db-primary", "lab"});  // a bare address is a /32
  CHECK(column(rows, "src.tier") == Strings{"1", "3", "9"});
  CHECK(column(rows, "dst.zone") == Strings{"s3", "web", "internal"});
  CHECK(column(rows, "dst.tier") == Strings{"-", "1", "-"});
  TempFile pkt("10.0.0.0/8,inside\n");  // no column named like a prefix: the first
  TempFile pkt2("prefix,where\n10.0.0.0/8,inside\n");
  Enricher e({spec(LookupSpec::Cidr, "pkt-srcaddr", pkt2)});
  REQUIRE(e.added_columns().size() == 1);
  CHECK(e.added_columns()[0].name == "pkt-src.where");
}

TEST_CASE("enrich: ip-ranges.json: service and region of the most specific prefix", "[enrich]") {
  std::string path = std::string(FLOW_TEST_DATA) + "/aws-ip-ranges-excerpt.json";
  std::string flows =
      "version srcaddr dstaddr\n"
      "2 10.0.0.1 52.216.8.1\n"
      "2 10.0.0.1 13.33.1.1\n"
      "2 10.0.0.1 54.243.31.200\n"
      "2 10.0.0.1 52.94.77.1\n"
      "2 2600:1f14::1 2a05:d07a:a0ff::1\n"
      "2 10.0.0.1 8.8.8.8\n";
  auto rows = enrich_all({LookupSpec{LookupSpec::IpRanges, "dstaddr", path}}, flows);
  CHECK(rows[0].header == "version srcaddr dstaddr dst.aws-service dst.aws-region dst.aws-border-group");
  CHECK(rows[0].values[3] == "S3");  // AMAZON dropped beside S3
  CHECK(rows[0].values[4] == "us-east-1");
  CHECK(rows[1].values[3] == "CLOUDFRONT");
  CHECK(rows[1].values[4] == "GLOBAL");
  CHECK(rows[2].values[3] == "ROUTE53_HEALTHCHECKS");
  CHECK(rows[3].values[3] == "AMAZON");  // listed under AMAZON alone
  CHECK(rows[3].values[5] == "us-west-2");
  CHECK(rows[4].values[3] == "AMAZON");
  CHECK(rows[4].values[4] == "eu-south-1");
  CHECK(rows[5].values[3] == "-");

  TempFile nested(R"({"prefixes": [
    {"ip_prefix": "52.94.0.0/16", "region": "us-east-1", "service": "AMAZON"},
    {"ip_prefix": "52.94.5.0/24", "region": "us-east-1", "service": "AMAZON"},
    {"ip_prefix": "52.94.5.0/24", "region": "us-east-1", "service": "EC2"},
    {"ip_prefix": "52.94.5.0/24", "region": "us-east-1", "service": "DYNAMODB"},
    {"ip_prefix": "52.94.5.128/25", "region": "us-east-1", "service": "S3"}]})");
  rows = enrich_all({spec(LookupSpec::IpRanges, "dstaddr", nested)},
                    "version dstaddr\n2 52.94.1.1\n2 52.94.5.1\n2 52.94.5.200\n");
  CHECK(rows[0].values[2] == "AMAZON");
  CHECK(rows[1].values[2] == "DYNAMODB+EC2");
  CHECK(rows[2].values[2] == "S3");

  CHECK(load_error(LookupSpec::IpRanges, "dstaddr",
                   R"({"prefixes": [{"ip_prefix": "1.2.3.0/24"}, {"ip_prefix": "x"}]})") ==
        "T: 'x' is not an IPv4 prefix (field prefixes[1].ip_prefix)");
  CHECK(load_error(LookupSpec::IpRanges, "dstaddr", R"({"syncToken": "1"})") ==
        "T: not AWS ip-ranges.json: no 'prefixes' or 'ipv6_prefixes' array");
  CHECK(load_error(LookupSpec::IpRanges, "dstaddr", "{").starts_with("T: invalid JSON"));
}

TEST_CASE("enrich: MaxMind DB: ASN, country and city by the database type", "[enrich]") {
  using namespace test::mmdb;
  using Writer = test::mmdb::Writer;
  Writer asn("GeoLite2-ASN");
  asn.insert("52.216.0.0/15",
             map({{"autonomous_system_number", u32(16509)}, {"autonomous_system_organization", str("AMAZON-02")}}));
  asn.insert("2001:db8::/32", map({{"autonomous_system_number", u32(64496)}}));
  Writer city("GeoIP2-City");
  city.insert("10.0.0.0/8", map({{"country", map({{"iso_code", str("DE")}})}}));
  city.insert("10.0.1.0/24", map({{"country", map({{"iso_code", str("DE")}})},
                                  {"city", map({{"names", map({{"en", str("Berlin")}, {"de", str("Berlin")}})}})}}));
  Writer country("GeoIP2-Country");
  country.insert("10.0.0.0/8", map({{"country", map({{"iso_code", str("FR")}})}}));
  TempFile fa(asn.bytes()), fc(city.bytes()), fk(country.bytes());
  LookupResult total;
  auto rows = enrich_all({spec(LookupSpec::Mmdb, "dstaddr", fa), spec(LookupSpec::Mmdb, "srcaddr", fc),
                          spec(LookupSpec::Mmdb, "pkt-srcaddr", fk)},
                         kFlows, &total);
  CHECK(rows[0].header.ends_with("vpc-id dst.asn dst.as-org src.country src.city pkt-src.country"));
  CHECK(column(rows, "dst.asn") == Strings{"16509", "-", "-"});
  CHECK(column(rows, "dst.as-org") == Strings{"AMAZON-02", "-", "-"});
  CHECK(column(rows, "src.country") == Strings{"DE", "DE", "-"});  // 2001:db8::7 is not in it
  CHECK(column(rows, "src.city") == Strings{"Berlin", "-", "-"});  // 10.0.2.9: the /8, country only
  CHECK(total.lookups == 6);                                       // pkt-srcaddr is not in the input
  CHECK(total.matched == 3);

  Writer isp("GeoIP2-Anonymous-IP");
  isp.insert("10.0.0.0/8", map({{"is_anonymous", str("x")}}));
  TempFile fi(isp.bytes());
  std::string err = load_error(LookupSpec::Mmdb, "srcaddr", isp.bytes());
  CHECK(err == "T: MaxMind DB of type 'GeoIP2-Anonymous-IP': only ASN, Country and City databases are read");
  CHECK(load_error(LookupSpec::Mmdb, "srcaddr", "not a database").starts_with("T: cannot open MaxMind DB"));
}

TEST_CASE("enrich: FIELD=FILE specs", "[enrich]") {
  auto s = parse_lookup_spec(LookupSpec::Cidr, "pkt-srcaddr=zones.csv", "--cidr");
  CHECK(s.kind == LookupSpec::Cidr);
  CHECK(s.field == "pkt-srcaddr");
  CHECK(s.file == "zones.csv");
  CHECK(parse_lookup_spec(LookupSpec::Key, "owner=a=b.csv", "--table").file == "a=b.csv");
  CHECK_THROWS_WITH(parse_lookup_spec(LookupSpec::Key, "enis.csv", "--table"),
                    "--table: expected FIELD=FILE, got 'enis.csv'");
  CHECK_THROWS_WITH(parse_lookup_spec(LookupSpec::Cidr, "dstport=z.csv", "--cidr"),
                    "--cidr: 'dstport' is not an address field");
  CHECK_THROWS_WITH(parse_lookup_spec(LookupSpec::Key, "interface_id=z.csv", "--table"),
                    Catch::Contains("did you mean 'interface-id'"));
}

TEST_CASE("enrich: longest-prefix match agrees with brute force on random nested prefixes", "[enrich][lpm]") {
  std::mt19937_64 rng(20261124);
  for (bool v6 : {false, true}) {
    const int max_bits = v6 ? 128 : 32;
    // Nested prefixes: each a random new one or one inside an earlier one.
    std::vector<Cidr> prefixes;
    std::set<std::pair<Ip, int>> seen;
    auto random_ip = [&] {
      Ip ip;
      ip.v6 = v6;
      for (size_t i = 0; i < (v6 ? 16u : 4u); ++i) ip.bytes[i] = static_cast<uint8_t>(rng());
      return ip;
    };
    while (prefixes.size() < 10000) {
      Cidr c;
      if (prefixes.empty() || rng() % 3 == 0) {
        c.base = random_ip();
        c.bits = static_cast<uint8_t>(rng() % (max_bits + 1));
      } else {
        const Cidr& outer = prefixes[rng() % prefixes.size()];
        if (outer.bits == max_bits) continue;
        c.base = random_ip();
        for (int b = 0; b < outer.bits; ++b) {  // outer's bits, then random ones
          size_t i = static_cast<size_t>(b / 8);
          uint8_t m = static_cast<uint8_t>(0x80 >> (b % 8));
          c.base.bytes[i] = static_cast<uint8_t>((c.base.bytes[i] & ~m) | (outer.base.bytes[i] & m));
        }
        c.bits = static_cast<uint8_t>(outer.bits + 1 + rng() % std::min<int>(8, max_bits - outer.bits));
      }
      enrich::PrefixMap::mask(c);
      if (seen.emplace(c.base, c.bits).second) prefixes.push_back(c);
    }
    enrich::PrefixMap map;
    for (size_t i = 0; i < prefixes.size(); ++i) map.add(prefixes[i], static_cast<uint32_t>(i));
    map.build([](uint32_t, uint32_t) { FAIL("duplicate"); });

    // The reference: each length from the longest down, the masked address in a hash set.
    using Key = std::pair<uint64_t, uint64_t>;
    struct KeyHash {
      size_t operator()(const Key& k) const {
        return std::hash<uint64_t>()(k.first * 0x9E3779B97F4A7C15ULL ^ k.second);
      }
    };
    std::map<int, std::unordered_map<Key, uint32_t, KeyHash>, std::greater<>> by_len;
    auto key = [](Cidr c) {
      enrich::PrefixMap::mask(c);
      Key k;
      std::memcpy(&k.first, c.base.bytes.data(), 8);
      std::memcpy(&k.second, c.base.bytes.data() + 8, 8);
      return k;
    };
    for (size_t i = 0; i < prefixes.size(); ++i) by_len[prefixes[i].bits][key(prefixes[i])] = static_cast<uint32_t>(i);
    auto reference = [&](const Ip& ip) {
      for (auto& [len, set] : by_len) {
        auto it = set.find(key(Cidr{ip, static_cast<uint8_t>(len)}));
        if (it != set.end()) return it->second;
      }
      return enrich::PrefixMap::kNone;
    };
    // And the reference itself checked against a scan of every prefix on a few addresses.
    for (int i = 0; i < 300; ++i) {
      Ip ip = random_ip();
      uint32_t best = enrich::PrefixMap::kNone;
      for (size_t p = 0; p < prefixes.size(); ++p)
        if (prefixes[p].contains(ip) && (best == enrich::PrefixMap::kNone || prefixes[p].bits > prefixes[best].bits))
          best = static_cast<uint32_t>(p);
      REQUIRE(reference(ip) == best);
    }

    // Addresses: at every prefix's first and last address and just outside them, then random
    // ones, half of them inside a random prefix.
    std::vector<Ip> addrs;
    auto step = [](Ip ip, int delta) {
      size_t n = ip.v6 ? 16 : 4;
      for (size_t i = n; i-- > 0;) {
        int v = ip.bytes[i] + delta;
        ip.bytes[i] = static_cast<uint8_t>(v);
        if (v >= 0 && v <= 255) break;
      }
      return ip;
    };
    for (const auto& c : prefixes) {
      Ip last = c.base;
      for (int b = c.bits; b < max_bits; ++b)
        last.bytes[static_cast<size_t>(b / 8)] |= static_cast<uint8_t>(0x80 >> (b % 8));
      for (const Ip& a : {c.base, last, step(c.base, -1), step(last, 1)}) addrs.push_back(a);
    }
    while (addrs.size() < 1000000 + 4 * prefixes.size()) {
      Ip ip = random_ip();
      if (rng() % 2) {
        const Cidr& c = prefixes[rng() % prefixes.size()];
        for (int b = 0; b < c.bits; ++b) {
          size_t i = static_cast<size_t>(b / 8);
          uint8_t m = static_cast<uint8_t>(0x80 >> (b % 8));
          ip.bytes[i] = static_cast<uint8_t>((ip.bytes[i] & ~m) | (c.base.bytes[i] & m));
        }
      }
      addrs.push_back(ip);
    }
    size_t bad = 0, matched = 0;
    for (const auto& ip : addrs) {
      uint32_t want = reference(ip), got = map.find(ip);
      matched += want != enrich::PrefixMap::kNone;
      if (got != want && ++bad <= 5) FAIL_CHECK(to_string(ip) << ": got " << got << ", want " << want);
    }
    INFO((v6 ? "IPv6" : "IPv4") << ": " << addrs.size() << " addresses, " << matched << " matched");
    CHECK(bad == 0);
    CHECK(matched > addrs.size() / 3);
  }
}
