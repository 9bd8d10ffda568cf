// The generator's working state (private to libflow's gen/ sources and the unit tests).
#pragma once

#include <array>
#include <climits>
#include <vector>

#include "flow/gen_sim.hpp"
#include "gen/rng.hpp"

namespace flow::gen {

Ip random_public_ip(Rng& rng);

/// One pending piece of output, filed under the second of its record's end.
struct Item {
  enum Kind : uint8_t { Data, Quiet, Check };  // Quiet: a window with no packets, or skipped
  int64_t a = 0, b = 0;                        // start and end of the record
  uint64_t packets = 0, bytes = 0;
  uint32_t ref = 0;  // the connection (Data, Quiet) or the interface (Check)
  uint8_t obs = 0, flags = 0;
  Kind kind = Data;
};

struct EniState {
  uint64_t active = 0, skipped = 0;  // bit (window & 63): the window has records / lost records
  // skipped() of the last window asked about: a connection's records mostly share windows, and
  // the hash behind the answer costs about as much as the rest of a segment.
  int64_t skip_window = INT64_MIN;
  bool skip_answer = false;
  uint16_t next_port = 32768;
};

/// A scenario's plan and progress; its tick() adds the scenario's connections second by second.
struct Scenario {
  int kind = 0;
  ScenarioRun run;
  Rng rng{0};
  uint32_t vpc = 0;
  std::vector<uint32_t> targets;  // interfaces
  std::vector<uint16_t> ports;
  std::vector<Ip> sources;
  size_t step = 0;
  double next = 0;
};

struct Generator::Impl {
  static constexpr size_t kRing = 2048;  // seconds; a push lands at most 1200 s ahead (first checks)
  static constexpr size_t kAhead = 4;    // items of a bucket whose connection is prefetched ahead

  Impl(const GenConfig& c, Estate& e);
  const GenConfig& cfg;
  Estate& estate;
  Rng rng;
  int64_t range_end = 0;
  double rate = 0;
  std::vector<Conn> pool;
  std::vector<uint32_t> free_slots;
  std::vector<std::vector<Item>> ring;
  std::vector<EniState> enis;
  std::vector<uint16_t> client_port;
  std::vector<double> client_cdf;         // Zipf-like popularity
  std::vector<Ip> partners;               // external APIs the apps call
  std::vector<const Endpoint*> gateways;  // the estate's gateway endpoints, in order
  std::vector<Scenario> scenarios;
  std::vector<ScenarioRun> runs;
  int misconfig = -1;  // index of the misconfigured-sg run, if planned
  uint64_t next_id = 1, written = 0;
  bool stopped = false;
  GenSink* sink = nullptr;
  Record rec;
  // By FieldId: the field's value in rec, or &unused for fields not in the schema. Resolved once
  // (rec's values never move), so writing a field costs neither a look-up nor a test.
  std::array<Value*, kFieldCount> field{};
  Value unused;  // written, never read
  // What rec already holds from the last data record, so write_data can leave it be: the fields
  // that are the same in every data record (false after a status record, which clears rec), and
  // the interface whose fields are in it (UINT32_MAX: none).
  bool rec_constants = false;
  uint32_t rec_eni = UINT32_MAX;
  int version = 2;

  // sim.cpp: the event loop and the records
  void run(GenSink& s);
  uint32_t new_conn(int64_t t);
  void launch(uint32_t c);
  void push_segment(uint32_t c, uint8_t o, int64_t a);
  void push(int64_t b, const Item& it) { ring[static_cast<size_t>(b) & (kRing - 1)].push_back(it); }
  void process(const Item& it);
  void finish_conn(uint32_t c);
  void write_data(const Item& it);
  void write_status(uint32_t eni, int64_t a, int64_t b, const char* status);
  bool skippable(uint32_t eni, int64_t k) const;
  bool skipped(uint32_t eni, int64_t k) const;
  bool skipped_cached(uint32_t eni, int64_t k);
  double rate_at(int64_t s) const;

  // traffic.cpp: normal traffic and the shapes of connections
  void spawn_normal(int64_t t);
  uint16_t eni_port(uint32_t eni);
  uint16_t client_port_for(size_t client);
  size_t pick_client();
  void intra(Conn& c, uint32_t init, uint32_t resp, uint16_t port);
  void from_internet(Conn& c, const Ip& ext, uint16_t sport, uint32_t resp, uint16_t port);
  void via_nat(Conn& c, uint32_t init, const Ip& ext, uint16_t port, const char* svc);
  void via_gateway(Conn& c, uint32_t init, const Endpoint& ep, uint16_t port);
  /// Sizes and duration: requests of about req packets, replies ratio times as many, lasting
  /// about dur seconds (long: a heavy-tailed long-lived connection).
  void shape(Conn& c, double req, double ratio, double dur, bool long_lived);
  void shape_rejected(Conn& c, int max_tries, uint64_t packet_size);

  // scenarios.cpp
  void plan_scenarios();
  void tick_scenarios(int64_t s);
};

}  // namespace flow::gen
