// Literal values of the expression language.
#include "filter/literals.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace flow::filter {
namespace {

bool iequal(std::string_view a, std::string_view b) {
  return a.size() == b.size() &&
         std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return std::tolower(x) == std::tolower(y); });
}

using Named = std::pair<std::string_view, uint64_t>;

// Well-known ports that come up when reading flow logs.
constexpr std::array<Named, 24> kServices{{
    {"ftp", 21},          {"ssh", 22},      {"telnet", 23},     {"smtp", 25},
    {"dns", 53},          {"domain", 53},   {"http", 80},       {"kerberos", 88},
    {"ntp", 123},         {"netbios", 139}, {"snmp", 161},      {"ldap", 389},
    {"https", 443},       {"smb", 445},     {"ldaps", 636},     {"mssql", 1433},
    {"nfs", 2049},        {"mysql", 3306},  {"rdp", 3389},      {"postgres", 5432},
    {"postgresql", 5432}, {"redis", 6379},  {"http-alt", 8080}, {"elasticsearch", 9200},
}};
// TCP header flag bits; AWS logs FIN, SYN, RST and SYN-ACK, the others may appear OR-ed in.
constexpr std::array<Named, 9> kFlags{{{"FIN", 1},
                                       {"SYN", 2},
                                       {"RST", 4},
                                       {"PSH", 8},
                                       {"ACK", 16},
                                       {"URG", 32},
                                       {"ECE", 64},
                                       {"CWR", 128},
                                       {"SYN-ACK", 18}}};

template <size_t N>
std::optional<uint64_t> lookup(const std::array<Named, N>& table, std::string_view word) {
  for (const auto& [name, value] : table)
    if (iequal(name, word)) return value;
  return std::nullopt;
}

}  // namespace

std::optional<uint64_t> named_constant(FieldId id, std::string_view word) {
  switch (id) {
    case FieldId::protocol: {
      if (auto n = protocol_number(word)) return *n;
      return std::nullopt;
    }
    case FieldId::srcport:
    case FieldId::dstport: return lookup(kServices, word);
    case FieldId::tcp_flags: {
      // SYN+ACK style combinations OR the bits of their parts.
      uint64_t mask = 0;
      size_t start = 0;
      while (start <= word.size()) {
        size_t plus = word.find('+', start);
        auto part = word.substr(start, plus == std::string_view::npos ? std::string_view::npos : plus - start);
        auto bit = lookup(kFlags, part);
        if (!bit) return std::nullopt;
        mask |= *bit;
        if (plus == std::string_view::npos) break;
        start = plus + 1;
      }
      return mask;
    }
    default: return std::nullopt;
  }
}

std::string_view constant_examples(FieldId id) {
  switch (id) {
    case FieldId::protocol: return "tcp, udp, icmp, icmpv6, gre, esp, or a number 0-255";
    case FieldId::srcport:
    case FieldId::dstport: return "a number 0-65535 or a service such as ssh, https, rdp, postgres";
    case FieldId::tcp_flags: return "FIN, SYN, RST, PSH, ACK, URG, SYN-ACK, SYN+FIN, or a number";
    default: return {};
  }
}

std::optional<std::string_view> canonical_value(FieldId id, std::string_view word) {
  for (auto v : field_values(id))
    if (iequal(v, word)) return v;
  return std::nullopt;
}

}  // namespace flow::filter
