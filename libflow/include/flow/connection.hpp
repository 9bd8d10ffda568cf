// Connections: which side of a flow record opened the connection it belongs to.
#pragma once

#include <cstdint>
#include <optional>

#include "flow/ip.hpp"
#include "flow/record.hpp"

namespace flow {

/// One direction-normalised connection: who opened it, to which service.
struct Connection {
  uint8_t protocol = 0;
  Ip initiator, responder;
  uint16_t initiator_port = 0, responder_port = 0;
  friend auto operator<=>(const Connection&, const Connection&) = default;
};

/// The connection a record belongs to, oriented from its initiator: tcp-flags decide where they
/// say (SYN alone: the source opened it; SYN-ACK: the destination did), ports otherwise (the lower
/// port is the service). The addresses are pkt-srcaddr/pkt-dstaddr where present (the hosts
/// behind a NAT gateway). nullopt for records without addresses or protocol (NODATA, SKIPDATA).
/// *ambiguous is set when no SYN flag tells the direction (the ports' guess, or the source for
/// ICMP and equal ports); *reply when the record flows from the responder to the initiator.
std::optional<Connection> connection_of(const Record& r, bool* ambiguous = nullptr, bool* reply = nullptr);

}  // namespace flow
