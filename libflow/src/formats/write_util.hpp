// Hot-path helpers for the JSON and CSV writers: in-place decimals, IPv4 text, JSON escaping.
#pragma once

#include <cstdint>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

#include "flow/record.hpp"

namespace flow::fast {

/// Writes v in decimal at p, straight into place; returns the end. At most 20 bytes.
inline char* put_u64(char* p, uint64_t v) {
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  unsigned n = 1;
  for (uint64_t x = v;; x /= 10000, n += 4) {
    if (x < 10) break;
    if (x < 100) {
      n += 1;
      break;
    }
    if (x < 1000) {
      n += 2;
      break;
    }
    if (x < 10000) {
      n += 3;
      break;
    }
  }
  char* e = p + n;
  char* q = e;
  while (v >= 100) {
    unsigned i = static_cast<unsigned>(v % 100) * 2;
    v /= 100;
    q -= 2;
    q[0] = kPairs[i];
    q[1] = kPairs[i + 1];
  }
  if (v >= 10) {
    q[-2] = kPairs[v * 2];
    q[-1] = kPairs[v * 2 + 1];
  } else {
    q[-1] = static_cast<char>('0' + v);
  }
  return e;
}

inline char* put_i64(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return put_u64(p, ~static_cast<uint64_t>(v) + 1);
  }
  return put_u64(p, static_cast<uint64_t>(v));
}

/// Writes a finite double, shortest round-trip ("0.25", "8000", "1e+20"); at most 24 bytes.
inline char* put_f64(char* p, double v) { return fmt::format_to(p, "{}", v); }

/// Writes an address; IPv4 without a call into the library. Needs 4 bytes of slack after the
/// text (each octet is stored as 4 bytes) besides the 39 bytes of the longest address.
inline char* put_ip(char* p, const Value& v) {
  struct Octet {
    char text[4];
    uint32_t len;
  };
  static constexpr auto kOctets = [] {
    struct Table {
      Octet o[256];
    } t{};
    for (unsigned i = 0; i < 256; ++i) {
      unsigned n = 0;
      if (i >= 100) t.o[i].text[n++] = static_cast<char>('0' + i / 100);
      if (i >= 10) t.o[i].text[n++] = static_cast<char>('0' + i / 10 % 10);
      t.o[i].text[n++] = static_cast<char>('0' + i % 10);
      t.o[i].text[n] = '.';
      t.o[i].len = n;
    }
    return t;
  }();
  if (v.v6) return p + format_ip(v.addr(), p);
  for (int i = 0; i < 4; ++i) {
    const Octet& o = kOctets.o[v.ip[i]];
    std::memcpy(p, o.text, 4);  // digits and a '.', overwritten or cut by the length below
    p += o.len + (i < 3);
  }
  return p;
}

/// Largest output of escape_json for n input bytes (a control byte becomes \u00XX).
inline size_t max_escaped_size(size_t n) { return 6 * n; }

/// Appends `s` as the inside of a JSON string (RFC 8259): quote, backslash and control bytes are
/// escaped; valid UTF-8 is kept as is; a byte that is not valid UTF-8 becomes U+FFFD.
char* escape_json_slow(char* p, const char* s, const char* e);

/// True when one of the 8 bytes of w needs a look: a control byte, '"', '\\' or one at 0x80 and
/// above (exact: the usual "has zero byte" tests, combined).
inline bool needs_escape(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ull, kHigh = 0x8080808080808080ull;
  auto has_zero = [](uint64_t v) { return (v - kOnes) & ~v & kHigh; };
  const uint64_t control = (w - kOnes * 0x20) & ~w & kHigh;  // a byte below 0x20
  return (control | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) | (w & kHigh)) != 0;
}

inline char* escape_json(char* p, std::string_view s) {
  const char* q = s.data();
  const size_t n = s.size();
  // Clean strings (all of AWS's) are checked and copied 8 bytes at a time; the last word
  // overlaps the one before it rather than reading past the end.
  if (n >= 8) {
    size_t i = 0;
    uint64_t w;
    for (; i + 8 < n; i += 8) {
      std::memcpy(&w, q + i, 8);
      if (needs_escape(w)) return escape_json_slow(p, q, q + n);
      std::memcpy(p + i, &w, 8);
    }
    std::memcpy(&w, q + n - 8, 8);
    if (needs_escape(w)) return escape_json_slow(p, q, q + n);
    std::memcpy(p + n - 8, &w, 8);
    return p + n;
  }
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<uint8_t>(q[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return escape_json_slow(p, q, q + n);
    p[i] = q[i];
  }
  return p + n;
}

}  // namespace flow::fast
