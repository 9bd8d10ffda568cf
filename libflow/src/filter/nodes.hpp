// The compiled form of a filter expression: a tree of typed predicate nodes. Fields are read
// through "refs", indexes into a table of the fields the expression names, which the Filter maps
// to the slots of each schema it meets (so one compiled expression serves every input format).
#pragma once

#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "flow/ipset.hpp"
#include "flow/record.hpp"

namespace flow::filter {

/// One record: a Record's values, or a row of a ColumnBatch.
struct Ctx {
  const Value* values;  // the record's values, or nullptr for a row of `columns`
  const Value* const* columns;
  size_t row;
  const int* slots;  // ref -> slot in the schema, -1 when the field is absent
  /// The value of a ref, or null when the field is absent or null.
  [[gnu::always_inline]] const Value* get(int ref) const {
    int s = slots[ref];
    if (s < 0) return nullptr;
    const Value* v = values ? &values[s] : &columns[s][row];
    return v->null() ? nullptr : v;
  }
};

struct Node {
  virtual ~Node() = default;
  virtual bool eval(const Ctx& c) const = 0;
  /// eval() of rows 0..n-1 of columns (c.values is null) into out: row by row, unless a node
  /// does better a column at a time.
  virtual void eval_rows(const Ctx& c, size_t n, uint8_t* out) const {
    Ctx r = c;
    for (r.row = 0; r.row < n; ++r.row) out[r.row] = eval(r);
  }
  /// Whether eval_rows() goes a column at a time at a small, even cost a row (no search): `and`/
  /// `or` then run such a node over all rows, and the others only on rows still open.
  virtual bool by_column() const { return false; }
};
using NodePtr = std::unique_ptr<Node>;

/// eval_rows() of a node that tests one field: test(value) where the value is not null; no row
/// matches where the input lacks the field.
template <typename Test>
void each_value(const Ctx& c, int ref, size_t n, uint8_t* out, Test test) {
  const int s = c.slots[ref];
  if (s < 0) return static_cast<void>(std::memset(out, 0, n));
  const Value* col = c.columns[s];
  for (size_t i = 0; i < n; ++i) out[i] = !col[i].null() && test(col[i]);
}

enum class Op { Eq, Ne, Lt, Le, Gt, Ge };

template <typename T>
inline bool compare(const T& a, Op op, const T& b) {
  switch (op) {
    case Op::Eq: return a == b;
    case Op::Ne: return a != b;
    case Op::Lt: return a < b;
    case Op::Le: return a <= b;
    case Op::Gt: return a > b;
    case Op::Ge: return a >= b;
  }
  return false;
}

/// Times are compared as unsigned numbers: adding 2^63 keeps the order of signed seconds.
inline uint64_t time_key(int64_t seconds) { return static_cast<uint64_t>(seconds) ^ (1ull << 63); }

/// A numeric operand: a uint field, a time field (as time_key of its seconds), or a value computed
/// from several fields. Computed values are null when a field they need is.
struct Num {
  enum Kind { UInt, Time, Duration, BytesPerPacket, BitsPerSecond, PacketsPerSecond } kind = UInt;
  int a = -1, b = -1, c = -1;  // refs: the field; start, end; bytes/packets, start, end

  /// One field's value as it is (UInt, Time): a column can be tested value by value.
  bool single() const { return kind == UInt || kind == Time; }
  uint64_t of(const Value& v) const { return kind == UInt ? v.u : time_key(time_seconds(v.t)); }

  bool get(const Ctx& x, uint64_t& out) const {
    switch (kind) {
      case UInt: {
        const Value* v = x.get(a);
        return v && (out = v->u, true);
      }
      case Time: {
        const Value* v = x.get(a);
        return v && (out = time_key(time_seconds(v->t)), true);
      }
      case Duration: {
        const Value *s = x.get(a), *e = x.get(b);
        if (!s || !e) return false;
        out = duration_seconds(s->t, e->t);
        return true;
      }
      case BytesPerPacket: {
        const Value *by = x.get(a), *p = x.get(b);
        if (!by || !p || p->u == 0) return false;
        out = by->u / p->u;
        return true;
      }
      case BitsPerSecond:
      case PacketsPerSecond: {
        const Value *n = x.get(a), *s = x.get(b), *e = x.get(c);
        if (!n || !s || !e) return false;
        const uint64_t secs = std::max<uint64_t>(duration_seconds(s->t, e->t), 1);  // a one-instant window: 1 s
        // 128 bits: bytes * 8 must not wrap for byte counts above 2^61.
        __extension__ unsigned __int128 wide = kind == BitsPerSecond ? static_cast<unsigned __int128>(n->u) * 8 : n->u;
        wide /= secs;
        out = wide > UINT64_MAX ? UINT64_MAX : static_cast<uint64_t>(wide);
        return true;
      }
    }
    return false;
  }
};

/// Sorted, disjoint, inclusive ranges of numbers.
struct NumRanges {
  std::vector<std::pair<uint64_t, uint64_t>> r;
  void finish();
  /// Inline, so that a column's loop over a small set (ports) has no call in it.
  bool contains(uint64_t v) const {
    if (r.size() > 8) return search(v);
    bool in = false;  // a scan beats the search; v - lo <= hi - lo is lo <= v <= hi
    for (const auto& [lo, hi] : r) in |= v - lo <= hi - lo;
    return in;
  }
  bool search(uint64_t v) const;
};

/// Glob match with * (any run) and ? (one character).
bool glob_match(std::string_view pattern, std::string_view text);

struct NumCmp : Node {
  Num x;
  Op op;
  uint64_t k;
  NumCmp(Num n, Op o, uint64_t v) : x(n), op(o), k(v) {}
  bool eval(const Ctx& c) const override {
    uint64_t v;
    return x.get(c, v) && compare(v, op, k);
  }
  bool by_column() const override { return x.single(); }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    if (!x.single()) return Node::eval_rows(c, n, out);
    each_value(c, x.a, n, out, [&](const Value& v) { return compare(x.of(v), op, k); });
  }
};
struct NumIn : Node {
  Num x;
  NumRanges set;
  bool negate;
  NumIn(Num n, NumRanges s, bool neg) : x(n), set(std::move(s)), negate(neg) {}
  bool eval(const Ctx& c) const override {
    uint64_t v;
    return x.get(c, v) && set.contains(v) != negate;
  }
  bool by_column() const override { return x.single() && set.r.size() <= 8; }  // else searched
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    if (!x.single()) return Node::eval_rows(c, n, out);
    each_value(c, x.a, n, out, [&](const Value& v) { return set.contains(x.of(v)) != negate; });
  }
};
struct NumVsNum : Node {
  Num x, y;
  Op op;
  NumVsNum(Num a, Op o, Num b) : x(a), y(b), op(o) {}
  bool eval(const Ctx& c) const override {
    uint64_t a, b;
    return x.get(c, a) && y.get(c, b) && compare(a, op, b);
  }
};
struct FlagsHas : Node {
  Num x;
  uint64_t mask;
  FlagsHas(Num n, uint64_t m) : x(n), mask(m) {}
  bool eval(const Ctx& c) const override {
    uint64_t v;
    return x.get(c, v) && (v & mask) == mask;
  }
  bool by_column() const override { return x.single(); }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    if (!x.single()) return Node::eval_rows(c, n, out);
    each_value(c, x.a, n, out, [&](const Value& v) { return (x.of(v) & mask) == mask; });
  }
};

struct IpCmp : Node {
  int ref;
  Op op;
  Ip k;
  IpCmp(int r, Op o, Ip v) : ref(r), op(o), k(v) {}
  bool test(const Value& v) const {
    // Addresses of two families are different, and neither comes before the other.
    if (v.v6 != k.v6) return op == Op::Ne;
    return compare(v.addr(), op, k);
  }
  bool eval(const Ctx& c) const override {
    const Value* v = c.get(ref);
    return v && test(*v);
  }
  bool by_column() const override { return true; }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    each_value(c, ref, n, out, [&](const Value& v) { return test(v); });
  }
};
struct IpIn : Node {
  int ref;
  std::shared_ptr<const IpSet> set;
  bool negate;
  IpIn(int r, std::shared_ptr<const IpSet> s, bool neg) : ref(r), set(std::move(s)), negate(neg) {}
  bool eval(const Ctx& c) const override {
    const Value* v = c.get(ref);
    return v && set->contains(v->addr()) != negate;
  }
  // A search a row (the set may be a long @list): under and/or, only on the rows still open.
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    each_value(c, ref, n, out, [&](const Value& v) { return set->contains(v.addr()) != negate; });
  }
};
struct IpVsIp : Node {
  int a, b;
  Op op;
  IpVsIp(int x, Op o, int y) : a(x), b(y), op(o) {}
  bool eval(const Ctx& c) const override {
    const Value *x = c.get(a), *y = c.get(b);
    if (!x || !y) return false;
    if (x->v6 != y->v6) return op == Op::Ne;
    return compare(x->addr(), op, y->addr());
  }
};

struct StrCmp : Node {
  int ref;
  Op op;
  std::string k;
  StrCmp(int r, Op o, std::string v) : ref(r), op(o), k(std::move(v)) {}
  bool test(const Value& v) const {
    if (op == Op::Eq) {
      if (v.s.size != k.size()) return false;
      // Short values (ACCEPT, OK, eni-...) compare faster inline than through a memcmp call.
      if (k.size() > 16) return std::memcmp(v.s.data, k.data(), k.size()) == 0;
      for (size_t i = 0; i < k.size(); ++i)
        if (v.s.data[i] != k[i]) return false;
      return true;
    }
    return compare(v.str(), op, std::string_view(k));
  }
  bool eval(const Ctx& c) const override {
    const Value* v = c.get(ref);
    return v && test(*v);
  }
  bool by_column() const override { return true; }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    each_value(c, ref, n, out, [&](const Value& v) { return test(v); });
  }
};
/// `${name} > 1000` where ${name} is text (an AWS text input's extra column): the value read as
/// a whole number, as awk reads "strnum"s; a value that is not one does not match.
struct StrNumCmp : Node {
  int ref;
  Op op;
  uint64_t k;
  StrNumCmp(int r, Op o, uint64_t v) : ref(r), op(o), k(v) {}
  bool eval(const Ctx& c) const override {
    const Value* v = c.get(ref);
    if (!v || v->s.size == 0 || v->s.size > 19) return false;  // 19 digits always fit
    uint64_t n = 0;
    for (uint32_t i = 0; i < v->s.size; ++i) {
      const unsigned d = static_cast<unsigned char>(v->s.data[i]) - '0';
      if (d > 9) return false;
      n = n * 10 + d;
    }
    return compare(n, op, k);
  }
};
struct StrIn : Node {
  int ref;
  std::vector<std::string> exact, globs;
  bool negate;  // exact: sorted
  StrIn(int r, std::vector<std::string> e, std::vector<std::string> g, bool neg);
  bool eval(const Ctx& c) const override;
};
struct StrVsStr : Node {
  int a, b;
  Op op;
  StrVsStr(int x, Op o, int y) : a(x), b(y), op(o) {}
  bool eval(const Ctx& c) const override {
    const Value *x = c.get(a), *y = c.get(b);
    return x && y && compare(x->str(), op, y->str());
  }
};

/// `is null` / `is not null`: a ref, or a numeric operand (computed values included).
struct IsNull : Node {
  Num num;
  bool use_num;
  bool want_null;
  IsNull(Num n, bool numeric, bool null) : num(n), use_num(numeric), want_null(null) {}
  bool eval(const Ctx& c) const override {
    uint64_t ignored;
    bool present = use_num ? num.get(c, ignored) : c.get(num.a) != nullptr;
    return present != want_null;
  }
  bool by_column() const override { return !use_num || num.single(); }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    // One field: present where the column's value is not null (what get() says, row by row).
    if (!by_column()) return Node::eval_rows(c, n, out);
    const int s = c.slots[num.a];
    if (s < 0) return static_cast<void>(std::memset(out, want_null, n));
    const Value* col = c.columns[s];
    for (size_t i = 0; i < n; ++i) out[i] = col[i].null() == want_null;
  }
};

/// `and` (all = true) or `or` (all = false) of its kids. Over columns, the kids that go a column
/// at a time run first, over every row; the others then run row by row, only on the rows whose
/// answer is still open (an expression has no side effects, so the order is free).
struct Junction : Node {
  std::vector<NodePtr> kids;
  bool all;
  explicit Junction(bool conjunction) : all(conjunction) {}
  bool eval(const Ctx& c) const override {
    for (const auto& k : kids)
      if (k->eval(c) != all) return !all;
    return all;
  }
  bool by_column() const override {
    for (const auto& k : kids)
      if (!k->by_column()) return false;
    return true;
  }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    std::memset(out, all, n);
    if (n > kid_rows_.size()) kid_rows_.resize(n);
    uint8_t* kid = kid_rows_.data();
    for (const auto& k : kids) {
      if (!k->by_column()) continue;
      k->eval_rows(c, n, kid);
      // and: out &= kid; or: out |= kid (as bytes of 0 and 1).
      for (size_t i = 0; i < n; ++i) out[i] = all ? out[i] & kid[i] : out[i] | kid[i];
    }
    Ctx r = c;
    for (const auto& k : kids) {
      if (k->by_column()) continue;
      for (r.row = 0; r.row < n; ++r.row)
        if (out[r.row] == all) out[r.row] = k->eval(r);
    }
  }

 private:
  mutable std::vector<uint8_t> kid_rows_;  // a Filter serves one thread at a time
};
struct And : Junction {
  And() : Junction(true) {}
};
struct Or : Junction {
  Or() : Junction(false) {}
};
struct Not : Node {
  NodePtr kid;
  explicit Not(NodePtr k) : kid(std::move(k)) {}
  bool eval(const Ctx& c) const override { return !kid->eval(c); }
  bool by_column() const override { return kid->by_column(); }
  void eval_rows(const Ctx& c, size_t n, uint8_t* out) const override {
    kid->eval_rows(c, n, out);
    for (size_t i = 0; i < n; ++i) out[i] ^= 1;
  }
};
struct Const : Node {
  bool value;
  explicit Const(bool v) : value(v) {}
  bool eval(const Ctx&) const override { return value; }
  bool by_column() const override { return true; }
  void eval_rows(const Ctx&, size_t n, uint8_t* out) const override { std::memset(out, value, n); }
};

}  // namespace flow::filter
