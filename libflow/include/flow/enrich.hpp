// Enrichment: lookups in tables the user supplies that add columns to flow records (flowjoin).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "flow/record.hpp"

namespace flow {

/// One lookup of a record field in a table, as the command line names it ("FIELD=FILE").
struct LookupSpec {
  enum Kind {
    Key,       ///< exact match of the field's text against the table's key column (CSV or JSON Lines)
    Cidr,      ///< longest-prefix match of an address field against a table of prefixes
    IpRanges,  ///< longest-prefix match against AWS's ip-ranges.json: service and region
    Mmdb,      ///< a MaxMind DB (GeoIP2/GeoLite2 country, city, ASN) through libmaxminddb
  } kind = Key;
  std::string field;  ///< the record field looked up ("interface-id", "srcaddr", ...)
  std::string file;
};

/// "FIELD=FILE" for a lookup of `kind` (the text of --table, --cidr, --ip-ranges, --mmdb).
/// Throws UsageError naming `option` when it is not of that form or FIELD is not a field name.
LookupSpec parse_lookup_spec(LookupSpec::Kind kind, const std::string& text, const std::string& option);

/// How many of a record's lookups found something.
struct LookupResult {
  unsigned lookups = 0, matched = 0;
};

/// All the lookups of one run, loaded once. Columns are added in the order of the specs:
/// - Key tables add their columns as the table names them; a column the input already has keeps
///   the input's value where it is set and takes the table's where it is null ("fills in").
/// - Address lookups name their columns after the field without "addr": srcaddr gives
///   "src.COLUMN", pkt-dstaddr "pkt-dst.COLUMN".
/// A lookup that finds nothing (or a null field) leaves its columns null.
class Enricher {
 public:
  /// Loads every table; throws DataError naming file, line and column for a bad table.
  explicit Enricher(const std::vector<LookupSpec>& specs);
  ~Enricher();
  Enricher(const Enricher&) = delete;
  Enricher& operator=(const Enricher&) = delete;

  bool empty() const;
  /// Writes into `out` the record `in` with the added columns (out's schema is cached per input
  /// schema; strings point into the tables or into `in`, valid while both are).
  LookupResult apply(const Record& in, Record& out);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace flow
