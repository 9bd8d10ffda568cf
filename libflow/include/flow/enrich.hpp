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
/// - Key tables (CSV with a header line, or JSON Lines objects) add their columns as the table
///   names them. The key column is the one named like the field, else the first. A column named
///   like a known field has that field's type; another is UInt when every value is a whole
///   number (without a leading zero), Ip when every value is an address, String otherwise.
///   Empty cells, "-" and JSON null are null.
/// - Address lookups name their columns after the field without "addr": srcaddr gives
///   "src.COLUMN", pkt-dstaddr "pkt-dst.COLUMN". CIDR tables add their columns but the prefix
///   column (named cidr, prefix, network or subnet, else the first); ip-ranges.json adds
///   PFX.aws-service, PFX.aws-region and PFX.aws-border-group; a MaxMind DB PFX.asn and
///   PFX.as-org (ASN databases), PFX.country (ISO code; Country and City) and PFX.city (City).
/// - A column the record already has (from the input or an earlier lookup) keeps its value
///   where it is set and takes the table's where it is null ("fills in"); of another type, the
///   table's value is converted through its text (left null when that does not parse).
/// - A lookup reads its field from the record as enriched so far: a table keyed on a column an
///   earlier lookup added sees that column.
/// A lookup that finds nothing (or a null or absent field) leaves its columns null.
class Enricher {
 public:
  /// Loads every table; throws DataError naming file, line and column for a bad table.
  explicit Enricher(const std::vector<LookupSpec>& specs);
  ~Enricher();
  Enricher(const Enricher&) = delete;
  Enricher& operator=(const Enricher&) = delete;

  bool empty() const;
  /// The columns the lookups add (each name once, in spec order), as apply() appends those the
  /// input does not have.
  const std::vector<Column>& added_columns() const;
  /// Writes into `out` the record `in` with the added columns (out's schema is cached per input
  /// schema; strings point into the tables or into `in`, valid while both are).
  LookupResult apply(const Record& in, Record& out);

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace flow
