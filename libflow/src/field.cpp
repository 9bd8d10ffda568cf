// The field table's lookups.
#include "flow/field.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

namespace flow {
namespace {

constexpr std::array<FieldInfo, kFieldCount> kFields = {{
#define FLOW_X(id, name, type, ver, max, fam, help) {FieldId::id, name, Type::type, ver, max, Family::fam, help},
    FLOW_FIELDS(FLOW_X)
#undef FLOW_X
}};

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      bool same = a[i - 1] == b[j - 1] || (a[i - 1] == '_' && b[j - 1] == '-');
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// IANA protocol numbers by their usual names; a number's first name is the one shown.
constexpr std::pair<std::string_view, uint8_t> kProtocols[] = {
    {"icmp", 1}, {"igmp", 2}, {"tcp", 6},     {"udp", 17},       {"ipv6", 41}, {"gre", 47},
    {"esp", 50}, {"ah", 51},  {"icmpv6", 58}, {"ipv6-icmp", 58}, {"sctp", 132}};

}  // namespace

std::string_view type_name(Type t) {
  switch (t) {
    case Type::UInt: return "uint";
    case Type::Time: return "time";
    case Type::Ip: return "ip";
    case Type::String: return "string";
    case Type::Float: return "float";
  }
  return "?";
}

std::span<const FieldInfo> all_fields() { return kFields; }

const FieldInfo& field_info(FieldId id) { return kFields[static_cast<size_t>(id)]; }

std::span<const std::string_view> field_values(FieldId id) {
  static constexpr std::string_view kActions[] = {"ACCEPT", "REJECT"};
  static constexpr std::string_view kLogStatus[] = {"OK", "NODATA", "SKIPDATA"};
  static constexpr std::string_view kDirections[] = {"ingress", "egress"};
  static constexpr std::string_view kTypes[] = {"IPv4", "IPv6", "EFA"};
  switch (id) {
    case FieldId::action: return kActions;
    case FieldId::log_status: return kLogStatus;
    case FieldId::flow_direction: return kDirections;
    case FieldId::type: return kTypes;
    default: return {};
  }
}

std::string field_value_error(FieldId id, std::string_view s) {
  auto values = field_values(id);
  if (values.empty() || std::find(values.begin(), values.end(), s) != values.end()) return {};
  std::string list;
  for (auto v : values) list += fmt::format("{}{}", list.empty() ? "" : ", ", v);
  std::string shown(s.substr(0, 40));
  if (s.size() > 40) shown.replace(37, 3, "...");
  return fmt::format("'{}' is not a value of {} (expected {})", shown, field_info(id).name, list);
}

std::optional<FieldId> find_field(std::string_view name) {
  // 58 short names: a linear scan is as fast as a hash and runs only per schema, not per record.
  for (const auto& f : kFields)
    if (f.name == name) return f.id;
  return std::nullopt;
}

std::string_view nearest_field(std::string_view name) { return nearest_name(name, {}); }

namespace {
/// The candidate nearest to `name` and its edit distance.
template <class Each>
std::string_view nearest_among(std::string_view name, Each&& each) {
  std::string_view best;
  size_t best_d = SIZE_MAX;
  each([&](std::string_view candidate) {
    size_t d = edit_distance(name, candidate);
    if (d < best_d) best_d = d, best = candidate;
  });
  // Suggest only what is plausibly a typo: at most a third of the name changed.
  return best_d <= std::max<size_t>(2, name.size() / 3) ? best : std::string_view{};
}
}  // namespace

std::string_view nearest_name(std::string_view name, std::span<const std::string_view> extra) {
  return nearest_among(name, [&](auto&& consider) {
    for (const auto& f : kFields) consider(f.name);
    for (auto e : extra) consider(e);
  });
}

std::string_view nearest_word(std::string_view name, std::span<const std::string> words) {
  return nearest_among(name, [&](auto&& consider) {
    for (const auto& w : words) consider(w);
  });
}

std::string_view nearest_of(std::string_view name, std::span<const std::string_view> names) {
  return nearest_among(name, [&](auto&& consider) {
    for (auto n : names) consider(n);
  });
}

bool is_field_name_syntax(std::string_view name) {
  if (name.empty() || name.front() < 'a' || name.front() > 'z' || name.back() == '-' || name.back() == '.')
    return false;
  char prev = 0;
  for (char c : name) {
    // Dots separate the parts of a source-specific name (gcp.src-instance.vm-name).
    bool sep = c == '-' || c == '.';
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (sep && prev != '-' && prev != '.');
    if (!ok) return false;
    prev = c;
  }
  return true;
}

bool is_source_field_name(std::string_view name) {
  for (auto prefix : kSourcePrefixes)
    if (name.starts_with(prefix) && name.size() > prefix.size()) return is_field_name_syntax(name);
  return false;
}

std::optional<uint8_t> protocol_number(std::string_view name) {
  for (const auto& [n, number] : kProtocols)
    if (n.size() == name.size() && std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        }))
      return number;
  return std::nullopt;
}

std::string_view protocol_name(uint64_t number) {
  for (const auto& [name, n] : kProtocols)
    if (n == number) return name;  // the first of a number's names (icmpv6, not ipv6-icmp)
  return {};
}

}  // namespace flow
