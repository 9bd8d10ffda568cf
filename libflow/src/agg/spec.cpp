// Parsing the keys (-k) and values (-a) of an aggregation, and naming its output columns.
#include <fmt/format.h>

#include <charconv>
#include <set>

#include "flow/agg.hpp"
#include "flow/error.hpp"
#include "flow/filter.hpp"
#include "flow/time.hpp"

namespace flow {

namespace {

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const auto& item : items) {
    // Commas separate items, except inside parentheses (none of ours take two arguments yet).
    size_t begin = 0;
    int depth = 0;
    for (size_t i = 0; i <= item.size(); ++i) {
      if (i < item.size() && item[i] == '(') ++depth;
      if (i < item.size() && item[i] == ')') --depth;
      if (i == item.size() || (item[i] == ',' && depth == 0)) {
        std::string s = item.substr(begin, i - begin);
        while (!s.empty() && s.front() == ' ') s.erase(s.begin());
        while (!s.empty() && s.back() == ' ') s.pop_back();
        if (!s.empty()) out.push_back(s);
        begin = i + 1;
      }
    }
  }
  return out;
}

/// A column of the input by name: a known field (its type), "duration" (end - start, computed),
/// or any other column, whose type is checked when the input arrives.
Column input_column(std::string_view name, std::string_view what, Type other) {
  if (auto id = find_field(name)) return Column{std::string(name), field_info(*id).type, id};
  if (name == "duration") return Column{"duration", Type::UInt, std::nullopt};
  if (!is_field_name_syntax(name)) {
    auto near = nearest_field(name);
    throw UsageError(fmt::format("{}: '{}' is not a field name{}", what, name,
                                 near.empty() ? "" : fmt::format(" — did you mean '{}'?", near)));
  }
  return Column{std::string(name), other, std::nullopt};
}

int parse_bits(std::string_view s, const std::string& what) {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 0 || v > 128)
    throw UsageError(fmt::format("-k {}: '{}' is not a prefix length (0-128)", what, s));
  return v;
}

KeySpec parse_key(const std::string& text) {
  KeySpec k;
  k.text = text;
  auto slash = text.find('/');
  std::string_view name = std::string_view(text).substr(0, slash);
  if (name == "addr" || name == "port") {
    // Either side: srcaddr and dstaddr (srcport and dstport), as flow-filter(7)'s addr and port.
    k.column = Column{std::string(name), name == "addr" ? Type::Ip : Type::UInt, std::nullopt};
    k.either = true;
  } else {
    k.column = input_column(name, "-k", Type::String);
  }
  if (k.column.name == "duration")
    throw UsageError("-k duration: group by a field (duration is a value: -a p99(duration))");
  if (slash == std::string::npos) return k;
  std::string_view rest = std::string_view(text).substr(slash + 1);
  if (k.column.type == Type::Ip) {
    // /N applies to both families (clamped to their width); /N/M gives IPv4 and IPv6 apart.
    auto second = rest.find('/');
    int a = parse_bits(rest.substr(0, second), text);
    int b = second == std::string_view::npos ? a : parse_bits(rest.substr(second + 1), text);
    k.v4_bits = std::min(a, 32);
    k.v6_bits = b;
    return k;
  }
  if (k.column.type == Type::Time) {
    k.bin = parse_duration(rest, "-k " + text);
    return k;
  }
  throw UsageError(
      fmt::format("-k {}: only address fields take a prefix (srcaddr/24) and time fields a bin (start/5m)", text));
}

struct Func {
  std::string_view name;
  AggKind kind;
};
constexpr Func kFuncs[] = {
    {"count", AggKind::Count},
    {"sum", AggKind::Sum},
    {"min", AggKind::Min},
    {"max", AggKind::Max},
    {"mean", AggKind::Mean},
    {"avg", AggKind::Mean},
    {"distinct", AggKind::Distinct},
    {"approx-distinct", AggKind::ApproxDistinct},
    {"approx_distinct", AggKind::ApproxDistinct},
    {"median", AggKind::Quantile},
    {"first", AggKind::First},
    {"last", AggKind::Last},
    {"variance", AggKind::Variance},
    {"stddev", AggKind::Stddev},
};

std::string_view kind_prefix(AggKind k) {
  switch (k) {
    case AggKind::Min: return "min";
    case AggKind::Max: return "max";
    case AggKind::Mean: return "mean";
    case AggKind::Distinct: return "distinct";
    case AggKind::ApproxDistinct: return "approx-distinct";
    case AggKind::First: return "first";
    case AggKind::Last: return "last";
    case AggKind::Variance: return "variance";
    case AggKind::Stddev: return "stddev";
    default: return "";
  }
}

/// "p50", "p99", "p99.9" -> 0.5, 0.99, 0.999; nullopt if not that shape.
std::optional<double> percentile_name(std::string_view f) {
  if (f.size() < 2 || f[0] != 'p') return std::nullopt;
  double v = 0;
  auto [p, ec] = std::from_chars(f.data() + 1, f.data() + f.size(), v);
  if (ec != std::errc() || p != f.data() + f.size() || v < 0 || v > 100) return std::nullopt;
  return v / 100;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// Where the word "where" starts in a function's argument ("bytes where EXPR", "where EXPR"), or npos.
size_t where_at(std::string_view arg) {
  for (size_t i = arg.find("where"); i != std::string_view::npos; i = arg.find("where", i + 1)) {
    bool before = i == 0 || arg[i - 1] == ' ' || arg[i - 1] == '\t';
    bool after = i + 5 == arg.size() || arg[i + 5] == ' ' || arg[i + 5] == '\t';
    if (before && after) return i;
  }
  return std::string_view::npos;
}

/// A value's condition: named, on one line (it goes into a --partial file's header), and an
/// expression that compiles (its mistakes shown now, not once the input is read).
void check_condition(const ValueSpec& v, const std::string& text, std::string_view alias) {
  if (v.where.empty()) throw UsageError(fmt::format("-a {}: give a condition after 'where'", text));
  if (alias.empty())
    throw UsageError(fmt::format("-a {}: a value with a condition needs a name: -a NAME={}", text, text));
  if (v.where.find_first_of("\n\r") != std::string::npos)
    throw UsageError(fmt::format("-a {}: write the condition on one line", alias));
  FilterSettings fs;
  fs.source = fmt::format("-a {}", alias);
  (void)Filter::compile(v.where, fs);
}

ValueSpec parse_value(const std::string& text) {
  ValueSpec v;
  v.text = text;
  std::string_view body = text, alias;
  // NAME= comes before the function (a condition inside it may hold '=').
  if (auto eq = body.find('='); eq != std::string_view::npos && eq < body.find('(')) {
    alias = body.substr(0, eq);
    body = body.substr(eq + 1);
    if (!is_field_name_syntax(alias))
      throw UsageError(fmt::format("-a {}: '{}' is not a column name (letters, digits, dashes)", text, alias));
  }
  std::string_view func = body, arg;
  if (auto open = body.find('('); open != std::string_view::npos) {
    if (body.back() != ')') throw UsageError(fmt::format("-a {}: missing ')'", text));
    func = body.substr(0, open);
    arg = body.substr(open + 1, body.size() - open - 2);
  } else if (body != "count" && body != "records" && body != "first" && body != "last") {
    // A bare field name is its sum: -a packets,bytes
    arg = body;
    func = "sum";
  }
  if (func == "records") func = "count";
  if (auto w = where_at(arg); w != std::string_view::npos) {
    v.where = trim(arg.substr(w + 5));
    arg = trim(arg.substr(0, w));
    check_condition(v, text, alias);
  }
  bool known = false;
  for (const auto& f : kFuncs)
    if (func == f.name) {
      v.kind = f.kind;
      known = true;
    }
  if (auto q = percentile_name(func)) {
    v.kind = AggKind::Quantile;
    v.q = *q;
    known = true;
  } else if (func == "median") {
    v.q = 0.5;
  }
  if (!known) {
    std::vector<std::string_view> names;
    for (const auto& f : kFuncs) names.push_back(f.name);
    auto near = nearest_of(func, names);
    throw UsageError(
        fmt::format("-a {}: unknown function '{}'{} (count, sum, min, max, mean, stddev, variance, "
                    "distinct, approx-distinct, p50, p90, p99, median, first, last)",
                    text, func, near.empty() ? "" : fmt::format(" — did you mean '{}'?", near)));
  }
  if (v.kind == AggKind::Count) {
    if (!arg.empty()) throw UsageError(fmt::format("-a {}: count takes no field", text));
    v.column = Column{"records", Type::UInt, std::nullopt};
  } else {
    if (arg.empty()) {
      if (v.kind == AggKind::First) arg = "start";
      else if (v.kind == AggKind::Last) arg = "end";
      else throw UsageError(fmt::format("-a {}: give a field, e.g. {}(bytes)", text, func));
    }
    bool any_type = v.kind == AggKind::Distinct || v.kind == AggKind::ApproxDistinct;
    v.field = input_column(arg, "-a " + text, any_type ? Type::String : Type::UInt);
    Type t = v.field.type;
    if (!any_type && t != Type::UInt &&
        !(t == Type::Time && v.kind != AggKind::Sum && v.kind != AggKind::Mean && v.kind != AggKind::Quantile &&
          v.kind != AggKind::Variance && v.kind != AggKind::Stddev))
      throw UsageError(fmt::format("-a {}: {} is a {} field; {} needs a number{}", text, arg, type_name(t), func,
                                   v.kind == AggKind::Sum ? " (count distinct values with distinct(...))" : ""));
    if ((v.kind == AggKind::First || v.kind == AggKind::Last) && t != Type::Time)
      throw UsageError(fmt::format("-a {}: first and last take a time field (start, end)", text));
    std::string name;
    if (v.kind == AggKind::Sum) name = v.field.name;
    else if (v.kind == AggKind::Quantile)
      name = fmt::format("{}-{}", func == "median" ? "p50" : std::string(func), v.field.name);
    else if (v.kind == AggKind::First && arg == "start") name = "first";
    else if (v.kind == AggKind::Last && arg == "end") name = "last";
    else name = fmt::format("{}-{}", kind_prefix(v.kind), v.field.name);
    bool keeps_type =
        v.kind == AggKind::Min || v.kind == AggKind::Max || v.kind == AggKind::First || v.kind == AggKind::Last;
    // TODO(float): stddev and variance become Type::Float, unrounded, once values have that type.
    v.column = Column{name, keeps_type ? t : Type::UInt, std::nullopt};
  }
  if (!alias.empty()) v.column.name = std::string(alias);
  // An output column that is a known field carries its id, so that tools treat it as that field;
  // one of another type would be read back (and written) as that field's type: wrong values.
  if (auto id = find_field(v.column.name)) {
    if (field_info(*id).type != v.column.type)
      throw UsageError(
          fmt::format("-a {}: '{}' is a flow-log field of type {} and this value is a {}: give it "
                      "another name",
                      text, v.column.name, type_name(field_info(*id).type), type_name(v.column.type)));
    v.column.id = id;
  }
  return v;
}

}  // namespace

AggSpec AggSpec::parse(const std::vector<std::string>& keys, const std::vector<std::string>& values, bool bidir) {
  AggSpec s;
  s.bidir = bidir;
  for (const auto& k : split_list(keys)) {
    s.keys.push_back(parse_key(k));
    if (bidir && s.keys.back().either)
      throw UsageError(fmt::format("-k {}: either-side keys and --bidir contradict each other", k));
  }
  auto vals = split_list(values);
  if (vals.empty()) vals = {"count", "sum(packets)", "sum(bytes)"};
  for (const auto& v : vals) s.values.push_back(parse_value(v));
  std::set<std::string> names;
  for (const auto& k : s.keys)
    if (!names.insert(k.column.name).second)
      throw UsageError(fmt::format("-k {}: the key '{}' is given twice", k.text, k.column.name));
  for (const auto& c : s.values)
    if (!names.insert(c.column.name).second)
      throw UsageError(
          fmt::format("two output columns are named '{}': name one, e.g. -a total={}", c.column.name, c.text));
  return s;
}

std::string AggSpec::canonical() const {
  std::string out = bidir ? "bidir" : "";
  if (spread) out += " spread";
  for (const auto& k : keys)
    out += fmt::format(" key {}:{}/{}/{}/{}{}", k.column.name, type_name(k.column.type), k.v4_bits, k.v6_bits, k.bin,
                       k.either ? "/either" : "");
  for (const auto& v : values)
    out += fmt::format(" value {}:{}:{}:{}:{}:{}", v.column.name, static_cast<int>(v.kind), v.field.name, v.q,
                       type_name(v.column.type), v.where);
  return out;
}

std::string AggSpec::describe() const {
  std::string k, v;
  for (const auto& x : keys) k += (k.empty() ? "" : ",") + x.text;
  for (const auto& x : values) v += (v.empty() ? "" : ",") + x.text;
  return fmt::format("{}-a {}{}{}", k.empty() ? "" : "-k " + k + " ", v, bidir ? " --bidir" : "",
                     spread ? " --spread" : "");
}

SchemaPtr AggSpec::output_schema() const {
  std::vector<Column> cols;
  for (const auto& k : keys) cols.push_back(k.column);
  for (const auto& v : values) cols.push_back(v.column);
  return std::make_shared<const Schema>(std::move(cols));
}

int AggSpec::value_index(std::string_view name) const {
  for (size_t i = 0; i < values.size(); ++i)
    if (values[i].column.name == name) return static_cast<int>(i);
  return -1;
}

}  // namespace flow
