// AWS's ip-ranges.json: the service and region of an address, by longest-prefix match.
#include <fmt/format.h>
#include <simdjson.h>

#include <map>
#include <set>

#include "enrich/lookup.hpp"
#include "enrich/prefix_map.hpp"
#include "flow/error.hpp"

namespace flow::enrich {
namespace {

/// One prefix, with everything listed under it (AWS lists a prefix once per service).
struct Entry {
  std::set<std::string> services, regions, groups;
};

/// The names joined with '+', sorted. For services, AMAZON (the superset every prefix of AWS
/// is listed under) is dropped when a more telling service lists the prefix too.
std::string join(std::set<std::string> names, bool services) {
  if (services && names.size() > 1) names.erase("AMAZON");
  std::string s;
  for (const auto& n : names) {
    if (!s.empty()) s += '+';
    s += n;
  }
  return s;
}

class IpRanges : public Lookup {
 public:
  IpRanges(const std::string& file, std::string_view field) {
    auto pfx = column_prefix(field);
    for (const char* name : {"aws-service", "aws-region", "aws-border-group"})
      columns_.push_back(Column{pfx + name, Type::String, std::nullopt});

    simdjson::padded_string json(read_table_file(file));
    simdjson::dom::parser parser;
    simdjson::dom::object root;
    if (auto err = parser.parse(json).get(root))
      throw DataError(file, 0, "", fmt::format("invalid JSON: {}", simdjson::error_message(err)));
    std::map<std::pair<Ip, uint8_t>, Entry> entries;
    bool any_list = false;
    for (auto [list, key] : {std::pair{"prefixes", "ip_prefix"}, std::pair{"ipv6_prefixes", "ipv6_prefix"}}) {
      simdjson::dom::array items;
      auto err = root[list].get(items);
      if (err == simdjson::NO_SUCH_FIELD) continue;
      if (err) throw DataError(file, 0, list, "not an array");
      any_list = true;
      size_t i = 0;
      for (auto item : items) {
        std::string where = fmt::format("{}[{}]", list, i++);
        std::string_view text;
        if (item[key].get(text)) throw DataError(file, 0, where + "." + key, "missing or not a string");
        auto cidr = parse_cidr(text);
        bool want6 = std::string_view(key) == "ipv6_prefix";
        if (!cidr || cidr->base.v6 != want6)
          throw DataError(file, 0, where + "." + key,
                          fmt::format("'{}' is not an {} prefix", text, want6 ? "IPv6" : "IPv4"));
        // One entry per prefix, host bits cleared (so that 1.2.3.4/24 and 1.2.3.0/24 are one).
        Cidr c = *cidr;
        PrefixMap::mask(c);
        Entry& e = entries[{c.base, c.bits}];
        for (auto [json_key, set] : {std::pair{"service", &e.services}, std::pair{"region", &e.regions},
                                     std::pair{"network_border_group", &e.groups}}) {
          std::string_view v;
          auto verr = item[json_key].get(v);
          if (verr == simdjson::NO_SUCH_FIELD) continue;
          if (verr) throw DataError(file, 0, where + "." + json_key, "not a string");
          if (!v.empty()) set->emplace(v);
        }
      }
    }
    if (!any_list) throw DataError(file, 0, "", "not AWS ip-ranges.json: no 'prefixes' or 'ipv6_prefixes' array");
    if (entries.empty()) throw DataError(file, 0, "", "empty table: no prefixes");

    values_.resize(entries.size() * 3);
    uint32_t label = 0;
    for (auto& [prefix, e] : entries) {
      Value* row = values_.data() + size_t{label} * 3;
      const std::set<std::string>* sets[] = {&e.services, &e.regions, &e.groups};
      for (size_t c = 0; c < 3; ++c)
        if (!sets[c]->empty()) row[c].set_str(arena_.copy(join(*sets[c], c == 0)));
      map_.add(Cidr{prefix.first, prefix.second}, label++);
    }
    map_.build([](uint32_t, uint32_t) {});  // cannot happen: the entries are unique
  }

  bool by_address() const override { return true; }
  const Value* find_ip(const Ip& ip) override {
    uint32_t r = map_.find(ip);
    return r == PrefixMap::kNone ? nullptr : values_.data() + size_t{r} * 3;
  }

 private:
  Arena arena_;
  std::vector<Value> values_;
  PrefixMap map_;
};

}  // namespace

std::unique_ptr<Lookup> load_ip_ranges(const std::string& file, std::string_view field) {
  return std::make_unique<IpRanges>(file, field);
}

}  // namespace flow::enrich
