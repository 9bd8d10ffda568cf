// Time values on the command line: epoch seconds, ISO 8601, and "now-1h".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace flow {

/// Parses "1700000000", "2024-03-01", "2024-03-01T12:00", "2024-03-01T12:00:00Z",
/// "2024-03-01 12:00:00+02:00", "now", "now-1h", "now+30m" (units s m h d w) into Unix
/// seconds (UTC unless an offset is given). Throws UsageError naming `what` otherwise.
int64_t parse_time(std::string_view text, std::string_view what, int64_t now);
/// "90", "90s", "15m", "1h", "30d", "2w" -> seconds; throws UsageError naming `what`.
int64_t parse_duration(std::string_view text, std::string_view what);
/// ISO 8601 / RFC 3339 ("2024-03-01", "2024-03-01T12:00:00.123456789Z", "...+02:00") into Unix
/// seconds (UTC unless an offset is given) and, if `nanos` is given, the fraction of the second.
bool parse_iso_time(std::string_view text, int64_t& seconds, uint32_t* nanos = nullptr);
/// "2024-03-01T12:00:00Z"
std::string format_time(int64_t seconds);

}  // namespace flow
