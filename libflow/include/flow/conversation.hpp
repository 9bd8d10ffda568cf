// Conversations: the records of one connection (both directions, seen at every interface on its
// path, across capture windows) brought together, for stitching and for dedup (flowjoin).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>

#include "flow/record.hpp"

namespace flow {

struct ConversationOptions {
  /// A conversation is over when the input's time (the latest start read) has passed its last end
  /// by this many seconds. At least the longest capture window (600 s), as records sorted by end
  /// reach back that far.
  int64_t idle = 900;
  /// Dedup: keep the records themselves (of the kept vantage point) until the conversation ends.
  bool keep_records = false;
};

/// What a run saw, for the end-of-run note.
struct ConversationStats {
  uint64_t records = 0;            ///< records with a connection (added)
  uint64_t no_flow = 0;            ///< NODATA, SKIPDATA and records without addresses or protocol
  uint64_t conversations = 0;      ///< conversations closed so far
  uint64_t kept = 0, dropped = 0;  ///< dedup: records kept and second observations dropped
  uint64_t dropped_bytes = 0;
  /// Stitch: conversations written with packets / bytes (a direction's or the sum of both) past
  /// 2^64 - 1, given as 2^64 - 1 (saturated) rather than wrapped.
  uint64_t saturated_packets = 0, saturated_bytes = 0;
  /// Records (added) without pkt-srcaddr and pkt-dstaddr (version 2 data): a connection through a
  /// NAT gateway is then three conversations that cannot be told to be one.
  uint64_t without_pkt = 0;
  uint64_t late = 0;       ///< records older than the input's time by more than the idle time
  std::string first_late;  ///< "FILE:LINE" of the first of them
};

/// Tracks the conversations open at the input's current time. Bounded memory on input in time
/// order: a conversation is finished, and forgotten, once idle.
///
/// A vantage point is one interface's view of one direction: (interface, srcaddr, dstaddr as
/// recorded). Each direction of a conversation has one or more (both ends inside a VPC: two; the
/// NAT gateway adds two more, its ingress and egress legs). The kept vantage point of a direction
/// is the one that saw the most bytes of it (the most complete view: a skipped window costs one
/// interface, not the other); on a tie a REJECT view first (it says where the packets stopped),
/// then one whose addresses are the hosts' own (no NAT), then the lowest interface-id. Its sums
/// are the direction's packets and bytes; with keep_records its records are the dedup's output.
class Conversations {
 public:
  explicit Conversations(ConversationOptions opts);
  ~Conversations();
  Conversations(const Conversations&) = delete;
  Conversations& operator=(const Conversations&) = delete;

  /// The fields stitching reads (a reader may skip the others: ReadOptions::fields).
  static std::vector<std::string> fields_read();

  /// Adds a record read from `file`. Returns false, and keeps nothing, for a record that has no
  /// connection (NODATA, SKIPDATA; dedup passes those through).
  bool add(const Record& r, const std::string& file);

  /// The conversations finished by the input's time so far (all of them with `all`, at the end),
  /// in order of first start: stitched conversation records (the schema of conversation_schema()),
  /// or with keep_records the kept records of each, in input order within a conversation and by
  /// start across. `emit`'s record is valid during the call.
  void finish(bool all, const std::function<void(const Record&)>& emit);

  const ConversationStats& stats() const;
  /// Open conversations now (for tests of the memory bound).
  size_t open() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

/// The fields of a stitched conversation: protocol, srcaddr/srcport (the initiator), dstaddr/
/// dstport (the responder), start (first seen), end (last seen), packets and bytes (both ways),
/// tcp-flags (OR of all), action (REJECT when any end rejected any of it), fwd-packets, fwd-bytes
/// (initiator to responder), rev-packets, rev-bytes, interfaces and verdicts (each interface that
/// saw it, sorted, and its action: REJECT if it rejected any record of it), flow-records (how many
/// records were stitched) and initiator-by (flags: a SYN said so; ports: the lower port is the
/// service; first: the source of the first record, for ICMP and equal ports).
SchemaPtr conversation_schema();

}  // namespace flow
