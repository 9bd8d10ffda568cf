// Key tables: exact match of a field's text against a column of a CSV or JSON Lines table.
#include <fmt/format.h>

#include <unordered_map>

#include "enrich/columns.hpp"
#include "enrich/lookup.hpp"
#include "enrich/text_table.hpp"
#include "flow/error.hpp"
#include "flow/field.hpp"
#include "flow/io.hpp"

namespace flow::enrich {

std::string read_table_file(const std::string& path) {
  auto in = open_input(path);
  std::string all;
  while (in->fill()) {
    all += in->view();
    in->consume(in->size());
  }
  all += in->view();
  return all;
}

std::string column_prefix(std::string_view field) {
  if (field.size() > 4 && field.ends_with("addr")) field.remove_suffix(4);
  std::string p(field);
  p += '.';
  return p;
}

namespace {

class KeyTable : public Lookup {
 public:
  KeyTable(const std::string& file, std::string_view field) : table_(parse_text_table(read_table_file(file), file)) {
    // The column named like the field, else the first.
    int key = std::max(table_.find(field), 0);
    const std::string& key_name = table_.names[static_cast<size_t>(key)];
    type_columns(table_, key, "", columns_, values_);
    width_ = columns_.size();
    if (values_.empty()) values_.resize(1);  // a match must be told from none even without columns
    // Keys of a typed field are matched in the form a record's value is written in
    // (2001:DB8::1 as 2001:db8::1, 080 as 80).
    auto id = find_field(field);
    Type type = id ? field_info(*id).type : Type::String;
    index_.reserve(table_.rows());
    std::vector<uint64_t> line_of;
    char buf[64];
    for (size_t r = 0; r < table_.rows(); ++r) {
      auto k = table_.at(r, static_cast<size_t>(key));
      if (TextTable::is_null(k)) throw DataError(file, table_.lines[r], key_name, "empty key");
      if (type != Type::String) {
        auto v = parse_as(k, type, id);
        if (!v)
          throw DataError(file, table_.lines[r], key_name,
                          fmt::format("'{}' is not a valid {} value", k, type_name(type)));
        k = table_.arena.copy(key_text(*v, type, buf));
      }
      auto [it, fresh] = index_.emplace(k, static_cast<uint32_t>(r));
      if (!fresh)
        throw DataError(file, table_.lines[r], key_name,
                        fmt::format("key '{}' already on line {}", k, table_.lines[it->second]));
    }
    table_.cells.clear();
    table_.cells.shrink_to_fit();
  }

  bool by_address() const override { return false; }
  const Value* find_text(std::string_view k) override {
    auto it = index_.find(k);
    return it == index_.end() ? nullptr : values_.data() + it->second * width_;
  }

 private:
  TextTable table_;  // its arena holds every key and string value
  std::vector<Value> values_;
  size_t width_ = 0;
  std::unordered_map<std::string_view, uint32_t> index_;  // string_view keys: no allocation per lookup
};

}  // namespace

std::unique_ptr<Lookup> load_key_table(const std::string& file, std::string_view field) {
  return std::make_unique<KeyTable>(file, field);
}

}  // namespace flow::enrich
