// IPv4 and IPv6 addresses and CIDR prefixes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flow {

/// An IPv4 or IPv6 address. IPv4 lives in bytes[0..3]; the rest is zero.
struct Ip {
  std::array<uint8_t, 16> bytes{};
  bool v6 = false;

  static Ip v4(uint32_t host_order);
  uint32_t v4_value() const;  ///< host order; only meaningful when !v6
  friend bool operator==(const Ip&, const Ip&) = default;
  friend auto operator<=>(const Ip&, const Ip&) = default;
};

/// Parses dotted-quad IPv4 or RFC 4291 IPv6 text; nullopt if it is neither.
std::optional<Ip> parse_ip(std::string_view text);
/// Fast path for IPv4: nullopt unless `text` is exactly a dotted quad.
std::optional<Ip> parse_ipv4(std::string_view text);

/// Writes the address (IPv6 in RFC 5952 form) into `out`, returns the length (at most 39).
size_t format_ip(const Ip& ip, char* out);
std::string to_string(const Ip& ip);

/// A prefix such as 10.0.0.0/8 or 2001:db8::/32.
struct Cidr {
  Ip base;
  uint8_t bits = 0;
  bool contains(const Ip& ip) const;
};
std::optional<Cidr> parse_cidr(std::string_view text);

}  // namespace flow
