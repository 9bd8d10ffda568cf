// Numbers with units (see flow/units.hpp).
#include "flow/units.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <string>
#include <utility>

#include "flow/error.hpp"

namespace flow {

__extension__ typedef unsigned __int128 U128;

std::optional<uint64_t> parse_number(std::string_view w, Units units) {
  size_t i = 0;
  U128 whole = 0;  // wide, so that an overflow is seen rather than wrapped
  while (i < w.size() && w[i] >= '0' && w[i] <= '9' && whole <= UINT64_MAX) whole = whole * 10 + unsigned(w[i++] - '0');
  if (i == 0 || whole > UINT64_MAX) return std::nullopt;
  // An optional fraction, meaningful only with a unit ("1.5G").
  uint64_t frac = 0, frac_scale = 1;
  if (i < w.size() && w[i] == '.') {
    ++i;
    size_t digits = 0;
    while (i < w.size() && w[i] >= '0' && w[i] <= '9') {
      if (frac_scale < 1'000'000'000) frac = frac * 10 + unsigned(w[i] - '0'), frac_scale *= 10;
      ++i, ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  std::string_view unit = w.substr(i);
  uint64_t mult = 0;
  if (units == Units::Duration) {
    if (unit.empty() || unit == "s") mult = 1;
    else if (unit == "m") mult = 60;
    else if (unit == "h") mult = 3600;
    else if (unit == "d") mult = 86400;
    else if (unit == "w") mult = 7 * 86400;
  } else {
    if (!unit.empty() && unit.back() == 'B') unit.remove_suffix(1);  // 10MB, 64KiB, 100B
    static constexpr std::array<std::pair<std::string_view, uint64_t>, 10> kSi{{{"", 1},
                                                                                {"k", 1000},
                                                                                {"K", 1000},
                                                                                {"M", 1000'000},
                                                                                {"G", 1000'000'000},
                                                                                {"T", 1000'000'000'000},
                                                                                {"Ki", 1ull << 10},
                                                                                {"Mi", 1ull << 20},
                                                                                {"Gi", 1ull << 30},
                                                                                {"Ti", 1ull << 40}}};
    for (const auto& [name, m] : kSi)
      if (unit == name) mult = m;
  }
  if (mult == 0) return std::nullopt;
  // A fraction must come out whole: 1.5K is 1500, but 1.5 or 1.0001K is no count.
  if (static_cast<U128>(frac) * mult % frac_scale != 0) return std::nullopt;
  U128 v = whole * mult + static_cast<U128>(frac) * mult / frac_scale;
  if (v > UINT64_MAX) return std::nullopt;
  return static_cast<uint64_t>(v);
}

std::optional<double> parse_decimal(std::string_view w) {
  double v = 0;
  const char* b = w.data() + (!w.empty() && w[0] == '-');
  if (b == w.data() + w.size() || *b < '0' || *b > '9') return std::nullopt;  // digits first: no "inf"
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), v, std::chars_format::fixed);
  if (ec != std::errc{}) return std::nullopt;
  std::string_view unit(end, static_cast<size_t>(w.data() + w.size() - end));
  double mult = 0;
  char one[8] = {'1'};  // the unit's multiple: parse_number of "1" and the unit
  if (unit.size() < sizeof one) {
    std::copy(unit.begin(), unit.end(), one + 1);
    const std::string_view w1(one, unit.size() + 1);
    if (auto secs = parse_number(w1, Units::Duration)) mult = static_cast<double>(*secs);
    else if (auto n = parse_number(w1, Units::SI)) mult = static_cast<double>(*n);
  }
  if (mult == 0 || !std::isfinite(v * mult)) return std::nullopt;
  return v * mult;
}

uint64_t parse_size(std::string_view text) {
  if (auto n = parse_number(text, Units::SI)) return *n;
  throw UsageError(fmt::format("'{}' is not a size in bytes (e.g. 64Mi, 1Gi, 4M; at most 2^64-1)", text));
}

}  // namespace flow
