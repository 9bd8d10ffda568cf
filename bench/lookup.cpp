// Lookup benchmark of flowjoin's tables (bench/lookup.sh): load time and lookups/s of a CIDR
// table of IPv4 and IPv6 prefixes (the prefix map alone, and through Enricher::apply) and of a
// key table.
#include <fmt/format.h>

#include <cstdio>
#include <ctime>
#include <fstream>
#include <random>
#include <string>

#include "enrich/prefix_map.hpp"
#include "flow/enrich.hpp"

using namespace flow;

namespace {

/// This thread's CPU time: the machine is shared, and wall time would count the others' work.
struct Clock {
  using time_point = double;
  static double now() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
  }
};
double seconds_since(double t) { return Clock::now() - t; }

long rss_kb() {
  std::ifstream f("/proc/self/status");
  std::string line;
  while (std::getline(f, line))
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return 0;
}

/// One row of the lookup table: how many, how long, how fast, how many found something.
void row(const std::string& what, size_t n, double s, size_t hits) {
  auto dn = static_cast<double>(n);
  fmt::print("| {} | {} | {:.3f} | {:.1f} | {:.0f}% |\n", what, n, s, dn / s / 1e6,
             100.0 * static_cast<double>(hits) / dn);
}

double mb(long kb) { return static_cast<double>(kb) / 1024.0; }

}  // namespace

int main(int argc, char** argv) {
  size_t n4 = argc > 1 ? std::stoul(argv[1]) : 200000, n6 = argc > 2 ? std::stoul(argv[2]) : 100000;
  size_t lookups = argc > 3 ? std::stoul(argv[3]) : 20000000;
  std::string dir = argc > 4 ? argv[4] : "/tmp";
  std::mt19937_64 rng(7);

  // Prefixes: IPv4 /8../32 and IPv6 /16../64, a third of them inside an earlier one.
  std::vector<Cidr> prefixes;
  auto add = [&](bool v6) {
    Cidr c;
    c.base.v6 = v6;
    int max = v6 ? 64 : 32, min = v6 ? 16 : 8;
    if (!prefixes.empty() && rng() % 3 == 0 && prefixes.back().base.v6 == v6 && prefixes.back().bits < max) {
      c = prefixes[prefixes.size() - 1 - rng() % std::min<size_t>(prefixes.size(), 1000)];
      if (c.base.v6 != v6 || c.bits >= max) return;
      for (size_t i = c.bits / 8; i < 16; ++i)
        c.base.bytes[i] =
            static_cast<uint8_t>(c.base.bytes[i] | (rng() & (0xFFu >> (i == c.bits / 8u ? c.bits % 8 : 0))));
      c.bits = static_cast<uint8_t>(c.bits + 1 + rng() % static_cast<unsigned>(max - c.bits));
    } else {
      for (size_t i = 0; i < (v6 ? 16u : 4u); ++i) c.base.bytes[i] = static_cast<uint8_t>(rng());
      if (v6) c.base.bytes[0] = 0x20, c.base.bytes[1] = static_cast<uint8_t>(c.base.bytes[1] & 0x0F);
      c.bits = static_cast<uint8_t>(min + rng() % static_cast<unsigned>(max - min + 1));
    }
    if (!c.base.v6) std::fill(c.base.bytes.begin() + 4, c.base.bytes.end(), 0);
    enrich::PrefixMap::mask(c);
    prefixes.push_back(c);
  };
  // Some prefixes come out twice and are dropped below: draw 15% more.
  while (prefixes.size() < n4 * 115 / 100) add(false);
  while (prefixes.size() < (n4 + n6) * 115 / 100) add(true);
  std::sort(prefixes.begin(), prefixes.end(),
            [](const Cidr& a, const Cidr& b) { return std::tie(a.base, a.bits) < std::tie(b.base, b.bits); });
  prefixes.erase(std::unique(prefixes.begin(), prefixes.end(),
                             [](const Cidr& a, const Cidr& b) { return a.base == b.base && a.bits == b.bits; }),
                 prefixes.end());
  std::shuffle(prefixes.begin(), prefixes.end(), rng);

  std::string cidr_file = dir + "/flow-bench-cidr.csv", key_file = dir + "/flow-bench-keys.csv";
  {
    std::ofstream f(cidr_file);
    f << "cidr,zone,tier\n";
    for (size_t i = 0; i < prefixes.size(); ++i)
      f << to_string(prefixes[i].base) << '/' << int(prefixes[i].bits) << ",zone-" << i % 5000 << ',' << i % 7 << '\n';
    std::ofstream k(key_file);
    k << "interface-id,owner,cost-center\n";
    for (size_t i = 0; i < prefixes.size(); ++i)
      k << fmt::format("eni-{:017x},team-{},{}\n", i * 2654435761u, i % 300, i % 1000);
  }
  fmt::print("| table | entries | load s | RSS MB after load |\n|---|---:|---:|---:|\n");
  long rss0 = rss_kb();
  auto t = Clock::now();
  Enricher cidr({LookupSpec{LookupSpec::Cidr, "srcaddr", cidr_file}});
  double load_cidr = seconds_since(t);
  long rss1 = rss_kb();
  fmt::print("| CIDR (CSV, IPv4 + IPv6) | {} | {:.3f} | {:.1f} |\n", prefixes.size(), load_cidr, mb(rss1 - rss0));
  t = Clock::now();
  Enricher keys({LookupSpec{LookupSpec::Key, "interface-id", key_file}});
  double load_keys = seconds_since(t);
  fmt::print("| key (CSV) | {} | {:.3f} | {:.1f} |\n\n", prefixes.size(), load_keys, mb(rss_kb() - rss1));

  // Addresses: half inside a random prefix, half uniformly random.
  auto addresses = [&](bool v6) {
    std::vector<Ip> a(1 << 20);
    for (auto& ip : a) {
      ip.v6 = v6;
      for (size_t i = 0; i < (v6 ? 16u : 4u); ++i) ip.bytes[i] = static_cast<uint8_t>(rng());
      if (rng() % 2) {
        const Cidr* c;
        do c = &prefixes[rng() % prefixes.size()];
        while (c->base.v6 != v6);
        for (size_t i = 0; i < c->bits / 8u; ++i) ip.bytes[i] = c->base.bytes[i];
      }
    }
    return a;
  };
  enrich::PrefixMap map;
  for (size_t i = 0; i < prefixes.size(); ++i) map.add(prefixes[i], static_cast<uint32_t>(i));
  map.build([](uint32_t, uint32_t) {});
  fmt::print("| lookup | lookups | s | M lookups/s | matched |\n|---|---:|---:|---:|---:|\n");
  for (bool v6 : {false, true}) {
    auto addrs = addresses(v6);
    size_t hits = 0;
    t = Clock::now();
    for (size_t i = 0; i < lookups; ++i) hits += map.find(addrs[i & (addrs.size() - 1)]) != enrich::PrefixMap::kNone;
    double s = seconds_since(t);
    row(fmt::format("prefix map, {}", v6 ? "IPv6" : "IPv4"), lookups, s, hits);
    Record in, out;
    in.reset(Schema::from_names({"srcaddr"}));
    hits = 0;
    t = Clock::now();
    for (size_t i = 0; i < lookups; ++i) {
      in.values[0].set_ip(addrs[i & (addrs.size() - 1)]);
      hits += cidr.apply(in, out).matched;
    }
    s = seconds_since(t);
    row(fmt::format("Enricher::apply, CIDR, {}", v6 ? "IPv6" : "IPv4"), lookups, s, hits);
  }
  {
    std::vector<std::string> enis(1 << 20);
    for (size_t i = 0; i < enis.size(); ++i)
      enis[i] = fmt::format("eni-{:017x}", (rng() % (prefixes.size() * 5 / 4)) * 2654435761u);
    Record in, out;
    in.reset(Schema::from_names({"interface-id"}));
    size_t hits = 0;
    size_t n = lookups / 2;
    t = Clock::now();
    for (size_t i = 0; i < n; ++i) {
      in.values[0].set_str(enis[i & (enis.size() - 1)]);
      hits += keys.apply(in, out).matched;
    }
    double s = seconds_since(t);
    row("Enricher::apply, key table", n, s, hits);
  }
  std::remove(cidr_file.c_str());
  std::remove(key_file.c_str());
}
