// The in-memory group table: fixed-width keys (strings interned per key), one 16-byte cell per
// value, open addressing over XXH3 hashes. Groups keep the order in which they first appeared.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "agg/cells.hpp"

namespace flow::agg {

/// The strings one key has taken, numbered in order of appearance.
class Interner {
 public:
  uint32_t id(std::string_view s);
  std::string_view str(uint32_t id) const { return *names_[id]; }
  size_t memory() const { return bytes_; }
  void clear();

 private:
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, uint32_t, Hash, std::equal_to<>> ids_;
  std::vector<const std::string*> names_;
  size_t bytes_ = 0;
};

class GroupTable {
 public:
  explicit GroupTable(const AggSpec& spec);

  /// Bytes of one key (spec order: per key a tag byte, then 16, 8 or 4 bytes; zeros to a
  /// multiple of 8). Unused bytes must be zero.
  size_t key_width() const { return key_width_; }
  size_t key_offset(size_t k) const { return key_off_[k]; }
  /// The group with this key (creating it, with fresh cells).
  uint32_t find_or_add(const uint8_t* key) { return find_or_add(key, hash_of(key, key_width_)); }
  /// The same, with hash_of(key) known.
  uint32_t find_or_add(const uint8_t* key, uint64_t hash);
  static uint64_t hash_of(const uint8_t* key, size_t width);
  /// Brings the slot a key of this hash probes first into the cache (find_or_add() later).
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]); }
  uint8_t* key(uint32_t g) { return entry(g); }
  const uint8_t* key(uint32_t g) const { return const_cast<GroupTable*>(this)->entry(g); }
  Cell* cells(uint32_t g) { return reinterpret_cast<Cell*>(entry(g) + cells_off_); }
  const Cell* cells(uint32_t g) const { return const_cast<GroupTable*>(this)->cells(g); }
  uint32_t size() const { return n_; }

  Store& store() { return store_; }
  const Store& store() const { return store_; }
  Interner& strings(size_t k) { return strings_[k]; }
  const Interner& strings(size_t k) const { return strings_[k]; }

  /// Orders two groups by key as encode_ordered() would: <0, 0, >0.
  int compare(uint32_t a, uint32_t b) const { return compare_keys(key(a), key(b)); }
  /// The same for two keys of this table's layout (strings: ids of this table's interners).
  int compare_keys(const uint8_t* x, const uint8_t* y) const;
  /// The key of group g as the output values of the keys (strings point into the interners).
  void key_values(uint32_t g, Value* out) const;
  size_t memory() const;
  void clear();
  /// Trades groups with another table of the same spec.
  void swap(GroupTable& o) noexcept;

 private:
  static constexpr unsigned kChunkShift = 14;
  uint8_t* entry(uint32_t g) {
    return chunks_[g >> kChunkShift].get() + (g & ((1u << kChunkShift) - 1)) * entry_width_;
  }
  void grow();
  bool same_key(const uint8_t* a, const uint8_t* b) const;

  const AggSpec& spec_;
  std::vector<size_t> key_off_;
  size_t key_width_ = 0, cells_off_ = 0, entry_width_ = 0;
  std::vector<std::unique_ptr<uint8_t[]>> chunks_;
  uint32_t n_ = 0;
  // Each slot: the hash's low 32 bits (tag) above group + 1; 0 = empty. The position is the
  // hash's low bits too, so that growing places every slot again from the slots alone.
  std::vector<uint64_t> slots_;
  std::vector<Interner> strings_;
  Store store_;
};

}  // namespace flow::agg
