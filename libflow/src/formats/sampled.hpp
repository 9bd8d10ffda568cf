// Columns the field table does not know (a flowagg value, an enriched column) carry no type in
// text (AWS text, CSV): it is taken from a sample of their values before the first record is
// handed out, and a later value that does not fit makes the column a String (a new schema).
#pragma once

#include <string_view>
#include <vector>

#include "flow/record.hpp"

namespace flow {

/// Reads `text` (not null) as a column typed from a sample: UInt takes digits without a leading
/// zero, Ip an address as it prints, Float a number as it prints (0.25, -3, 1e+20); anything
/// that would print back otherwise does not fit
/// ("007", "::FFFF:1.2.3.4"). False when it does not fit; String always fits.
bool parse_sampled(Type t, std::string_view text, Value& v);

/// Gathers sample values of a schema's untyped columns (unknown to the field table, String).
class ColumnSampler {
 public:
  explicit ColumnSampler(const SchemaPtr& schema);
  /// Whether any column is untyped (else add() need not be called).
  bool wanted() const { return !slots_.empty(); }
  /// A value of column `slot` in the sample (not null).
  void add(size_t slot, std::string_view text);
  /// The schema with each untyped column typed by its sample: UInt when every value is one,
  /// else Ip when every one is, else Float when every one is a number, else String (also when
  /// the sample has none).
  SchemaPtr typed() const;

 private:
  struct Seen {
    bool any = false, uint = true, ip = true, num = true;
  };
  SchemaPtr schema_;
  std::vector<int> slots_;  // per column: its index in seen_, or -1 when typed already
  std::vector<Seen> seen_;
};

/// `s` with column `slot` widened, a value did not fit the type its sample gave it: a UInt
/// becomes a Float, anything else a String.
SchemaPtr widen_column(const Schema& s, size_t slot);

}  // namespace flow
