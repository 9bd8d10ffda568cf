// Enricher: the lookups of one run, and the output schema built once per input schema.
#include "flow/enrich.hpp"

#include <fmt/format.h>

#include "enrich/lookup.hpp"
#include "flow/error.hpp"
#include "flow/field.hpp"

namespace flow {

LookupSpec parse_lookup_spec(LookupSpec::Kind kind, const std::string& text, const std::string& option) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
    throw UsageError(fmt::format("{}: expected FIELD=FILE, got '{}'", option, text));
  LookupSpec spec;
  spec.kind = kind;
  spec.field = text.substr(0, eq);
  spec.file = text.substr(eq + 1);
  if (!is_field_name_syntax(spec.field)) {
    std::string m = fmt::format("{}: '{}' is not a field name", option, spec.field);
    if (auto near = nearest_field(spec.field); !near.empty()) m += fmt::format(" — did you mean '{}'?", near);
    throw UsageError(m);
  }
  auto id = find_field(spec.field);
  if (kind != LookupSpec::Key && id && field_info(*id).type != Type::Ip)
    throw UsageError(fmt::format("{}: '{}' is not an address field", option, spec.field));
  return spec;
}

struct Enricher::Impl {
  std::vector<std::unique_ptr<enrich::Lookup>> lookups;
  std::vector<Column> added;  // every column the lookups add, names once, in spec order

  // What apply() does for one input schema.
  struct Plan {
    int key = -1;  // slot of the looked-up field in the output, -1 when absent
    Type key_type = Type::String;
    std::vector<size_t> slots;  // output slot of each of the lookup's columns
    std::vector<bool> convert;  // the slot's column has another type than the lookup's
  };
  SchemaPtr in_schema, out_schema;
  std::vector<Plan> plans;

  void plan(const SchemaPtr& in) {
    std::vector<Column> cols = in->columns();
    auto slot_of = [&cols](const std::string& name) -> int {
      for (size_t i = 0; i < cols.size(); ++i)
        if (cols[i].name == name) return static_cast<int>(i);
      return -1;
    };
    plans.assign(lookups.size(), Plan{});
    for (const auto& c : added)
      if (slot_of(c.name) < 0) cols.push_back(c);
    for (size_t l = 0; l < lookups.size(); ++l) {
      Plan& p = plans[l];
      for (const auto& c : lookups[l]->columns()) {
        auto s = static_cast<size_t>(slot_of(c.name));
        p.slots.push_back(s);
        p.convert.push_back(cols[s].type != c.type);
      }
    }
    out_schema = std::make_shared<const Schema>(std::move(cols));
    in_schema = in;
    for (size_t l = 0; l < lookups.size(); ++l) {
      int k = out_schema->slot(field_names[l]);
      plans[l].key = k;
      if (k >= 0) plans[l].key_type = out_schema->column(static_cast<size_t>(k)).type;
    }
  }
  std::vector<std::string> field_names;
};

Enricher::Enricher(const std::vector<LookupSpec>& specs) : impl_(std::make_unique<Impl>()) {
  for (const auto& s : specs) {
    std::unique_ptr<enrich::Lookup> l;
    switch (s.kind) {
      case LookupSpec::Key: l = enrich::load_key_table(s.file, s.field); break;
      case LookupSpec::Cidr: l = enrich::load_cidr_table(s.file, s.field); break;
      case LookupSpec::IpRanges: l = enrich::load_ip_ranges(s.file, s.field); break;
      case LookupSpec::Mmdb: l = enrich::open_mmdb(s.file, s.field); break;
    }
    for (const auto& c : l->columns()) {
      bool seen = false;
      for (const auto& a : impl_->added) seen |= a.name == c.name;
      if (!seen) impl_->added.push_back(c);
    }
    impl_->field_names.push_back(s.field);
    impl_->lookups.push_back(std::move(l));
  }
}

Enricher::~Enricher() = default;

bool Enricher::empty() const { return impl_->lookups.empty(); }

const std::vector<Column>& Enricher::added_columns() const { return impl_->added; }

LookupResult Enricher::apply(const Record& in, Record& out) {
  Impl& m = *impl_;
  if (!same_schema(in.schema, m.in_schema)) m.plan(in.schema);
  if (out.schema != m.out_schema) out.schema = m.out_schema;
  size_t n = in.values.size();
  out.values.resize(m.out_schema->size());
  std::copy(in.values.begin(), in.values.end(), out.values.begin());
  for (size_t i = n; i < out.values.size(); ++i) out.values[i].set_null();
  out.line = in.line;
  out.arena.clear();

  LookupResult res;
  char buf[64];
  for (size_t l = 0; l < m.lookups.size(); ++l) {
    const auto& p = m.plans[l];
    if (p.key < 0) continue;
    // The key is read from the output, so a lookup can use a column an earlier one added.
    const Value& key = out.values[static_cast<size_t>(p.key)];
    if (key.null()) continue;
    auto& lookup = *m.lookups[l];
    const Value* found = nullptr;
    if (!lookup.by_address()) {
      ++res.lookups;
      found = lookup.find_text(enrich::key_text(key, p.key_type, buf));
    } else if (p.key_type == Type::Ip) {
      ++res.lookups;
      found = lookup.find_ip(key.addr());
    } else if (p.key_type == Type::String) {  // an address in a field we do not know
      ++res.lookups;
      if (auto ip = parse_ip(key.str())) found = lookup.find_ip(*ip);
    }
    if (!found) continue;
    ++res.matched;
    const auto& cols = lookup.columns();
    for (size_t c = 0; c < cols.size(); ++c) {
      Value& dst = out.values[p.slots[c]];
      if (!dst.null() || found[c].null()) continue;  // fills in: a value already there stays
      if (!p.convert[c]) {
        dst = found[c];
        continue;
      }
      // The column exists with another type: the table's value as text, read as that type.
      Type to = out.schema->column(p.slots[c]).type;
      auto text = out.arena.copy(enrich::key_text(found[c], cols[c].type, buf));
      if (auto v = enrich::parse_as(text, to, out.schema->column(p.slots[c]).id)) dst = *v;
    }
  }
  return res;
}

}  // namespace flow
