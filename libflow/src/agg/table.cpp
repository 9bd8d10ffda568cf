#include "agg/table.hpp"

#include <bit>
#include <cstring>

namespace flow::agg {

uint32_t Interner::id(std::string_view s) {
  if (auto it = ids_.find(s); it != ids_.end()) return it->second;
  auto id = static_cast<uint32_t>(names_.size());
  auto [it, _] = ids_.emplace(std::string(s), id);
  names_.push_back(&it->first);
  bytes_ += s.size() + 80;
  return id;
}

void Interner::clear() {
  ids_.clear();
  names_.clear();
  bytes_ = 0;
}

namespace {
size_t width_of(Type t) {
  switch (t) {
    case Type::Ip: return 16;
    case Type::String: return 4;
    default: return 8;
  }
}
size_t narrow_width_of(Type t) { return t == Type::Time ? 8 : 4; }
constexpr uint8_t kAside = 0xff;  // first byte of a kept key that is kept whole aside
uint64_t tag_of(uint64_t hash) { return hash << 32; }
size_t words(size_t bytes) { return (bytes + 7) & ~size_t{7}; }  // hashed and compared a word at a time

/// Room for a whole key on the stack, or on the heap for a spec of very many keys.
struct KeyBuf {
  explicit KeyBuf(size_t width) : heap(width > sizeof stack ? width : 0) {}
  uint8_t* data() { return heap.empty() ? stack : heap.data(); }
  uint8_t stack[128];
  std::vector<uint8_t> heap;
};
}  // namespace

GroupTable::GroupTable(const AggSpec& spec) : spec_(spec), layout_(spec), strings_(spec.keys.size()) {
  for (const auto& v : spec.values) sketches_ |= has_sketch(v.kind);
  size_t narrow = spec.keys.size();  // the tags
  for (const auto& k : spec.keys) {
    key_off_.push_back(key_width_);
    key_width_ += 1 + width_of(k.column.type);
    narrow_off_.push_back(narrow);
    narrow += narrow_width_of(k.column.type);
  }
  key_width_ = words(key_width_);
  narrow = words(narrow);
  narrow_ = narrow < key_width_;
  kept_width_ = narrow_ ? narrow : key_width_;
  query_.assign(kept_width_, 0);
  cells_off_ = kept_width_;
  entry_width_ = cells_off_ + layout_.width();
  slots_.assign(64, 0);
}

uint64_t GroupTable::hash_of(const uint8_t* key, size_t width) {
  // A multiply-xorshift mix per word (splitmix64's constants): keys are a few words long, and
  // this costs a fraction of a general-purpose hash's call.
  uint64_t h = 0x9e3779b97f4a7c15ull ^ width;
  for (size_t i = 0; i < width; i += 8) {
    uint64_t x;
    std::memcpy(&x, key + i, 8);
    h = (h ^ x) * 0xbf58476d1ce4e5b9ull;
    h ^= h >> 31;
  }
  h *= 0x94d049bb133111ebull;
  return h ^ (h >> 29);
}

bool GroupTable::same_words(const uint8_t* a, const uint8_t* b, size_t width) const {
  for (size_t i = 0; i < width; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) return false;
  }
  return true;
}

bool GroupTable::narrow(const uint8_t* key, uint8_t* out) const {
  std::memset(out, 0, kept_width_);
  for (size_t k = 0; k < key_off_.size(); ++k) {
    const uint8_t* p = key + key_off_[k];
    uint8_t* q = out + narrow_off_[k];
    out[k] = p[0];
    if (p[0] == 0) continue;
    switch (spec_.keys[k].column.type) {
      case Type::Ip:
        if (p[0] != 4) return false;
        std::memcpy(q, p + 1, 4);
        break;
      case Type::UInt:
        static_assert(std::endian::native == std::endian::little);
        if (p[5] | p[6] | p[7] | p[8]) return false;  // the high half
        std::memcpy(q, p + 1, 4);
        break;
      case Type::Time: std::memcpy(q, p + 1, 8); break;
      case Type::String: std::memcpy(q, p + 1, 4); break;
      case Type::Float: return false;  // not a key type (-k takes fields and text columns)
    }
  }
  return true;
}

void GroupTable::widen(const uint8_t* kept, uint8_t* out) const {
  if (!narrow_) {
    std::memcpy(out, kept, key_width_);
    return;
  }
  if (kept[0] == kAside) {
    std::memcpy(out, aside_key(kept), key_width_);
    return;
  }
  std::memset(out, 0, key_width_);
  for (size_t k = 0; k < key_off_.size(); ++k) {
    uint8_t* p = out + key_off_[k];
    p[0] = kept[k];
    if (kept[k]) std::memcpy(p + 1, kept + narrow_off_[k], narrow_width_of(spec_.keys[k].column.type));
  }
}

void GroupTable::key(uint32_t g, uint8_t* out) const { widen(const_cast<GroupTable*>(this)->entry(g), out); }

uint32_t GroupTable::find_or_add(const uint8_t* key, uint64_t hash) {
  // The key as kept; or, when it does not fit narrow, whole (then only entries aside can match).
  const bool whole = narrow_ && !narrow(key, query_.data());
  const uint8_t* kept = narrow_ ? query_.data() : key;
  size_t mask = slots_.size() - 1;
  size_t pos = hash & mask;
  const uint64_t tag = tag_of(hash);
  for (;;) {
    uint64_t s = slots_[pos];
    if (s == 0) break;
    if ((s & ~kGroup) == tag) {
      auto g = static_cast<uint32_t>((s & kGroup) - 1);
      const uint8_t* e = entry(g);
      if (whole ? e[0] == kAside && same_words(aside_key(e), key, key_width_) : same_words(e, kept, kept_width_))
        return g;
    }
    pos = (pos + 1) & mask;
  }
  uint32_t g = n_++;
  if ((g >> kChunkShift) >= chunks_.size())
    chunks_.push_back(std::make_unique_for_overwrite<uint8_t[]>(entry_width_ << kChunkShift));
  uint8_t* e = entry(g);
  if (whole) {
    std::memset(e, 0, kept_width_);
    e[0] = kAside;
    const auto i = static_cast<uint32_t>(aside_keys_.size() / key_width_);
    std::memcpy(e + 1, &i, 4);
    aside_keys_.insert(aside_keys_.end(), key, key + key_width_);
  } else {
    std::memcpy(e, kept, kept_width_);
  }
  uint8_t* c = cells(g);
  std::memset(c, 0, layout_.width());  // what init_cell() gives but for sketches
  for (size_t v = 0; sketches_ && v < spec_.values.size(); ++v) {
    if (!has_sketch(spec_.values[v].kind)) continue;
    Cell x;
    init_cell(spec_.values[v], x, store_);
    layout_.set(c, v, x);
  }
  slots_[pos] = tag | (uint64_t{g} + 1);
  if (uint64_t{n_} * 2 > slots_.size()) grow();
  return g;
}

void GroupTable::grow() {
  std::vector<uint64_t> bigger(slots_.size() * 2, 0);
  size_t mask = bigger.size() - 1;
  if (bigger.size() <= (uint64_t{1} << 32)) {
    // The tags are the hashes' low 32 bits, which hold every bit of a position: the keys need
    // not be read (nor hashed) again.
    for (uint64_t s : slots_) {
      if (s == 0) continue;
      size_t pos = (s >> 32) & mask;
      while (bigger[pos]) pos = (pos + 1) & mask;
      bigger[pos] = s;
    }
  } else {
    KeyBuf whole(key_width_);
    for (uint32_t g = 0; g < n_; ++g) {
      key(g, whole.data());
      const uint64_t h = hash_of(whole.data(), key_width_);
      size_t pos = h & mask;
      while (bigger[pos]) pos = (pos + 1) & mask;
      bigger[pos] = tag_of(h) | (uint64_t{g} + 1);
    }
  }
  slots_.swap(bigger);
}

int GroupTable::compare(const GroupTable& x, uint32_t a, const GroupTable& y, uint32_t b) {
  const uint8_t *p = const_cast<GroupTable&>(x).entry(a), *q = const_cast<GroupTable&>(y).entry(b);
  if (x.narrow_ && p[0] != kAside && q[0] != kAside) return x.compare_kept<true>(p, q);
  KeyBuf wp(x.key_width_), wq(x.key_width_);
  x.widen(p, wp.data());
  y.widen(q, wq.data());
  return x.compare_kept<false>(wp.data(), wq.data());
}

template <bool narrow>
int GroupTable::compare_kept(const uint8_t* x, const uint8_t* y) const {
  // One body for both forms, each compiled on its own: sorting millions of groups calls it.
  for (size_t k = 0; k < key_off_.size(); ++k) {
    // Narrow: the tags first, then the parts; whole: each part behind its tag.
    const size_t tag = narrow ? k : key_off_[k], at = narrow ? narrow_off_[k] : key_off_[k] + 1;
    if (x[tag] != y[tag]) return x[tag] < y[tag] ? -1 : 1;  // null (0) first; IPv4 (4) before IPv6 (6)
    if (x[tag] == 0) continue;
    const uint8_t *p = x + at, *q = y + at;
    const Type type = spec_.keys[k].column.type;
    if (type == Type::Ip) {
      if (int c = std::memcmp(p, q, narrow ? 4 : 16)) return c;
      continue;
    }
    // Numbers little-endian, 4 or 8 bytes (zero-extended); a string's id, 4.
    uint64_t i = 0, j = 0;
    const size_t n = type == Type::String || (narrow && type == Type::UInt) ? 4 : 8;
    std::memcpy(&i, p, n);
    std::memcpy(&j, q, n);
    if (type == Type::String) {
      const Interner& names = strings_[k];
      if (int c = names.str(static_cast<uint32_t>(i)).compare(names.str(static_cast<uint32_t>(j)))) return c;
    } else if (i != j) {
      const bool less = type == Type::Time ? static_cast<int64_t>(i) < static_cast<int64_t>(j) : i < j;
      return less ? -1 : 1;
    }
  }
  return 0;
}

void GroupTable::key_values(uint32_t g, Value* out) const {
  KeyBuf whole(key_width_);
  key(g, whole.data());
  const uint8_t* x = whole.data();
  for (size_t k = 0; k < spec_.keys.size(); ++k) {
    const uint8_t* p = x + key_off_[k];
    Value& v = out[k];
    v.set_null();
    if (p[0] == 0) continue;
    switch (spec_.keys[k].column.type) {
      case Type::Ip:
        std::memcpy(v.ip, p + 1, 16);
        v.v6 = p[0] == 6;
        v.state = Value::Set;
        break;
      case Type::String: {
        uint32_t i;
        std::memcpy(&i, p + 1, 4);
        v.set_str(strings_[k].str(i));
        break;
      }
      case Type::UInt: {
        uint64_t i;
        std::memcpy(&i, p + 1, 8);
        v.set_uint(i);
        break;
      }
      case Type::Time: {
        int64_t i;
        std::memcpy(&i, p + 1, 8);
        v.set_time(i);
        break;
      }
      case Type::Float: {
        double d;
        std::memcpy(&d, p + 1, 8);
        v.set_float(d);
        break;
      }
    }
  }
}

size_t GroupTable::memory() const {
  // Groups as used, not as allocated: a chunk's unused tail (at most 1.5 MB) is constant slack.
  size_t m = size_t{n_} * entry_width_ + slots_.size() * 8 + aside_keys_.capacity() + store_.memory();
  for (const auto& s : strings_) m += s.memory();
  return m;
}

void GroupTable::swap(GroupTable& o) noexcept {
  std::swap(chunks_, o.chunks_);
  std::swap(aside_keys_, o.aside_keys_);
  std::swap(n_, o.n_);
  std::swap(slots_, o.slots_);
  std::swap(strings_, o.strings_);
  std::swap(store_, o.store_);
}

void GroupTable::clear() {
  chunks_.clear();
  std::vector<uint8_t>().swap(aside_keys_);
  n_ = 0;
  slots_.assign(64, 0);
  for (auto& s : strings_) s.clear();
  store_.clear();
}

}  // namespace flow::agg
