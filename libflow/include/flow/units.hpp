// Numbers with units, the one reading of them: filter literals (bytes > 1G) and every size
// option (--memory, --max-body, --batch-bytes) mean the same by the same spelling.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace flow {

enum class Units {
  SI,        ///< counts and sizes: k/K M G T = 10^3 10^6 10^9 10^12; Ki Mi Gi Ti = 2^10 .. 2^40
  Duration,  ///< seconds: s m h d w
};

/// "1500", "10M", "1.5G", "64Ki", "10MB" (a B after the number or its unit changes nothing), or
/// with Units::Duration "90", "90s", "5m", "2h", "1d", "1.5h" (in seconds). A fraction must come
/// out whole. nullopt if not such a number, or above 2^64-1 (never wrapped).
std::optional<uint64_t> parse_number(std::string_view word, Units units);

/// A number of arithmetic in expressions: as parse_number but any fraction ("0.09", "1.5",
/// "-2"), with a unit of either kind: "10M", "64Ki" (SI) or "5m", "2h" (seconds; m is minutes,
/// M mega). nullopt if not such a number.
std::optional<double> parse_decimal(std::string_view word);

/// A size in bytes written as parse_number(Units::SI) reads it: "64Mi", "1Gi", "4M", "100000".
/// Throws UsageError naming the text.
uint64_t parse_size(std::string_view text);

}  // namespace flow
