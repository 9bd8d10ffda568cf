// Filter: compiles with caret diagnostics, binds field references to each schema it meets.
#include "flow/filter.hpp"
#include "flow/stream.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "filter/arith.hpp"
#include "filter/parser.hpp"
#include "flow/error.hpp"
#include "flow/format.hpp"

namespace flow {
namespace {

/// "SOURCE:LINE:COL: message" and the line with a caret under the place.
std::string render(std::string_view text, const filter::ExprError& e, const std::string& source) {
  size_t pos = std::min(e.pos, text.size());
  size_t line_start = 0;
  if (pos > 0) {
    size_t nl = text.rfind('\n', pos - 1);
    if (nl != std::string_view::npos) line_start = nl + 1;
  }
  size_t line_end = text.find('\n', pos);
  if (line_end == std::string_view::npos) line_end = text.size();
  size_t line_no =
      1 + static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(line_start), '\n'));
  std::string line(text.substr(line_start, line_end - line_start));
  // Columns count characters, not bytes (UTF-8 continuation bytes take no column); tabs become
  // spaces so that the caret lines up.
  size_t col = 0;
  for (size_t k = line_start; k < pos; ++k)
    if ((static_cast<unsigned char>(text[k]) & 0xC0) != 0x80) ++col;
  for (char& c : line)
    if (c == '\t' || c == '\r') c = ' ';
  size_t width = std::max<size_t>(1, std::min(e.len, line_end > pos ? line_end - pos : 1));
  return fmt::format("{}:{}:{}: {}\n  {}\n  {}^{}", source, line_no, col + 1, e.message, line, std::string(col, ' '),
                     std::string(width - 1, '~'));
}

}  // namespace

Filter::Filter() = default;
Filter::Filter(Filter&&) noexcept = default;
Filter& Filter::operator=(Filter&&) noexcept = default;
Filter::~Filter() = default;

Filter Filter::compile(std::string_view text, const FilterSettings& settings) { return build(text, settings, false); }

Filter Filter::compile_value(std::string_view text, const FilterSettings& settings) {
  return build(text, settings, true);
}

Filter Filter::build(std::string_view text, const FilterSettings& settings, bool value) {
  Filter f;
  try {
    auto c = filter::parse(text, settings, value);
    f.root_ = std::move(c.root);
    f.value_ = std::move(c.value);
    f.keys_ = std::move(c.keys);
  } catch (const filter::ExprError& e) {
    throw UsageError(render(text, e, settings.source));
  }
  f.slots_.assign(f.keys_.size(), -1);
  f.text_ = text;
  f.settings_ = settings;
  return f;
}

std::optional<double> Filter::value(const Record& r) {
  if (r.schema != bound_) bind(r.schema);
  double v;
  if (!value_->get(filter::Ctx{r.values.data(), nullptr, 0, slots_.data()}, v)) return std::nullopt;
  return v;
}

void Filter::retype(const Schema& s) {
  // ${name} is text until an input says otherwise: a binary or JSON input, or flowjoin's and
  // flowagg's output, may have it as a number or an address. The expression is compiled again
  // with those columns declared, so `${fwd-bytes} > 1M` compares numbers and `${private-ip} in
  // 10.0.0.0/8` addresses.
  FilterSettings typed = settings_;
  bool changed = false;
  for (const Key& key : keys_) {
    const int slot = key.id ? -1 : s.slot(key.name);
    if (slot < 0) continue;
    const Column& c = s.column(static_cast<size_t>(slot));
    if (c.type == key.type) continue;
    auto same = [&](const Column& d) { return d.name == c.name; };
    if (std::find_if(typed.columns.begin(), typed.columns.end(), same) != typed.columns.end()) continue;
    typed.columns.push_back(Column{c.name, c.type, std::nullopt});
    changed = true;
  }
  if (!changed) return;
  try {
    auto c = filter::parse(text_, typed, value_ != nullptr);
    root_ = std::move(c.root);
    value_ = std::move(c.value);
    keys_ = std::move(c.keys);
  } catch (filter::ExprError& e) {
    std::string types;
    for (size_t i = settings_.columns.size(); i < typed.columns.size(); ++i)
      types +=
          fmt::format("{}{} is {}", types.empty() ? "" : ", ", typed.columns[i].name, type_name(typed.columns[i].type));
    e.message += fmt::format(" (in this input {})", types);
    throw UsageError(render(text_, e, typed.source));
  }
  slots_.assign(keys_.size(), -1);
}

void Filter::bind(const SchemaPtr& s) {
  retype(*s);
  for (size_t k = 0; k < keys_.size(); ++k) {
    const Key& key = keys_[k];
    int slot = key.id ? s->slot(*key.id) : s->slot(key.name);
    // ${name} of a column we do not know compares text; a typed column of that name would be
    // read through the wrong member of Value.
    if (!key.id && slot >= 0 && s->column(static_cast<size_t>(slot)).type != key.type)
      throw DataError(fmt::format("{} is compared as {}, but this input has it as a {} field",
                                  key.type == Type::String ? "${" + key.name + "}" : key.name,
                                  key.type == Type::String ? "text" : type_name(key.type),
                                  type_name(s->column(static_cast<size_t>(slot)).type)));
    slots_[k] = slot;
  }
  bound_ = s;
}

bool Filter::eval(const Record& r) const {
  return root_->eval(filter::Ctx{r.values.data(), nullptr, 0, slots_.data()});
}

void Filter::match(const ColumnBatch& c, uint8_t* keep) {
  if (c.schema != bound_) bind(c.schema);
  root_->eval_rows(filter::Ctx{nullptr, c.values.data(), 0, slots_.data()}, c.rows, keep);
}

void Filter::match(const Batch& b, uint8_t* keep) {
  if (b.columnar()) return match(b.columns(), keep);
  size_t i = 0;
  for (const Record& r : b.records()) keep[i++] = match(r);
}

std::vector<std::string> Filter::fields() const {
  std::vector<std::string> names;
  for (const auto& k : keys_) names.push_back(k.name);
  return names;
}

}  // namespace flow
