// Derive: --set NAME=EXPR columns, computed from each record.
#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/filter.hpp"

namespace flow {

Derive::Derive(const std::vector<std::string>& items, FilterSettings settings) {
  for (const auto& item : items) {
    const auto eq = item.find('=');
    const std::string name = item.substr(0, eq == std::string::npos ? 0 : eq);
    if (eq == std::string::npos || !is_field_name_syntax(name))
      throw UsageError(fmt::format("--set {}: expected NAME=EXPR, e.g. --set 'bpp=bytes / packets'", item));
    if (auto id = find_field(name))
      throw UsageError(fmt::format("--set {}: {} is a field of type {}; give the computed column another name", item,
                                   name, type_name(field_info(*id).type)));
    for (const auto& [n, f] : exprs_)
      if (n == name) throw UsageError(fmt::format("--set {}: the column '{}' is set twice", item, name));
    settings.source = "--set " + name;
    exprs_.emplace_back(name, Filter::compile_value(std::string_view(item).substr(eq + 1), settings));
    // The next expressions may name this column bare.
    std::erase_if(settings.columns, [&](const Column& c) { return c.name == name; });
    settings.columns.push_back(Column{name, Type::Float, std::nullopt});
  }
}

std::vector<Column> Derive::columns() const {
  std::vector<Column> cols;
  for (const auto& e : exprs_) cols.push_back(Column{e.first, Type::Float, std::nullopt});
  return cols;
}

const Record& Derive::derive(const Record& in) {
  if (!same_schema(in_schema_, in.schema)) {
    std::vector<Column> cols = in.schema->columns();
    keep_.clear();
    for (size_t i = 0; i < cols.size(); ++i) keep_.push_back(static_cast<int>(i));
    slot_.clear();
    for (const auto& e : exprs_) {
      const int at = in.schema->slot(e.first);
      if (at >= 0) {
        // A column of that name is replaced; its value is kept only when it is already a number
        // of this type (an earlier stage's --set), for the expression to read.
        if (cols[static_cast<size_t>(at)].type != Type::Float) keep_[static_cast<size_t>(at)] = -1;
        cols[static_cast<size_t>(at)] = Column{e.first, Type::Float, std::nullopt};
        slot_.push_back(static_cast<size_t>(at));
      } else {
        slot_.push_back(cols.size());
        cols.push_back(Column{e.first, Type::Float, std::nullopt});
        keep_.push_back(-1);
      }
    }
    in_schema_ = in.schema;
    out_schema_ = std::make_shared<const Schema>(std::move(cols));
    out_.reset(out_schema_);
  }
  for (size_t i = 0; i < keep_.size(); ++i)
    out_.values[i] = keep_[i] < 0 ? Value{} : in.values[static_cast<size_t>(keep_[i])];
  out_.line = in.line;
  for (size_t k = 0; k < exprs_.size(); ++k) {
    auto v = exprs_[k].second.value(out_);
    if (v) out_.values[slot_[k]].set_float(*v);
    else out_.values[slot_[k]].set_null();
  }
  return out_;
}

}  // namespace flow
