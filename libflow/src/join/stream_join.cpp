// flowjoin --with: the second stream in memory, hashed by the text of its key fields.
#include "flow/stream_join.hpp"

#include <fmt/format.h>

#include <unordered_map>

#include "enrich/lookup.hpp"
#include "flow/error.hpp"
#include "flow/field.hpp"
#include "flow/format.hpp"
#include "join/held.hpp"

namespace flow {

std::vector<std::pair<std::string, std::string>> parse_join_keys(const std::string& text, const std::string& option) {
  std::vector<std::pair<std::string, std::string>> keys;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t comma = std::min(text.find(',', at), text.size());
    const std::string part = text.substr(at, comma - at);
    const size_t eq = part.find('=');
    std::string l = part.substr(0, eq), r = eq == std::string::npos ? l : part.substr(eq + 1);
    for (const std::string& n : {l, r}) {
      if (n.empty())
        throw UsageError(fmt::format("{} '{}': an empty field name (give FIELD or FIELD=WITH-FIELD, comma-separated)",
                                     option, text));
      check_field_name(n, option);
    }
    keys.emplace_back(std::move(l), std::move(r));
    at = comma + 1;
  }
  return keys;
}

namespace {

/// The text of a record's key fields, '\x1f' between them; false when one is missing or null.
bool key_text(const Record& r, const std::vector<std::string>& fields, std::string& out) {
  out.clear();
  for (const std::string& f : fields) {
    const int i = r.schema->slot(f);
    if (i < 0 || r.values[i].null()) return false;
    char buf[64];
    out += enrich::key_text(r.values[i], r.schema->column(i).type, buf);  // as tables' keys are read
    out += '\x1f';
  }
  return true;
}

std::optional<std::pair<int64_t, int64_t>> window(const Record& r) {
  const Value *s = r.get(FieldId::start), *e = r.get(FieldId::end);
  if (!s || !e || s->null() || e->null()) return std::nullopt;
  return std::pair{time_seconds(s->t), time_seconds(e->t)};
}

}  // namespace

struct StreamJoin::Impl {
  StreamJoinOptions opts;
  std::vector<std::string> left_keys, right_keys;
  std::vector<HeldRecord> rows;
  std::vector<std::optional<std::pair<int64_t, int64_t>>> windows;  // of rows, for --within
  std::unordered_multimap<std::string, size_t> index;
  std::vector<Column> added;  // the union of the --with input's columns, prefixed
  uint64_t no_key = 0;
  // Caches: output schema per left schema, and where each --with schema's columns go.
  const Schema* left_schema = nullptr;
  SchemaPtr out_schema;
  std::unordered_map<const Schema*, std::vector<size_t>> placement;
  std::string key;
  Record out;

  const std::vector<size_t>& place(const SchemaPtr& s) {
    auto [it, fresh] = placement.try_emplace(s.get());
    if (fresh)
      for (const Column& c : s->columns())
        for (size_t j = 0; j < added.size(); ++j)
          if (added[j].name == opts.prefix + c.name) it->second.push_back(j);
    return it->second;
  }

  void prepare(const Record& left) {
    if (left.schema.get() == left_schema) return;
    for (const auto& k : left_keys) check_field_in(*left.schema, k, "--on");
    std::vector<Column> cols = left.schema->columns();
    for (const Column& c : added) {
      if (left.schema->slot(c.name) >= 0)
        throw UsageError(
            fmt::format("--with: column '{}' is already a field of the input; choose another --with-prefix", c.name));
      cols.push_back(c);
    }
    out_schema = std::make_shared<const Schema>(std::move(cols));
    left_schema = left.schema.get();
  }
};

StreamJoin::StreamJoin(RecordStream& with, StreamJoinOptions opts) : impl_(std::make_unique<Impl>()) {
  Impl& m = *impl_;
  m.opts = std::move(opts);
  for (auto& [l, r] : m.opts.on) {
    m.left_keys.push_back(l);
    m.right_keys.push_back(r);
  }
  Record r;
  const Schema* last = nullptr;
  while (with.next(r)) {
    if (r.schema.get() != last) {  // a new schema: add the columns not seen yet
      for (const auto& k : m.right_keys) check_field_in(*r.schema, k, "--on", "the --with input");
      for (const Column& c : r.schema->columns()) {
        const std::string name = m.opts.prefix + c.name;
        auto same = [&](const Column& a) { return a.name == name; };
        if (std::find_if(m.added.begin(), m.added.end(), same) == m.added.end())
          m.added.push_back({name, c.type, std::nullopt});
      }
      last = r.schema.get();
    }
    if (!key_text(r, m.right_keys, m.key)) {
      ++m.no_key;
      continue;
    }
    m.index.emplace(m.key, m.rows.size());
    m.rows.emplace_back(r, m.rows.size());
    m.windows.push_back(window(r));
  }
}

StreamJoin::~StreamJoin() = default;
uint64_t StreamJoin::loaded() const { return impl_->rows.size() + impl_->no_key; }
uint64_t StreamJoin::without_key() const { return impl_->no_key; }

size_t StreamJoin::join(const Record& left, bool unmatched, const std::function<void(const Record&)>& emit) {
  Impl& m = *impl_;
  m.prepare(left);
  const size_t n = left.values.size();
  auto start_row = [&] {
    m.out.schema = m.out_schema;
    m.out.line = left.line;
    m.out.values.assign(left.values.begin(), left.values.end());
    m.out.values.resize(n + m.added.size());
  };
  size_t matches = 0;
  if (key_text(left, m.left_keys, m.key)) {
    auto [lo, hi] = m.index.equal_range(m.key);
    std::vector<size_t> hits;
    for (auto it = lo; it != hi; ++it) hits.push_back(it->second);
    std::sort(hits.begin(), hits.end());  // in the order read
    const auto lw = m.opts.within >= 0 ? window(left) : std::nullopt;
    for (size_t h : hits) {
      const HeldRecord& row = m.rows[h];
      if (m.opts.within >= 0) {
        const auto& rw = m.windows[h];
        // In 128 bits: times come from the input and may be anything.
        __extension__ typedef __int128 Wide;
        const Wide d = m.opts.within;
        if (!lw || !rw || rw->first - d > lw->second || lw->first - d > rw->second) continue;
      }
      start_row();
      const auto& to = m.place(row.schema());
      for (size_t i = 0; i < to.size(); ++i) m.out.values[n + to[i]] = row.value(i);
      emit(m.out);
      ++matches;
    }
  }
  if (!matches && unmatched) {
    start_row();
    emit(m.out);
  }
  return matches;
}

}  // namespace flow
