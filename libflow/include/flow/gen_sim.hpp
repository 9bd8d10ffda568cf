// flowgen's simulation: connections between the estate's interfaces and the outside world, turned
// into flow records the way AWS records them, in end-time order with constant memory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "flow/gen_estate.hpp"
#include "flow/record.hpp"

namespace flow::gen {

/// One place a connection is recorded: an interface, one direction of the traffic, and the
/// addresses that interface reports.
struct Obs {
  uint32_t eni = 0;
  uint8_t dir = 0;      // 0: initiator -> responder packets, 1: the replies
  bool egress = false;  // flow-direction relative to the interface
  bool reject = false;  // the interface's security group dropped these packets
  uint8_t path = 0;     // traffic-path (egress only; 0 = none)
  uint16_t sport = 0, dport = 0;
  Ip src, dst, pkt_src, pkt_dst;
  const char* src_svc = nullptr;  // pkt-src-aws-service
  const char* dst_svc = nullptr;
};

/// A simulated connection (TCP), or exchange (UDP, ICMP).
struct Conn {
  uint64_t id = 0;
  int64_t start = 0, end = 0;  // seconds, inclusive: first and last packet
  uint8_t proto = 6;
  Ip init, resp;
  uint16_t init_port = 0, resp_port = 0;
  uint64_t packets[2] = {0, 0}, bytes[2] = {0, 0};            // [0] initiator -> responder, [1] back
  enum Close : uint8_t { Fin, Rst, Open, None } close = Fin;  // None: never established
  bool rejected = false;
  int scenario = -1;  // index into Generator::scenarios(), or -1
  // Bookkeeping while records are pending.
  uint32_t pending = 0, records = 0;
  uint8_t nobs = 0;
  Obs obs[6];  // last: obs[0, nobs) are always assigned whole, so reusing a Conn resets only what precedes
};

/// Ground truth of one scenario run.
struct ScenarioRun {
  std::string name, description, violation, rule;
  int64_t start = 0, end = 0;
  std::vector<Ip> sources, targets;
  uint8_t proto = 6;
  std::string ports;
  uint64_t connections = 0, accepted = 0, rejected = 0, records = 0;
};

/// Everything that shapes a run; same config, same output.
struct GenConfig {
  EstateSize size;
  uint64_t seed = 1;
  int64_t start = 1717372800;  // 2024-06-03T00:00:00Z, a Monday
  int64_t duration = 3600;
  double rate = 10;       // new connections per second (daily mean); ignored when flows > 0
  uint64_t flows = 0;     // stop after this many records (0: run the whole time range)
  bool fit_rate = false;  // choose the rate so that `flows` records fill the time range
  std::vector<std::string> scenarios;
  double skipdata = 0.0005;  // share of interface windows whose records AWS skips
  SchemaPtr schema;          // the records' fields
};

/// Where the records and side outputs go.
class GenSink {
 public:
  virtual ~GenSink() = default;
  /// A record, recorded at interface `eni` of the estate, ending at `end` (valid during the call).
  virtual void record(const Record& r, uint32_t eni, int64_t end) = 0;
  /// A connection whose records were all written (or, at the end, cut by --flows).
  virtual void connection(const Conn&, bool /*complete*/) {}
};

/// The names --scenario accepts.
const std::vector<std::string>& scenario_names();
/// The fields of AWS version v (2: the default format; 3-5, 7, 8: every VPC field up to v).
SchemaPtr version_schema(int v);
/// The value of the version field for a schema: the highest version among its fields.
int schema_version(const Schema& s);

class Generator {
 public:
  explicit Generator(GenConfig cfg);
  ~Generator();
  const Estate& estate() const { return estate_; }
  const std::vector<ScenarioRun>& scenarios() const;
  /// Runs the simulation, giving every record (and connection) to the sink.
  void run(GenSink& sink);
  uint64_t records_written() const;
  /// Did AWS skip the records of interface `eni` in window k (they become one SKIPDATA)?
  bool skipped(uint32_t eni, int64_t k) const;

  struct Impl;

 private:
  GenConfig cfg_;
  Estate estate_;
  Impl* impl_;
};

}  // namespace flow::gen
