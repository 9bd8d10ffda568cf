// The filter expression language: compiled once, evaluated per record. See flow-filter(7).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/record.hpp"

namespace flow {

struct ColumnBatch;
class Batch;
namespace filter {
struct Node;
struct Arith;
}  // namespace filter

struct FilterSettings {
  /// Names the expression in messages: "expression" for the command line, or a file name.
  std::string source = "expression";
  /// "now" for relative times (now-1h); Unix seconds.
  int64_t now = 0;
  /// Columns beyond the field table that the expression may name bare, with their types
  /// (flowagg's --having: records, distinct-dstport, p99-bytes).
  std::vector<Column> columns;
  /// Only `columns` may be named (flowagg's --having: a field that is not an output column is
  /// a mistake, not a null).
  bool columns_only = false;
};

/// A compiled expression. match() is not thread-safe (it caches the slots of the last schema,
/// and matching columns uses scratch rows in the nodes).
class Filter {
 public:
  /// Compiles `text`. A mistake throws UsageError whose message shows the expression with a
  /// caret under the place ("SOURCE:LINE:COLUMN: unknown field 'dst_port' — did you mean ...").
  static Filter compile(std::string_view text, const FilterSettings& settings);
  /// Compiles `text` as a value rather than a condition: a number, computed in double, from
  /// fields, computed values, ${columns}, literals, + - * / %, parentheses and functions
  /// (`bytes / packets`, `round(bytes / 1M)`); see flow-filter(7). Only value() applies to it.
  static Filter compile_value(std::string_view text, const FilterSettings& settings);

  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  bool match(const Record& r) {
    if (r.schema != bound_) bind(r.schema);
    return eval(r);
  }
  /// The value of a compile_value() expression for r: nullopt where it is null (a field it
  /// needs is absent or null, a division by zero, log of 0, a result that is not finite).
  std::optional<double> value(const Record& r);
  /// match() of each row of `c`, into keep[0 .. c.rows) (1 or 0).
  void match(const ColumnBatch& c, uint8_t* keep);
  /// match() of each row of `b` (a column at a time where it is columnar), into keep[0 .. b.size()).
  void match(const Batch& b, uint8_t* keep);
  /// The names of the fields the expression reads (for readers that can skip the others).
  std::vector<std::string> fields() const;

  /// A reference to a field: known fields by id, other columns (${name}) by name.
  struct Key {
    std::optional<FieldId> id;
    std::string name;
    Type type = Type::String;  ///< for a column that is not a known field
  };

 private:
  Filter();
  static Filter build(std::string_view text, const FilterSettings& settings, bool value);
  void bind(const SchemaPtr& s);
  void retype(const Schema& s);
  bool eval(const Record& r) const;

  std::unique_ptr<filter::Node> root_;
  std::unique_ptr<filter::Arith> value_;  // compile_value(): the value instead of root_
  std::string text_;                      // the expression and its settings, to compile it again for an
  FilterSettings settings_;               // input whose ${name} columns are typed (numbers, addresses)
  std::vector<Key> keys_;
  std::vector<int> slots_;
  SchemaPtr bound_;
};

/// Columns computed from each record (--set NAME=EXPR): each a Float column, appended, or in
/// place of a column of that name. The expressions run in order on the record as it is being
/// built, so a later one can use an earlier one's column (by its bare name).
class Derive {
 public:
  /// "NAME=EXPR" items. Throws UsageError for a name that is not a column name or is a known
  /// field (its type is fixed), or an expression that does not compile.
  Derive(const std::vector<std::string>& items, FilterSettings settings);
  bool active() const { return !exprs_.empty(); }
  /// The record with the columns set (valid until the next call), or `in` when inactive.
  const Record& apply(const Record& in) { return active() ? derive(in) : in; }
  /// The new columns (each NAME, type Float), in order.
  std::vector<Column> columns() const;

 private:
  const Record& derive(const Record& in);

  std::vector<std::pair<std::string, Filter>> exprs_;
  SchemaPtr in_schema_, out_schema_;
  std::vector<size_t> slot_;  // per expression: its column in out_schema_
  std::vector<int> keep_;     // per column of out_schema_: the input's column copied, or -1
  Record out_;
};

}  // namespace flow
