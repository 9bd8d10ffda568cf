// Grammar (lowest precedence first):
//   expr      := and { (or | ||) and }
//   and       := unary { (and | &&) unary }
//   unary     := (not | !) unary | ( expr ) | predicate
//   predicate := sum (== | != | < | <= | > | >=) sum
//              | sum [not] in SET | sum is [not] null | sum has FLAGS
//   sum       := product { (+ | -) product }          (each operator a word of its own)
//   product   := factor { (* | / | %) factor }
//   factor    := - factor | ( sum ) | FUNC ( sum [, sum] ) | operand
//   SET       := { item, ... } | item | @file        item := value | value..value | prefix
// An operand is a field (srcaddr, ${any-column}), an either-side name (addr, port), a computed
// value (duration, bytes-per-packet, ...) or a literal; literals take the type of the field they
// meet, so `action == reject`, `protocol == tcp` and `bytes > 10M` need no quoting. A sum of one
// operand is that operand; an operator, a function or parentheses make it an arithmetic term
// (arith.hpp), computed in double, which compares with any number. A ( that opens a term rather
// than a group of predicates is told by what follows its ): an operator or a comparison.
#include "filter/parser.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "filter/arith.hpp"
#include "filter/literals.hpp"
#include "flow/error.hpp"
#include "flow/time.hpp"

namespace flow::filter {
namespace {

// Names that are not columns: either-side addresses and ports, and values computed per record.
enum class Pseudo { None, Addr, Port, Duration, BytesPerPacket, BitsPerSecond, PacketsPerSecond };
constexpr std::array<std::pair<std::string_view, Pseudo>, 6> kPseudo{{
    {"addr", Pseudo::Addr},
    {"port", Pseudo::Port},
    {"duration", Pseudo::Duration},
    {"bytes-per-packet", Pseudo::BytesPerPacket},
    {"bits-per-second", Pseudo::BitsPerSecond},
    {"packets-per-second", Pseudo::PacketsPerSecond},
}};
constexpr std::array<std::string_view, 6> kPseudoNames{
    "addr", "port", "duration", "bytes-per-packet", "bits-per-second", "packets-per-second"};

bool keyword(const Token& t, std::string_view kw) {
  if (t.kind != Tok::Word || t.text.size() != kw.size()) return false;
  for (size_t i = 0; i < kw.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(t.text[i])) != kw[i]) return false;
  return true;
}

/// Looks like someone meant a field: a letter, then letters, digits, - and _.
bool name_like(std::string_view w) {
  if (w.empty() || !std::isalpha(static_cast<unsigned char>(w[0]))) return false;
  return std::all_of(w.begin(), w.end(),
                     [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; });
}

Op mirror(Op op) {
  switch (op) {
    case Op::Lt: return Op::Gt;
    case Op::Le: return Op::Ge;
    case Op::Gt: return Op::Lt;
    case Op::Ge: return Op::Le;
    default: return op;
  }
}

std::string_view op_text(Op op) {
  static constexpr std::array<std::string_view, 6> kText{"==", "!=", "<", "<=", ">", ">="};
  return kText[static_cast<size_t>(op)];
}

/// One side of a predicate.
struct Operand {
  enum Kind { Field, Either, Computed, Literal } kind = Literal;
  Type type = Type::String;
  std::optional<FieldId> id;  // Field: a known field (its constants and enumerations apply)
  Pseudo pseudo = Pseudo::None;
  int ref = -1;  // Field
  Num num;       // Field of type UInt/Time, Computed
  const Token* tok = nullptr;
  std::string name() const { return tok->kind == Tok::FieldRef ? "${" + tok->text + "}" : tok->text; }
};

/// One side of a predicate: a single operand, or an arithmetic term.
struct Side {
  Operand op;        // the operand, when `term` is not set
  ArithPtr term;     // an operator, a function or parentheses made one
  const Token* tok;  // the first token, for messages
};

// Arithmetic functions: of one argument, then min and max of two.
constexpr std::array<std::pair<std::string_view, ArithFn>, 7> kFunctions{{
    {"abs", ArithFn::Abs},
    {"log", ArithFn::Log},
    {"log10", ArithFn::Log10},
    {"sqrt", ArithFn::Sqrt},
    {"round", ArithFn::Round},
    {"floor", ArithFn::Floor},
    {"ceil", ArithFn::Ceil},
}};

/// The arithmetic operator a token is (a word of its own), among `ops`.
std::optional<ArithOp> arith_op(const Token& t, std::string_view ops) {
  if (t.kind != Tok::Word || t.text.size() != 1 || ops.find(t.text[0]) == std::string_view::npos) return std::nullopt;
  switch (t.text[0]) {
    case '+': return ArithOp::Add;
    case '-': return ArithOp::Sub;
    case '*': return ArithOp::Mul;
    case '/': return ArithOp::Div;
    default: return ArithOp::Mod;
  }
}

class Parser {
 public:
  Parser(std::string_view text, const FilterSettings& s) : text_(text), toks_(lex(text)), settings_(s) {}

  Compiled run(bool value) {
    if (peek().kind == Tok::End) throw ExprError{"empty expression", 0, 1};
    NodePtr root;
    ArithPtr term;
    if (value) term = to_term(parse_sum());
    else root = parse_or();
    if (peek().kind != Tok::End) {
      const Token& t = peek();
      if (value)
        fail(t, fmt::format("unexpected '{}' after a complete value (a value is a number: bytes / packets)", shown(t)));
      throw ExprError{fmt::format("unexpected '{}' after a complete expression (missing 'and' or 'or'?)", shown(t)),
                      t.pos, std::max<size_t>(t.len, 1)};
    }
    return Compiled{std::move(root), std::move(keys_), std::move(term)};
  }

 private:
  static constexpr int kMaxDepth = 256;
  std::string_view text_;
  std::vector<Token> toks_;
  size_t i_ = 0;
  int depth_ = 0;

  /// "line L, column C" (or "column C" on a one-line expression) of a byte offset.
  std::string place(size_t pos) const {
    size_t line = 1, start = 0;
    for (size_t k = 0; k < pos && k < text_.size(); ++k)
      if (text_[k] == '\n') ++line, start = k + 1;
    return line == 1 && text_.find('\n') == std::string_view::npos
               ? fmt::format("column {}", pos - start + 1)
               : fmt::format("line {}, column {}", line, pos - start + 1);
  }
  const FilterSettings& settings_;
  std::vector<Filter::Key> keys_;

  const Token& peek(size_t ahead = 0) const { return toks_[std::min(i_ + ahead, toks_.size() - 1)]; }
  const Token& take() { return toks_[std::min(i_++, toks_.size() - 1)]; }
  static std::string shown(const Token& t) {
    if (t.kind == Tok::End) return "end of expression";
    return t.kind == Tok::String     ? "\"" + t.text + "\""
           : t.kind == Tok::FieldRef ? "${" + t.text + "}"
           : t.kind == Tok::Word     ? t.text
                                     : std::string(op_name(t.kind));
  }
  static std::string_view op_name(Tok k) {
    switch (k) {
      case Tok::LParen: return "(";
      case Tok::RParen: return ")";
      case Tok::LBrace: return "{";
      case Tok::RBrace: return "}";
      case Tok::Comma: return ",";
      case Tok::Eq: return "==";
      case Tok::Ne: return "!=";
      case Tok::Lt: return "<";
      case Tok::Le: return "<=";
      case Tok::Gt: return ">";
      case Tok::Ge: return ">=";
      case Tok::AndOp: return "&&";
      case Tok::OrOp: return "||";
      case Tok::NotOp: return "!";
      default: return "?";
    }
  }
  [[noreturn]] static void fail(const Token& t, std::string msg) {
    throw ExprError{std::move(msg), t.pos, std::max<size_t>(t.len, 1)};
  }

  int ref(std::optional<FieldId> id, std::string_view name, Type type = Type::String) {
    for (size_t k = 0; k < keys_.size(); ++k)
      if (id ? keys_[k].id == id : (!keys_[k].id && keys_[k].name == name)) return static_cast<int>(k);
    keys_.push_back(Filter::Key{id, std::string(id ? field_info(*id).name : name), type});
    return static_cast<int>(keys_.size() - 1);
  }

  static bool is_pseudo(std::string_view name) {
    for (const auto& [n, p] : kPseudo)
      if (name == n) return true;
    return false;
  }

  /// A typed column the caller declared (FilterSettings::columns), if `name` is one.
  const Column* declared(std::string_view name) const {
    for (const auto& c : settings_.columns)
      if (c.name == name && !find_field(name)) return &c;
    return nullptr;
  }

  Operand column(const Token& t, const Column& c) {
    Operand o;
    o.tok = &t;
    o.kind = Operand::Field;
    o.type = c.type;
    o.ref = ref(std::nullopt, c.name, c.type);
    o.num.a = o.ref;
    o.num.kind = o.type == Type::Time ? Num::Time : Num::UInt;
    return o;
  }

  // ---- boolean structure ----

  NodePtr parse_or() {
    NodePtr first = parse_and();
    if (!(keyword(peek(), "or") || peek().kind == Tok::OrOp)) return first;
    auto node = std::make_unique<Or>();
    node->kids.push_back(std::move(first));
    while (keyword(peek(), "or") || peek().kind == Tok::OrOp) {
      take();
      node->kids.push_back(parse_and());
    }
    return node;
  }

  NodePtr parse_and() {
    NodePtr first = parse_unary();
    if (!(keyword(peek(), "and") || peek().kind == Tok::AndOp)) return first;
    auto node = std::make_unique<And>();
    node->kids.push_back(std::move(first));
    while (keyword(peek(), "and") || peek().kind == Tok::AndOp) {
      take();
      node->kids.push_back(parse_unary());
    }
    return node;
  }

  // Parsing, evaluating and freeing recurse: a bound keeps a hostile expression from
  // overflowing the stack.
  struct Depth {
    int& d;
    ~Depth() { --d; }
  };
  [[nodiscard]] Depth deeper(const Token& t) {
    if (++depth_ > kMaxDepth) fail(t, fmt::format("nested more than {} deep", kMaxDepth));
    return Depth{depth_};
  }

  NodePtr parse_unary() {
    const Token& t = peek();
    const Depth depth = deeper(t);
    if (keyword(t, "not") || t.kind == Tok::NotOp) {
      take();
      return std::make_unique<Not>(parse_unary());
    }
    if (t.kind == Tok::LParen && !opens_term()) {
      take();
      if (peek().kind == Tok::RParen) fail(peek(), "empty parentheses");
      NodePtr inner = parse_or();
      if (peek().kind != Tok::RParen)
        fail(peek(), fmt::format("expected ')' to close the '(' at {}, got {}", place(t.pos), shown(peek())));
      take();
      return inner;
    }
    if (keyword(t, "true") || keyword(t, "false")) {
      take();
      return std::make_unique<Const>(keyword(t, "true"));
    }
    return parse_predicate();
  }

  /// Whether the ( at the cursor opens an arithmetic term: what follows its ) continues one
  /// (an operator) or compares it.
  bool opens_term() const {
    int depth = 0;
    for (size_t k = i_; k < toks_.size(); ++k) {
      if (toks_[k].kind == Tok::LParen) ++depth;
      if (toks_[k].kind == Tok::RParen && --depth == 0) {
        const Token& next = toks_[std::min(k + 1, toks_.size() - 1)];
        return arith_op(next, "+-*/%") || (next.kind >= Tok::Eq && next.kind <= Tok::Ge) || keyword(next, "in") ||
               keyword(next, "is") || keyword(next, "has") || (keyword(next, "not") && keyword(peek(k + 2 - i_), "in"));
      }
    }
    return false;
  }

  // ---- arithmetic ----

  /// sum (products joined by + and -), or with `product` a product (factors joined by * / %).
  Side parse_sum(bool product = false) {
    auto next = [&] { return product ? parse_factor() : parse_sum(true); };
    Side s = next();
    while (auto op = arith_op(peek(), product ? "*/%" : "+-")) {
      take();
      s = binary(*op, std::move(s), next());
    }
    return s;
  }

  Side binary(ArithOp op, Side a, Side b) {
    const Token* first = a.tok;
    ArithPtr x = to_term(std::move(a)), y = to_term(std::move(b));
    double i, j;  // constants fold: `bytes > 10 * 1M` compares with one number
    if (x->constant(i) && y->constant(j) && std::isfinite(apply(op, i, j)))
      return Side{{}, std::make_unique<ArithConst>(apply(op, i, j)), first};
    return Side{{}, std::make_unique<ArithBinary>(op, std::move(x), std::move(y)), first};
  }

  Side parse_factor() {
    const Token& t = peek();
    const Depth depth = deeper(t);
    if (arith_op(t, "-") && starts_factor(peek(1))) {  // unary minus; else "-" is a value (`${note} == -`)
      take();
      return Side{{}, std::make_unique<ArithUnary>(ArithFn::Neg, to_term(parse_factor())), &t};
    }
    if (t.kind == Tok::LParen) {
      take();
      if (peek().kind == Tok::RParen) fail(peek(), "empty parentheses");
      Side inner = parse_sum();
      close_paren(t);
      return Side{{}, to_term(std::move(inner)), &t};
    }
    if (t.kind == Tok::Word && peek(1).kind == Tok::LParen) return call(t);
    const Token& w = take();
    return Side{operand(w), nullptr, &w};
  }

  static bool starts_factor(const Token& t) {
    return t.kind == Tok::LParen || t.kind == Tok::FieldRef || t.kind == Tok::String ||
           (t.kind == Tok::Word && !keyword(t, "and") && !keyword(t, "or"));
  }

  void close_paren(const Token& open) {
    if (peek().kind != Tok::RParen)
      fail(peek(), fmt::format("expected ')' to close the '(' at {}, got {}", place(open.pos), shown(peek())));
    take();
  }

  /// FUNC ( sum [, sum] ): min and max take two arguments, the others one.
  Side call(const Token& t) {
    const bool two = t.text == "min" || t.text == "max";
    std::optional<ArithFn> fn;
    for (const auto& [name, f] : kFunctions)
      if (t.text == name) fn = f;
    if (!two && !fn)
      fail(t, fmt::format("unknown function '{}' (abs, ceil, floor, log, log10, max, min, round, sqrt)", t.text));
    take();
    const Token& open = take();
    if (peek().kind == Tok::RParen)
      fail(peek(), fmt::format("{}() takes {}", t.text, two ? "two numbers" : "a number"));
    ArithPtr a = to_term(parse_sum());
    if (two) {
      if (peek().kind != Tok::Comma) fail(peek(), fmt::format("{}() takes two numbers: {}(a, b)", t.text, t.text));
      take();
      ArithPtr b = to_term(parse_sum());
      close_paren(open);
      return Side{
          {},
          std::make_unique<ArithBinary>(t.text == "min" ? ArithOp::Min : ArithOp::Max, std::move(a), std::move(b)),
          &t};
    }
    if (peek().kind == Tok::Comma) fail(peek(), fmt::format("{}() takes one number", t.text));
    close_paren(open);
    return Side{{}, std::make_unique<ArithUnary>(*fn, std::move(a)), &t};
  }

  /// A side as an arithmetic term: a term as it is, an operand as a number.
  ArithPtr to_term(Side s) {
    if (s.term) return std::move(s.term);
    const Operand& o = s.op;
    const Token& t = *s.tok;
    switch (o.kind) {
      case Operand::Literal: {
        if (t.kind == Tok::String) fail(t, fmt::format("\"{}\" is text, not a number", t.text));
        if (auto d = parse_decimal(t.text)) return std::make_unique<ArithConst>(*d);
        spacing(t);
        try {  // a time is its Unix seconds
          return std::make_unique<ArithConst>(
              static_cast<double>(time_seconds(parse_time(t.text, "time", settings_.now))));
        } catch (const UsageError&) {
        }
        if (name_like(t.text)) not_a_field(t);
        fail(t, fmt::format("'{}' is not a number (expected e.g. 1500, 0.5, 10M, 64Ki, 5m, or a field)", t.text));
      }
      case Operand::Either:
        fail(t,
             fmt::format("{} stands for either side: use src{} or dst{} in arithmetic", o.name(), o.name(), o.name()));
      case Operand::Computed: return std::make_unique<ArithLeaf>(ArithLeaf::Computed, o.num);
      case Operand::Field: break;
    }
    switch (o.type) {
      case Type::UInt: return std::make_unique<ArithLeaf>(ArithLeaf::UInt, o.num);
      case Type::Time: return std::make_unique<ArithLeaf>(ArithLeaf::Time, o.num);
      case Type::Float: return std::make_unique<ArithLeaf>(ArithLeaf::Float, o.num);
      case Type::String:
        if (!o.id) return std::make_unique<ArithLeaf>(ArithLeaf::Text, o.num);  // read as a number
        break;
      case Type::Ip: break;
    }
    fail(t, fmt::format("{} is {}, not a number", o.name(), o.type == Type::Ip ? "an address" : "text"));
  }

  /// `bytes/packets`: - + * / are word characters (tcp-flags, 10.0.0.0/8, now-1h), so an operator
  /// without spaces is part of a word; say so when a part of the word names a field.
  void spacing(const Token& t) {
    if (t.kind != Tok::Word) return;
    for (std::string_view ops : {"+*/", "+-*/"}) {
      std::string spaced;
      bool field = false;
      size_t start = 0;
      for (size_t k = 0; k <= t.text.size(); ++k) {
        if (k < t.text.size() && ops.find(t.text[k]) == std::string_view::npos) continue;
        std::string_view part = std::string_view(t.text).substr(start, k - start);
        field |= find_field(part) || is_pseudo(part) || declared(part);
        spaced += std::string(part) + (k < t.text.size() ? fmt::format(" {} ", t.text[k]) : "");
        start = k + 1;
      }
      if (field && spaced.size() > t.text.size())
        fail(t, fmt::format("'{}' is one word: put spaces around an arithmetic operator ({})", t.text, spaced));
    }
  }

  // ---- operands ----

  Operand operand(const Token& t) {
    Operand o;
    o.tok = &t;
    if (t.kind == Tok::String) return o;  // always a literal
    if (const Column* c = declared(t.text); c && (t.kind == Tok::FieldRef || t.kind == Tok::Word)) return column(t, *c);
    if (settings_.columns_only &&
        (t.kind == Tok::FieldRef || (t.kind == Tok::Word && (find_field(t.text) || is_pseudo(t.text))))) {
      bool present = false;
      std::string names;
      for (const auto& c : settings_.columns) {
        present |= c.name == t.text;
        names += (names.empty() ? "" : ", ") + c.name;
      }
      if (!present) fail(t, fmt::format("'{}' is not a column here (the columns: {})", t.text, names));
    }
    if (t.kind == Tok::FieldRef) {
      if (auto id = find_field(t.text)) return field(t, *id);
      o.kind = Operand::Field;  // a column we do not know: compared as text
      o.ref = ref(std::nullopt, t.text);
      o.num.a = o.ref;
      return o;
    }
    if (t.kind != Tok::Word) fail(t, fmt::format("expected a field or a value, got {}", shown(t)));
    if (auto id = find_field(t.text)) return field(t, *id);
    for (const auto& [name, p] : kPseudo)
      if (t.text == name) return pseudo(t, p);
    return o;
  }

  Operand field(const Token& t, FieldId id) {
    Operand o;
    o.tok = &t;
    o.kind = Operand::Field;
    o.id = id;
    o.type = field_info(id).type;
    o.ref = ref(id, {});
    o.num.a = o.ref;
    o.num.kind = o.type == Type::Time ? Num::Time : Num::UInt;
    return o;
  }

  Operand pseudo(const Token& t, Pseudo p) {
    Operand o;
    o.tok = &t;
    o.pseudo = p;
    if (p == Pseudo::Addr || p == Pseudo::Port) {
      o.kind = Operand::Either;
      o.type = p == Pseudo::Addr ? Type::Ip : Type::UInt;
      return o;
    }
    o.kind = Operand::Computed;
    o.type = Type::UInt;
    auto r = [&](FieldId id) { return ref(id, {}); };
    switch (p) {
      case Pseudo::Duration: o.num = Num{Num::Duration, r(FieldId::start), r(FieldId::end)}; break;
      case Pseudo::BytesPerPacket: o.num = Num{Num::BytesPerPacket, r(FieldId::bytes), r(FieldId::packets)}; break;
      case Pseudo::BitsPerSecond:
        o.num = Num{Num::BitsPerSecond, r(FieldId::bytes), r(FieldId::start), r(FieldId::end)};
        break;
      default: o.num = Num{Num::PacketsPerSecond, r(FieldId::packets), r(FieldId::start), r(FieldId::end)}; break;
    }
    return o;
  }

  /// The two concrete sides of addr/port.
  std::array<Operand, 2> sides(const Operand& o) {
    bool addr = o.pseudo == Pseudo::Addr;
    return {field(*o.tok, addr ? FieldId::srcaddr : FieldId::srcport),
            field(*o.tok, addr ? FieldId::dstaddr : FieldId::dstport)};
  }

  /// Builds a predicate for each side of addr/port: any side for positive tests, both sides for
  /// negative ones (`addr != X`: neither address is X).
  template <typename Make>
  NodePtr each_side(const Operand& o, bool negative, Make make) {
    if (o.kind != Operand::Either) return make(o);
    auto [a, b] = sides(o);
    NodePtr x = make(a), y = make(b);
    if (negative) {
      auto n = std::make_unique<And>();
      n->kids.push_back(std::move(x));
      n->kids.push_back(std::move(y));
      return n;
    }
    auto n = std::make_unique<Or>();
    n->kids.push_back(std::move(x));
    n->kids.push_back(std::move(y));
    return n;
  }

  [[noreturn]] void not_a_field(const Token& t) {
    spacing(t);
    if (t.kind == Tok::Word && name_like(t.text)) {
      std::vector<std::string_view> names(kPseudoNames.begin(), kPseudoNames.end());
      for (const auto& c : settings_.columns) names.push_back(c.name);
      auto near = nearest_name(t.text, names);
      if (!near.empty()) fail(t, fmt::format("unknown field '{}' — did you mean '{}'?", t.text, near));
      fail(t, fmt::format("unknown field '{}' (flow-formats(5) lists the fields; ${{name}} names any other column)",
                          t.text));
    }
    fail(t, fmt::format("expected a field name, got {}", shown(t)));
  }

  // ---- predicates ----

  /// A Float column or an arithmetic term compares as a number in double.
  static bool numeric_term(const Side& s) {
    return s.term || (s.op.kind == Operand::Field && s.op.type == Type::Float);
  }

  NodePtr parse_predicate() {
    Side left = parse_sum();
    const Token& lt = *left.tok;
    const Operand& lhs = left.op;
    const Token& t = peek();
    if (keyword(t, "is")) {
      take();
      if (lhs.kind == Operand::Literal && !left.term) not_a_field(lt);
      bool want_null = true;
      if (keyword(peek(), "not")) take(), want_null = false;
      if (!keyword(peek(), "null"))
        fail(peek(), fmt::format("expected 'null' after '{}', got {}", want_null ? "is" : "is not", shown(peek())));
      take();
      if (left.term) return std::make_unique<ArithIsNull>(std::move(left.term), want_null);
      return each_side(lhs, !want_null, [&](const Operand& o) -> NodePtr {
        bool numeric = o.kind == Operand::Computed || o.type == Type::UInt || o.type == Type::Time;
        Num n = o.num;
        if (!numeric) n.a = o.ref;
        return std::make_unique<IsNull>(n, numeric, want_null);
      });
    }
    if (left.term && (keyword(t, "in") || keyword(t, "not") || keyword(t, "has")))
      fail(t, "an arithmetic term takes a comparison (==, !=, <, <=, >, >=) or 'is null'");
    if (keyword(t, "in") || (keyword(t, "not") && keyword(peek(1), "in"))) {
      bool negate = keyword(t, "not");
      take();
      if (negate) take();
      if (lhs.kind == Operand::Literal) not_a_field(lt);
      return membership(lhs, negate);
    }
    if (keyword(t, "has")) {
      take();
      if (lhs.kind == Operand::Literal) not_a_field(lt);
      if (lhs.type != Type::UInt || lhs.kind == Operand::Either)
        fail(t, fmt::format("'has' tests flag bits of a number field such as tcp-flags, not {}", lhs.name()));
      const Token& v = take();
      uint64_t mask = uint_literal(lhs, v, v.text);
      return std::make_unique<FlagsHas>(lhs.num, mask);
    }
    static constexpr std::array<std::pair<Tok, Op>, 6> kOps{{{Tok::Eq, Op::Eq},
                                                             {Tok::Ne, Op::Ne},
                                                             {Tok::Lt, Op::Lt},
                                                             {Tok::Le, Op::Le},
                                                             {Tok::Gt, Op::Gt},
                                                             {Tok::Ge, Op::Ge}}};
    for (const auto& [tok, op] : kOps) {
      if (t.kind != tok) continue;
      take();
      if (peek().kind == Tok::End) fail(peek(), fmt::format("expected a value after '{}'", op_text(op)));
      Side right = parse_sum();
      if (numeric_term(left) || numeric_term(right)) return arith_comparison(std::move(left), op, std::move(right));
      const Token& rt = *right.tok;
      const Operand& rhs = right.op;
      if (lhs.kind == Operand::Literal && rhs.kind == Operand::Literal) not_a_field(lt);
      if (lhs.kind == Operand::Literal) return comparison(rhs, mirror(op), lt, op);
      if (rhs.kind == Operand::Literal) return comparison(lhs, op, rt, op);
      return field_vs_field(lhs, op, rhs, t);
    }
    if (lhs.kind == Operand::Literal && !left.term) not_a_field(lt);
    if (left.term)
      fail(t,
           fmt::format("expected a comparison after the arithmetic (==, !=, <, <=, >, >=, is null), got {}", shown(t)));
    fail(t, fmt::format("expected an operator after '{}' (==, !=, <, <=, >, >=, in, not in, is null, has), got {}",
                        lhs.name(), shown(t)));
  }

  /// Two numbers in double: a term, a Float column, any number field or computed value, or a
  /// literal (a constant side is folded into the comparison).
  NodePtr arith_comparison(Side left, Op op, Side right) {
    ArithPtr x = to_term(std::move(left)), y = to_term(std::move(right));
    double k;
    if (y->constant(k)) return std::make_unique<ArithCmp>(std::move(x), op, k);
    if (x->constant(k)) return std::make_unique<ArithCmp>(std::move(y), mirror(op), k);
    return std::make_unique<ArithVsArith>(std::move(x), op, std::move(y));
  }

  /// `f op lit`; messages show the operator as written (`written`, before mirroring).
  NodePtr comparison(const Operand& f, Op op, const Token& lit, Op written) {
    bool negative = op == Op::Ne;
    return each_side(f, negative, [&](const Operand& o) -> NodePtr {
      switch (o.type) {
        case Type::UInt: return std::make_unique<NumCmp>(o.num, op, uint_literal(o, lit, lit.text));
        case Type::Time: return std::make_unique<NumCmp>(o.num, op, time_literal(lit, lit.text));
        case Type::Ip: {
          if (lit.text.find('/') != std::string::npos) {
            if (op != Op::Eq && op != Op::Ne)
              fail(lit, fmt::format("'{}' orders addresses; a prefix takes ==, != or in", op_text(written)));
            auto set = std::make_shared<IpSet>();
            add_ip_item(*set, o, lit, lit.text);
            set->finish();
            return std::make_unique<IpIn>(o.ref, std::move(set), op == Op::Ne);
          }
          return std::make_unique<IpCmp>(o.ref, op, ip_literal(o, lit, lit.text));
        }
        case Type::String: {
          // A text column we do not know, ordered against a number: compared as numbers.
          if (!o.id && o.kind == Operand::Field && op != Op::Eq && op != Op::Ne && lit.kind != Tok::String)
            if (auto n = parse_number(lit.text, Units::SI)) return std::make_unique<StrNumCmp>(o.ref, op, *n);
          std::string s = string_value(o, lit, lit.text);
          if (s.find_first_of("*?") != std::string::npos) {
            if (op != Op::Eq && op != Op::Ne)
              fail(lit, fmt::format("a glob pattern takes == or !=, not '{}'", op_text(written)));
            return std::make_unique<StrIn>(o.ref, std::vector<std::string>{}, std::vector<std::string>{s},
                                           op == Op::Ne);
          }
          return std::make_unique<StrCmp>(o.ref, op, std::move(s));
        }
        case Type::Float: break;  // parse_predicate compares these in arithmetic
      }
      fail(lit, "unsupported comparison");
    });
  }

  NodePtr field_vs_field(const Operand& a, Op op, const Operand& b, const Token& at) {
    if (a.kind == Operand::Either || b.kind == Operand::Either)
      fail(at, fmt::format("{} stands for either side and compares with values only",
                           a.kind == Operand::Either ? a.name() : b.name()));
    bool a_num = a.type == Type::UInt || a.type == Type::Time, b_num = b.type == Type::UInt || b.type == Type::Time;
    if (a.type != b.type && !(a_num && b_num && a.num.kind != Num::Time && b.num.kind != Num::Time))
      fail(at, fmt::format("cannot compare {} ({}) with {} ({})", a.name(), type_name(a.type), b.name(),
                           type_name(b.type)));
    if (a_num) return std::make_unique<NumVsNum>(a.num, op, b.num);
    if (a.type == Type::Ip) return std::make_unique<IpVsIp>(a.ref, op, b.ref);
    return std::make_unique<StrVsStr>(a.ref, op, b.ref);
  }

  // ---- sets ----

  NodePtr membership(const Operand& f, bool negate) {
    // The items: {a, b..c, ...}, one item, or @file (one item per line).
    struct Item {
      const Token* tok;
      std::string text;
      std::string where;  // "FILE:LINE" for entries of @file
    };
    std::vector<Item> items;
    const Token& first = take();
    if (first.kind == Tok::LBrace) {
      if (peek().kind == Tok::RBrace) fail(peek(), "empty set");
      while (true) {
        const Token& it = take();
        if (it.kind != Tok::Word && it.kind != Tok::String)
          fail(it, fmt::format("expected a set item, got {}", shown(it)));
        if (it.kind == Tok::Word && it.text[0] == '@') fail(it, "@file stands alone after 'in', not inside { }");
        items.push_back({&it, it.text, {}});
        const Token& sep = take();
        if (sep.kind == Tok::RBrace) break;
        if (sep.kind != Tok::Comma) fail(sep, fmt::format("expected ',' or '}}' in the set, got {}", shown(sep)));
      }
    } else if (first.kind == Tok::Word && first.text[0] == '@') {
      for (auto& [line, where] : read_list(first)) items.push_back({&first, std::move(line), std::move(where)});
      if (items.empty()) fail(first, fmt::format("{} holds no entries", first.text.substr(1)));
    } else if (first.kind == Tok::Word || first.kind == Tok::String) {
      items.push_back({&first, first.text, {}});
    } else {
      fail(first, fmt::format("expected a set after 'in' ({{22, 80}}, 10.0.0.0/8, 1024..65535 or @file), got {}",
                              shown(first)));
    }

    // A bad entry of @file is named by its file and line.
    auto entry = [](const Item& it, auto convert) {
      try {
        convert();
      } catch (ExprError& e) {
        if (!it.where.empty()) e.message = it.where + ": " + e.message;
        throw;
      }
    };
    return each_side(f, negate, [&](const Operand& o) -> NodePtr {
      switch (o.type) {
        case Type::UInt:
        case Type::Time: {
          NumRanges set;
          for (const auto& it : items)
            entry(it, [&] {
              auto [lo, hi] = split_range(*it.tok, it.text);
              uint64_t a = o.type == Type::Time ? time_literal(*it.tok, lo) : uint_literal(o, *it.tok, lo);
              uint64_t b = hi.empty()             ? a
                           : o.type == Type::Time ? time_literal(*it.tok, hi)
                                                  : uint_literal(o, *it.tok, hi);
              if (b < a) fail(*it.tok, fmt::format("empty range {}: the end comes before the start", it.text));
              set.r.emplace_back(a, b);
            });
          set.finish();
          return std::make_unique<NumIn>(o.num, std::move(set), negate);
        }
        case Type::Ip: {
          auto set = std::make_shared<IpSet>();
          for (const auto& it : items) entry(it, [&] { add_ip_item(*set, o, *it.tok, it.text); });
          set->finish();
          return std::make_unique<IpIn>(o.ref, std::move(set), negate);
        }
        case Type::String: {
          std::vector<std::string> exact, globs;
          for (const auto& it : items)
            entry(it, [&] {
              std::string s = string_value(o, *it.tok, it.text);
              (s.find_first_of("*?") != std::string::npos ? globs : exact).push_back(std::move(s));
            });
          return std::make_unique<StrIn>(o.ref, std::move(exact), std::move(globs), negate);
        }
        case Type::Float:
          fail(first, fmt::format("{} is a float: compare it (<, >=) rather than test a set", o.name()));
      }
      fail(first, "unsupported set");
    });
  }

  /// "a..b" into a and b; a single value gives b empty. A range needs both ends.
  static std::pair<std::string_view, std::string_view> split_range(const Token& t, std::string_view s) {
    size_t dots = s.find("..");
    if (dots == std::string_view::npos) return {s, {}};
    auto lo = s.substr(0, dots), hi = s.substr(dots + 2);
    if (lo.empty() || hi.empty()) fail(t, fmt::format("'{}': a range needs both ends, e.g. 1024..65535", s));
    return {lo, hi};
  }

  /// The entries of @file, one per line (blank lines and # comments skipped), each with
  /// "FILE:LINE" for messages.
  std::vector<std::pair<std::string, std::string>> read_list(const Token& t) {
    std::string path = t.text.substr(1);
    if (path.empty()) fail(t, "expected a file name after '@'");
    std::ifstream in(path);
    if (!in) fail(t, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    // Lines are read whole: a device or FIFO (/dev/zero) would never end one.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) fail(t, fmt::format("{} is not a regular file", path));
    std::vector<std::pair<std::string, std::string>> out;
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      size_t b = line.find_first_not_of(" \t\r"), e = line.find_last_not_of(" \t\r");
      if (b == std::string::npos) continue;
      line = line.substr(b, e - b + 1);
      std::string where = fmt::format("{}:{}", path, n);
      if (line.find_first_of(" \t") != std::string::npos)
        fail(t, fmt::format("{}: one entry per line, got '{}'", where, line));
      out.emplace_back(std::move(line), std::move(where));
    }
    if (in.bad()) fail(t, fmt::format("cannot read {}: {}", path, std::strerror(errno)));
    return out;
  }

  // ---- literals, typed by the field they meet ----

  uint64_t uint_literal(const Operand& o, const Token& t, std::string_view w) {
    if (o.id) {
      if (auto c = named_constant(*o.id, w)) return check_max(o, t, *c);
    }
    Units units = o.pseudo == Pseudo::Duration ? Units::Duration : Units::SI;
    if (auto v = parse_number(w, units)) return check_max(o, t, *v);
    spacing(t);
    std::string hint = o.id ? std::string(constant_examples(*o.id)) : "";
    if (hint.empty())
      hint = units == Units::Duration ? "seconds, or 90s, 5m, 2h, 1d" : "a number such as 1500, 10K, 10M, 1.5G, 64Ki";
    if (!(o.id && !constant_examples(*o.id).empty()) && name_like(w) && !nearest_name(w, kPseudoNames).empty())
      fail(t, fmt::format("'{}' is neither a value of {} nor a field — did you mean '{}'?", w, o.name(),
                          nearest_name(w, kPseudoNames)));
    fail(t, fmt::format("'{}' is not a value of {} (expected {})", w, o.name(), hint));
  }

  uint64_t check_max(const Operand& o, const Token& t, uint64_t v) {
    if (o.id && o.kind == Operand::Field && v > field_info(*o.id).max)
      fail(t, fmt::format("{} is out of range for {} (at most {})", v, o.name(), field_info(*o.id).max));
    return v;
  }

  uint64_t time_literal(const Token& t, std::string_view w) {
    try {
      // 13-digit values are milliseconds, as in records (time_seconds).
      return time_key(time_seconds(parse_time(w, "time", settings_.now)));
    } catch (const UsageError&) {
      fail(t, fmt::format("'{}' is not a time (expected 1700000000, 2024-03-01T12:00:00Z, 2024-03-01 or now-1h)", w));
    }
  }

  Ip ip_literal(const Operand& o, const Token& t, std::string_view w) {
    if (auto ip = parse_ip(w)) return *ip;
    fail(t, fmt::format("'{}' is not an address for {} (expected e.g. 10.0.0.1 or 2001:db8::1)", w, o.name()));
  }

  void add_ip_item(IpSet& set, const Operand& o, const Token& t, std::string_view w) {
    auto [lo, hi] = split_range(t, w);
    if (!hi.empty()) {
      if (!set.add_range(ip_literal(o, t, lo), ip_literal(o, t, hi)))
        fail(t, fmt::format("'{}' is not an address range (both ends of one family, low to high)", w));
      return;
    }
    if (auto c = parse_cidr(w)) return set.add(*c);
    fail(t, fmt::format("'{}' is not an address or prefix for {} (expected e.g. 10.0.0.0/8 or 2001:db8::/32)", w,
                        o.name()));
  }

  /// A string literal as written; enumerated fields (action, log-status, ...) check and
  /// normalise it, whether quoted or not.
  std::string string_value(const Operand& o, const Token& t, std::string_view w) {
    if (o.id) {
      if (!field_values(*o.id).empty()) {
        if (auto c = canonical_value(*o.id, w)) return std::string(*c);
        fail(t, field_value_error(*o.id, w));
      }
    }
    return std::string(w);
  }
};

}  // namespace

void NumRanges::finish() {
  std::sort(r.begin(), r.end());
  size_t out = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    if (out > 0 && (r[out - 1].second == UINT64_MAX || r[i].first <= r[out - 1].second + 1))
      r[out - 1].second = std::max(r[out - 1].second, r[i].second);
    else r[out++] = r[i];
  }
  r.resize(out);
}

bool NumRanges::search(uint64_t v) const {
  auto it = std::upper_bound(r.begin(), r.end(), v, [](uint64_t x, const auto& iv) { return x < iv.first; });
  return it != r.begin() && v <= std::prev(it)->second;
}

bool glob_match(std::string_view p, std::string_view s) {
  // Iterative matcher with one backtrack point: linear for patterns with several stars.
  size_t pi = 0, si = 0, star = std::string_view::npos, mark = 0;
  while (si < s.size()) {
    if (pi < p.size() && (p[pi] == '?' || p[pi] == s[si])) {
      ++pi, ++si;
    } else if (pi < p.size() && p[pi] == '*') {
      star = pi++, mark = si;
    } else if (star != std::string_view::npos) {
      pi = star + 1, si = ++mark;
    } else {
      return false;
    }
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

StrIn::StrIn(int r, std::vector<std::string> e, std::vector<std::string> g, bool neg)
    : ref(r), exact(std::move(e)), globs(std::move(g)), negate(neg) {
  std::sort(exact.begin(), exact.end());
}

bool StrIn::eval(const Ctx& c) const {
  const Value* v = c.get(ref);
  if (!v) return false;
  auto s = v->str();
  bool in = std::binary_search(exact.begin(), exact.end(), s,
                               [](const auto& a, const auto& b) { return std::string_view(a) < std::string_view(b); });
  for (size_t k = 0; !in && k < globs.size(); ++k) in = glob_match(globs[k], s);
  return in != negate;
}

bool ArithLeaf::text_number(const Value& v, double& out) {
  auto d = parse_float(v.str());
  return d && (out = *d, true);
}

Compiled parse(std::string_view text, const FilterSettings& settings, bool value) {
  return Parser(text, settings).run(value);
}

}  // namespace flow::filter
