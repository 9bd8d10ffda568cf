// flowjoin's conversations and stream joins: stitched conversations against flowgen's ground
// truth, dedup's byte totals, the memory bound, and joins of two streams.
#include <catch2/catch.hpp>

#include <map>
#include <tuple>

#include "flow/conversation.hpp"
#include "flow/gen_sim.hpp"
#include "flow/stream_join.hpp"
#include "test_util.hpp"

using namespace flow;
using namespace flow::gen;

namespace {

using ConnKey = std::tuple<uint8_t, Ip, uint16_t, Ip, uint16_t>;

struct Truth {
  uint64_t packets[2] = {0, 0}, bytes[2] = {0, 0};
};

/// Runs flowgen's simulation straight into Conversations: records go in as they are made, and
/// finished conversations (or dedup's records) are collected; the ground truth beside them.
struct Run : GenSink {
  Conversations convs;
  std::map<ConnKey, Truth> truth;
  struct Got {
    ConnKey key;
    uint64_t fwd_packets, fwd_bytes, rev_packets, rev_bytes, bytes;
  };
  std::vector<Got> out;  // the conversations
  uint64_t truth_bytes = 0, kept_bytes = 0;
  size_t most_open = 0;
  std::function<void(const Record&)> keep = [this](const Record& r) {
    const Value* b = r.get(FieldId::bytes);
    if (b && !b->null()) kept_bytes += b->u;
    if (r.schema != conversation_schema()) return;
    auto u = [&](const char* name) { return r.values[static_cast<size_t>(r.schema->slot(name))].u; };
    out.push_back(
        {{static_cast<uint8_t>(u("protocol")), r.get(FieldId::srcaddr)->addr(), static_cast<uint16_t>(u("srcport")),
          r.get(FieldId::dstaddr)->addr(), static_cast<uint16_t>(u("dstport"))},
         u("fwd-packets"),
         u("fwd-bytes"),
         u("rev-packets"),
         u("rev-bytes"),
         u("bytes")});
  };

  explicit Run(bool dedup) : convs(ConversationOptions{900, dedup}) {}
  void record(const Record& r, uint32_t, int64_t) override {
    if (!convs.add(r, "gen")) keep(r);
    convs.finish(false, keep);
    most_open = std::max(most_open, convs.open());
  }
  void connection(const Conn& c, bool complete) override {
    REQUIRE(complete);
    // The DDoS scenario's spoofed SYNs reuse a random source port now and then: two connections
    // with the same endpoints seconds apart, which no flow log can tell apart. They are one
    // conversation, with the sums of both.
    Truth& t = truth[{c.proto, c.init, c.init_port, c.resp, c.resp_port}];
    for (int d = 0; d < 2; ++d) {
      t.packets[d] += c.packets[d];
      t.bytes[d] += c.bytes[d];
    }
    truth_bytes += c.bytes[0] + c.bytes[1];
  }
};

GenConfig config(int version, int64_t hours) {
  GenConfig c;
  c.seed = 11;
  c.duration = hours * 3600;
  c.rate = 3;
  c.skipdata = 0;
  c.scenarios = {"port-scan", "ssh-brute-force", "exfiltration", "ddos", "lateral-movement", "misconfigured-sg"};
  c.schema = version_schema(version);
  return c;
}

}  // namespace

TEST_CASE("stitched conversations equal flowgen's connections", "[join]") {
  Generator gen(config(5, 3));
  Run run(false);
  gen.run(run);
  run.convs.finish(true, run.keep);
  REQUIRE(run.truth.size() > 10000);
  REQUIRE(run.out.size() == run.truth.size());
  size_t checked = 0;
  for (const Run::Got& c : run.out) {
    auto it = run.truth.find(c.key);
    REQUIRE(it != run.truth.end());
    const Truth& t = it->second;
    CHECK(c.fwd_packets == t.packets[0]);
    CHECK(c.fwd_bytes == t.bytes[0]);
    CHECK(c.rev_packets == t.packets[1]);
    CHECK(c.rev_bytes == t.bytes[1]);
    CHECK(c.bytes == t.bytes[0] + t.bytes[1]);
    ++checked;
  }
  CHECK(checked == run.truth.size());
  // Bounded memory: the open conversations are those of the last idle span, not the run's.
  CHECK(run.most_open < run.truth.size() / 2);
}

TEST_CASE("dedup keeps every packet once: byte totals equal the ground truth", "[join]") {
  Generator gen(config(5, 2));
  Run run(true);
  gen.run(run);
  run.convs.finish(true, run.keep);
  CHECK(run.convs.stats().dropped > 0);
  CHECK(run.kept_bytes == run.truth_bytes);
}

TEST_CASE("version 2 fields: NAT legs and port guesses are their own conversations", "[join]") {
  // Without pkt-srcaddr/pkt-dstaddr the NAT gateway's public legs cannot be tied to the instance,
  // and without tcp-flags a client on a low port looks like the service: more conversations.
  Generator gen(config(2, 1));
  Run run(false);
  gen.run(run);
  run.convs.finish(true, run.keep);
  CHECK(run.out.size() > run.truth.size());
}

TEST_CASE("stream join: inner, left, anti and --within", "[join]") {
  const std::string right =
      "srcaddr dstaddr start end bytes\n"
      "10.0.1.5 203.0.113.5 100 160 10\n"
      "10.0.1.5 198.51.100.7 100 160 20\n"
      "10.0.1.5 203.0.113.5 5000 5060 30\n"
      "- 203.0.113.5 100 160 40\n";
  auto load = [&](StreamJoinOptions o) {
    InputConfig cfg;
    char path[] = "/tmp/join-unit-XXXXXX";
    const int fd = mkstemp(path);
    REQUIRE(write(fd, right.data(), right.size()) == static_cast<ssize_t>(right.size()));
    close(fd);
    cfg.files = {path};
    auto in = sequential_stream(cfg);
    auto j = std::make_unique<StreamJoin>(*in, std::move(o));
    unlink(path);
    return j;
  };
  StreamJoinOptions o;
  o.on = parse_join_keys("pkt-srcaddr=srcaddr", "--on");
  auto j = load(o);
  CHECK(j->loaded() == 4);
  CHECK(j->without_key() == 1);

  auto left = test::read_rows("pkt-srcaddr start end\n10.0.1.5 120 180\n10.0.9.9 120 180\n");
  REQUIRE(left.size() == 2);
  Record l;
  auto rec = [&](const std::string& text) {
    auto reader = open_reader(std::make_unique<InputStream>(memory_source(text), "mem"), {});
    REQUIRE(reader->next(l));
  };
  std::vector<std::string> got;
  auto collect = [&](const Record& r) {
    std::string s;
    for (size_t i = 0; i < r.values.size(); ++i)
      s += r.schema->column(i).name + "=" + value_text(r.values[i], r.schema->column(i).type) + " ";
    got.push_back(s);
  };
  rec("pkt-srcaddr start end\n10.0.1.5 120 180\n");
  CHECK(j->join(l, false, collect) == 3);
  REQUIRE(got.size() == 3);
  CHECK(got[0] ==
        "pkt-srcaddr=10.0.1.5 start=120 end=180 with.srcaddr=10.0.1.5 with.dstaddr=203.0.113.5 with.start=100 "
        "with.end=160 "
        "with.bytes=10 ");
  CHECK(got[2].find("with.bytes=30") != std::string::npos);

  got.clear();
  rec("pkt-srcaddr start end\n10.0.9.9 120 180\n");
  CHECK(j->join(l, false, collect) == 0);
  CHECK(got.empty());
  CHECK(j->join(l, true, collect) == 0);  // left join: the record, added columns null
  REQUIRE(got.size() == 1);
  CHECK(got[0] ==
        "pkt-srcaddr=10.0.9.9 start=120 end=180 with.srcaddr=- with.dstaddr=- with.start=- with.end=- with.bytes=- ");

  o.within = 0;  // windows must overlap: the record at 5000 no longer matches
  auto near = load(o);
  got.clear();
  rec("pkt-srcaddr start end\n10.0.1.5 120 180\n");
  CHECK(near->join(l, false, collect) == 2);

  CHECK_THROWS_AS(parse_join_keys("srcaddr,,dstaddr", "--on"), UsageError);
  CHECK(parse_join_keys("a=b,c", "--on") == std::vector<std::pair<std::string, std::string>>{{"a", "b"}, {"c", "c"}});
}
