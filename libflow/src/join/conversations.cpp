// Conversations: one connection's records from every vantage point, stitched or deduplicated.
#include "flow/conversation.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "flow/connection.hpp"
#include "join/held.hpp"

namespace flow {

namespace {

/// proto, then the lower endpoint (address, family, port), then the higher one: the same bytes
/// for both directions of a connection.
using Key = std::array<uint8_t, 1 + 2 * 19>;

struct KeyHash {
  size_t operator()(const Key& k) const { return XXH3_64bits(k.data(), k.size()); }
};

struct Endpoint {
  Ip ip;
  uint16_t port = 0;
  friend auto operator<=>(const Endpoint&, const Endpoint&) = default;
};

void put(uint8_t* p, const Endpoint& e) {
  std::memcpy(p, e.ip.bytes.data(), 16);
  p[16] = e.ip.v6;
  p[17] = static_cast<uint8_t>(e.port >> 8);
  p[18] = static_cast<uint8_t>(e.port);
}

/// One interface's view of one direction.
struct Vantage {
  uint32_t iface = 0;  // index into Impl::ifaces
  Ip src, dst;         // as recorded (the NAT gateway's own address on its public legs)
  Endpoint from;       // the sending host, in the conversation's terms
  bool accept = false, reject = false, translated = false;
  uint64_t packets = 0, bytes = 0;
  std::vector<HeldRecord> held;
};

enum Orient : uint8_t { None, First, Ports, Flags };
constexpr const char* kOrientName[] = {"-", "first", "ports", "flags"};

struct Conv {
  Key key;
  Endpoint lo, hi;
  uint8_t proto = 0;
  Orient orient = None;
  Endpoint initiator;
  bool has_flags = false;
  uint8_t flags = 0;
  int64_t first = INT64_MAX, last = INT64_MIN;
  uint64_t records = 0;
  std::vector<Vantage> vantages;
  std::vector<Key> aliases;    // the NAT gateway's public legs that belong to it
  int64_t bucket = INT64_MIN;  // where it waits in Impl::expiry
};

/// A NAT gateway's public leg (its own address and the outside host) standing for a conversation
/// (the inside host and the outside host): learnt from the gateway's inside legs, whose
/// pkt-dstaddr (or pkt-srcaddr) shows the outside host where dstaddr (srcaddr) is the gateway.
/// Only the address changes: the gateway is taken to keep the source port, as flowgen's does;
/// a leg whose port was translated stays a conversation of its own.
struct Alias {
  Key conv;
  Endpoint outside, inside;  // the gateway's endpoint, and the inside host's it stands for
};

/// a - b and a + b, saturated: times come from the input, and may be anything.
int64_t minus(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_sub_overflow(a, b, &r) ? INT64_MIN : r;
}
int64_t plus(int64_t a, int64_t b) {
  int64_t r;
  return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}
/// A sum of packets or bytes: UINT64_MAX rather than a wrap (ConversationStats::saturated_*).
uint64_t sat_add(uint64_t a, uint64_t b) {
  uint64_t r;
  return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

Key make_key(uint8_t proto, const Endpoint& a, const Endpoint& b) {
  Key k;
  k[0] = proto;
  const bool a_lo = !(b < a);
  put(k.data() + 1, a_lo ? a : b);
  put(k.data() + 20, a_lo ? b : a);
  return k;
}

}  // namespace

struct Conversations::Impl {
  ConversationOptions opts;
  ConversationStats stats;
  std::unordered_map<Key, Conv, KeyHash> open;
  std::unordered_map<Key, Alias, KeyHash> aliases;
  std::vector<std::string> ifaces;
  std::unordered_map<std::string, uint32_t> iface_index;
  int64_t now = INT64_MIN;  // the input's time: the latest start read
  int64_t next_sweep = INT64_MIN;
  // Conversations by the time they go idle, in buckets of idle/8 seconds of their last end: a
  // sweep visits the buckets that are over, not the whole table. A conversation is entered
  // again when its last end moves to a later bucket; its entries in earlier ones are stale.
  std::map<int64_t, std::vector<Key>> expiry;
  int64_t grain() const { return std::max<int64_t>(1, opts.idle / 8); }
  void track(Conv& c) {
    if (c.last == INT64_MIN) return;  // no times: closed at the end
    const int64_t b = c.last / grain() - (c.last % grain() < 0);
    if (b == c.bucket) return;
    c.bucket = b;
    expiry[b].push_back(c.key);
  }
  uint64_t seq = 0;
  Record out;  // a stitched conversation
  Record row;  // a record kept by dedup

  std::vector<Conv> closed;  // over before the sweep found them (a record came after a long gap)

  void close(std::unordered_map<Key, Conv, KeyHash>::iterator it) {
    for (const Key& a : it->second.aliases) aliases.erase(a);
    closed.push_back(std::move(it->second));
    open.erase(it);
  }

  std::string name_buf;
  uint32_t intern(std::string_view name) {
    name_buf.assign(name);  // no allocation per record once the buffer has grown
    auto [it, fresh] = iface_index.try_emplace(name_buf, static_cast<uint32_t>(ifaces.size()));
    if (fresh) ifaces.emplace_back(name);
    return it->second;
  }

  Vantage& vantage(Conv& c, uint32_t iface, const Ip& src, const Ip& dst, const Endpoint& from) {
    for (Vantage& x : c.vantages)
      if (x.iface == iface && x.from == from && x.src == src && x.dst == dst) return x;
    Vantage& v = c.vantages.emplace_back();
    v.iface = iface;
    v.src = src;
    v.dst = dst;
    v.from = from;
    const Endpoint& to = from == c.lo ? c.hi : c.lo;
    v.translated = !(src == from.ip && dst == to.ip);
    return v;
  }

  void orient(Conv& c, Orient level, const Endpoint& initiator) {
    if (level <= c.orient) return;
    c.orient = level;
    c.initiator = initiator;
  }

  /// Folds conversation `b` (a public leg seen before its alias was known) into `a`.
  void merge(Conv& a, Conv& b, const Alias& al) {
    auto map = [&](const Endpoint& e) { return e == al.outside ? al.inside : e; };
    a.records += b.records;
    a.first = std::min(a.first, b.first);
    a.last = std::max(a.last, b.last);
    a.has_flags |= b.has_flags;
    a.flags = static_cast<uint8_t>(a.flags | b.flags);
    orient(a, b.orient, map(b.initiator));
    for (Vantage& vb : b.vantages) {
      Vantage& va = vantage(a, vb.iface, vb.src, vb.dst, map(vb.from));
      va.accept |= vb.accept;
      va.reject |= vb.reject;
      va.packets = sat_add(va.packets, vb.packets);
      va.bytes = sat_add(va.bytes, vb.bytes);
      for (HeldRecord& h : vb.held) va.held.push_back(std::move(h));
    }
  }

  /// The kept vantage point of the direction sent by `from` (nullptr when nothing was seen).
  const Vantage* kept(const Conv& c, const Endpoint& from) const {
    const Vantage* best = nullptr;
    for (const Vantage& v : c.vantages)
      if (v.from == from && (!best || better(v, *best))) best = &v;
    return best;
  }
  bool better(const Vantage& a, const Vantage& b) const {
    if (a.bytes != b.bytes) return a.bytes > b.bytes;
    if (a.reject != b.reject) return a.reject;
    if (a.translated != b.translated) return !a.translated;
    if (a.iface != b.iface) return ifaces[a.iface] < ifaces[b.iface];
    return std::tie(a.src, a.dst) < std::tie(b.src, b.dst);
  }

  void emit_records(Conv& c, const std::function<void(const Record&)>& emit) {
    const Vantage* keep[2] = {kept(c, c.lo), kept(c, c.hi)};
    std::vector<const HeldRecord*> rows;
    for (Vantage& v : c.vantages) {
      if (&v == keep[0] || &v == keep[1]) {
        for (const HeldRecord& h : v.held) rows.push_back(&h);
        stats.kept += v.held.size();
      } else {
        stats.dropped += v.held.size();
        stats.dropped_bytes = sat_add(stats.dropped_bytes, v.bytes);
      }
    }
    std::sort(rows.begin(), rows.end(), [](const HeldRecord* a, const HeldRecord* b) { return a->seq() < b->seq(); });
    for (const HeldRecord* h : rows) {
      h->restore(row);
      emit(row);
    }
  }

  void emit_conversation(const Conv& c, const std::function<void(const Record&)>& emit);
};

std::vector<std::string> Conversations::fields_read() {
  return {"interface-id", "srcaddr", "dstaddr", "srcport", "dstport",   "protocol",    "packets",
          "bytes",        "start",   "end",     "action",  "tcp-flags", "pkt-srcaddr", "pkt-dstaddr"};
}

Conversations::Conversations(ConversationOptions opts) : impl_(std::make_unique<Impl>()) {
  impl_->opts = opts;
  impl_->out.reset(conversation_schema());
}
Conversations::~Conversations() = default;
const ConversationStats& Conversations::stats() const { return impl_->stats; }
size_t Conversations::open() const { return impl_->open.size(); }

bool Conversations::add(const Record& r, const std::string& file) {
  Impl& m = *impl_;
  bool ambiguous = false, reply = false;
  auto conn = connection_of(r, &ambiguous, &reply);
  if (!conn) {
    ++m.stats.no_flow;
    return false;
  }
  ++m.stats.records;
  if (r.schema->slot(FieldId::pkt_srcaddr) < 0 && r.schema->slot(FieldId::pkt_dstaddr) < 0) ++m.stats.without_pkt;
  ++m.seq;
  Endpoint init{conn->initiator, conn->initiator_port}, resp{conn->responder, conn->responder_port};
  Endpoint from = reply ? resp : init;  // the record's own direction
  Key key = make_key(conn->protocol, init, resp);
  const Ip src = r.get(FieldId::srcaddr)->addr(), dst = r.get(FieldId::dstaddr)->addr();

  auto get_time = [&](FieldId id) -> std::optional<int64_t> {
    const Value* v = r.get(id);
    if (!v || v->null()) return std::nullopt;
    return time_seconds(v->t);
  };
  const auto start = get_time(FieldId::start), end = get_time(FieldId::end);
  if (start && *start > m.now) m.now = *start;
  if (end && m.now != INT64_MIN && *end < minus(m.now, m.opts.idle)) {
    if (m.stats.late++ == 0) m.stats.first_late = fmt::format("{}:{}", file, r.line);
  }

  auto it = m.open.find(key);
  // A NAT gateway's public leg whose inside leg was seen: the conversation of the inside host.
  // (A key with an alias has no conversation of its own: one seen early was merged.)
  if (it == m.open.end() && !m.aliases.empty()) {
    if (auto al = m.aliases.find(key); al != m.aliases.end()) {
      auto map = [&](Endpoint& e) {
        if (e == al->second.outside) e = al->second.inside;
      };
      map(init);
      map(resp);
      map(from);
      key = al->second.conv;
      it = m.open.find(key);
    }
  }
  if (it != m.open.end() && start && it->second.last < minus(*start, m.opts.idle)) {
    // Idle for longer than --idle: that conversation is over, this record starts another.
    m.close(it);
    it = m.open.end();
  }
  bool fresh = it == m.open.end();
  if (fresh) it = m.open.try_emplace(key).first;
  Conv& c = it->second;
  if (fresh) {
    c.key = key;
    c.lo = std::min(init, resp);
    c.hi = std::max(init, resp);
    c.proto = conn->protocol;
  }
  ++c.records;
  if (start) c.first = std::min(c.first, *start);
  if (end) c.last = std::max(c.last, *end);
  else if (start) c.last = std::max(c.last, *start);
  const Value* fl = r.get(FieldId::tcp_flags);
  if (fl && !fl->null()) {
    c.has_flags = true;
    c.flags = static_cast<uint8_t>(c.flags | fl->u);
  }
  // Who opened it: a SYN says so; else the lower port is the service; else the first record's source.
  const bool ports_differ = init.port != resp.port && init.port && resp.port;
  m.orient(c, !ambiguous ? Flags : ports_differ ? Ports : First, ambiguous && !ports_differ ? from : init);

  // An inside leg at a NAT gateway: learn the public leg it stands for.
  if (!(src == from.ip) || !(dst == (from == init ? resp : init).ip)) {
    const Endpoint& to = from == init ? resp : init;
    std::optional<Alias> al;
    if (src == from.ip && !(dst == to.ip)) al = Alias{key, {dst, from.port}, from};  // to the outside, via dst
    if (!(src == from.ip) && dst == to.ip) al = Alias{key, {src, to.port}, to};      // back in, from src
    if (al) {
      const Key pub = make_key(c.proto, al->outside, al->inside == from ? to : from);
      if (pub != key && m.aliases.try_emplace(pub, *al).second) {
        c.aliases.push_back(pub);
        if (auto early = m.open.find(pub); early != m.open.end()) {
          m.merge(c, early->second, *al);
          m.open.erase(early);  // c is still valid: erasing another element keeps references
        }
      }
    }
  }

  const Value* iface = r.get(FieldId::interface_id);
  Vantage& v = m.vantage(c, m.intern(iface && !iface->null() ? iface->str() : std::string_view("-")), src, dst, from);
  const Value *pk = r.get(FieldId::packets), *by = r.get(FieldId::bytes), *ac = r.get(FieldId::action);
  if (pk && !pk->null()) v.packets = sat_add(v.packets, pk->u);
  if (by && !by->null()) v.bytes = sat_add(v.bytes, by->u);
  if (ac && !ac->null()) (ac->str() == "REJECT" ? v.reject : v.accept) = true;
  if (m.opts.keep_records) v.held.emplace_back(r, m.seq);
  m.track(c);
  return true;
}

void Conversations::finish(bool all, const std::function<void(const Record&)>& emit) {
  Impl& m = *impl_;
  if (all) {
    while (!m.open.empty()) m.close(m.open.begin());
    m.expiry.clear();
  } else {
    if (m.now < m.next_sweep) return;
    m.next_sweep = plus(m.now, m.grain());
    const int64_t over = minus(m.now, m.opts.idle);  // a last end before this is idle
    while (!m.expiry.empty()) {
      auto b = m.expiry.begin();
      if (b->first >= minus(over / m.grain(), 1)) break;  // the bucket may hold conversations still open
      for (const Key& k : b->second) {
        auto it = m.open.find(k);
        if (it != m.open.end() && it->second.bucket == b->first && it->second.last < over) m.close(it);
      }
      m.expiry.erase(b);
    }
  }
  // In order of first start; the conversations are sorted by index, not moved about.
  std::vector<Conv>& done = m.closed;
  std::vector<uint32_t> order(done.size());
  for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    return std::tie(done[a].first, done[a].key) < std::tie(done[b].first, done[b].key);
  });
  m.stats.conversations += done.size();
  for (uint32_t i : order) {
    if (m.opts.keep_records) m.emit_records(done[i], emit);
    else m.emit_conversation(done[i], emit);
  }
  done.clear();
}

SchemaPtr conversation_schema() {
  static const SchemaPtr schema = [] {
    std::vector<Column> cols;
    for (const char* n : {"protocol", "srcaddr", "srcport", "dstaddr", "dstport", "start", "end", "packets", "bytes",
                          "tcp-flags", "action"}) {
      const FieldId id = *find_field(n);
      cols.push_back({n, field_info(id).type, id});
    }
    for (const char* n : {"fwd-packets", "fwd-bytes", "rev-packets", "rev-bytes", "flow-records"})
      cols.push_back({n, Type::UInt, std::nullopt});
    for (const char* n : {"interfaces", "verdicts", "initiator-by"}) cols.push_back({n, Type::String, std::nullopt});
    return std::make_shared<const Schema>(std::move(cols));
  }();
  return schema;
}

void Conversations::Impl::emit_conversation(const Conv& c, const std::function<void(const Record&)>& emit) {
  out.arena.clear();
  for (Value& v : out.values) v.set_null();
  const Endpoint& init = c.orient == None ? c.lo : c.initiator;
  const Endpoint& resp = init == c.lo ? c.hi : c.lo;
  const Vantage* fwd = kept(c, init);
  const Vantage* rev = kept(c, resp);
  const uint64_t fp = fwd ? fwd->packets : 0, fb = fwd ? fwd->bytes : 0;
  const uint64_t rp = rev ? rev->packets : 0, rb = rev ? rev->bytes : 0;

  // Each interface that saw it, sorted, with its verdict.
  std::vector<std::pair<std::string_view, uint8_t>> seen;  // name, bit 1 accept, bit 2 reject
  bool accept = false, reject = false;
  for (const Vantage& v : c.vantages) {
    auto it = std::find_if(seen.begin(), seen.end(), [&](auto& s) { return s.first == ifaces[v.iface]; });
    if (it == seen.end()) it = seen.insert(seen.end(), {ifaces[v.iface], 0});
    it->second = static_cast<uint8_t>(it->second | (v.accept ? 1 : 0) | (v.reject ? 2 : 0));
    accept |= v.accept;
    reject |= v.reject;
  }
  std::sort(seen.begin(), seen.end());
  std::string names, verdicts;
  for (auto& [name, bits] : seen) {
    if (!names.empty()) names += ',', verdicts += ',';
    names += name;
    verdicts += bits & 2 ? "REJECT" : bits & 1 ? "ACCEPT" : "-";
  }

  auto& v = out.values;
  size_t i = 0;
  v[i++].set_uint(c.proto);
  v[i++].set_ip(init.ip);
  v[i++].set_uint(init.port);
  v[i++].set_ip(resp.ip);
  v[i++].set_uint(resp.port);
  if (c.first != INT64_MAX) v[i].set_time(c.first);
  ++i;
  if (c.last != INT64_MIN) v[i].set_time(c.last);
  ++i;
  const uint64_t packets = sat_add(fp, rp), bytes = sat_add(fb, rb);
  v[i++].set_uint(packets);
  v[i++].set_uint(bytes);
  if (c.has_flags) v[i].set_uint(c.flags);
  ++i;
  if (reject || accept) v[i].set_str(reject ? "REJECT" : "ACCEPT");
  ++i;
  for (uint64_t n : {fp, fb, rp, rb, c.records}) v[i++].set_uint(n);
  stats.saturated_packets += packets == UINT64_MAX;
  stats.saturated_bytes += bytes == UINT64_MAX;
  v[i++].set_str(out.arena.copy(names));
  v[i++].set_str(out.arena.copy(verdicts));
  v[i++].set_str(kOrientName[c.orient]);
  emit(out);
}

}  // namespace flow
