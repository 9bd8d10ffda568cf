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
}

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

  Filter(Filter&&) noexcept;
  Filter& operator=(Filter&&) noexcept;
  ~Filter();

  bool match(const Record& r) {
    if (r.schema != bound_) bind(r.schema);
    return eval(r);
  }
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
  void bind(const SchemaPtr& s);
  void retype(const Schema& s);
  bool eval(const Record& r) const;

  std::unique_ptr<filter::Node> root_;
  std::string text_;         // the expression and its settings, to compile it again for an
  FilterSettings settings_;  // input whose ${name} columns are typed (numbers, addresses)
  std::vector<Key> keys_;
  std::vector<int> slots_;
  SchemaPtr bound_;
};

}  // namespace flow
