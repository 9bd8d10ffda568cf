#include "agg/table.hpp"


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
constexpr uint64_t kGroup = 0xffffffffull;
uint64_t tag_of(uint64_t hash) { return hash << 32; }
}  // namespace

GroupTable::GroupTable(const AggSpec& spec) : spec_(spec), strings_(spec.keys.size()) {
  for (const auto& k : spec.keys) {
    key_off_.push_back(key_width_);
    key_width_ += 1 + width_of(k.column.type);
  }
  key_width_ = (key_width_ + 7) & ~size_t{7};  // whole words: hashed and compared a word at a time
  cells_off_ = key_width_;
  entry_width_ = cells_off_ + sizeof(Cell) * spec.values.size();
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

bool GroupTable::same_key(const uint8_t* a, const uint8_t* b) const {
  for (size_t i = 0; i < key_width_; i += 8) {
    uint64_t x, y;
    std::memcpy(&x, a + i, 8);
    std::memcpy(&y, b + i, 8);
    if (x != y) return false;
  }
  return true;
}

uint32_t GroupTable::find_or_add(const uint8_t* key, uint64_t hash) {
  size_t mask = slots_.size() - 1;
  size_t pos = hash & mask;
  const uint64_t tag = tag_of(hash);
  for (;;) {
    uint64_t s = slots_[pos];
    if (s == 0) break;
    if ((s & ~kGroup) == tag) {
      auto g = static_cast<uint32_t>((s & kGroup) - 1);
      if (same_key(entry(g), key)) return g;
    }
    pos = (pos + 1) & mask;
  }
  uint32_t g = n_++;
  if ((g >> kChunkShift) >= chunks_.size())
    chunks_.push_back(std::make_unique_for_overwrite<uint8_t[]>(entry_width_ << kChunkShift));
  std::memcpy(entry(g), key, key_width_);
  Cell* c = cells(g);
  for (size_t v = 0; v < spec_.values.size(); ++v) init_cell(spec_.values[v], c[v], store_);
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
    for (uint32_t g = 0; g < n_; ++g) {
      const uint64_t h = hash_of(entry(g), key_width_);
      size_t pos = h & mask;
      while (bigger[pos]) pos = (pos + 1) & mask;
      bigger[pos] = tag_of(h) | (uint64_t{g} + 1);
    }
  }
  slots_.swap(bigger);
}

int GroupTable::compare_keys(const uint8_t* x, const uint8_t* y) const {
  for (size_t k = 0; k < spec_.keys.size(); ++k) {
    const uint8_t *p = x + key_off_[k], *q = y + key_off_[k];
    if (p[0] != q[0]) return p[0] < q[0] ? -1 : 1;  // null (0) first; IPv4 (4) before IPv6 (6)
    if (p[0] == 0) continue;
    switch (spec_.keys[k].column.type) {
      case Type::Ip:
        if (int c = std::memcmp(p + 1, q + 1, 16)) return c;
        break;
      case Type::String: {
        uint32_t i, j;
        std::memcpy(&i, p + 1, 4);
        std::memcpy(&j, q + 1, 4);
        if (int c = strings_[k].str(i).compare(strings_[k].str(j))) return c;
        break;
      }
      case Type::UInt: {
        uint64_t i, j;
        std::memcpy(&i, p + 1, 8);
        std::memcpy(&j, q + 1, 8);
        if (i != j) return i < j ? -1 : 1;
        break;
      }
      case Type::Time: {
        int64_t i, j;
        std::memcpy(&i, p + 1, 8);
        std::memcpy(&j, q + 1, 8);
        if (i != j) return i < j ? -1 : 1;
        break;
      }
    }
  }
  return 0;
}

void GroupTable::key_values(uint32_t g, Value* out) const {
  const uint8_t* x = key(g);
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
    }
  }
}

size_t GroupTable::memory() const {
  // Groups as used, not as allocated: a chunk's unused tail (at most 1.5 MB) is constant slack.
  size_t m = size_t{n_} * entry_width_ + slots_.size() * 8 + store_.memory();
  for (const auto& s : strings_) m += s.memory();
  return m;
}

void GroupTable::swap(GroupTable& o) noexcept {
  std::swap(chunks_, o.chunks_);
  std::swap(n_, o.n_);
  std::swap(slots_, o.slots_);
  std::swap(strings_, o.strings_);
  std::swap(store_, o.store_);
}

void GroupTable::clear() {
  chunks_.clear();
  n_ = 0;
  slots_.assign(64, 0);
  for (auto& s : strings_) s.clear();
  store_.clear();
}

}  // namespace flow::agg
