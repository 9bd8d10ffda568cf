// Command-line time values.
#include "flow/time.hpp"

#include <fmt/format.h>

#include <ctime>

#include "flow/error.hpp"

namespace flow {
namespace {

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool digits(size_t n, int& out) {
    if (i + n > s.size()) return false;
    out = 0;
    for (size_t k = 0; k < n; ++k) {
      char c = s[i + k];
      if (c < '0' || c > '9') return false;
      out = out * 10 + (c - '0');
    }
    i += n;
    return true;
  }
  bool eat(char c) {
    if (i < s.size() && s[i] == c) return ++i, true;
    return false;
  }
  bool done() const { return i == s.size(); }
};

}  // namespace

bool parse_iso_time(std::string_view s, int64_t& out, uint32_t* nanos) {
  Cursor c{s};
  uint32_t ns = 0;
  int y, mo, d, h = 0, mi = 0, sec = 0;
  if (!c.digits(4, y) || !c.eat('-') || !c.digits(2, mo) || !c.eat('-') || !c.digits(2, d)) return false;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return false;
  if (!c.done()) {
    if (!c.eat('T') && !c.eat(' ')) return false;
    if (!c.digits(2, h) || !c.eat(':') || !c.digits(2, mi)) return false;
    if (c.eat(':') && !c.digits(2, sec)) return false;
    if (h > 23 || mi > 59 || sec > 60) return false;
    if (c.eat('.')) {  // a fraction of a second: up to 9 digits are kept (nanoseconds)
      size_t first = c.i;
      for (; c.i < s.size() && s[c.i] >= '0' && s[c.i] <= '9'; ++c.i)
        if (c.i - first < 9) ns = ns * 10 + static_cast<uint32_t>(s[c.i] - '0');
      if (c.i == first) return false;
      for (size_t k = c.i - first; k < 9; ++k) ns *= 10;
    }
  }
  int64_t offset = 0;
  if (!c.done() && !c.eat('Z')) {
    int sign = c.eat('+') ? 1 : c.eat('-') ? -1 : 0;
    int oh, om = 0;
    if (!sign || !c.digits(2, oh)) return false;
    c.eat(':');
    if (!c.done() && !c.digits(2, om)) return false;
    offset = sign * (oh * 3600 + om * 60);
  }
  if (!c.done()) return false;
  out = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 + sec -
        offset;
  if (nanos) *nanos = ns;
  return true;
}

int64_t parse_time(std::string_view t, std::string_view what, int64_t now) {
  auto bad = [&] {
    return UsageError(fmt::format("{}: '{}' is not a time (try 1700000000, 2024-03-01T12:00:00Z or now-1h)", what, t));
  };
  if (t.empty()) throw bad();
  if (t.find_first_not_of("0123456789") == std::string_view::npos) {
    if (t.size() > 18) throw bad();
    int64_t v = 0;
    for (char c : t) v = v * 10 + (c - '0');
    return v;
  }
  if (t.starts_with("now")) {
    auto rest = t.substr(3);
    if (rest.empty()) return now;
    int sign = rest[0] == '-' ? -1 : rest[0] == '+' ? 1 : 0;
    if (!sign || rest.size() < 3) throw bad();
    int64_t n = 0;
    size_t i = 1;
    for (; i < rest.size() && rest[i] >= '0' && rest[i] <= '9' && i < 12; ++i) n = n * 10 + (rest[i] - '0');
    if (i == 1 || i + 1 != rest.size()) throw bad();
    int64_t unit = 0;
    switch (rest[i]) {
      case 's': unit = 1; break;
      case 'm': unit = 60; break;
      case 'h': unit = 3600; break;
      case 'd': unit = 86400; break;
      case 'w': unit = 7 * 86400; break;
      default: throw bad();
    }
    return now + sign * n * unit;
  }
  int64_t v;
  if (parse_iso_time(t, v)) return v;
  throw bad();
}

std::string format_time(int64_t seconds) {
  std::time_t tt = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
}

int64_t parse_duration(std::string_view text, std::string_view what) {
  size_t i = 0;
  int64_t n = 0;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9' && n < (int64_t{1} << 40)) n = n * 10 + (text[i++] - '0');
  const std::string_view unit = text.substr(i);
  const int64_t mult = unit.empty() || unit == "s" ? 1
                       : unit == "m"               ? 60
                       : unit == "h"               ? 3600
                       : unit == "d"               ? 86400
                       : unit == "w"               ? 604800
                                                   : 0;
  if (i == 0 || mult == 0 || n == 0 || n > (int64_t{1} << 40))
    throw UsageError(fmt::format("{}: '{}' is not a duration (e.g. 90s, 15m, 6h, 30d)", what, text));
  return n * mult;
}

}  // namespace flow
