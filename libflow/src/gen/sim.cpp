// flowgen's event loop: connections become per-interface, per-window records, filed by the second
// their record ends and written second by second, so any length of run streams in constant memory.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <type_traits>

#include "flow/error.hpp"
#include "gen/sim.hpp"

namespace flow::gen {

// ---- schemas --------------------------------------------------------------------------------

SchemaPtr version_schema(int v) {
  if (v == 2) return Schema::parse_aws(kAwsDefaultFormat);
  if (v < 2 || v == 6 || v > 8)
    throw UsageError("--log-version: expected 2, 3, 4, 5, 7 or 8 (6 is Transit Gateway only)");
  std::vector<std::string> names;
  for (const FieldInfo& f : all_fields())
    if (f.family != Family::Tgw && f.version <= v) names.emplace_back(f.name);
  return Schema::from_names(names);
}

int schema_version(const Schema& s) {
  int v = 2;
  for (const Column& c : s.columns())
    if (c.id) v = std::max(v, static_cast<int>(field_info(*c.id).version));
  return v;
}

// ---- the generator --------------------------------------------------------------------------

Generator::Generator(GenConfig cfg)
    : cfg_(std::move(cfg)), estate_(build_estate(cfg_.size, cfg_.seed)), impl_(new Impl(cfg_, estate_)) {}
Generator::~Generator() { delete impl_; }
const std::vector<ScenarioRun>& Generator::scenarios() const { return impl_->runs; }
void Generator::run(GenSink& sink) { impl_->run(sink); }
uint64_t Generator::records_written() const { return impl_->written; }
bool Generator::skipped(uint32_t eni, int64_t k) const { return impl_->skipped(eni, k); }

Generator::Impl::Impl(const GenConfig& c, Estate& e) : cfg(c), estate(e), rng(hash3(c.seed, 0x7AFF1C, 0)) {
  range_end = cfg.start + cfg.duration;
  ring.resize(kRing);
  enis.resize(estate.enis.size());
  for (auto& s : enis) s.next_port = static_cast<uint16_t>(32768 + rng.below(28000));
  client_port.resize(estate.clients.size());
  for (auto& p : client_port) p = static_cast<uint16_t>(32768 + rng.below(28000));
  // Zipf-like popularity (exponent 0.9): a few clients make much of the traffic.
  double sum = 0;
  for (size_t i = 0; i < estate.clients.size(); ++i) client_cdf.push_back(sum += 1.0 / std::pow(double(i + 1), 0.9));
  for (auto& x : client_cdf) x /= sum;
  for (int i = 0; i < 12; ++i) partners.push_back(random_public_ip(rng));
  for (const Endpoint& ep : estate.endpoints)
    if (ep.gateway) gateways.push_back(&ep);

  field.fill(&unused);
  if (cfg.schema) {
    rec.reset(cfg.schema);
    for (size_t i = 0; i < cfg.schema->size(); ++i)
      if (auto id = cfg.schema->column(i).id) field[static_cast<size_t>(*id)] = &rec.values[i];
    version = schema_version(*cfg.schema);
  }
  plan_scenarios();

  // The connection rate: given, or what makes about cfg.flows records in the time range
  // (about 3.5 records a connection over the mix of normal traffic, measured; 20% to spare).
  rate = cfg.rate;
  if (cfg.flows > 0 && cfg.fit_rate) {
    double weight = 0;
    for (int64_t s = cfg.start; s < range_end; s += 60)
      weight += rate_at(s) / cfg.rate * double(std::min<int64_t>(60, range_end - s));
    rate = double(cfg.flows) / (3.5 * std::max(weight, 1.0)) * 1.2;
  }
}

/// Traffic follows the day: lowest at 04:00 UTC, highest at 16:00, the mean is the given rate.
double Generator::Impl::rate_at(int64_t s) const {
  const double day = double((s % 86400 + 86400) % 86400) / 86400.0;
  return cfg.rate * (1.0 - 0.5 * std::cos(2 * M_PI * (day - 4.0 / 24)));
}

uint32_t Generator::Impl::new_conn(int64_t t) {
  uint32_t i;
  if (!free_slots.empty()) {
    i = free_slots.back();
    free_slots.pop_back();
  } else {
    i = static_cast<uint32_t>(pool.size());
    pool.emplace_back();
  }
  Conn& c = pool[i];
  // A fresh Conn but for the observations (most of its bytes), which are assigned whole before use.
  static_assert(std::is_trivially_copyable_v<Conn> && std::is_standard_layout_v<Conn>);
  static const Conn fresh{};
  std::memcpy(static_cast<void*>(&c), &fresh, offsetof(Conn, obs));
  c.id = next_id++;
  c.start = c.end = t;
  return i;
}

/// Files the first record of every observation; the connection is then on its way.
void Generator::Impl::launch(uint32_t ci) {
  Conn& c = pool[ci];
  if (c.end >= range_end) {  // the log ends before the connection does
    c.end = range_end - 1;
    if (c.close != Conn::None) c.close = Conn::Open;
  }
  if (c.scenario >= 0) {
    ScenarioRun& r = runs[static_cast<size_t>(c.scenario)];
    if (r.connections == 0 && r.name != "misconfigured-sg") r.start = c.start;
    if (r.name != "misconfigured-sg") r.end = std::max(r.end, c.end);
    ++r.connections;
    ++(c.rejected ? r.rejected : r.accepted);
  }
  for (uint8_t o = 0; o < c.nobs; ++o) push_segment(ci, o, c.start);
  if (c.pending == 0) finish_conn(ci);
}

bool Generator::Impl::skippable(uint32_t eni, int64_t k) const {
  const Interface& n = estate.enis[eni];
  return n.window_start(k) >= cfg.start && n.window_start(k + 1) <= range_end;
}

bool Generator::Impl::skipped(uint32_t eni, int64_t k) const {
  if (cfg.skipdata <= 0 || !skippable(eni, k)) return false;
  return double(hash3(cfg.seed, eni, static_cast<uint64_t>(k)) >> 11) * 0x1.0p-53 < cfg.skipdata;
}

bool Generator::Impl::skipped_cached(uint32_t eni, int64_t k) {
  EniState& st = enis[eni];
  if (st.skip_window != k) {
    st.skip_window = k;
    st.skip_answer = skipped(eni, k);
  }
  return st.skip_answer;
}

namespace {
/// Packets of one direction sent up to second t: one in the first second, the last in the
/// final second, evenly in between, so every record of a connection has at least one packet at
/// its first and last window.
uint64_t sent_by(const Conn& c, uint64_t total, int64_t t) {
  if (t < c.start) return 0;
  if (t >= c.end) return total;
  const uint64_t span = static_cast<uint64_t>(c.end - c.start);
  return 1 + (total - 1) * static_cast<uint64_t>(t - c.start) / span;
}
}  // namespace

void Generator::Impl::push_segment(uint32_t ci, uint8_t o, int64_t a) {
  Conn& c = pool[ci];
  const Obs& ob = c.obs[o];
  const Interface& n = estate.enis[ob.eni];
  const int64_t k = n.window(a);
  const int64_t b = std::min(c.end, n.window_start(k + 1) - 1);
  uint64_t packets, bytes;
  const uint64_t total = c.packets[ob.dir];
  if (a == c.start && b == c.end && total < (uint64_t{1} << 32)) {
    // The whole direction in one record (most connections fit in a window): what the general
    // case below computes with six divisions (exactly, as extra * total cannot overflow).
    packets = total;
    bytes = c.bytes[ob.dir];
  } else {
    const uint64_t before = sent_by(c, total, a - 1), upto = sent_by(c, total, b);
    packets = upto - before;
    // Bytes: size * packets plus the remainder spread the same way, so the records add up exactly.
    const uint64_t size = c.bytes[ob.dir] / total, extra = c.bytes[ob.dir] % total;
    bytes = packets * size + (extra * upto / total - extra * before / total);
  }
  uint8_t flags = 0;
  if (c.proto == 6) {
    // SYN, SYN-ACK; a connection that never opens sends nothing but them (retries in later windows).
    if (a == c.start || c.close == Conn::None) flags |= ob.dir == 0 ? 2 : 18;
    if (b == c.end) {
      if (c.close == Conn::Fin) flags |= 1;
      else if (c.close == Conn::Rst && ob.dir == 0) flags |= 4;
    }
  }
  EniState& st = enis[ob.eni];
  const uint64_t bit = uint64_t{1} << (k & 63);
  Item::Kind kind = Item::Data;
  if (packets == 0) {
    kind = Item::Quiet;
  } else if (skipped_cached(ob.eni, k)) {
    kind = Item::Quiet;
    st.skipped |= bit;
  } else {
    st.active |= bit;
  }
  ++c.pending;
  // Filled in its bucket: an Item assembled on the stack and copied in was read back with wide
  // loads over its narrow stores, which stalls store-to-load forwarding on every segment. (Field
  // by field: clang 14 has no parenthesised aggregate initialisation for emplace_back.)
  Item& item = ring[static_cast<size_t>(b) & (kRing - 1)].emplace_back();
  item.a = a;
  item.b = b;
  item.packets = packets;
  item.bytes = bytes;
  item.ref = ci;
  item.obs = o;
  item.flags = flags;
  item.kind = kind;
}

void Generator::Impl::finish_conn(uint32_t ci) {
  Conn& c = pool[ci];
  sink->connection(c, true);
  free_slots.push_back(ci);
}

void Generator::Impl::process(const Item& it) {
  if (it.kind == Item::Check) {
    const Interface& n = estate.enis[it.ref];
    EniState& st = enis[it.ref];
    const uint64_t bit = uint64_t{1} << (n.window(it.a) & 63);
    if (st.skipped & bit) write_status(it.ref, it.a, it.b, "SKIPDATA");
    else if (!(st.active & bit)) write_status(it.ref, it.a, it.b, "NODATA");
    st.active &= ~bit;
    st.skipped &= ~bit;
    Item next = it;
    next.a += n.interval;
    next.b += n.interval;
    if (next.b < range_end) push(next.b, next);
    return;
  }
  Conn& c = pool[it.ref];
  if (it.kind == Item::Data) {
    write_data(it);
    ++c.records;
    if (c.scenario >= 0) ++runs[static_cast<size_t>(c.scenario)].records;
  }
  --c.pending;
  if (it.b < c.end) push_segment(it.ref, it.obs, it.b + 1);
  else if (c.pending == 0) finish_conn(it.ref);
}

void Generator::Impl::run(GenSink& s) {
  sink = &s;
  // The first status check of each interface: its first window wholly inside the range.
  for (uint32_t i = 0; i < estate.enis.size(); ++i) {
    const Interface& n = estate.enis[i];
    int64_t k = n.window(cfg.start);
    if (n.window_start(k) < cfg.start) ++k;
    Item it;
    it.kind = Item::Check;
    it.ref = i;
    it.a = n.window_start(k);
    it.b = n.window_start(k + 1) - 1;
    if (it.b < range_end) push(it.b, it);
  }
  double next_arrival = double(cfg.start) + rng.exponential(1.0 / std::max(rate_at(cfg.start) * rate / cfg.rate, 1e-9));
  for (int64_t sec = cfg.start; sec < range_end && !stopped; ++sec) {
    const double lambda = std::max(rate_at(sec) * rate / cfg.rate, 1e-9);
    while (next_arrival < double(sec + 1)) {
      spawn_normal(sec);
      next_arrival += rng.exponential(1.0 / lambda);
    }
    tick_scenarios(sec);
    auto& bucket = ring[static_cast<size_t>(sec) & (kRing - 1)];
    for (size_t i = 0; i < bucket.size() && !stopped; ++i) {
      // The connection of an item a few ahead is fetched while this one is written: connections
      // were filed up to a capture window (10 minutes) ago, and the writer's columns have pushed
      // them out of cache since (a prefetch never faults; a Check item's ref is an interface, a
      // harmless guess).
      if (i + kAhead < bucket.size()) {
        const Item& next = bucket[i + kAhead];
        if (next.ref < pool.size()) {
          const Conn* c = pool.data() + next.ref;
          __builtin_prefetch(c);
          __builtin_prefetch(&c->obs[next.obs]);
        }
      }
      process(bucket[i]);
    }
    bucket.clear();
  }
  // Cut by --flows: report the connections that have some records out.
  if (stopped) {
    std::vector<uint32_t> live;
    std::vector<bool> is_free(pool.size());
    for (uint32_t f : free_slots) is_free[f] = true;
    for (uint32_t i = 0; i < pool.size(); ++i)
      if (!is_free[i] && pool[i].records > 0) live.push_back(i);
    std::sort(live.begin(), live.end(), [&](uint32_t x, uint32_t y) { return pool[x].id < pool[y].id; });
    for (uint32_t i : live) sink->connection(pool[i], false);
  }
}

// ---- records --------------------------------------------------------------------------------

// A field's value in rec (Impl::field): writing one costs neither a look-up nor a test.
#define FIELD(name) field[static_cast<size_t>(FieldId::name)]

void Generator::Impl::write_status(uint32_t eni, int64_t a, int64_t b, const char* status) {
  const Interface& n = estate.enis[eni];
  for (auto& v : rec.values) v.set_null();
  rec_constants = false;
  rec_eni = UINT32_MAX;
  FIELD(version)->set_uint(static_cast<uint64_t>(version));
  FIELD(account_id)->set_str(n.account_id);
  FIELD(interface_id)->set_str(n.id);
  FIELD(start)->set_time(a);
  FIELD(end)->set_time(b);
  FIELD(log_status)->set_str(status);
  FIELD(vpc_id)->set_str(n.vpc_id);
  FIELD(subnet_id)->set_str(n.subnet_id);
  if (!n.instance_id.empty()) FIELD(instance_id)->set_str(n.instance_id);
  FIELD(region)->set_str(estate.region);
  FIELD(az_id)->set_str(n.az_id);
  sink->record(rec, eni, b);
  if (++written == cfg.flows) stopped = true;
}

void Generator::Impl::write_data(const Item& it) {
  const Conn& c = pool[it.ref];
  const Obs& o = c.obs[it.obs];
  // Fields that rec still holds from the last data record are not written again (sinks only
  // read the record; status records clear it and say so).
  if (!rec_constants) {
    FIELD(version)->set_uint(static_cast<uint64_t>(version));
    FIELD(log_status)->set_str("OK");
    if (version > 2) {
      FIELD(type)->set_str("IPv4");
      FIELD(region)->set_str(estate.region);
    }
    rec_constants = true;
  }
  if (o.eni != rec_eni) {
    const Interface& n = estate.enis[o.eni];
    FIELD(account_id)->set_str(n.account_id);
    FIELD(interface_id)->set_str(n.id);
    if (version > 2) {
      FIELD(vpc_id)->set_str(n.vpc_id);
      FIELD(subnet_id)->set_str(n.subnet_id);
      if (n.instance_id.empty()) FIELD(instance_id)->set_null();
      else FIELD(instance_id)->set_str(n.instance_id);
      FIELD(az_id)->set_str(n.az_id);
    }
    rec_eni = o.eni;
  }
  FIELD(srcaddr)->set_ip(o.src);
  FIELD(dstaddr)->set_ip(o.dst);
  FIELD(srcport)->set_uint(o.sport);
  FIELD(dstport)->set_uint(o.dport);
  FIELD(protocol)->set_uint(c.proto);
  FIELD(packets)->set_uint(it.packets);
  FIELD(bytes)->set_uint(it.bytes);
  FIELD(start)->set_time(it.a);
  FIELD(end)->set_time(it.b);
  FIELD(action)->set_str(o.reject ? "REJECT" : "ACCEPT");
  if (version > 2) {
    FIELD(tcp_flags)->set_uint(it.flags);
    FIELD(pkt_srcaddr)->set_ip(o.pkt_src);
    FIELD(pkt_dstaddr)->set_ip(o.pkt_dst);
    if (o.src_svc) FIELD(pkt_src_aws_service)->set_str(o.src_svc);
    else FIELD(pkt_src_aws_service)->set_null();
    if (o.dst_svc) FIELD(pkt_dst_aws_service)->set_str(o.dst_svc);
    else FIELD(pkt_dst_aws_service)->set_null();
    FIELD(flow_direction)->set_str(o.egress ? "egress" : "ingress");
    if (o.egress && o.path) FIELD(traffic_path)->set_uint(o.path);
    else FIELD(traffic_path)->set_null();
  }
  sink->record(rec, o.eni, it.b);
  if (++written == cfg.flows) stopped = true;
}

}  // namespace flow::gen
