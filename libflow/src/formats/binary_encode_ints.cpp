// Writing integer sequences. The choices (transform, base, width) are exactly the ones the writer
// has always made, so files stay byte for byte the same (tests/data/golden-v1.flows); what
// changed is the shape of the loops: each one walks plain arrays with no per-element branch,
// so that the compiler vectorises them (this encoder was a quarter of the writer's time).
#include "formats/binary_encode_ints.hpp"
#include "formats/binary_format.hpp"

#include <algorithm>
#include <bit>

namespace flow::bin {
namespace {

inline unsigned byte_width(uint64_t x) { return x ? (71u - static_cast<unsigned>(std::countl_zero(x))) / 8 : 0; }

/// Smallest and largest value of a sequence, read as unsigned and as signed.
struct Range {
  uint64_t umin = UINT64_MAX, umax = 0;
  int64_t smin = INT64_MAX, smax = INT64_MIN;

  void add(uint64_t x) {
    umin = std::min(umin, x);
    umax = std::max(umax, x);
    smin = std::min(smin, static_cast<int64_t>(x));
    smax = std::max(smax, static_cast<int64_t>(x));
  }
};

// ---- kernels: x(i) = a[i] - b[i], or a[i] when b is null ---------------------------------------

template <bool Diff>
inline Range range_of(const uint64_t* a, const uint64_t* b, size_t n) {
  Range r;
  for (size_t i = 0; i < n; ++i) r.add(Diff ? a[i] - b[i] : a[i]);
  return r;
}

FLOW_AVX512_CLONES Range scan_range(const uint64_t* a, const uint64_t* b, size_t n) {
  return b ? range_of<true>(a, b, n) : range_of<false>(a, b, n);
}

/// Sum of byte_width(x(i) - base), counted as: for each k below byte_width(range), how many
/// values exceed 256^k - 1. One compare per value and byte, where countl_zero does not vectorise.
template <bool Diff>
inline uint64_t widths_of(const uint64_t* a, const uint64_t* b, size_t n, uint64_t base, unsigned top) {
  uint64_t sum = 0;
  for (unsigned k = 0; k < top; ++k) {
    const uint64_t limit = (uint64_t{1} << (8 * k)) - 1;
    uint64_t count = 0;
    for (size_t i = 0; i < n; ++i) count += ((Diff ? a[i] - b[i] : a[i]) - base) > limit;
    sum += count;
  }
  return sum;
}

FLOW_AVX512_CLONES uint64_t sum_widths(const uint64_t* a, const uint64_t* b, size_t n, uint64_t base, unsigned top) {
  return b ? widths_of<true>(a, b, n, base, top) : widths_of<false>(a, b, n, base, top);
}

/// Byte k of x(i) - base goes to planes[k * stride + i]: one plane at a time, sequential stores.
template <bool Diff>
inline void planes_of(char* planes, size_t stride, const uint64_t* a, const uint64_t* b, size_t n, uint64_t base,
                      unsigned width) {
  for (unsigned k = 0; k < width; ++k) {
    char* p = planes + k * stride;
    const unsigned shift = 8 * k;
    for (size_t i = 0; i < n; ++i) p[i] = static_cast<char>(((Diff ? a[i] - b[i] : a[i]) - base) >> shift);
  }
}

FLOW_AVX512_CLONES void put_planes(char* planes, size_t stride, const uint64_t* a, const uint64_t* b, size_t n,
                                   uint64_t base, unsigned width) {
  if (b) planes_of<true>(planes, stride, a, b, n, base, width);
  else planes_of<false>(planes, stride, a, b, n, base, width);
}

// ---- candidates ---------------------------------------------------------------------------------

/// A transform's values: an optional head (delta: x(0) = v[0]) and then a[i] - b[i] (or a[i]).
struct Seq {
  const uint64_t* a;
  const uint64_t* b;  // null: plain values
  size_t n;
  bool has_head = false;
  uint64_t head = 0;

  size_t size() const { return n + has_head; }
  uint64_t at(size_t i) const {
    if (has_head && i-- == 0) return head;
    return b ? a[i] - b[i] : a[i];
  }
};

struct Plan {
  uint64_t base = 0;
  uint64_t range = 0;  // largest value - base
  uint64_t cost = 0;   // estimated stored bytes
};

/// The frame of reference: the smaller of the unsigned and signed ranges.
Plan plan_for(const Seq& s) {
  Plan p;
  const size_t m = s.size();
  if (m == 0) return p;
  Range r = scan_range(s.a, s.b, s.n);
  if (s.has_head) r.add(s.head);
  const uint64_t urange = r.umax - r.umin;
  const uint64_t srange = static_cast<uint64_t>(r.smax) - static_cast<uint64_t>(r.smin);
  p.base = urange <= srange ? r.umin : static_cast<uint64_t>(r.smin);
  p.range = std::min(urange, srange);
  // Cost: the significant bytes of each value, a fair proxy for what zstd keeps of the planes.
  if (p.range > 15) {
    p.cost = m + sum_widths(s.a, s.b, s.n, p.base, byte_width(p.range));
    if (s.has_head) p.cost += byte_width(s.head - p.base);
  } else {
    p.cost = p.range ? m / 2 : 0;
  }
  return p;
}

/// The width code for a range: bits for small ranges, else bytes.
uint8_t width_code(uint64_t range) {
  if (range == 0) return 0;
  if (range <= 1) return kWidth1Bit;
  if (range <= 3) return kWidth2Bits;
  if (range <= 15) return kWidth4Bits;
  return static_cast<uint8_t>(byte_width(range));
}

/// Packed values, least significant bits first: whole bytes at a time.
void put_bits(ByteBuf& out, const Seq& s, uint64_t base, unsigned bits) {
  const size_t m = s.size(), per = 8 / bits;
  char* q = out.grow((m * bits + 7) / 8);
  for (size_t i = 0, j = 0; i < m; ++j) {
    unsigned byte = 0;
    for (unsigned k = 0; k < per && i < m; ++k, ++i) byte |= static_cast<unsigned>(s.at(i) - base) << (k * bits);
    q[j] = static_cast<char>(byte);
  }
}

void put_values(ByteBuf& out, const Seq& s, const Plan& p, uint8_t width) {
  if (width & 0x80) return put_bits(out, s, p.base, width & 0x0F);
  const size_t m = s.size();
  char* planes = out.grow(width * m);
  if (s.has_head)
    for (unsigned k = 0; k < width; ++k) planes[k * m] = static_cast<char>((s.head - p.base) >> (8 * k));
  put_planes(planes + s.has_head, m, s.a, s.b, s.n, p.base, width);
}

}  // namespace

void encode_ints(ByteBuf& out, const uint64_t* v, size_t m, const uint64_t* ref, size_t ref_column) {
  const Seq plain{v, nullptr, m};
  Seq best_seq = plain;
  Plan best = plan_for(plain);
  Transform t = kPlain;
  if (best.range > 15 && m > 1) {
    const Seq delta{v + 1, v, m - 1, true, v[0]};
    const Plan d = plan_for(delta);
    if (d.cost < best.cost) {
      best = d;
      best_seq = delta;
      t = kDelta;
    }
    if (ref) {
      const Seq from_ref{v, ref, m};
      const Plan r = plan_for(from_ref);
      if (r.cost < best.cost) {
        best = r;
        best_seq = from_ref;
        t = kRef;
      }
    }
  }
  const uint8_t width = width_code(best.range);
  out.put_u8(t);
  if (t == kRef) out.put_varint(ref_column);
  out.put_u8(width);
  out.put_u64(best.base);
  put_values(out, best_seq, best, width);
}

}  // namespace flow::bin
