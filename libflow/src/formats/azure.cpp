// Azure Network Watcher flow logs: NSG flow logs (versions 1 and 2) and VNet flow logs, as
// records of a PT1H.json blob. Each flow tuple is one line of comma-separated values; a tuple
// of version 2 or a VNet tuple counts both directions, so it becomes up to two records.
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "formats/json_unpack.hpp"

namespace flow {
namespace {

namespace od = simdjson::ondemand;

// One schema for every Azure record; fields a log version lacks are null.
enum Col {
  kStart,
  kEnd,
  kSrc,
  kDst,
  kSport,
  kDport,
  kProto,
  kPackets,
  kBytes,
  kAction,
  kDirection,
  kTime,
  kVersion,
  kResourceId,
  kFlowLogResourceId,
  kTargetResourceId,
  kFlowLogGuid,
  kSystemId,
  kMac,
  kAclId,
  kRule,
  kState,
  kEncryption,
  kCounters,
  kColCount
};
constexpr std::string_view kNames[kColCount] = {"start",
                                                "end",
                                                "srcaddr",
                                                "dstaddr",
                                                "srcport",
                                                "dstport",
                                                "protocol",
                                                "packets",
                                                "bytes",
                                                "action",
                                                "flow-direction",
                                                "azure.time",
                                                "azure.version",
                                                "azure.resource-id",
                                                "azure.flow-log-resource-id",
                                                "azure.target-resource-id",
                                                "azure.flow-log-guid",
                                                "azure.system-id",
                                                "azure.mac",
                                                "azure.acl-id",
                                                "azure.rule",
                                                "azure.flow-state",
                                                "azure.encryption",
                                                "azure.counters"};

const SchemaPtr& azure_schema() {
  static const SchemaPtr s = [] {
    std::vector<Column> cols;
    for (auto n : kNames) cols.push_back(Column{std::string(n), Type::String, find_field(n)});
    return std::make_shared<const Schema>(std::move(cols));
  }();
  return s;
}

bool is_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

class AzureUnpacker : public Unpacker {
 public:
  AzureUnpacker(const std::string& file, const ReadOptions& opts) : ctx_(file), opts_(opts) {}

  void start(std::string_view text, uint64_t line) override {
    ctx_.line = line;
    recs_.clear();
    groups_.clear();
    tuples_.clear();
    next_ = 0;
    reply_ = false;
    read_element(ctx_.object(parser_, doc_, text), fmt::format("records[{}]", count_++));
  }

  bool next(Record& r) override {
    if (reply_) {
      reply_ = false;
      emit_reply(r);
      return true;
    }
    if (next_ == tuples_.size()) return false;
    const Tuple& t = tuples_[next_++];
    if (!same_schema(r.schema, azure_schema())) r.reset(azure_schema());
    r.line = ctx_.line;
    parse_tuple(t, r);
    return true;
  }

  void finish() override {
    if (nsg_style_ > 1 && opts_.warn)
      opts_.warn(fmt::format("{}: {} VNet tuples in all in the NSG version 2 order", ctx_.file(), nsg_style_));
    nsg_style_ = 0;
  }

 private:
  struct Rec {            // what a record says about all its tuples
    std::string version;  // NSG properties.Version or VNet flowLogVersion
    std::string_view time, resource_id, flow_log_resource_id, target_resource_id, guid, system_id, mac;
    bool vnet = false;
    std::string path;
  };
  struct Group {  // NSG: a rule and a MAC; VNet: an ACL and a rule
    size_t rec;
    std::string_view rule, mac, acl_id;
    std::string path;  // of its flowTuples
  };
  struct Tuple {
    std::string_view text;
    size_t group, index;
  };

  // A record, or a {"records": [...]} around records (Microsoft's NSG version 1 sample nests one).
  void read_element(od::object o, const std::string& path) {
    Rec rec;
    rec.path = path;
    const size_t rec_index = recs_.size();
    recs_.emplace_back();
    bool flows = false;
    for (auto f : o) {
      std::string_view key;
      if (auto err = f.unescaped_key().get(key)) ctx_.malformed(path, err);
      std::string p = fmt::format("{}.{}", path, key);
      od::value v = f.value();
      if (key == "records") {
        ctx_.each(p, v, [&](const std::string& q, od::value x) { read_element(ctx_.object(q, x), q); });
        flows = true;
      } else if (key == "time") rec.time = ctx_.string(p, v);
      else if (key == "resourceId" || key == "resourceid") rec.resource_id = ctx_.string(p, v);
      else if (key == "flowLogResourceID") rec.flow_log_resource_id = ctx_.string(p, v);
      else if (key == "targetResourceID") rec.target_resource_id = ctx_.string(p, v);
      else if (key == "flowLogGUID") rec.guid = ctx_.string(p, v);
      else if (key == "systemId") rec.system_id = ctx_.string(p, v);
      else if (key == "macAddress") rec.mac = ctx_.string(p, v);
      else if (key == "flowLogVersion") rec.version = version(p, v);
      else if (key == "properties") {
        read_nsg(rec_index, rec, p, v);
        flows = true;
      } else if (key == "flowRecords") {
        rec.vnet = true;
        read_vnet(rec_index, p, v);
        flows = true;
      }
    }
    if (!flows) ctx_.fail(path, "not an Azure flow-log record: no properties.flows (NSG) or flowRecords (VNet)");
    recs_[rec_index] = std::move(rec);
  }

  std::string version(const std::string& p, od::value v) { return std::to_string(ctx_.integer(p, v, 255)); }

  // properties: {Version, flows: [{rule, flows: [{mac, flowTuples: [...]}]}]}
  void read_nsg(size_t rec_index, Rec& rec, const std::string& path, od::value v) {
    bool any = false;
    ctx_.fields(path, v, [&](std::string_view key, od::value x) {
      std::string p = path + '.' + std::string(key);
      if (key == "Version") rec.version = version(p, x);
      if (key != "flows") return;
      any = true;
      ctx_.each(p, x, [&](const std::string& q, od::value flow) {
        std::string_view rule;
        ctx_.fields(q, flow, [&](std::string_view k, od::value y) {
          if (k == "rule") rule = ctx_.string(q + ".rule", y);
          else if (k == "flows")
            ctx_.each(q + ".flows", y, [&](const std::string& q2, od::value z) {
              read_group(Group{rec_index, rule, {}, {}, q2 + ".flowTuples"}, q2, z, "mac");
            });
        });
      });
    });
    if (!any) ctx_.fail(path, "no flows in properties");
  }

  // flowRecords: {flows: [{aclID, flowGroups: [{rule, flowTuples: [...]}]}]}
  void read_vnet(size_t rec_index, const std::string& path, od::value v) {
    od::object o = ctx_.object(path, v);
    od::value flows;
    if (o.find_field_unordered("flows").get(flows)) ctx_.fail(path, "no flows in flowRecords");
    ctx_.each(path + ".flows", flows, [&](const std::string& q, od::value flow) {
      std::string_view acl;
      ctx_.fields(q, flow, [&](std::string_view k, od::value y) {
        if (k == "aclID") acl = ctx_.string(q + ".aclID", y);
        else if (k == "flowGroups")
          ctx_.each(q + ".flowGroups", y, [&](const std::string& q2, od::value z) {
            read_group(Group{rec_index, {}, {}, acl, q2 + ".flowTuples"}, q2, z, "rule");
          });
      });
    });
  }

  /// A group object: its `name_key` (NSG: mac, VNet: rule) and its flowTuples.
  void read_group(Group g, const std::string& path, od::value v, std::string_view name_key) {
    ctx_.fields(path, v, [&](std::string_view k, od::value x) {
      if (k == name_key) (name_key == "mac" ? g.mac : g.rule) = ctx_.string(path + '.' + std::string(k), x);
      else if (k == "flowTuples") read_tuples(g, x);
    });
  }

  // The group is complete when its tuples come (rule and mac come first in every sample; a
  // group whose tuples come before them still gets them, as it is stored once).
  void read_tuples(const Group& g, od::value v) {
    groups_.push_back(g);
    size_t i = 0;
    ctx_.each(g.path, v, [&](const std::string& p, od::value x) {
      tuples_.push_back({ctx_.string(p, x), groups_.size() - 1, i++});
    });
  }

  // ---- tuples ----

  [[noreturn]] void bad(const Tuple& t, std::string_view field, const std::string& what) const {
    ctx_.fail(field, fmt::format("{}[{}]: {}", groups_[t.group].path, t.index, what));
  }

  void parse_tuple(const Tuple& t, Record& r) {
    const Group& g = groups_[t.group];
    const Rec& rec = recs_[g.rec];
    std::string_view f[14];
    size_t n = 0;
    std::string_view s = t.text;
    while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
    for (size_t b = 0;;) {
      size_t c = s.find(',', b);
      if (n == 14) bad(t, "", fmt::format("more than 13 comma-separated fields in '{}'", s.substr(0, 60)));
      f[n++] = s.substr(b, c == std::string_view::npos ? std::string_view::npos : c - b);
      if (c == std::string_view::npos) break;
      b = c + 1;
    }
    // VNet tuples have a protocol number where NSG tuples have T or U; an older Microsoft
    // tutorial shows an NSG version 2 tuple in a VNet record, so that order is read too.
    bool vnet = rec.vnet && !(n == 13 && (f[5] == "T" || f[5] == "U"));
    if (rec.vnet && !vnet && nsg_style_++ == 0 && opts_.warn)
      opts_.warn(
          fmt::format("{}:{}: {}[{}]: VNet flow tuple in the NSG version 2 order (T/U protocol, decision "
                      "field); read as such",
                      ctx_.file(), ctx_.line, g.path, t.index));
    if (n != 8 && n != 13)
      bad(t, "", fmt::format("expected 8 (NSG version 1) or 13 comma-separated fields, found {}", n));
    if (rec.vnet && n != 13) bad(t, "", fmt::format("expected 13 comma-separated fields (VNet), found {}", n));

    Value* v = r.values.data();
    for (size_t i = 0; i < kColCount; ++i) v[i].set_null();
    uint64_t ts = number(t, f[0], "start", INT64_MAX);
    v[kStart].set_time(static_cast<int64_t>(ts));  // seconds, or milliseconds in VNet logs: kept as written
    v[kEnd].set_time(static_cast<int64_t>(ts));
    set_ip(t, f[1], "srcaddr", v[kSrc]);
    set_ip(t, f[2], "dstaddr", v[kDst]);
    if (!f[3].empty()) v[kSport].set_uint(number(t, f[3], "srcport", 65535));
    if (!f[4].empty()) v[kDport].set_uint(number(t, f[4], "dstport", 65535));
    if (vnet) v[kProto].set_uint(number(t, f[5], "protocol", 255));
    else if (f[5] == "T" || f[5] == "U") v[kProto].set_uint(f[5] == "T" ? 6 : 17);
    else bad(t, "protocol", fmt::format("expected T or U, got '{}'", f[5]));
    if (f[6] != "I" && f[6] != "O") bad(t, "flow-direction", fmt::format("expected I or O, got '{}'", f[6]));
    v[kDirection].set_str(f[6] == "I" ? "ingress" : "egress");
    std::string_view state = n == 13 ? (vnet ? f[7] : f[8]) : std::string_view{};
    if (vnet) {
      if (state.size() != 1 || std::string_view("BCED").find(state[0]) == std::string_view::npos)
        bad(t, "azure.flow-state", fmt::format("expected B, C, E or D, got '{}'", state));
      v[kAction].set_str(state == "D" ? "REJECT" : "ACCEPT");
      v[kEncryption].set_str(f[8]);
    } else {
      if (f[7] != "A" && f[7] != "D") bad(t, "action", fmt::format("expected A or D, got '{}'", f[7]));
      v[kAction].set_str(f[7] == "A" ? "ACCEPT" : "REJECT");
      if (n == 13 && (state.size() != 1 || std::string_view("BCE").find(state[0]) == std::string_view::npos))
        bad(t, "azure.flow-state", fmt::format("expected B, C or E, got '{}'", state));
    }
    if (!state.empty()) v[kState].set_str(state);
    Value recv_packets, recv_bytes;
    if (n == 13) {
      counter(t, f[9], "packets", v[kPackets]);
      counter(t, f[10], "bytes", v[kBytes]);
      counter(t, f[11], "packets", recv_packets);
      counter(t, f[12], "bytes", recv_bytes);
      v[kCounters].set_str("sent");
    }
    set_str(v[kTime], rec.time);
    set_str(v[kVersion], rec.version);
    set_str(v[kResourceId], rec.resource_id);
    set_str(v[kFlowLogResourceId], rec.flow_log_resource_id);
    set_str(v[kTargetResourceId], rec.target_resource_id);
    set_str(v[kFlowLogGuid], rec.guid);
    set_str(v[kSystemId], rec.system_id);
    set_str(v[kMac], g.mac.empty() ? rec.mac : g.mac);
    set_str(v[kAclId], g.acl_id);
    set_str(v[kRule], g.rule);
    // The counts of the other direction (destination to source) become a record of their own.
    bool other = (!recv_packets.null() && recv_packets.u > 0) || (!recv_bytes.null() && recv_bytes.u > 0);
    if (other) {
      reply_ = true;
      reply_packets_ = recv_packets;
      reply_bytes_ = recv_bytes;
    }
  }

  // The record after a tuple's: the same values with the ends swapped and the received counts.
  void emit_reply(Record& r) {
    Value* v = r.values.data();
    std::swap(v[kSrc], v[kDst]);
    std::swap(v[kSport], v[kDport]);
    v[kDirection].set_str(v[kDirection].str() == "ingress" ? "egress" : "ingress");
    v[kPackets] = reply_packets_;
    v[kBytes] = reply_bytes_;
    v[kCounters].set_str("received");
  }

  static void set_str(Value& v, std::string_view s) {
    if (!s.empty()) v.set_str(s);
  }

  uint64_t number(const Tuple& t, std::string_view s, std::string_view field, uint64_t max) const {
    if (!is_digits(s) || s.size() > 19) bad(t, field, fmt::format("'{}' is not a number", s.substr(0, 40)));
    uint64_t x = std::stoull(std::string(s));
    if (x > max) bad(t, field, out_of_range(s, max));
    return x;
  }

  void set_ip(const Tuple& t, std::string_view s, std::string_view field, Value& v) const {
    auto ip = parse_ip(s);
    if (!ip) bad(t, field, fmt::format("'{}' is not an IP address", s.substr(0, 40)));
    v.set_ip(*ip);
  }

  // Counters are deltas since the tuple before; empty (B tuples) is null, 0 is 0.
  void counter(const Tuple& t, std::string_view s, std::string_view field, Value& v) const {
    if (s.empty()) v.set_null();
    else v.set_uint(number(t, s, field, UINT64_MAX));
  }

  json::Extractor ctx_;
  ReadOptions opts_;
  od::parser parser_;
  od::document doc_;
  std::vector<Rec> recs_;
  std::vector<Group> groups_;
  std::vector<Tuple> tuples_;
  size_t next_ = 0;
  uint64_t count_ = 0, nsg_style_ = 0;
  bool reply_ = false;
  Value reply_packets_, reply_bytes_;
};

}  // namespace

std::unique_ptr<Unpacker> azure_unpacker(const std::string& file, const ReadOptions& opts) {
  return std::make_unique<AzureUnpacker>(file, opts);
}

}  // namespace flow
