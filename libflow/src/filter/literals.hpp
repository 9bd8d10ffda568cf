// Values written in expressions: numbers with units, named constants, enumerated strings.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/field.hpp"
#include "flow/units.hpp"  // parse_number: numbers with units

namespace flow::filter {

/// A named constant of a uint field (protocol tcp, port ssh, tcp-flags SYN or SYN+ACK), if any.
std::optional<uint64_t> named_constant(FieldId id, std::string_view word);
/// Examples of the constants a field takes, for error messages ("tcp, udp, icmp, ..."); or empty.
std::string_view constant_examples(FieldId id);

/// The canonical spelling of `word` among a field's enumerated values (case-insensitive).
std::optional<std::string_view> canonical_value(FieldId id, std::string_view word);

}  // namespace flow::filter
