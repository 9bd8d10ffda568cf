// The private face of one loaded lookup (a key table, a prefix table, a MaxMind DB), and the
// helpers the kinds share.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "flow/record.hpp"

namespace flow::enrich {

/// One table, loaded. find() returns the values of the added columns for a key (columns().size()
/// of them), or nullptr when nothing matches. The values stay valid until the next find().
class Lookup {
 public:
  virtual ~Lookup() = default;
  const std::vector<Column>& columns() const { return columns_; }
  /// True for the address kinds (CIDR, ip-ranges.json, MaxMind): find_ip() is their lookup.
  virtual bool by_address() const = 0;
  virtual const Value* find_text(std::string_view) { return nullptr; }
  virtual const Value* find_ip(const Ip&) { return nullptr; }

 protected:
  std::vector<Column> columns_;
};

/// The kinds of LookupSpec, loaded from `file`; `field` is the record field looked up. Each
/// throws DataError naming the file (and line and column where there are some).
std::unique_ptr<Lookup> load_key_table(const std::string& file, std::string_view field);
std::unique_ptr<Lookup> load_cidr_table(const std::string& file, std::string_view field);
std::unique_ptr<Lookup> load_ip_ranges(const std::string& file, std::string_view field);
std::unique_ptr<Lookup> open_mmdb(const std::string& file, std::string_view field);

/// The whole (decompressed) content of a table file.
std::string read_table_file(const std::string& path);

/// "src" for srcaddr, "pkt-dst" for pkt-dstaddr: the prefix of an address lookup's columns.
std::string column_prefix(std::string_view field);

/// A cell parsed as a value of type `t` (for a known field, within its bounds). Strings are
/// returned as views of `text`. nullopt when it does not parse.
std::optional<Value> parse_as(std::string_view text, Type t, std::optional<FieldId> id);

/// A value as the text a key table is matched against: strings as they are, numbers in decimal,
/// addresses in canonical form (written into `buf`, 64 bytes).
std::string_view key_text(const Value& v, Type t, char* buf);

}  // namespace flow::enrich
