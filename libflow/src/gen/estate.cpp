// flowgen's estate: a deterministic set of VPCs with tiered services, their security groups, and
// the estate as data (CSV for flowjoin, the intended policy for flowfilter).
#include "flow/gen_estate.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>

#include "flow/error.hpp"
#include "gen/rng.hpp"

namespace flow::gen {
namespace {

// Per VPC: a product name and the teams owning its tiers, so joins have something to show.
const char* const kProducts[] = {"shop", "billing", "search", "media", "auth", "reports", "mail", "maps"};
const char* const kTierService[kTiers] = {"lb", "web", "api", "db", "cache", "bastion", "nat", "spare"};
const char* const kTierOwner[kTiers] = {"platform", "storefront", "backend",  "data",
                                        "data",     "platform",   "platform", "platform"};

std::string hex_id(Rng& rng, const char* prefix) {
  return fmt::format("{}{:017x}", prefix, rng.next() & 0x1FFFFFFFFFFFFFFFull);
}

/// "us-east-1" -> "use1", "ap-southeast-2" -> "apse2": the prefix of AZ IDs (use1-az1).
std::string az_prefix(const std::string& region) {
  size_t a = region.find('-'), b = region.rfind('-');
  if (a == std::string::npos || a == b) return region;
  std::string dir = region.substr(a + 1, b - a - 1);
  static const std::pair<const char*, const char*> kCodes[] = {
      {"north", "n"},      {"south", "s"},      {"east", "e"},       {"west", "w"},      {"central", "c"},
      {"northeast", "ne"}, {"southeast", "se"}, {"northwest", "nw"}, {"southwest", "sw"}};
  for (const auto& [name, code] : kCodes)
    if (dir == name) dir = code;
  return region.substr(0, a) + dir + region.substr(b + 1);
}

bool is_public(uint32_t a) {
  const uint32_t o1 = a >> 24, o2 = (a >> 16) & 0xFF;
  if (o1 == 0 || o1 == 10 || o1 == 127 || o1 >= 224) return false;
  if (o1 == 100 && (o2 & 0xC0) == 64) return false;
  if (o1 == 169 && o2 == 254) return false;
  if (o1 == 172 && (o2 & 0xF0) == 16) return false;
  if (o1 == 192 && o2 == 168) return false;
  if (o1 == 203 && o2 == 0 && ((a >> 8) & 0xFF) == 113) return false;  // the office
  return true;
}

}  // namespace

Ip random_public_ip(Rng& rng) {
  for (;;) {
    uint32_t a = static_cast<uint32_t>(rng.next() >> 32);
    if (is_public(a) && (a & 0xFF) != 0 && (a & 0xFF) != 255) return Ip::v4(a);
  }
}

const char* tier_name(Tier t) {
  static const char* const names[kTiers] = {"lb", "web", "app", "db", "cache", "bastion", "nat", "spare"};
  return names[static_cast<int>(t)];
}

Estate build_estate(const EstateSize& size, uint64_t seed) {
  Rng rng(hash3(seed, 0xE57A7E, 0));
  Estate e;
  e.region = size.region;
  const std::string azp = az_prefix(size.region);
  for (int i = 0; i < size.accounts; ++i)
    e.accounts.push_back(fmt::format("{:012}", 100000000000ull + rng.below(899999999999ull)));

  for (int v = 0; v < size.vpcs; ++v) {
    Vpc vpc;
    vpc.id = hex_id(rng, "vpc-");
    vpc.account = e.accounts[static_cast<size_t>(v % size.accounts)];
    vpc.cidr_text = fmt::format("10.{}.0.0/16", v);
    vpc.cidr = *parse_cidr(vpc.cidr_text);
    vpc.flow_log_id = fmt::format("fl-{:017x}", rng.next() & 0x1FFFFFFFFFFFFFFFull);
    // Subnets per AZ: public (LB, NAT, bastion), private (web, app, spare), data (db, cache).
    struct Subnet {
      std::string id;
      uint32_t base;
      uint32_t next;
    };
    std::vector<Subnet> subnets;  // [az * 3 + kind]
    for (int a = 0; a < size.azs; ++a)
      for (int kind = 0; kind < 3; ++kind) {
        uint32_t base = (10u << 24) | (static_cast<uint32_t>(v) << 16) | (static_cast<uint32_t>(kind * 16 + a) << 8);
        subnets.push_back({hex_id(rng, "subnet-"), base, 4 + static_cast<uint32_t>(rng.below(20))});
      }
    const std::string product = kProducts[v % 8] + (v >= 8 ? std::to_string(v / 8) : std::string());
    auto add = [&](Tier t, int az, bool instance) {
      const int kind = t == Tier::Lb || t == Tier::Nat || t == Tier::Bastion ? 0
                       : t == Tier::Db || t == Tier::Cache                   ? 2
                                                                             : 1;
      Subnet& sn = subnets[static_cast<size_t>(az * 3 + kind)];
      Interface n;
      n.id = hex_id(rng, "eni-");
      n.instance_id = instance ? hex_id(rng, "i-") : "";
      n.subnet_id = sn.id;
      n.vpc_id = vpc.id;
      n.account_id = vpc.account;
      n.az_id = fmt::format("{}-az{}", azp, az + 1);
      n.tier = t;
      n.vpc = static_cast<uint32_t>(v);
      n.service = product + "-" + kTierService[static_cast<int>(t)];
      n.owner = kTierOwner[static_cast<int>(t)];
      n.ip = Ip::v4(sn.base + sn.next);
      sn.next += 1 + static_cast<uint32_t>(rng.below(6));
      if (t == Tier::Lb || t == Tier::Nat || t == Tier::Bastion) {
        n.public_ip = random_public_ip(rng);
        n.has_public = true;
      }
      // Nitro instances capture at most 60 s whatever the flow log says; load balancer and NAT
      // interfaces, and a few older instances, keep the default 600 s.
      n.interval = !instance || rng.chance(0.2) ? 600 : 60;
      n.phase = static_cast<int>(rng.below(static_cast<uint64_t>(n.interval)));
      vpc.tier[static_cast<int>(t)].push_back(static_cast<uint32_t>(e.enis.size()));
      e.enis.push_back(std::move(n));
    };
    for (int a = 0; a < size.azs; ++a) add(Tier::Lb, a, false);
    add(Tier::Nat, 0, false);
    add(Tier::Bastion, 0, true);
    const int counts[] = {size.web, size.app, size.db, size.cache, size.spare};
    const Tier tiers[] = {Tier::Web, Tier::App, Tier::Db, Tier::Cache, Tier::Spare};
    for (int k = 0; k < 5; ++k)
      for (int i = 0; i < counts[k]; ++i) add(tiers[k], i % size.azs, true);
    e.vpcs.push_back(std::move(vpc));
  }

  auto rule = [&](Tier t, SgRule::Source s, Tier from, uint8_t proto, uint16_t lo, uint16_t hi) {
    e.rules[static_cast<int>(t)].push_back({s, from, proto, lo, hi});
  };
  using S = SgRule;
  rule(Tier::Lb, S::FromAnywhere, Tier::Lb, 6, 80, 80);
  rule(Tier::Lb, S::FromAnywhere, Tier::Lb, 6, 443, 443);
  rule(Tier::Web, S::FromTier, Tier::Lb, 6, 80, 80);
  rule(Tier::Web, S::FromTier, Tier::Bastion, 6, 22, 22);
  rule(Tier::App, S::FromTier, Tier::Web, 6, 8080, 8080);
  rule(Tier::App, S::FromVpc, Tier::App, 6, 22, 22);  // too lax: what lateral movement uses
  rule(Tier::Db, S::FromTier, Tier::App, 6, 5432, 5432);
  rule(Tier::Db, S::FromTier, Tier::Bastion, 6, 22, 22);
  rule(Tier::Cache, S::FromTier, Tier::App, 6, 6379, 6379);
  rule(Tier::Bastion, S::FromAnywhere, Tier::Bastion, 6, 22, 22);  // too lax: brute force gets in
  rule(Tier::Nat, S::FromVpc, Tier::Nat, 0, 0, 65535);
  rule(Tier::Spare, S::FromTier, Tier::Bastion, 6, 22, 22);

  // Internet clients: distinct public addresses; their popularity is Zipf-like (see traffic).
  std::set<uint32_t> seen;
  while (e.clients.size() < static_cast<size_t>(size.clients)) {
    Ip a = random_public_ip(rng);
    if (seen.insert(a.v4_value()).second) e.clients.push_back(a);
  }
  e.office = *parse_cidr("203.0.113.0/24");
  const uint32_t s3 = (52u << 24) | (216u << 16), ddb = (52u << 24) | (94u << 16), api = (54u << 24) | (239u << 16);
  for (int i = 0; i < 4; ++i)
    e.endpoints.push_back({Ip::v4(s3 + static_cast<uint32_t>(rng.below(1u << 17))), "S3", true});
  for (int i = 0; i < 2; ++i)
    e.endpoints.push_back({Ip::v4(ddb + static_cast<uint32_t>(rng.below(1u << 16))), "DYNAMODB", true});
  for (int i = 0; i < 2; ++i)
    e.endpoints.push_back({Ip::v4(api + static_cast<uint32_t>(rng.below(1u << 16))), "AMAZON", false});
  return e;
}

int Estate::find(const Ip& ip) const {
  // Ip's operator== compares through a memcmp call; a fixed-size memcmp is two loads inline
  // (this runs for most new connections, through sg_allows).
  for (size_t i = 0; i < enis.size(); ++i)
    if (std::memcmp(enis[i].ip.bytes.data(), ip.bytes.data(), sizeof ip.bytes) == 0 && enis[i].ip.v6 == ip.v6)
      return static_cast<int>(i);
  return -1;
}

bool Estate::sg_allows(uint32_t eni, const Ip& src, uint8_t proto, uint16_t port, int64_t t) const {
  const Interface& n = enis[eni];
  for (const SgRule& r : rules[static_cast<int>(n.tier)]) {
    if (t >= r.disabled_from) continue;
    if (r.proto != 0 && (r.proto != proto || port < r.lo || port > r.hi)) continue;
    if (r.source == SgRule::FromAnywhere) return true;
    if (r.source == SgRule::FromVpc) {
      if (vpcs[n.vpc].cidr.contains(src)) return true;
      continue;
    }
    int s = find(src);
    if (s >= 0 && enis[static_cast<size_t>(s)].vpc == n.vpc && enis[static_cast<size_t>(s)].tier == r.from) return true;
  }
  return false;
}

void read_topology(const std::string& path, EstateSize& size) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("--topology: cannot read '{}'", path));
  std::string line;
  int lineno = 0;
  while (std::getline(in, line)) {
    ++lineno;
    if (auto h = line.find('#'); h != std::string::npos) line.resize(h);
    std::vector<std::string> words;
    size_t p = 0;
    while (p < line.size()) {
      size_t q = line.find_first_of(" \t=", p);
      if (q == std::string::npos) q = line.size();
      if (q > p) words.push_back(line.substr(p, q - p));
      p = q + 1;
    }
    if (words.empty()) continue;
    auto bad = [&](const std::string& why) { return UsageError(fmt::format("{}:{}: {}", path, lineno, why)); };
    if (words.size() != 2) throw bad("expected 'KEY VALUE'");
    const std::string& k = words[0];
    if (k == "region") {
      size.region = words[1];
      continue;
    }
    int* slot = k == "vpcs"       ? &size.vpcs
                : k == "accounts" ? &size.accounts
                : k == "azs"      ? &size.azs
                : k == "web"      ? &size.web
                : k == "app"      ? &size.app
                : k == "db"       ? &size.db
                : k == "cache"    ? &size.cache
                : k == "spare"    ? &size.spare
                : k == "clients"  ? &size.clients
                                  : nullptr;
    if (!slot)
      throw bad(fmt::format("unknown key '{}' (vpcs, accounts, azs, web, app, db, cache, spare, clients, region)", k));
    try {
      size_t used = 0;
      *slot = std::stoi(words[1], &used);
      if (used != words[1].size() || *slot < 0) throw std::invalid_argument("");
    } catch (const std::exception&) {
      throw bad(fmt::format("'{}' is not a count", words[1]));
    }
  }
}

std::string estate_csv(const Estate& e) {
  std::string s =
      "interface-id,instance-id,subnet-id,vpc-id,account-id,region,az-id,tier,service,owner,private-ip,public-ip,"
      "capture-window\n";
  for (const Interface& n : e.enis)
    s += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{},{}\n", n.id, n.instance_id.empty() ? "-" : n.instance_id,
                     n.subnet_id, n.vpc_id, n.account_id, e.region, n.az_id, tier_name(n.tier), n.service, n.owner,
                     to_string(n.ip), n.has_public ? to_string(n.public_ip) : "-", n.interval);
  return s;
}

std::string estate_policy(const Estate& e, uint64_t seed) {
  std::string s = fmt::format(
      "# Intended network policy of the flowgen estate (seed {}), in the syntax flowfilter --policy reads.\n"
      "# Rules apply to connections (initiator -> responder port); the first match wins.\n\n",
      seed);
  std::string vpc;
  for (const Vpc& v : e.vpcs) {
    if (!vpc.empty()) vpc += ' ';
    vpc += v.cidr_text;
  }
  s += fmt::format("group vpc = {}\n", vpc);
  for (Tier t : {Tier::Lb, Tier::Web, Tier::App, Tier::Db, Tier::Cache, Tier::Bastion, Tier::Nat}) {
    std::string items;
    for (const Vpc& v : e.vpcs)
      for (uint32_t i : v.tier[static_cast<int>(t)]) {
        items += ' ';
        items += to_string(e.enis[i].ip);
      }
    s += fmt::format("group {} ={}\n", tier_name(t), items);
  }
  s += "group office = 203.0.113.0/24\n";
  s += "group servers = web app db\n";
  std::string aws;
  for (const Endpoint& p : e.endpoints) {
    aws += ' ';
    aws += to_string(p.ip);
  }
  s += fmt::format("group aws ={}\n\n", aws);
  s += "# Dependencies between tiers: allowed, and they must work.\n"
       "require lb-to-web: lb -> web tcp/80\n"
       "require web-to-app: web -> app tcp/8080\n"
       "require app-to-db: app -> db tcp/5432\n"
       "require app-to-cache: app -> cache tcp/6379\n\n"
       "# The public entry points.\n"
       "allow https-in: any -> lb tcp/80,443\n"
       "allow admin-ssh: office -> bastion tcp/22\n"
       "allow bastion-ssh: bastion -> servers tcp/22\n\n"
       "# Egress: AWS endpoints, HTTPS and NTP to the internet through the NAT gateway, DNS.\n"
       "allow aws-endpoints: vpc -> aws tcp/443\n"
       "allow egress: vpc -> any tcp/443 udp/123\n"
       "allow dns: vpc -> any udp/53 tcp/53\n\n"
       "default deny\n";
  return s;
}

}  // namespace flow::gen
