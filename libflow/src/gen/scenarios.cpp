// flowgen's scenarios: attacks and mistakes laid over the normal traffic, each with its ground
// truth (who, when, which connections, and what a policy check should say about it).
#include <fmt/format.h>

#include <algorithm>

#include "gen/sim.hpp"

namespace flow::gen {

namespace {
enum Kind { PortScan, SshBruteForce, Exfiltration, Ddos, LateralMovement, MisconfiguredSg };
// When each starts, as a share of the time range: spread out, and early enough that a run cut
// by --flows still holds them.
constexpr double kAt[] = {0.20, 0.30, 0.50, 0.60, 0.40, 0.25};
}  // namespace

const std::vector<std::string>& scenario_names() {
  static const std::vector<std::string> names = {"port-scan", "ssh-brute-force",  "exfiltration",
                                                 "ddos",      "lateral-movement", "misconfigured-sg"};
  return names;
}

void Generator::Impl::plan_scenarios() {
  const auto& names = scenario_names();
  for (const std::string& name : cfg.scenarios) {
    Scenario sc;
    sc.kind = static_cast<int>(std::find(names.begin(), names.end(), name) - names.begin());
    sc.rng = Rng(hash3(cfg.seed, 0x5CE, static_cast<uint64_t>(sc.kind)));
    sc.next = double(cfg.start) + kAt[sc.kind] * double(cfg.duration);
    ScenarioRun& r = sc.run;
    r.name = name;
    r.start = r.end = static_cast<int64_t>(sc.next);
    const Vpc& vpc = estate.vpcs[0];
    auto tier = [&](Tier t) { return vpc.tier[static_cast<int>(t)]; };
    auto ips = [&](const std::vector<uint32_t>& v) {
      for (uint32_t i : v) r.targets.push_back(estate.enis[i].ip);
    };
    switch (sc.kind) {
      case PortScan:
        r.description = "an internet host scans TCP ports 1-1024 of a load balancer interface";
        r.sources.push_back(random_public_ip(sc.rng));
        sc.targets = {tier(Tier::Lb)[0]};
        for (uint16_t p = 1; p <= 1024; ++p) sc.ports.push_back(p);
        for (size_t i = sc.ports.size() - 1; i > 0; --i) std::swap(sc.ports[i], sc.ports[sc.rng.below(i + 1)]);
        r.ports = "1-1024";
        r.violation = "none";
        r.rule = "https-in allows 80 and 443; the rest is rejected";
        break;
      case SshBruteForce:
        r.description =
            "an internet host tries SSH passwords on the bastion, one connection every 2-4 s for 10 minutes";
        r.sources.push_back(random_public_ip(sc.rng));
        sc.targets = {tier(Tier::Bastion)[0]};
        r.ports = "22";
        r.violation = "too-open";
        r.rule = "admin-ssh allows only office -> bastion tcp/22; the bastion's group admits anyone";
        break;
      case Exfiltration:
        r.description = "an app host sends hundreds of MB through the NAT gateway to an unknown host on tcp/4444";
        sc.targets = {tier(Tier::App)[0]};
        r.sources.push_back(estate.enis[tier(Tier::App)[0]].ip);
        r.targets.push_back(random_public_ip(sc.rng));
        r.ports = "4444";
        r.violation = "too-open";
        r.rule = "egress allows tcp/443 and udp/123 only";
        break;
      case Ddos:
        r.description = "a botnet of 3000 addresses floods a load balancer interface with SYNs to tcp/443 for 90 s";
        for (int i = 0; i < 3000; ++i) r.sources.push_back(random_public_ip(sc.rng));
        sc.targets = {tier(Tier::Lb)[0]};
        r.ports = "443";
        r.violation = "none";
        r.rule = "https-in: allowed traffic, only its volume is abnormal";
        break;
      case LateralMovement:
        r.description = "a compromised app host tries SSH on every other web, app, db and cache host, one every 15 s";
        r.sources.push_back(estate.enis[tier(Tier::App)[0]].ip);
        for (Tier t : {Tier::App, Tier::Db, Tier::Web, Tier::Cache})
          for (uint32_t i : tier(t))
            if (i != tier(Tier::App)[0]) sc.targets.push_back(i);
        r.ports = "22";
        r.violation = "too-open";
        r.rule = "bastion-ssh allows SSH from the bastion only; the app group admits the whole VPC";
        break;
      case MisconfiguredSg:
        r.description = "from this time on the cache group no longer admits the app tier on tcp/6379";
        for (SgRule& rule : estate.rules[static_cast<int>(Tier::Cache)])
          if (rule.source == SgRule::FromTier && rule.from == Tier::App) rule.disabled_from = r.start;
        for (Tier t : {Tier::App})
          for (uint32_t i : tier(t)) r.sources.push_back(estate.enis[i].ip);
        ips(tier(Tier::Cache));
        r.end = cfg.start + cfg.duration - 1;
        r.ports = "6379";
        r.violation = "broken";
        r.rule = "app-to-cache";
        misconfig = static_cast<int>(runs.size());
        break;
    }
    if (sc.kind != Exfiltration && sc.kind != MisconfiguredSg) ips(sc.targets);
    runs.push_back(r);
    scenarios.push_back(std::move(sc));
  }
}

void Generator::Impl::tick_scenarios(int64_t s) {
  for (size_t si = 0; si < scenarios.size(); ++si) {
    Scenario& sc = scenarios[si];
    Rng& r = sc.rng;
    const double end = double(s + 1);
    while (sc.next < end) {
      uint32_t ci = 0;
      bool made = true;
      switch (sc.kind) {
        case PortScan: {
          if (sc.step >= sc.ports.size()) {
            made = false;
            break;
          }
          ci = new_conn(s);
          Conn& c = pool[ci];
          from_internet(c, runs[si].sources[0], 61234, sc.targets[0], sc.ports[sc.step++]);
          if (c.rejected) {  // scanners do not retry
            c.packets[0] = 1;
            c.bytes[0] = 44;
            c.end = c.start;
          } else {  // SYN, SYN-ACK, RST: the port is open, move on
            c.packets[0] = 2, c.bytes[0] = 84, c.packets[1] = 1, c.bytes[1] = 44;
            c.close = Conn::Rst;
          }
          sc.next += 0.05;
          break;
        }
        case SshBruteForce: {
          if (sc.next > double(runs[si].start + 600)) {
            made = false;
            break;
          }
          ci = new_conn(s);
          Conn& c = pool[ci];
          // One attacking host: its OS hands out ephemeral ports in turn, so no 5-tuple repeats
          // (random ports would collide, and two connections would look like one).
          from_internet(c, runs[si].sources[0], static_cast<uint16_t>(32768 + (sc.step++ + 4099) % 28232),
                        sc.targets[0], 22);
          c.end = c.start + r.range(2, 6);
          c.packets[0] = static_cast<uint64_t>(r.range(12, 20));
          c.packets[1] = static_cast<uint64_t>(r.range(12, 22));
          c.bytes[0] = c.packets[0] * 120 + r.below(c.packets[0]);
          c.bytes[1] = c.packets[1] * 180 + r.below(c.packets[1]);
          c.close = Conn::Fin;
          sc.next += 2 + 2 * r.uniform();
          break;
        }
        case Exfiltration: {
          if (sc.step >= 3) {
            made = false;
            break;
          }
          ++sc.step;
          ci = new_conn(s);
          Conn& c = pool[ci];
          via_nat(c, sc.targets[0], runs[si].targets[0], 4444, nullptr);
          c.end = c.start + r.range(240, 420);
          c.bytes[0] = static_cast<uint64_t>(r.range(300, 800)) << 20;
          c.packets[0] = c.bytes[0] / 1400;
          c.packets[1] = c.packets[0] / 2;
          c.bytes[1] = c.packets[1] * 52;
          c.close = Conn::Fin;
          sc.next = double(c.end + 120);
          break;
        }
        case Ddos: {
          if (sc.next > double(runs[si].start + 90)) {
            made = false;
            break;
          }
          ci = new_conn(s);
          Conn& c = pool[ci];
          const Ip& src = runs[si].sources[r.below(runs[si].sources.size())];
          from_internet(c, src, static_cast<uint16_t>(r.range(1024, 65535)), sc.targets[0], 443);
          // Spoofed SYNs: the interface answers SYN-ACK, retried, and nothing completes.
          c.packets[0] = 1, c.bytes[0] = 40;
          c.packets[1] = static_cast<uint64_t>(r.range(1, 3));
          c.bytes[1] = c.packets[1] * 44;
          c.end = c.start + static_cast<int64_t>(c.packets[1]) - 1;
          c.close = Conn::None;
          sc.next += 1.0 / std::max(100.0, 20 * rate);
          break;
        }
        case LateralMovement: {
          if (sc.step >= sc.targets.size()) {
            made = false;
            break;
          }
          ci = new_conn(s);
          Conn& c = pool[ci];
          intra(c, static_cast<uint32_t>(estate.find(runs[si].sources[0])), sc.targets[sc.step++], 22);
          if (!c.rejected) {
            c.end = c.start + r.range(30, 120);
            c.packets[0] = static_cast<uint64_t>(r.range(40, 200));
            c.packets[1] = static_cast<uint64_t>(r.range(40, 260));
            c.bytes[0] = c.packets[0] * 100 + r.below(c.packets[0]);
            c.bytes[1] = c.packets[1] * 240 + r.below(c.packets[1]);
            c.close = Conn::Fin;
          }
          sc.next += 15;
          break;
        }
        default: made = false; break;
      }
      if (!made) {  // the scenario is over (or, like misconfigured-sg, has no connections of its own)
        sc.next = 1e300;
        break;
      }
      pool[ci].scenario = static_cast<int>(si);
      launch(ci);
    }
  }
}

}  // namespace flow::gen
