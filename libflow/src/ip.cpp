// IPv4/IPv6 parsing and RFC 5952 formatting, without the locale and allocation of inet_pton.
#include "flow/ip.hpp"

#include <arpa/inet.h>

#include <cstring>

namespace flow {

Ip Ip::v4(uint32_t host_order) {
  Ip ip;
  ip.bytes[0] = static_cast<uint8_t>(host_order >> 24);
  ip.bytes[1] = static_cast<uint8_t>(host_order >> 16);
  ip.bytes[2] = static_cast<uint8_t>(host_order >> 8);
  ip.bytes[3] = static_cast<uint8_t>(host_order);
  return ip;
}

uint32_t Ip::v4_value() const {
  return uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 | bytes[3];
}

std::optional<Ip> parse_ipv4(std::string_view t) {
  Ip ip;
  size_t i = 0;
  for (int part = 0; part < 4; ++part) {
    if (part > 0) {
      if (i >= t.size() || t[i] != '.') return std::nullopt;
      ++i;
    }
    size_t begin = i;
    unsigned v = 0;
    while (i < t.size() && t[i] >= '0' && t[i] <= '9' && i - begin < 3) v = v * 10 + unsigned(t[i++] - '0');
    // No empty parts, no leading zeros (they would not survive a round trip), no values > 255.
    if (i == begin || v > 255 || (t[begin] == '0' && i - begin > 1)) return std::nullopt;
    ip.bytes[static_cast<size_t>(part)] = static_cast<uint8_t>(v);
  }
  if (i != t.size()) return std::nullopt;
  return ip;
}

std::optional<Ip> parse_ip(std::string_view t) {
  if (t.find(':') == std::string_view::npos) return parse_ipv4(t);
  if (t.size() > 45) return std::nullopt;
  char buf[46];
  std::memcpy(buf, t.data(), t.size());
  buf[t.size()] = 0;
  Ip ip;
  ip.v6 = true;
  if (inet_pton(AF_INET6, buf, ip.bytes.data()) != 1) return std::nullopt;
  return ip;
}

namespace {
char* put_u8(char* p, unsigned v) {
  if (v >= 100) *p++ = char('0' + v / 100);
  if (v >= 10) *p++ = char('0' + v / 10 % 10);
  *p++ = char('0' + v % 10);
  return p;
}
}  // namespace

size_t format_ip(const Ip& ip, char* out) {
  if (!ip.v6) {
    char* p = out;
    for (int i = 0; i < 4; ++i) {
      if (i) *p++ = '.';
      p = put_u8(p, ip.bytes[static_cast<size_t>(i)]);
    }
    return static_cast<size_t>(p - out);
  }
  char buf[INET6_ADDRSTRLEN];
  // glibc's inet_ntop follows RFC 5952 (lower case, longest zero run compressed).
  inet_ntop(AF_INET6, ip.bytes.data(), buf, sizeof buf);
  size_t n = std::strlen(buf);
  std::memcpy(out, buf, n);
  return n;
}

std::string to_string(const Ip& ip) {
  char buf[64];
  return std::string(buf, format_ip(ip, buf));
}

bool Cidr::contains(const Ip& ip) const {
  if (ip.v6 != base.v6) return false;
  unsigned full = bits / 8, rest = bits % 8;
  if (std::memcmp(ip.bytes.data(), base.bytes.data(), full) != 0) return false;
  if (rest == 0) return true;
  uint8_t mask = static_cast<uint8_t>(0xFF << (8 - rest));
  return (ip.bytes[full] & mask) == (base.bytes[full] & mask);
}

std::optional<Cidr> parse_cidr(std::string_view t) {
  size_t slash = t.find('/');
  auto ip = parse_ip(t.substr(0, slash));
  if (!ip) return std::nullopt;
  unsigned max = ip->v6 ? 128 : 32, bits = max;
  if (slash != std::string_view::npos) {
    auto b = t.substr(slash + 1);
    if (b.empty() || b.size() > 3) return std::nullopt;
    bits = 0;
    for (char c : b) {
      if (c < '0' || c > '9') return std::nullopt;
      bits = bits * 10 + unsigned(c - '0');
    }
    if (bits > max) return std::nullopt;
  }
  return Cidr{*ip, static_cast<uint8_t>(bits)};
}

}  // namespace flow
