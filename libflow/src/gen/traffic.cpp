// flowgen's normal traffic: the mix of connections of a tiered web service, and how each kind of
// path (inside the VPC, from the internet, out through the NAT gateway, to a gateway endpoint) is
// recorded at each interface.
#include <algorithm>
#include <cmath>

#include "gen/sim.hpp"

namespace flow::gen {

namespace {
constexpr uint16_t kEphemeralLo = 32768, kEphemeralHi = 60999;  // Linux's default range
uint16_t bump(uint16_t& p) {
  p = p >= kEphemeralHi ? kEphemeralLo : static_cast<uint16_t>(p + 1);
  return p;
}
}  // namespace

uint16_t Generator::Impl::eni_port(uint32_t eni) { return bump(enis[eni].next_port); }
uint16_t Generator::Impl::client_port_for(size_t client) { return bump(client_port[client]); }

size_t Generator::Impl::pick_client() {
  const double u = rng.uniform();
  // std::lower_bound without branches: its comparisons, on random draws, mispredict half the time.
  const double* base = client_cdf.data();
  for (size_t n = client_cdf.size(); n > 1; n -= n / 2) base = base[n / 2] < u ? base + n / 2 : base;
  const size_t first = static_cast<size_t>(base - client_cdf.data()) + (*base < u);  // first x >= u
  return first % client_cdf.size();
}

void Generator::Impl::shape(Conn& c, double req, double ratio, double dur, bool long_lived) {
  double d = long_lived ? std::min(rng.pareto(dur, 1.1), 6.0 * 3600) : rng.exponential(dur);
  c.end = c.start + static_cast<int64_t>(d);
  const double span = double(c.end - c.start);
  // Heavy-tailed sizes (Pareto, shape 1.3); a long connection sends at least a keepalive or so
  // a minute, which also keeps every capture window of it non-empty.
  const double floor_pkts = 2 + span / 20;
  double p0 = std::max(floor_pkts, std::min(req * rng.pareto(1, 1.3), 5e6));
  double p1 = std::max(floor_pkts, std::min(p0 * ratio * (0.5 + rng.uniform()), 5e6));
  c.packets[0] = static_cast<uint64_t>(p0);
  c.packets[1] = static_cast<uint64_t>(p1);
  // Requests are small packets, replies mostly full ones.
  const double s0 = 60 + double(rng.below(300)),
               s1 = ratio > 1.2 ? 900 + double(rng.below(560)) : 60 + double(rng.below(600));
  c.bytes[0] = static_cast<uint64_t>(double(c.packets[0]) * s0) + rng.below(c.packets[0]);
  c.bytes[1] = static_cast<uint64_t>(double(c.packets[1]) * s1) + rng.below(c.packets[1]);
  c.close = c.proto != 6 ? Conn::None : rng.chance(0.03) ? Conn::Rst : Conn::Fin;
}

void Generator::Impl::shape_rejected(Conn& c, int max_tries, uint64_t packet_size) {
  // A dropped SYN is sent again after 1 s, then 2 s more: 1 to max_tries packets.
  const int tries = 1 + static_cast<int>(rng.below(static_cast<uint64_t>(max_tries)));
  c.end = c.start + (tries == 1 ? 0 : tries == 2 ? 1 : 3);
  c.packets[0] = static_cast<uint64_t>(tries);
  c.bytes[0] = packet_size * c.packets[0];
  c.packets[1] = c.bytes[1] = 0;
  c.close = Conn::None;
  c.rejected = true;
}

namespace {
/// Fills the next observation of c in place (every field: a reused Conn holds old ones). Building
/// an Obs by value and copying it in was slower: its 17-byte addresses sit at odd offsets, and
/// the copy read them back with wide loads over the narrow stores just made, which the CPU
/// cannot forward from its store buffer.
void obs(Conn& c, uint32_t eni, uint8_t dir, bool egress, const Ip& src, uint16_t sport, const Ip& dst, uint16_t dport,
         const Ip& pkt_src, const Ip& pkt_dst, uint8_t path = 0) {
  Obs& o = c.obs[c.nobs++];
  o.eni = eni;
  o.dir = dir;
  o.egress = egress;
  o.reject = false;
  o.path = egress ? path : 0;
  o.sport = sport;
  o.dport = dport;
  o.src = src;
  o.dst = dst;
  o.pkt_src = pkt_src;
  o.pkt_dst = pkt_dst;
  o.src_svc = o.dst_svc = nullptr;
}
}  // namespace

/// Both ends inside the VPC: each interface records both directions (four records), unless the
/// responder's group drops it: then the initiator's SYNs (accepted on the way out) and the
/// responder's REJECT, nothing back.
void Generator::Impl::intra(Conn& c, uint32_t init, uint32_t resp, uint16_t port) {
  const Interface& a = estate.enis[init];
  const Interface& b = estate.enis[resp];
  c.init = a.ip;
  c.resp = b.ip;
  c.init_port = c.proto == 1 ? 0 : eni_port(init);
  c.resp_port = port;
  if (!estate.sg_allows(resp, a.ip, c.proto, port, c.start)) shape_rejected(c, 3, 60);
  const uint16_t ip = c.init_port, rp = c.resp_port;
  obs(c, init, 0, true, a.ip, ip, b.ip, rp, a.ip, b.ip, 1);
  obs(c, resp, 0, false, a.ip, ip, b.ip, rp, a.ip, b.ip);
  c.obs[c.nobs - 1].reject = c.rejected;
  if (c.rejected) return;
  obs(c, resp, 1, true, b.ip, rp, a.ip, ip, b.ip, a.ip, 1);
  obs(c, init, 1, false, b.ip, rp, a.ip, ip, b.ip, a.ip);
}

/// From the internet to an interface with a public address (load balancer, bastion): recorded
/// there only; the interface reports its private address.
void Generator::Impl::from_internet(Conn& c, const Ip& ext, uint16_t sport, uint32_t resp, uint16_t port) {
  const Interface& b = estate.enis[resp];
  c.init = ext;
  c.resp = b.ip;
  c.init_port = c.proto == 1 ? 0 : sport;
  c.resp_port = c.proto == 1 ? 0 : port;
  if (!estate.sg_allows(resp, ext, c.proto, port, c.start)) shape_rejected(c, 2, c.proto == 1 ? 84 : 40);
  obs(c, resp, 0, false, ext, c.init_port, b.ip, c.resp_port, ext, b.ip);
  c.obs[c.nobs - 1].reject = c.rejected;
  if (c.rejected) return;
  const uint8_t path = b.instance_id.empty() ? 2 : 8;  // internet gateway (8: from a Nitro instance)
  obs(c, resp, 1, true, b.ip, c.resp_port, ext, c.init_port, b.ip, ext, path);
}

/// Out through the NAT gateway: two records at the instance, four at the NAT interface (which
/// shows its own address as the source towards the internet; pkt-* keep the originals).
void Generator::Impl::via_nat(Conn& c, uint32_t init, const Ip& ext, uint16_t port, const char* svc) {
  const Interface& a = estate.enis[init];
  const uint32_t nat = estate.vpcs[a.vpc].tier[static_cast<int>(Tier::Nat)][0];
  const Ip& n = estate.enis[nat].ip;
  c.init = a.ip;
  c.resp = ext;
  c.init_port = eni_port(init);
  c.resp_port = port;
  const uint16_t ip = c.init_port, rp = port;
  obs(c, init, 0, true, a.ip, ip, ext, rp, a.ip, ext, 1);
  obs(c, init, 1, false, ext, rp, a.ip, ip, ext, a.ip);
  obs(c, nat, 0, false, a.ip, ip, n, rp, a.ip, ext);
  obs(c, nat, 0, true, n, ip, ext, rp, n, ext, 2);
  obs(c, nat, 1, false, ext, rp, n, ip, ext, n);
  obs(c, nat, 1, true, n, rp, a.ip, ip, ext, a.ip, 1);
  for (uint8_t i = 0; i < c.nobs; ++i) {
    if (c.obs[i].pkt_dst == ext) c.obs[i].dst_svc = svc;
    if (c.obs[i].pkt_src == ext) c.obs[i].src_svc = svc;
  }
}

/// To S3 or DynamoDB through a gateway VPC endpoint: recorded at the instance only.
void Generator::Impl::via_gateway(Conn& c, uint32_t init, const Endpoint& ep, uint16_t port) {
  const Interface& a = estate.enis[init];
  c.init = a.ip;
  c.resp = ep.ip;
  c.init_port = eni_port(init);
  c.resp_port = port;
  obs(c, init, 0, true, a.ip, c.init_port, ep.ip, port, a.ip, ep.ip, 7);
  c.obs[c.nobs - 1].dst_svc = ep.service;
  obs(c, init, 1, false, ep.ip, port, a.ip, c.init_port, ep.ip, a.ip);
  c.obs[c.nobs - 1].src_svc = ep.service;
}

void Generator::Impl::spawn_normal(int64_t t) {
  // Kinds of connection and their weights (per 1000).
  enum Kind {
    WebIn,
    LbWeb,
    WebApp,
    AppDb,
    AppCache,
    AppNat,
    Ntp,
    Gateway,
    AwsApi,
    Noise,
    IcmpNoise,
    Admin,
    BastionSsh
  };
  static constexpr int kWeights[] = {300, 200, 180, 70, 100, 40, 10, 40, 10, 30, 8, 6, 6};
  int pick = static_cast<int>(rng.below(1000));
  int kind = 0;
  while (kind < 12 && pick >= kWeights[kind]) pick -= kWeights[kind++];

  const uint32_t v = static_cast<uint32_t>(rng.below(estate.vpcs.size()));
  const Vpc& vpc = estate.vpcs[v];
  auto any = [&](Tier tier) -> int {
    const auto& list = vpc.tier[static_cast<int>(tier)];
    return list.empty() ? -1 : static_cast<int>(list[rng.below(list.size())]);
  };
  const int lb = any(Tier::Lb), web = any(Tier::Web), app = any(Tier::App);
  auto ok = [](std::initializer_list<int> l) { return std::all_of(l.begin(), l.end(), [](int x) { return x >= 0; }); };
  uint32_t ci = new_conn(t);
  Conn& c = pool[ci];
  auto u = [](int x) { return static_cast<uint32_t>(x); };
  switch (kind) {
    case LbWeb:
      if (!ok({lb, web})) goto web_in;
      intra(c, u(lb), u(web), 80);
      if (!c.rejected) shape(c, 6, 3, 2, rng.chance(0.05));
      break;
    case WebApp:
      if (!ok({web, app})) goto web_in;
      intra(c, u(web), u(app), 8080);
      if (!c.rejected) shape(c, 5, 2, 1, rng.chance(0.03));
      break;
    case AppDb: {
      int db = any(Tier::Db);
      if (!ok({app, db})) goto web_in;
      intra(c, u(app), u(db), 5432);
      if (!c.rejected) shape(c, 8, 2, 3, rng.chance(0.3));  // pooled connections live long
      break;
    }
    case AppCache: {
      int cache = any(Tier::Cache);
      if (!ok({app, cache})) goto web_in;
      intra(c, u(app), u(cache), 6379);
      if (!c.rejected) shape(c, 4, 1, 1, rng.chance(0.2));
      else c.scenario = misconfig;  // the only way app -> cache is refused
      break;
    }
    case AppNat:
      if (!ok({app})) goto web_in;
      via_nat(c, u(app), partners[rng.below(partners.size())], 443, nullptr);
      shape(c, 8, 3, 2, rng.chance(0.05));
      break;
    case Ntp: {
      if (!ok({app})) goto web_in;
      c.proto = 17;
      via_nat(c, u(app), partners[0], 123, nullptr);
      shape(c, 1, 1, 0.1, false);
      c.packets[0] = c.packets[1] = 1;
      c.bytes[0] = c.bytes[1] = 76;
      c.end = c.start;
      break;
    }
    case Gateway: {
      if (!ok({app})) goto web_in;
      via_gateway(c, u(app), *gateways[rng.below(gateways.size())], 443);
      shape(c, 10, 4, 2, rng.chance(0.05));
      break;
    }
    case AwsApi: {
      if (!ok({app})) goto web_in;
      const Endpoint* api = &estate.endpoints.back();
      via_nat(c, u(app), api->ip, 443, api->service);
      shape(c, 6, 2, 1, false);
      break;
    }
    case Noise:
    case IcmpNoise: {
      // Background radiation: scanners knocking on the public interfaces, turned away.
      int target = rng.chance(0.7) ? lb : any(Tier::Bastion);
      if (target < 0) goto web_in;
      static constexpr uint16_t kPorts[] = {23, 445, 3389, 8080, 1433, 3306, 5900, 25, 8443, 6379, 9200, 81};
      c.proto = kind == IcmpNoise ? 1 : 6;
      Rng& r = rng;
      from_internet(c, random_public_ip(r), static_cast<uint16_t>(r.range(1024, 65535)), u(target),
                    kind == IcmpNoise ? 0 : kPorts[r.below(12)]);
      if (!c.rejected) shape(c, 1, 1, 0.5, false);
      break;
    }
    case Admin: {
      int bastion = any(Tier::Bastion);
      if (bastion < 0) goto web_in;
      Ip office = Ip::v4(estate.office.base.v4_value() + 10 + static_cast<uint32_t>(rng.below(20)));
      from_internet(c, office, static_cast<uint16_t>(rng.range(49152, 65535)), u(bastion), 22);
      if (!c.rejected) shape(c, 200, 2, 600, rng.chance(0.5));
      break;
    }
    case BastionSsh: {
      int bastion = any(Tier::Bastion), target = rng.chance(0.5) ? web : app;
      if (!ok({bastion, target})) goto web_in;
      intra(c, u(bastion), u(target), 22);
      if (!c.rejected) shape(c, 200, 2, 300, rng.chance(0.5));
      break;
    }
    default:
    web_in:
      if (lb < 0) {  // an estate without load balancers: nothing to say
        pool[ci].nobs = 0;
        free_slots.push_back(ci);
        --next_id;
        return;
      }
      {
        size_t client = pick_client();
        from_internet(c, estate.clients[client], client_port_for(client), u(lb), rng.chance(0.9) ? 443 : 80);
        if (!c.rejected) shape(c, 8, 4, 3, rng.chance(0.05));
      }
      break;
  }
  launch(ci);
}

}  // namespace flow::gen
