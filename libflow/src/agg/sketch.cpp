#include "agg/sketch.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace flow::agg {

// ---- HyperLogLog ----

void Hll::set_register(uint64_t hash) {
  constexpr int q = 64 - kP;
  size_t i = hash >> q;
  uint64_t rest = hash << kP;
  auto rho = static_cast<uint8_t>(rest == 0 ? q + 1 : std::countl_zero(rest) + 1);
  if (registers_[i] < rho) registers_[i] = rho;
}

void Hll::densify() {
  registers_.assign(kRegisters, 0);
  for (uint64_t h : sparse_) set_register(h);
  sparse_.clear();
  sparse_.shrink_to_fit();
}

void Hll::add(uint64_t hash) {
  if (!registers_.empty()) return set_register(hash);
  auto it = std::lower_bound(sparse_.begin(), sparse_.end(), hash);
  if (it != sparse_.end() && *it == hash) return;
  sparse_.insert(it, hash);
  if (sparse_.size() > kSparseMax) densify();
}

namespace {
// Ertl, "New cardinality estimation algorithms for HyperLogLog sketches" (2017), algorithm 6.
double sigma(double x) {
  if (x == 1.0) return std::numeric_limits<double>::infinity();
  double y = 1, z = x, prev;
  do {
    x *= x;
    prev = z;
    z += x * y;
    y += y;
  } while (prev != z);
  return z;
}

double tau(double x) {
  if (x == 0.0 || x == 1.0) return 0.0;
  double y = 1, z = 1 - x, prev;
  do {
    x = std::sqrt(x);
    prev = z;
    y *= 0.5;
    z -= (1 - x) * (1 - x) * y;
  } while (prev != z);
  return z / 3;
}
}  // namespace

uint64_t Hll::estimate() const {
  if (registers_.empty()) return sparse_.size();
  constexpr int q = 64 - kP;
  constexpr double m = kRegisters;
  uint64_t c[q + 2] = {};
  for (uint8_t r : registers_) ++c[r];
  double z = m * tau(1 - static_cast<double>(c[q + 1]) / m);
  for (int k = q; k >= 1; --k) z = 0.5 * (z + static_cast<double>(c[k]));
  z += m * sigma(static_cast<double>(c[0]) / m);
  constexpr double alpha = 0.72134752044448170368;  // 1 / (2 ln 2)
  return static_cast<uint64_t>(std::llround(alpha * m * m / z));
}

void Hll::write(ByteWriter& w) const {
  if (registers_.empty()) {
    w.u8(0);
    w.varint(sparse_.size());
    for (uint64_t h : sparse_) w.u64(h);
  } else {
    w.u8(1);
    w.out.append(reinterpret_cast<const char*>(registers_.data()), kRegisters);
  }
}

void Hll::merge_from(ByteReader& r) {
  if (r.u8() == 0) {
    uint64_t n = r.varint();
    if (n > kSparseMax) r.bad();
    for (uint64_t i = 0; i < n; ++i) add(r.u64());
    return;
  }
  r.need(kRegisters);
  if (registers_.empty()) densify();
  for (size_t i = 0; i < kRegisters; ++i) {
    auto v = static_cast<uint8_t>(r.in[i]);
    if (v > 64 - kP + 1) r.bad();
    registers_[i] = std::max(registers_[i], v);
  }
  r.in.remove_prefix(kRegisters);
}

// ---- DDSketch ----

namespace {
const double kGamma = (1 + Quantiles::kAlpha) / (1 - Quantiles::kAlpha);
const double kLogGamma = std::log(kGamma);
constexpr int kMaxIndex = 2300;  // log_gamma(2^64) = 2241
}  // namespace

uint64_t Quantiles::rounded(double x) {
  if (x >= 18446744073709551615.0) return UINT64_MAX;  // llround is undefined from 2^63 on
  return static_cast<uint64_t>(x + 0.5);
}

int Quantiles::index_of(uint64_t x) {
  return static_cast<int>(std::ceil(std::log(static_cast<double>(x)) / kLogGamma));
}
double Quantiles::value_of(int index) { return 2 * std::pow(kGamma, index) / (kGamma + 1); }

void Quantiles::add_bucket(int i, uint64_t n) {
  if (counts_.empty()) {
    base_ = i;
    counts_.assign(1, 0);
  } else if (i < base_) {
    counts_.insert(counts_.begin(), static_cast<size_t>(base_ - i), 0);
    base_ = i;
  } else if (i >= base_ + static_cast<int>(counts_.size())) {
    counts_.resize(static_cast<size_t>(i - base_ + 1), 0);
  }
  counts_[static_cast<size_t>(i - base_)] += n;
}

void Quantiles::add(uint64_t x, uint64_t n) {
  if (n == 0) return;  // no value: the bounds stay those of the values there are
  count_ += n;
  min_ = std::min(min_, x);
  max_ = std::max(max_, x);
  if (x == 0) zeros_ += n;
  else add_bucket(index_of(x), n);
}

uint64_t Quantiles::quantile(double q) const {
  if (count_ == 0) return 0;
  auto rank = static_cast<uint64_t>(q * static_cast<double>(count_ - 1));
  if (rank == 0) return min_;
  if (rank >= count_ - 1) return max_;
  uint64_t seen = zeros_;
  if (seen > rank) return 0;
  size_t k = 0;
  while (k + 1 < counts_.size() && (seen += counts_[k]) <= rank) ++k;
  // The true value at the rank lies in [min, max], so bounding the estimate only brings it closer.
  const uint64_t est = rounded(value_of(base_ + static_cast<int>(k)));
  return est < min_ ? min_ : est > max_ ? max_ : est;
}

void Quantiles::write(ByteWriter& w) const {
  w.varint(zeros_);
  w.varint(min_);
  w.varint(max_);
  size_t used = 0;
  for (uint64_t c : counts_) used += c != 0;
  w.varint(used);
  for (size_t k = 0; k < counts_.size(); ++k)
    if (counts_[k]) {
      w.varint(static_cast<uint64_t>(base_ + static_cast<int>(k)));
      w.varint(counts_[k]);
    }
}

void Quantiles::merge_from(ByteReader& r) {
  uint64_t z = r.varint(), lo = r.varint(), hi = r.varint();
  zeros_ += z;
  count_ += z;
  uint64_t n = r.varint();
  if ((z || n) != (lo <= hi) || (z && lo != 0)) r.bad();  // values bound by [lo, hi], or none
  min_ = std::min(min_, lo);
  max_ = std::max(max_, hi);
  for (uint64_t k = 0; k < n; ++k) {
    uint64_t i = r.varint(), c = r.varint();
    if (i > kMaxIndex) r.bad();
    add_bucket(static_cast<int>(i), c);
    count_ += c;
  }
}

// ---- exact distinct ----

void DistinctSet::write(ByteWriter& w) const {
  std::vector<const std::string*> keys;
  keys.reserve(set_.size());
  for (const auto& k : set_) keys.push_back(&k);
  std::sort(keys.begin(), keys.end(), [](auto* a, auto* b) { return *a < *b; });  // same bytes every run
  w.varint(keys.size());
  for (auto* k : keys) w.bytes(*k);
}

void DistinctSet::merge_from(ByteReader& r) {
  uint64_t n = r.varint();
  for (uint64_t i = 0; i < n; ++i) add(r.bytes());
}

}  // namespace flow::agg
