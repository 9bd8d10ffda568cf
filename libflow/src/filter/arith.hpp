// Arithmetic in expressions: numeric terms computed in double, with SQL's nulls. A term is null
// where an operand is (a field absent or null) and where the result is not a finite number
// (x / 0, x % 0, log(0), sqrt(-1), an overflow to infinity). Over columns (binary input) each
// term computes all rows at once into arrays, so that `bytes / packets > 1000` runs as a few
// tight loops rather than a tree walk a row.
#pragma once

#include <cmath>
#include <cstdint>
#include <memory>
#include <vector>

#include "filter/nodes.hpp"

namespace flow::filter {

struct Arith {
  virtual ~Arith() = default;
  /// The value for one record or row; false when it is null.
  virtual bool get(const Ctx& c, double& out) const = 0;
  /// get() of rows 0..n-1 of c's columns into v and ok (1 where not null; v is then finite).
  virtual void rows(const Ctx& c, size_t n, double* v, uint8_t* ok) const {
    Ctx r = c;
    for (r.row = 0; r.row < n; ++r.row) ok[r.row] = get(r, v[r.row]);
  }
  /// A constant (its value in `out`): folded into comparisons.
  virtual bool constant(double&) const { return false; }
};
using ArithPtr = std::unique_ptr<Arith>;

/// A number: the constant of a literal.
struct ArithConst : Arith {
  double k;
  explicit ArithConst(double v) : k(v) {}
  bool get(const Ctx&, double& out) const override { return out = k, true; }
  void rows(const Ctx&, size_t n, double* v, uint8_t* ok) const override {
    for (size_t i = 0; i < n; ++i) v[i] = k, ok[i] = 1;
  }
  bool constant(double& out) const override { return out = k, true; }
};

/// A field, a typed column or a computed value (a Num): UInt as is, Time in seconds, Float as is,
/// and an unknown text column read as a number (as awk reads "strnum"s; other text is null).
struct ArithLeaf : Arith {
  enum Kind { UInt, Time, Float, Text, Computed } kind;
  Num num;  // num.a is the ref of a field
  ArithLeaf(Kind k, Num n) : kind(k), num(n) {}
  static bool text_number(const Value& v, double& out);
  bool get(const Ctx& c, double& out) const override {
    if (kind == Computed) {
      uint64_t u;
      return num.get(c, u) && (out = static_cast<double>(u), true);
    }
    const Value* v = c.get(num.a);
    if (!v) return false;
    switch (kind) {
      case UInt: out = static_cast<double>(v->u); return true;
      case Time: out = static_cast<double>(time_seconds(v->t)); return true;
      case Float: out = v->f; return true;
      default: return text_number(*v, out);
    }
  }
  void rows(const Ctx& c, size_t n, double* v, uint8_t* ok) const override {
    if (kind == Computed || kind == Text) return Arith::rows(c, n, v, ok);
    const int s = c.slots[num.a];
    if (s < 0) return static_cast<void>(std::memset(ok, 0, n));
    const Value* col = c.columns[s];
    // Null values hold zeros (Value::set_null): converted like the others, then masked by ok.
    for (size_t i = 0; i < n; ++i) ok[i] = !col[i].null();
    if (kind == UInt)
      for (size_t i = 0; i < n; ++i) v[i] = static_cast<double>(col[i].u);
    else if (kind == Float)
      for (size_t i = 0; i < n; ++i) v[i] = ok[i] ? col[i].f : 0;
    else
      for (size_t i = 0; i < n; ++i) v[i] = static_cast<double>(time_seconds(col[i].t));
  }
};

enum class ArithOp { Add, Sub, Mul, Div, Mod, Min, Max };

inline double apply(ArithOp op, double a, double b) {
  switch (op) {
    case ArithOp::Add: return a + b;
    case ArithOp::Sub: return a - b;
    case ArithOp::Mul: return a * b;
    case ArithOp::Div: return a / b;            // x / 0: an infinity or NaN, made null
    case ArithOp::Mod: return std::fmod(a, b);  // x % 0: NaN, made null
    case ArithOp::Min: return std::min(a, b);
    case ArithOp::Max: return std::max(a, b);
  }
  return 0;
}

struct ArithBinary : Arith {
  ArithOp op;
  ArithPtr x, y;
  ArithBinary(ArithOp o, ArithPtr a, ArithPtr b) : op(o), x(std::move(a)), y(std::move(b)) {}
  bool get(const Ctx& c, double& out) const override {
    double a, b;
    if (!x->get(c, a) || !y->get(c, b)) return false;
    out = apply(op, a, b);
    return std::isfinite(out);
  }
  void rows(const Ctx& c, size_t n, double* v, uint8_t* ok) const override {
    x->rows(c, n, v, ok);
    if (n > w_.size()) w_.resize(n), wok_.resize(n);
    double* w = w_.data();
    uint8_t* wok = wok_.data();
    y->rows(c, n, w, wok);
    // One loop per operator, each without a branch: they vectorise.
    switch (op) {
      case ArithOp::Add: each(n, v, w, [](double a, double b) { return a + b; }); break;
      case ArithOp::Sub: each(n, v, w, [](double a, double b) { return a - b; }); break;
      case ArithOp::Mul: each(n, v, w, [](double a, double b) { return a * b; }); break;
      case ArithOp::Div: each(n, v, w, [](double a, double b) { return a / b; }); break;
      default:
        for (size_t i = 0; i < n; ++i) v[i] = apply(op, v[i], w[i]);
        break;
    }
    for (size_t i = 0; i < n; ++i) ok[i] = ok[i] & wok[i] & std::isfinite(v[i]);
  }

 private:
  template <typename F>
  static void each(size_t n, double* v, const double* w, F f) {
    for (size_t i = 0; i < n; ++i) v[i] = f(v[i], w[i]);
  }
  mutable std::vector<double> w_;  // the right side's rows (a Filter serves one thread at a time)
  mutable std::vector<uint8_t> wok_;
};

enum class ArithFn { Neg, Abs, Log, Log10, Sqrt, Round, Floor, Ceil };

struct ArithUnary : Arith {
  ArithFn fn;
  ArithPtr x;
  ArithUnary(ArithFn f, ArithPtr a) : fn(f), x(std::move(a)) {}
  static double apply(ArithFn fn, double a) {
    switch (fn) {
      case ArithFn::Neg: return -a;
      case ArithFn::Abs: return std::fabs(a);
      case ArithFn::Log: return a > 0 ? std::log(a) : NAN;  // log(0) is -inf: null, as log(-1)
      case ArithFn::Log10: return a > 0 ? std::log10(a) : NAN;
      case ArithFn::Sqrt: return std::sqrt(a);
      case ArithFn::Round: return std::round(a);
      case ArithFn::Floor: return std::floor(a);
      case ArithFn::Ceil: return std::ceil(a);
    }
    return a;
  }
  bool get(const Ctx& c, double& out) const override {
    double a;
    if (!x->get(c, a)) return false;
    out = apply(fn, a);
    return std::isfinite(out);
  }
  void rows(const Ctx& c, size_t n, double* v, uint8_t* ok) const override {
    x->rows(c, n, v, ok);
    for (size_t i = 0; i < n; ++i) {
      v[i] = apply(fn, v[i]);
      ok[i] &= std::isfinite(v[i]);
    }
  }
};

/// Scratch rows of a comparison: the values and null flags of one or two terms.
struct ArithRows {
  mutable std::vector<double> v, w;
  mutable std::vector<uint8_t> ok, wok;
  void fit(size_t n) const {
    if (n > v.size()) v.resize(n), w.resize(n), ok.resize(n), wok.resize(n);
  }
};

/// `term op number`: false where the term is null.
struct ArithCmp : Node {
  ArithPtr x;
  Op op;
  double k;
  ArithCmp(ArithPtr a, Op o, double v) : x(std::move(a)), op(o), k(v) {}
  bool eval(const Ctx& c) const override {
    double v;
    return x->get(c, v) && compare(v, op, k);
  }
  bool by_column() const override { return true; }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    s_.fit(n);
    double* v = s_.v.data();
    uint8_t* ok = s_.ok.data();
    x->rows(c, n, v, ok);
    switch (op) {  // a loop per operator: they vectorise
      case Op::Eq: each(n, v, ok, out, [&](double a) { return a == k; }); break;
      case Op::Ne: each(n, v, ok, out, [&](double a) { return a != k; }); break;
      case Op::Lt: each(n, v, ok, out, [&](double a) { return a < k; }); break;
      case Op::Le: each(n, v, ok, out, [&](double a) { return a <= k; }); break;
      case Op::Gt: each(n, v, ok, out, [&](double a) { return a > k; }); break;
      case Op::Ge: each(n, v, ok, out, [&](double a) { return a >= k; }); break;
    }
  }

 private:
  template <typename F>
  static void each(size_t n, const double* v, const uint8_t* ok, uint8_t* out, F f) {
    for (size_t i = 0; i < n; ++i) out[i] = ok[i] & static_cast<uint8_t>(f(v[i]));
  }
  ArithRows s_;
};

/// `term op term`: false where either is null.
struct ArithVsArith : Node {
  ArithPtr x, y;
  Op op;
  ArithVsArith(ArithPtr a, Op o, ArithPtr b) : x(std::move(a)), y(std::move(b)), op(o) {}
  bool eval(const Ctx& c) const override {
    double a, b;
    return x->get(c, a) && y->get(c, b) && compare(a, op, b);
  }
  bool by_column() const override { return true; }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    s_.fit(n);
    x->rows(c, n, s_.v.data(), s_.ok.data());
    y->rows(c, n, s_.w.data(), s_.wok.data());
    for (size_t i = 0; i < n; ++i) out[i] = s_.ok[i] & s_.wok[i] & compare(s_.v[i], op, s_.w[i]);
  }

 private:
  ArithRows s_;
};

/// `term is [not] null`.
struct ArithIsNull : Node {
  ArithPtr x;
  bool want_null;
  ArithIsNull(ArithPtr a, bool null) : x(std::move(a)), want_null(null) {}
  bool eval(const Ctx& c) const override {
    double v;
    return x->get(c, v) != want_null;
  }
  bool by_column() const override { return true; }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    s_.fit(n);
    x->rows(c, n, s_.v.data(), out);
    if (want_null)
      for (size_t i = 0; i < n; ++i) out[i] ^= 1;
  }

 private:
  ArithRows s_;
};

}  // namespace flow::filter
