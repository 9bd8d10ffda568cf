// Orienting a flow record from the side that opened its connection (policy checks, flowagg --bidir).
#include "flow/connection.hpp"

namespace flow {

std::optional<Connection> connection_of(const Record& r, bool* ambiguous, bool* reply) {
  const Value *src = r.get(FieldId::srcaddr), *dst = r.get(FieldId::dstaddr), *proto = r.get(FieldId::protocol);
  if (!src || !dst || !proto || src->null() || dst->null() || proto->null()) return std::nullopt;
  // Behind a NAT gateway the record's addresses are the gateway's; pkt-srcaddr and pkt-dstaddr
  // (version 3 and later) are the hosts the policy speaks of.
  const Value *psrc = r.get(FieldId::pkt_srcaddr), *pdst = r.get(FieldId::pkt_dstaddr);
  if (psrc && !psrc->null()) src = psrc;
  if (pdst && !pdst->null()) dst = pdst;
  const Value *sp = r.get(FieldId::srcport), *dp = r.get(FieldId::dstport), *fl = r.get(FieldId::tcp_flags);
  uint16_t sport = sp && !sp->null() ? static_cast<uint16_t>(sp->u) : 0;
  uint16_t dport = dp && !dp->null() ? static_cast<uint16_t>(dp->u) : 0;
  bool forward = true;  // the source opened the connection
  bool unsure = false;
  constexpr uint64_t kSyn = 2, kAck = 16;
  if (proto->u == 6 && fl && !fl->null() && (fl->u & kSyn)) {
    forward = !(fl->u & kAck);  // SYN alone: the opener; SYN-ACK: the answer
  } else {
    // Only a guess: services usually listen on the lower port, but not always (gRPC on 50051,
    // clients behind a NAT from port 1024). ICMP and equal ports give not even that.
    unsure = true;
    if (sport != dport && sport != 0 && dport != 0) forward = dport < sport;
  }
  if (ambiguous) *ambiguous = unsure;
  if (reply) *reply = !forward;
  Connection c;
  c.protocol = static_cast<uint8_t>(proto->u);
  c.initiator = forward ? src->addr() : dst->addr();
  c.responder = forward ? dst->addr() : src->addr();
  c.initiator_port = forward ? sport : dport;
  c.responder_port = forward ? dport : sport;
  return c;
}

}  // namespace flow
