// flowgen's estate: accounts, VPCs, subnets, interfaces in service tiers, security groups, and the
// outside world (internet clients, an office, AWS service endpoints). Built deterministically.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flow/ip.hpp"

namespace flow::gen {

enum class Tier : uint8_t { Lb, Web, App, Db, Cache, Bastion, Nat, Spare };
inline constexpr int kTiers = 8;
const char* tier_name(Tier t);

/// Sizes of the estate (command line, or a topology file).
struct EstateSize {
  int vpcs = 1;
  int accounts = 1;
  int azs = 2;
  int web = 3, app = 4, db = 2, cache = 2, spare = 1;
  int clients = 2000;
  std::string region = "us-east-1";
};

/// One network interface and what it belongs to.
struct Interface {
  std::string id, instance_id, subnet_id, vpc_id, account_id, az_id;  // instance_id "" = none
  std::string service, owner;
  Tier tier = Tier::Spare;
  uint32_t vpc = 0;
  Ip ip, public_ip;  // public_ip: LB, NAT and bastion only (else all zero)
  bool has_public = false;
  int interval = 60;  // capture window in seconds: 60 or 600
  int phase = 0;      // windows start at phase + k * interval (seconds since the epoch)

  /// Index of the capture window holding second t.
  int64_t window(int64_t t) const {
    // Intervals are 60 or 600 s: constant divisors make the divisions multiplications, and
    // computing both and picking one spares a branch that interfaces of both kinds, taking turns,
    // would mispredict.
    if (interval != 60 && interval != 600) [[unlikely]]
      return floor_div(t - phase, interval);
    const int64_t q60 = floor_div(t - phase, 60), q600 = floor_div(t - phase, 600);
    return interval == 60 ? q60 : q600;
  }
  int64_t window_start(int64_t k) const { return k * interval + phase; }
  static int64_t floor_div(int64_t a, int64_t b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }
};

/// An inbound security-group rule: traffic from a tier's group (in the same VPC), the VPC's CIDR
/// or anywhere, to a protocol and port range. Outbound is open, as in the AWS default group.
struct SgRule {
  enum Source : uint8_t { FromTier, FromVpc, FromAnywhere } source = FromAnywhere;
  Tier from = Tier::Lb;
  uint8_t proto = 6;
  uint16_t lo = 0, hi = 0;
  int64_t disabled_from = INT64_MAX;  // the misconfigured-sg scenario removes a rule from then on
};

struct Vpc {
  std::string id, account, cidr_text, flow_log_id;
  Cidr cidr;
  std::vector<uint32_t> tier[kTiers];  // interface indexes
};

/// An AWS service address reached from the VPC, named as pkt-dst-aws-service names it.
struct Endpoint {
  Ip ip;
  const char* service;  // "S3", "DYNAMODB", "AMAZON"
  bool gateway;         // through a gateway VPC endpoint (traffic-path 7), else through the NAT
};

struct Estate {
  std::string region;
  std::vector<std::string> accounts;
  std::vector<Vpc> vpcs;
  std::vector<Interface> enis;
  std::vector<SgRule> rules[kTiers];
  std::vector<Ip> clients;  // internet clients, most popular first
  Cidr office;              // where administrators come from
  std::vector<Endpoint> endpoints;

  /// Would the security groups of interface `eni` let in a connection from `src` to `port` at
  /// time t? (Return traffic of an accepted connection is always allowed: groups are stateful.)
  bool sg_allows(uint32_t eni, const Ip& src, uint8_t proto, uint16_t port, int64_t t) const;
  /// The interface with this private address, or -1.
  int find(const Ip& ip) const;
};

Estate build_estate(const EstateSize& size, uint64_t seed);
/// Reads a topology file ("key value" lines, # comments) into `size`; throws UsageError.
void read_topology(const std::string& path, EstateSize& size);
/// The estate as CSV, one interface a line, for flowjoin.
std::string estate_csv(const Estate& e);
/// The intended network policy in the syntax flowfilter --policy reads.
std::string estate_policy(const Estate& e, uint64_t seed);

}  // namespace flow::gen
