// GCP VPC Flow Logs as Cloud Logging exports them: one LogEntry (JSON) per flow report, or its
// jsonPayload alone (as the client libraries hand it out). The connection, counters, times,
// reporter and disposition map onto our fields; every other value of the entry is kept as a
// "gcp." field named after its JSON path.
#include <algorithm>
#include <deque>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/time.hpp"
#include "formats/gcp_dedup.hpp"
#include "formats/json_unpack.hpp"

namespace flow {
namespace {

namespace od = simdjson::ondemand;

// The fields every GCP record has, first and in this order (null when the entry lacks them).
enum Std { kSrc, kDst, kSport, kDport, kProto, kPackets, kBytes, kStart, kEnd, kAction, kDirection, kStdCount };
constexpr std::string_view kStdNames[kStdCount] = {"srcaddr",  "dstaddr", "srcport",       "dstport",
                                                   "protocol", "packets", "bytes",         "start",
                                                   "end",      "action",  "flow-direction"};
constexpr size_t kRecentSchemas = 16;

/// "src_instance" -> "src-instance", "insertId" -> "insert-id".
void append_name(std::string& out, std::string_view key) {
  for (size_t i = 0; i < key.size(); ++i) {
    char c = key[i];
    if (c >= 'A' && c <= 'Z') {
      if (i > 0 && out.back() != '-' && out.back() != '.') out += '-';
      out += static_cast<char>(c - 'A' + 'a');
    } else {
      out += c == '_' ? '-' : c;
    }
  }
}

class GcpUnpacker : public Unpacker {
 public:
  GcpUnpacker(const std::string& file, const ReadOptions& opts) : ctx_(file), opts_(opts) {}

  void start(std::string_view text, uint64_t line) override {
    ctx_.line = line;
    ready_ = false;
    std_.assign(kStdCount, Value{});
    names_.clear();
    values_.clear();
    arena_.clear();
    drop_ = {};
    reporter_ = disposition_ = {};
    start_ns_ = end_ns_ = 0;
    has_connection_ = false;
    od::object o = ctx_.object(parser_, doc_, text);
    bool payload = false;
    // The envelope's keys are kept as "gcp." fields, as the payload's other keys are: so a bare
    // payload is read by the same code as the one in an entry.
    where_ = "";
    for (auto f : o) {
      std::string_view key;
      if (auto err = f.unescaped_key().get(key)) ctx_.malformed("", err);
      if (key == "jsonPayload") {
        payload = true;
        read_payload(f.value());
      } else {
        read_payload_field(key, f.value());
      }
    }
    if (!payload && !has_connection_) ctx_.fail("jsonPayload", "LogEntry without a jsonPayload");
    if (!has_connection_) ctx_.fail("jsonPayload.connection", "not a VPC flow log entry: no connection");
    finish_entry();
  }

  bool next(Record& r) override {
    if (!ready_) return false;
    ready_ = false;
    if (!same_schema(r.schema, cached_->schema)) r.reset(cached_->schema);
    std::copy(std_.begin(), std_.end(), r.values.begin());
    for (size_t i = 0; i < values_.size(); ++i) r.values[cached_->slots[i]] = values_[i];
    std::swap(r.arena, arena_);  // the minified arrays live in the record until its next read
    r.line = ctx_.line;
    return true;
  }

  void finish() override {
    if (dropped_ && opts_.warn)
      opts_.warn(
          fmt::format("{}: {} record{} not read: the other end's report of the same flow came first "
                      "(--gcp-both-ends keeps them)",
                      ctx_.file(), dropped_, dropped_ == 1 ? "" : "s"));
    dropped_ = 0;
  }

 private:
  struct Cached {
    std::vector<std::string> names;  // gcp fields in the order the entry had them
    SchemaPtr schema;                // the standard fields, then the gcp fields sorted
    std::vector<size_t> slots;       // schema slot of each of names
  };

  // jsonPayload: the flow. Its known fields map onto ours; the rest is kept under "gcp.".
  void read_payload(od::value v) {
    where_ = "jsonPayload.";
    for (auto f : ctx_.object("jsonPayload", v)) {
      std::string_view key;
      if (auto err = f.unescaped_key().get(key)) ctx_.malformed("jsonPayload", err);
      read_payload_field(key, f.value());
    }
    where_ = "";
  }

  void read_payload_field(std::string_view key, od::value x) {
    if (key == "connection") {
      read_connection(x);
    } else if (key == "bytes_sent" || key == "packets_sent") {
      std_[key[0] == 'b' ? kBytes : kPackets].set_uint(ctx_.integer(path(key), x));
    } else if (key == "bytes_dropped" || key == "packets_dropped") {
      (key[0] == 'b' ? drop_.bytes : drop_.packets) = ctx_.integer(path(key), x);
    } else if (key == "start_time" || key == "end_time") {
      read_time(key, x);
    } else {
      path_.assign("gcp.");
      append_name(path_, key);
      if (key == "reporter") reporter_ = keep(x);
      else if (key == "disposition") disposition_ = keep(x);
      else keep(x);
    }
  }

  void read_connection(od::value v) {
    has_connection_ = true;
    const std::string where = path("connection");
    for (auto f : ctx_.object(where, v)) {
      std::string_view key;
      if (auto err = f.unescaped_key().get(key)) ctx_.malformed(where, err);
      std::string p = fmt::format("{}.{}", where, key);
      od::value x = f.value();
      if (key == "src_ip" || key == "dest_ip") std_[key[0] == 's' ? kSrc : kDst].set_ip(ctx_.address(p, x));
      else if (key == "src_port" || key == "dest_port")
        std_[key[0] == 's' ? kSport : kDport].set_uint(ctx_.integer(p, x, 65535));
      else if (key == "protocol") std_[kProto].set_uint(ctx_.integer(p, x, 255));
      else {
        path_.assign("gcp.connection.");
        append_name(path_, key);
        keep(x);
      }
    }
  }

  // RFC 3339 with up to nanoseconds: the whole second in start/end, the exact text kept too.
  void read_time(std::string_view key, od::value v) {
    std::string p = path(key);
    std::string_view s = ctx_.string(p, v);
    int64_t secs;
    uint32_t ns;
    if (!parse_iso_time(s, secs, &ns) || s.find('T') == std::string_view::npos)
      ctx_.fail(p, fmt::format("'{}' is not an RFC 3339 time", s.substr(0, 40)));
    bool start = key[0] == 's';
    std_[start ? kStart : kEnd].set_time(secs);
    // In nanoseconds for the both-ends pairing; beyond 2262 that overflows: saturated.
    int64_t t;
    if (__builtin_mul_overflow(secs, int64_t{1'000'000'000}, &t) || __builtin_add_overflow(t, int64_t{ns}, &t))
      t = secs < 0 ? INT64_MIN : INT64_MAX;
    (start ? start_ns_ : end_ns_) = t;
    path_.assign(start ? "gcp.start-time" : "gcp.end-time");
    add(s);
  }

  /// Keeps a value under path_: a scalar as its text, an object field by field, an array as
  /// its minified JSON. Returns a scalar's text.
  std::string_view keep(od::value v) {
    od::json_type t;
    if (auto err = v.type().get(t)) ctx_.malformed(path_, err);
    if (t == od::json_type::null) return {};
    if (t == od::json_type::object) {
      const size_t len = path_.size();
      for (auto f : ctx_.object(path_, v)) {
        std::string_view k;
        if (auto err = f.unescaped_key().get(k)) ctx_.malformed(path_, err);
        path_.resize(len);
        path_ += '.';
        append_name(path_, k);
        keep(f.value());
      }
      return {};
    }
    std::string_view s = ctx_.text(path_, v, arena_);
    add(s);
    return s;
  }

  void add(std::string_view s) {
    names_.push_back(path_);
    values_.emplace_back();
    values_.back().set_str(s);
  }

  /// A payload key's JSON path in messages.
  std::string path(std::string_view key) const { return fmt::format("{}{}", where_, key); }

  void finish_entry() {
    // A drop record counts the dropped packets (AWS's REJECT records count the rejected ones).
    bool dropped = disposition_ == "DROPPED";
    if (drop_.packets && std_[kPackets].null()) std_[kPackets].set_uint(*drop_.packets);
    else if (drop_.packets) keep_number("gcp.packets-dropped", *drop_.packets);
    if (drop_.bytes && std_[kBytes].null()) std_[kBytes].set_uint(*drop_.bytes);
    else if (drop_.bytes) keep_number("gcp.bytes-dropped", *drop_.bytes);
    std_[kAction].set_str(dropped ? "REJECT" : "ACCEPT");
    // The reporter is the end that logged the flow: the source sends it, the destination receives it.
    if (reporter_.starts_with("SRC")) std_[kDirection].set_str("egress");
    else if (reporter_.starts_with("DEST")) std_[kDirection].set_str("ingress");
    if (!opts_.gcp_both_ends && !reporter_.empty() && !std_[kSrc].null() && !std_[kDst].null() &&
        !std_[kStart].null() && !std_[kEnd].null()) {
      BothEnds::Flow f{std_[kSrc].addr(), std_[kDst].addr(),
                       static_cast<uint32_t>((std_[kSport].null() ? 0 : std_[kSport].u) << 16 |
                                             (std_[kDport].null() ? 0 : std_[kDport].u)),
                       static_cast<uint8_t>(std_[kProto].null() ? 0 : std_[kProto].u)};
      if (both_ends_.seen(f, reporter_.starts_with("SRC"), start_ns_, end_ns_)) {
        ++dropped_;
        return;
      }
    }
    find_schema();
    ready_ = true;
  }

  void keep_number(std::string_view name, uint64_t x) {
    path_.assign(name);
    add(arena_.copy(fmt::format("{}", x)));
  }

  // Entries with the same fields in the same order share a schema; the gcp fields are sorted
  // so that the same fields in another order give the same columns.
  void find_schema() {
    for (auto it = recent_.begin(); it != recent_.end(); ++it)
      if (it->names == names_) {
        cached_ = &*it;
        return;
      }
    Cached c;
    c.names = names_;
    std::vector<size_t> order(names_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return names_[a] < names_[b]; });
    std::vector<Column> cols;
    for (auto n : kStdNames) cols.push_back(Column{std::string(n), Type::String, find_field(n)});
    c.slots.resize(names_.size());
    for (size_t k = 0; k < order.size(); ++k) {
      const auto& n = names_[order[k]];
      if (k > 0 && n == names_[order[k - 1]]) ctx_.fail(n, "the entry has this field twice");
      c.slots[order[k]] = cols.size();
      cols.push_back(Column{n, Type::String, std::nullopt});
    }
    c.schema = std::make_shared<const Schema>(std::move(cols));
    if (recent_.size() == kRecentSchemas) recent_.pop_front();
    recent_.push_back(std::move(c));
    cached_ = &recent_.back();
  }

  json::Extractor ctx_;
  ReadOptions opts_;
  od::parser parser_;
  od::document doc_;
  std::vector<Value> std_, values_;
  std::vector<std::string> names_;
  std::string path_;
  std::string_view where_;  // "jsonPayload." inside an entry's payload, "" in a bare payload
  Arena arena_;
  std::string_view reporter_, disposition_;
  struct {
    std::optional<uint64_t> packets, bytes;
  } drop_;
  int64_t start_ns_ = 0, end_ns_ = 0;
  bool has_connection_ = false, ready_ = false;
  std::deque<Cached> recent_;
  const Cached* cached_ = nullptr;
  BothEnds both_ends_;
  uint64_t dropped_ = 0;
};

}  // namespace

std::unique_ptr<Unpacker> gcp_unpacker(const std::string& file, const ReadOptions& opts) {
  return std::make_unique<GcpUnpacker>(file, opts);
}

}  // namespace flow
