// Tests of flowgen's generator: determinism, and the semantics of what it writes (both ends of a
// connection recorded, windows, REJECTs only where the groups deny, ground truth matches records).
#include <unistd.h>
#include <catch2/catch.hpp>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "flow/format.hpp"
#include "flow/gen_sim.hpp"
#include "flow/io.hpp"

using namespace flow;
using namespace flow::gen;

namespace {

/// A data or status record, as plain values.
struct Rec {
  uint32_t eni = 0;
  std::string status, action;
  Ip src, dst, pkt_src, pkt_dst;
  uint64_t sport = 0, dport = 0, proto = 0, packets = 0, flags = 0;
  int64_t start = 0, end = 0;
  bool egress = false;
};

struct Capture : GenSink {
  std::vector<Rec> recs;
  std::vector<Conn> conns;
  std::vector<bool> complete;
  void record(const Record& r, uint32_t eni, int64_t) override {
    Rec x;
    x.eni = eni;
    auto v = [&](FieldId id) { return r.get(id); };
    x.status = std::string(v(FieldId::log_status)->str());
    x.start = v(FieldId::start)->t;
    x.end = v(FieldId::end)->t;
    if (x.status == "OK") {
      x.action = std::string(v(FieldId::action)->str());
      x.src = v(FieldId::srcaddr)->addr();
      x.dst = v(FieldId::dstaddr)->addr();
      x.pkt_src = v(FieldId::pkt_srcaddr)->addr();
      x.pkt_dst = v(FieldId::pkt_dstaddr)->addr();
      x.sport = v(FieldId::srcport)->u;
      x.dport = v(FieldId::dstport)->u;
      x.proto = v(FieldId::protocol)->u;
      x.packets = v(FieldId::packets)->u;
      x.flags = v(FieldId::tcp_flags)->u;
      x.egress = v(FieldId::flow_direction)->str() == "egress";
    }
    recs.push_back(x);
  }
  void connection(const Conn& c, bool done) override {
    conns.push_back(c);
    complete.push_back(done);
  }
};

GenConfig config(std::vector<std::string> scenarios = {}, double skipdata = 0) {
  GenConfig c;
  c.seed = 42;
  c.duration = 2 * 3600;
  c.rate = 4;
  c.skipdata = skipdata;
  c.scenarios = std::move(scenarios);
  c.schema = version_schema(5);
  return c;
}

std::string bytes_of(const GenConfig& cfg, Format f) {
  char path[] = "/tmp/flowgen-unit-XXXXXX";
  close(mkstemp(path));
  {
    struct Sink : GenSink {
      Writer* w;
      void record(const Record& r, uint32_t, int64_t) override { w->write(r); }
    } sink;
    auto out = Output::open(path);
    auto writer = make_writer(f, *out, {});
    sink.w = writer.get();
    Generator g(cfg);
    g.run(sink);
    writer->finish();
    out->commit();
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  unlink(path);
  return ss.str();
}

using Key = std::tuple<uint32_t, Ip, uint64_t, Ip, uint64_t, uint64_t>;  // eni and 5-tuple

}  // namespace

TEST_CASE("flowgen: the same seed and options give the same bytes in every format") {
  GenConfig cfg = config({"port-scan", "misconfigured-sg"}, 0.01);
  cfg.duration = 1800;
  for (Format f : {Format::Aws, Format::Json, Format::Binary}) {
    std::string a = bytes_of(cfg, f), b = bytes_of(cfg, f);
    CHECK(a.size() > 10000);
    CHECK(a == b);
  }
  GenConfig other = cfg;
  other.seed = 43;
  CHECK(bytes_of(cfg, Format::Aws) != bytes_of(other, Format::Aws));
}

TEST_CASE("flowgen: --flows writes exactly that many records") {
  GenConfig cfg = config();
  cfg.flows = 1234;
  Capture cap;
  Generator g(cfg);
  g.run(cap);
  CHECK(cap.recs.size() == 1234);
  CHECK(g.records_written() == 1234);
}

TEST_CASE("flowgen: accepted connections inside the VPC are recorded at both ends in both directions") {
  Capture cap;
  Generator g(config({"lateral-movement", "misconfigured-sg"}));
  g.run(cap);
  std::map<Key, uint64_t> packets;  // summed over windows
  for (const Rec& r : cap.recs)
    if (r.status == "OK") packets[{r.eni, r.src, r.sport, r.dst, r.dport, r.proto}] += r.packets;
  const Estate& e = g.estate();
  size_t checked = 0;
  for (const Conn& c : cap.conns) {
    const int a = e.find(c.init), b = e.find(c.resp);
    if (c.rejected || c.proto != 6 || a < 0 || b < 0) continue;
    const uint32_t ia = static_cast<uint32_t>(a), ib = static_cast<uint32_t>(b);
    for (uint32_t eni : {ia, ib}) {
      INFO("connection " << c.id << " at " << e.enis[eni].id);
      CHECK(packets[{eni, c.init, c.init_port, c.resp, c.resp_port, 6}] == c.packets[0]);
      CHECK(packets[{eni, c.resp, c.resp_port, c.init, c.init_port, 6}] == c.packets[1]);
    }
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("flowgen: records of one interface stay inside its capture windows, one per flow and window") {
  Capture cap;
  Generator g(config({"ddos"}, 0.02));
  g.run(cap);
  const Estate& e = g.estate();
  std::set<std::pair<Key, int64_t>> seen;
  int64_t last_end = INT64_MIN;
  std::set<int> intervals;
  for (const Rec& r : cap.recs) {
    const Interface& n = e.enis[r.eni];
    intervals.insert(n.interval);
    REQUIRE(n.window(r.start) == n.window(r.end));
    CHECK(r.end >= last_end);  // ordered by end
    last_end = r.end;
    if (r.status != "OK") {
      CHECK(r.start == n.window_start(n.window(r.start)));
      CHECK(r.end == n.window_start(n.window(r.start) + 1) - 1);
      CHECK((r.status == "NODATA" || r.status == "SKIPDATA"));
      if (r.status == "SKIPDATA") CHECK(g.skipped(r.eni, n.window(r.start)));
      continue;
    }
    CHECK_FALSE(g.skipped(r.eni, n.window(r.start)));
    CHECK(seen.insert({{r.eni, r.src, r.sport, r.dst, r.dport, r.proto}, n.window(r.start)}).second);
    if (r.proto == 6) CHECK((r.flags & ~uint64_t{0x17}) == 0);  // only FIN, SYN, RST, ACK (with SYN)
  }
  CHECK(intervals == std::set<int>{60, 600});
  // Windows are not aligned across interfaces.
  std::set<int> phases;
  for (const Interface& n : e.enis) phases.insert(n.phase % 60);
  CHECK(phases.size() > 3);
}

TEST_CASE("flowgen: REJECTs only where the security groups deny, and first packets accepted only where they allow") {
  Capture cap;
  Generator g(config({"port-scan", "lateral-movement", "misconfigured-sg", "ssh-brute-force"}));
  g.run(cap);
  const Estate& e = g.estate();
  size_t rejects = 0, syns = 0;
  for (const Rec& r : cap.recs) {
    if (r.status != "OK" || r.egress) continue;
    if (r.action == "REJECT") {
      ++rejects;
      CHECK_FALSE(e.sg_allows(r.eni, r.src, static_cast<uint8_t>(r.proto), static_cast<uint16_t>(r.dport), r.start));
      INFO(to_string(r.src) << " -> " << to_string(r.dst) << ":" << r.dport << " flags " << r.flags << " at "
                            << e.enis[r.eni].id);
      CHECK((r.proto != 6 || r.flags == 2));  // SYN only, nothing back
    } else if (r.proto == 6 && (r.flags & 18) == 2 && e.find(r.dst) >= 0 && r.dst == e.enis[r.eni].ip &&
               e.find(r.src) != static_cast<int>(r.eni)) {
      ++syns;
      bool to_nat = e.enis[r.eni].tier == Tier::Nat;
      if (!to_nat) CHECK(e.sg_allows(r.eni, r.src, 6, static_cast<uint16_t>(r.dport), r.start));
    }
  }
  CHECK(rejects > 100);
  CHECK(syns > 1000);
}

TEST_CASE("flowgen: each scenario's ground truth matches the records") {
  Capture cap;
  Generator g(config(scenario_names()));
  g.run(cap);
  REQUIRE(g.scenarios().size() == 6);
  std::map<std::string, uint64_t> conn_records;
  for (const Conn& c : cap.conns)
    if (c.scenario >= 0) conn_records[g.scenarios()[static_cast<size_t>(c.scenario)].name] += c.records;
  for (const ScenarioRun& run : g.scenarios()) {
    INFO(run.name);
    CHECK(run.connections > 0);
    CHECK(run.records == conn_records[run.name]);
    std::set<Ip> sources(run.sources.begin(), run.sources.end()), targets(run.targets.begin(), run.targets.end());
    uint64_t n = 0, rejected = 0;
    std::set<Key> refused;  // misconfigured-sg: connections (a connection's retries may span windows)
    for (const Rec& r : cap.recs) {
      if (r.status != "OK") continue;
      bool mine = false;
      if (run.name == "port-scan" || run.name == "ssh-brute-force" || run.name == "ddos")
        mine = sources.count(r.src) || sources.count(r.dst);
      else if (run.name == "exfiltration") mine = targets.count(r.pkt_src) || targets.count(r.pkt_dst);
      else if (run.name == "lateral-movement")
        mine = (sources.count(r.src) && r.dport == 22) || (sources.count(r.dst) && r.sport == 22);
      else if (run.name == "misconfigured-sg") {
        mine = r.action == "REJECT" && targets.count(r.dst) && r.dport == 6379;
        if (mine) CHECK(r.start >= run.start);
        if (mine) refused.insert({r.eni, r.src, r.sport, r.dst, r.dport, r.proto});
      }
      if (!mine) continue;
      ++n;
      rejected += r.action == "REJECT";
      CHECK(r.end >= run.start);
      CHECK(r.start <= run.end);
    }
    if (run.name == "misconfigured-sg") CHECK(refused.size() == run.rejected);
    else CHECK(n == run.records);
    if (run.name == "port-scan") CHECK(rejected == run.rejected);
  }
}

TEST_CASE("flowgen: schemas by version, and the estate as data") {
  CHECK(version_schema(2)->header() == kAwsDefaultFormat);
  CHECK(schema_version(*version_schema(5)) == 5);
  CHECK(version_schema(5)->slot(FieldId::traffic_path) >= 0);
  CHECK(version_schema(5)->slot(FieldId::ecs_task_id) < 0);
  CHECK_THROWS(version_schema(6));
  Generator g(config());
  std::string csv = estate_csv(g.estate());
  CHECK(csv.rfind("interface-id,instance-id,subnet-id,vpc-id,account-id,", 0) == 0);
  CHECK(static_cast<size_t>(std::count(csv.begin(), csv.end(), '\n')) == g.estate().enis.size() + 1);
  std::string policy = estate_policy(g.estate(), 42);
  CHECK(policy.find("require app-to-cache: app -> cache tcp/6379\n") != std::string::npos);
  CHECK(policy.find("default deny\n") != std::string::npos);
}
