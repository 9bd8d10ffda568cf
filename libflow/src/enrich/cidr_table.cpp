// CIDR tables: longest-prefix match of an address against a CSV or JSON Lines table of prefixes.
#include <fmt/format.h>

#include "enrich/columns.hpp"
#include "enrich/lookup.hpp"
#include "enrich/prefix_map.hpp"
#include "enrich/text_table.hpp"
#include "flow/error.hpp"

namespace flow::enrich {
namespace {

class CidrTable : public Lookup {
 public:
  CidrTable(const std::string& file, std::string_view field) : table_(parse_text_table(read_table_file(file), file)) {
    int col = -1;
    for (auto name : {"cidr", "prefix", "network", "subnet"})
      if (col < 0) col = table_.find(name);
    col = std::max(col, 0);
    const std::string& col_name = table_.names[static_cast<size_t>(col)];
    type_columns(table_, col, column_prefix(field), columns_, values_);
    width_ = columns_.size();
    if (values_.empty()) values_.resize(1);  // a match must be told from none even without columns
    for (size_t r = 0; r < table_.rows(); ++r) {
      auto text = table_.at(r, static_cast<size_t>(col));
      auto cidr = parse_cidr(text);  // a bare address is a /32 or /128
      if (!cidr)
        throw DataError(file, table_.lines[r], col_name, fmt::format("'{}' is not an IPv4 or IPv6 prefix", text));
      map_.add(*cidr, static_cast<uint32_t>(r));
    }
    map_.build([&](uint32_t a, uint32_t b) {
      throw DataError(
          file, table_.lines[b], col_name,
          fmt::format("prefix '{}' already on line {}", table_.at(b, static_cast<size_t>(col)), table_.lines[a]));
    });
    table_.cells.clear();
    table_.cells.shrink_to_fit();
  }

  bool by_address() const override { return true; }
  const Value* find_ip(const Ip& ip) override {
    uint32_t r = map_.find(ip);
    return r == PrefixMap::kNone ? nullptr : values_.data() + size_t{r} * width_;
  }

 private:
  TextTable table_;
  std::vector<Value> values_;
  size_t width_ = 0;
  PrefixMap map_;
};

}  // namespace

std::unique_ptr<Lookup> load_cidr_table(const std::string& file, std::string_view field) {
  return std::make_unique<CidrTable>(file, field);
}

}  // namespace flow::enrich
