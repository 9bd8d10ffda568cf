// Sorting records by fields in bounded memory (sorted runs spilled, then merged), and dropping
// exact duplicates.
#include "flow/sort.hpp"

#include <fmt/format.h>
#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <cstring>
#include <optional>

#include "flow/error.hpp"
#include "merge.hpp"

namespace flow {

std::vector<std::string> parse_sort_keys(std::string_view text, std::string_view option) {
  std::vector<std::string> keys;
  for (size_t i = 0;;) {
    const size_t comma = std::min(text.find(',', i), text.size());
    keys.emplace_back(text.substr(i, comma - i));
    check_field_name(keys.back(), option);
    if (comma == text.size()) return keys;
    i = comma + 1;
  }
}

namespace {

template <class T>
int three_way(const T& a, const T& b) {
  return a < b ? -1 : b < a ? 1 : 0;
}

/// a and b (null for a field a record does not have) of columns typed ta and tb.
int compare_values(const Value* a, Type ta, const Value* b, Type tb) {
  const bool an = !a || a->null(), bn = !b || b->null();
  if (an || bn) return an == bn ? 0 : an ? -1 : 1;
  if (ta != tb) return three_way(ta, tb);  // a name typed differently in two schemas
  switch (ta) {
    case Type::UInt: return three_way(a->u, b->u);
    case Type::Time:
      // Milliseconds beside the seconds they fall in, and among themselves by value.
      if (int c = three_way(time_seconds(a->t), time_seconds(b->t))) return c;
      return three_way(a->t, b->t);
    case Type::Ip:
      if (a->v6 != b->v6) return a->v6 ? 1 : -1;
      return three_way(std::memcmp(a->ip, b->ip, sizeof a->ip), 0);
    case Type::String: return three_way(a->str().compare(b->str()), 0);
    case Type::Float: return three_way(a->f, b->f);  // never NaN (set_float makes it null)
  }
  return 0;
}

/// Every field in turn: the number of columns, then each column's name, type and value.
int compare_whole(const Schema& sa, const Value* a, const Schema& sb, const Value* b) {
  if (int c = three_way(sa.size(), sb.size())) return c;
  for (size_t i = 0; i < sa.size(); ++i) {
    const Column &x = sa.column(i), &y = sb.column(i);
    if (int c = three_way(x.name.compare(y.name), 0)) return c;
    if (int c = compare_values(a + i, x.type, b + i, y.type)) return c;
  }
  return 0;
}

}  // namespace

RecordOrder::RecordOrder(std::vector<std::string> keys, bool reverse, bool whole)
    : keys_(std::move(keys)), reverse_(reverse), whole_(whole) {}

std::vector<int> RecordOrder::slots(const Schema& s) const {
  std::vector<int> out;
  for (const auto& k : keys_) {
    check_field_in(s, k, "--sort");
    out.push_back(s.slot(k));
  }
  return out;
}

int RecordOrder::compare(const Schema& sa, const Value* a, const std::vector<int>& ka, const Schema& sb, const Value* b,
                         const std::vector<int>& kb) const {
  int c = 0;
  for (size_t k = 0; k < keys_.size() && c == 0; ++k) {
    const Value* x = ka[k] < 0 ? nullptr : a + ka[k];
    const Value* y = kb[k] < 0 ? nullptr : b + kb[k];
    c = compare_values(x, x ? sa.column(static_cast<size_t>(ka[k])).type : Type::String, y,
                       y ? sb.column(static_cast<size_t>(kb[k])).type : Type::String);
  }
  if (c == 0 && whole_) c = compare_whole(sa, a, sb, b);
  return reverse_ ? -c : c;
}

const std::vector<int>& RecordOrder::cached_slots(const SchemaPtr& s) const {
  auto it = cache_.find(s.get());
  if (it != cache_.end()) return it->second;
  held_.push_back(s);
  return cache_.emplace(s.get(), slots(*s)).first->second;
}

int RecordOrder::compare(const Record& a, const Record& b) const {
  return compare(*a.schema, a.values.data(), cached_slots(a.schema), *b.schema, b.values.data(),
                 cached_slots(b.schema));
}

bool same_record(const Record& a, const Record& b) {
  if (!same_schema(a.schema, b.schema)) return false;
  for (size_t i = 0; i < a.values.size(); ++i) {
    const Type t = a.schema->column(i).type;
    if (compare_values(&a.values[i], t, &b.values[i], t) != 0) return false;
  }
  return true;
}

// --- Sorter

namespace {
/// A record held in memory: its values in a chunk, its strings in the arena.
struct Held {
  const Value* values;
  uint32_t schema;  // index into Impl::schemas
  uint64_t line;
  uint64_t prefix;  // of the first key: see key_prefix()
  bool exact;       // the prefix is the whole value: equal exact prefixes are equal values
};

/// A number whose order agrees with the first key's (equal numbers say nothing), so that most
/// comparisons of a sort in memory look at the rows alone, not at values far apart in memory.
/// Null 0; a time its second (offset so that negative ones come first); an address IPv4 below IPv6, then its first
/// bytes; a string its first 8 bytes.
uint64_t key_prefix(const Value* v, Type t, bool& exact) {
  exact = false;
  if (!v || v->null()) return 0;
  auto big_endian = [](const char* p, size_t n) {
    uint64_t x = 0;
    for (size_t i = 0; i < 8; ++i) x = x << 8 | (i < n ? static_cast<uint8_t>(p[i]) : 0);
    return x;
  };
  switch (t) {
    case Type::UInt: exact = true; return v->u;
    case Type::Time:
      exact = v->t == time_seconds(v->t);
      return static_cast<uint64_t>(time_seconds(v->t)) ^ uint64_t { 1 } << 63;  // in order if < 0
    case Type::Ip:
      exact = !v->v6;
      return v->v6 ? uint64_t{1} << 63 | big_endian(reinterpret_cast<const char*>(v->ip), 8) >> 1
                   : big_endian(reinterpret_cast<const char*>(v->ip), 4) >> 32;
    case Type::String: exact = v->s.size < 8; return big_endian(v->s.data, std::min<size_t>(v->s.size, 8));
    case Type::Float: {  // the bits of a double, flipped so that they order as the numbers do
      exact = true;
      const uint64_t b = std::bit_cast<uint64_t>(v->f);
      return b >> 63 ? ~b : b | uint64_t{1} << 63;
    }
  }
  return 0;
}
}  // namespace

struct Sorter::Impl {
  Impl(RecordOrder o, MergeLimits l) : order(std::move(o)), limits(std::move(l)) {}

  RecordOrder order;
  MergeLimits limits;
  std::vector<SchemaPtr> schemas;
  std::vector<std::vector<int>> slots;  // of each schema
  std::vector<std::unique_ptr<Value[]>> chunks;
  size_t chunk_size = 0, chunk_used = 0;  // of chunks.back()
  // Values are allocated in chunks of this many: a 16th of the memory at most.
  size_t chunk_values = std::clamp<size_t>(limits.memory / 16 / sizeof(Value), 64, 16384);
  Arena strings;
  std::vector<Held> rows;
  uint64_t bytes = 0;  // memory the rows take
  std::unique_ptr<RunFile> file;
  std::optional<MultiMerge> merge;
  bool finished = false;
  size_t out = 0;  // next row handed out (sorted in memory)
  bool prefixes = true;
  std::optional<Type> prefix_type;
  Record scratch;

  uint32_t schema_index(const SchemaPtr& s) {
    for (size_t i = schemas.size(); i-- > 0;)
      if (same_schema(schemas[i], s)) return static_cast<uint32_t>(i);
    slots.push_back(order.slots(*s));  // first: it throws for a key not in s
    schemas.push_back(s);
    return static_cast<uint32_t>(schemas.size() - 1);
  }

  void sort_rows() {
    const bool reverse = order.reverse();
    const bool one_key = order.keys().size() == 1 && !order.whole();
    std::stable_sort(rows.begin(), rows.end(), [&](const Held& a, const Held& b) {
      if (prefixes && a.prefix != b.prefix) return reverse ? a.prefix > b.prefix : a.prefix < b.prefix;
      if (prefixes && one_key && a.exact && b.exact) return false;  // equal
      return order.compare(*schemas[a.schema], a.values, slots[a.schema], *schemas[b.schema], b.values,
                           slots[b.schema]) < 0;
    });
  }

  /// The first key's prefix in a schema's rows; prefixes stay off once the first key has two
  /// types in two schemas (their order is by type first, which a prefix does not show).
  void set_prefix(Held& h) {
    h.prefix = 0;
    h.exact = false;  // a null or missing key: 0, as a value may be
    const int slot = slots[h.schema].empty() ? -1 : slots[h.schema][0];
    if (slot < 0) return;
    const Type t = schemas[h.schema]->column(static_cast<size_t>(slot)).type;
    if (!prefix_type) prefix_type = t;
    if (*prefix_type != t) prefixes = false;
    h.prefix = key_prefix(h.values + slot, t, h.exact);
  }

  /// Row i as a record in r (strings still in the arena).
  void put(const Held& h, Record& r) {
    const SchemaPtr& s = schemas[h.schema];
    if (r.schema != s) r.reset(s);
    std::copy(h.values, h.values + s->size(), r.values.begin());
    r.line = h.line;
  }

  void release() {
    rows = {};
    chunks.clear();
    strings = Arena();
    bytes = 0;
  }

  void spill() {
    sort_rows();
    if (!file) file = std::make_unique<RunFile>(limits.tmpdir);
    size_t i = 0;
    file->add([&](Record& r) {
      if (i == rows.size()) return false;
      put(rows[i++], r);
      return true;
    });
    release();
  }

  void finish() {
    finished = true;
    if (!file) return sort_rows();  // all in memory
    if (!rows.empty()) spill();
    std::vector<MergeSource> sources;
    for (size_t i = 0; i < file->runs(); ++i) sources.push_back({"", file.get(), i});
    merge.emplace(
        std::move(sources), merge_fan_in(limits.memory), limits.tmpdir,
        [](const MergeSource& s) { return run_input(*s.runs, s.run); }, &order);
  }
};

Sorter::Sorter(RecordOrder order, MergeLimits limits)
    : impl_(std::make_unique<Impl>(std::move(order), std::move(limits))) {}
Sorter::~Sorter() = default;

void Sorter::add(const Record& r) {
  Impl& m = *impl_;
  const uint32_t schema = m.schema_index(r.schema);
  const size_t n = r.values.size();
  if (m.chunks.empty() || m.chunk_size - m.chunk_used < n) {
    m.chunk_size = std::max(m.chunk_values, n);
    m.chunks.push_back(std::make_unique<Value[]>(m.chunk_size));
    m.chunk_used = 0;
    m.bytes += m.chunk_size * sizeof(Value);
  }
  Value* v = m.chunks.back().get() + m.chunk_used;
  m.chunk_used += n;
  for (size_t i = 0; i < n; ++i) {
    v[i] = r.values[i];
    if (r.schema->column(i).type == Type::String && !v[i].null()) {
      v[i].set_str(m.strings.copy(v[i].str()));
      m.bytes += v[i].s.size;
    }
  }
  m.rows.push_back(Held{v, schema, r.line, 0, false});
  m.set_prefix(m.rows.back());
  // A row, room for the vector to grow into, and stable_sort's buffer.
  m.bytes += 3 * sizeof(Held);
  if (m.bytes > m.limits.memory) m.spill();
}

bool Sorter::next(Record& r) {
  Impl& m = *impl_;
  if (!m.finished) m.finish();
  if (m.merge) return m.merge->next(r);
  if (m.out == m.rows.size()) return false;
  m.put(m.rows[m.out++], r);
  return true;
}

size_t Sorter::spilled_runs() const { return impl_->file ? impl_->file->runs() : 0; }

// --- Unique

Unique::Unique(bool adjacent) : adjacent_(adjacent) {
  if (!adjacent_) table_.resize(1024);
}
Unique::~Unique() = default;

bool Unique::keep(const Record& r) {
  bool dup;
  if (adjacent_) {
    dup = has_last_ && same_record(r, last_);
    if (!dup) copy_record(r, last_);
    has_last_ = true;
  } else {
    dup = seen(r);
  }
  dropped_ += dup;
  return !dup;
}

bool Unique::seen(const Record& r) {
  if (r.schema.get() != schema_) {
    // The fields' names and types, hashed once per schema.
    std::string names;
    for (const auto& c : r.schema->columns()) {
      names += c.name;
      names += static_cast<char>(c.type);
      names += '\n';
    }
    const XXH128_hash_t h = XXH3_128bits(names.data(), names.size());
    schema_hash_ = {h.low64, h.high64};
    held_ = r.schema;
    schema_ = held_.get();
  }
  buf_.assign(reinterpret_cast<const char*>(&schema_hash_), sizeof schema_hash_);
  for (size_t i = 0; i < r.values.size(); ++i) {
    const Value& v = r.values[i];
    buf_ += static_cast<char>(v.state);
    if (v.null()) continue;
    switch (r.schema->column(i).type) {
      case Type::UInt:
      case Type::Float:
      case Type::Time: buf_.append(reinterpret_cast<const char*>(&v.u), sizeof v.u); break;
      case Type::Ip:
        buf_.append(reinterpret_cast<const char*>(v.ip), sizeof v.ip);
        buf_ += static_cast<char>(v.v6);
        break;
      case Type::String:
        buf_.append(reinterpret_cast<const char*>(&v.s.size), sizeof v.s.size);
        buf_.append(v.str());
        break;
    }
  }
  const XXH128_hash_t h = XXH3_128bits(buf_.data(), buf_.size());
  std::pair<uint64_t, uint64_t> key{h.low64, h.high64 | (h.low64 == 0 && h.high64 == 0)};  // never the empty mark
  if ((used_ + 1) * 4 > table_.size() * 3) {                                               // keep it at most 3/4 full
    std::vector<std::pair<uint64_t, uint64_t>> old(table_.size() * 2);
    old.swap(table_);
    const size_t mask = table_.size() - 1;
    for (const auto& e : old) {
      if (e.first == 0 && e.second == 0) continue;
      size_t i = e.first & mask;
      while (table_[i].first != 0 || table_[i].second != 0) i = (i + 1) & mask;
      table_[i] = e;
    }
  }
  const size_t mask = table_.size() - 1;
  for (size_t i = key.first & mask;; i = (i + 1) & mask) {
    auto& e = table_[i];
    if (e == key) return true;
    if (e.first == 0 && e.second == 0) {
      e = key;
      ++used_;
      return false;
    }
  }
}

}  // namespace flow
