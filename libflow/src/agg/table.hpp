// The in-memory group table: fixed-width keys (strings interned per key), cells packed as
// CellLayout says, open addressing over a multiply-xorshift hash. Groups keep the order in which
// they first appeared.
//
// Keys come in, and are hashed, whole: per key a tag byte then 16, 8 or 4 bytes. They are kept
// narrower where that saves room: all the tags first, then 4 bytes for an IPv4 address, a number
// below 2^32 or a string id, 8 for a time. A group of (srcaddr, dstaddr, dstport) keeps 16 bytes
// of key instead of 48, and 8 M such groups fault in 256 MB less. A key that does not fit (an
// IPv6 address, a bigger number) is kept whole aside; its entry holds its index behind a first
// byte of 0xff, which no tag is.
#pragma once

#include <cstdint>
#include <cstring>
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

  /// Bytes of one key as it comes in (spec order: per key a tag byte, then 16, 8 or 4 bytes;
  /// zeros to a multiple of 8). Unused bytes must be zero.
  size_t key_width() const { return key_width_; }
  size_t key_offset(size_t k) const { return key_off_[k]; }
  /// The group with this key (creating it, with fresh cells).
  uint32_t find_or_add(const uint8_t* key) { return find_or_add(key, hash_of(key, key_width_)); }
  /// The same, with hash_of(key) known.
  uint32_t find_or_add(const uint8_t* key, uint64_t hash);
  static uint64_t hash_of(const uint8_t* key, size_t width);
  /// Brings the slot a key of this hash probes first into the cache (find_or_add() later).
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]); }
  /// Once that slot is in the cache: brings in the entry it holds, when it may hold this key.
  /// (A key already in a big table is found by a compare that would stall on its entry.)
  void prefetch_entry(uint64_t hash) {
    const uint64_t s = slots_[hash & (slots_.size() - 1)];
    if (s != 0 && (s & ~kGroup) == hash << 32) __builtin_prefetch(entry(static_cast<uint32_t>((s & kGroup) - 1)));
  }
  /// The key of group g as it came in (key_width() bytes).
  void key(uint32_t g, uint8_t* out) const;
  /// Bytes of a key as the table keeps it (narrow, or whole when narrow saves nothing).
  size_t kept_width() const { return kept_width_; }
  /// Writes a whole key as kept, if it fits (an IPv6 address or a number of 2^32 or more does
  /// not: false); to_whole() gives the key back.
  bool to_kept(const uint8_t* key, uint8_t* out) const {
    if (narrow_) return narrow(key, out);
    std::memcpy(out, key, key_width_);
    return true;
  }
  void to_whole(const uint8_t* kept, uint8_t* out) const { widen(kept, out); }
  /// Group g's cells, packed as layout() says.
  uint8_t* cells(uint32_t g) { return entry(g) + cells_off_; }
  const uint8_t* cells(uint32_t g) const { return const_cast<GroupTable*>(this)->cells(g); }
  const CellLayout& layout() const { return layout_; }
  uint32_t size() const { return n_; }

  Store& store() { return store_; }
  const Store& store() const { return store_; }
  Interner& strings(size_t k) { return strings_[k]; }
  const Interner& strings(size_t k) const { return strings_[k]; }

  /// Orders group a of table x and group b of table y (of one spec) by key, as encode_ordered()
  /// would: <0, 0, >0.
  static int compare(const GroupTable& x, uint32_t a, const GroupTable& y, uint32_t b);
  /// The key of group g as the output values of the keys (strings point into the interners).
  void key_values(uint32_t g, Value* out) const;
  size_t memory() const;
  void clear();
  /// Trades groups with another table of the same spec.
  void swap(GroupTable& o) noexcept;

 private:
  static constexpr uint64_t kGroup = 0xffffffffull;  // a slot's low half: group + 1
  static constexpr unsigned kChunkShift = 14;
  uint8_t* entry(uint32_t g) {
    return chunks_[g >> kChunkShift].get() + (g & ((1u << kChunkShift) - 1)) * entry_width_;
  }
  void grow();
  /// The kept form of a whole key, if it fits (else false).
  bool narrow(const uint8_t* key, uint8_t* out) const;
  /// The whole key of a kept one.
  void widen(const uint8_t* kept, uint8_t* out) const;
  const uint8_t* aside_key(const uint8_t* kept) const {
    uint32_t i;
    std::memcpy(&i, kept + 1, 4);
    return aside_keys_.data() + size_t{i} * key_width_;
  }
  bool same_words(const uint8_t* a, const uint8_t* b, size_t width) const;
  /// Orders two keys, both kept narrow or both whole (strings: ids of this table's interners).
  template <bool narrow>
  int compare_kept(const uint8_t* x, const uint8_t* y) const;

  const AggSpec& spec_;
  CellLayout layout_;
  bool sketches_ = false;  // some value has one (allocated with the group)
  std::vector<size_t> key_off_, narrow_off_;
  size_t key_width_ = 0, kept_width_ = 0, cells_off_ = 0, entry_width_ = 0;
  bool narrow_ = false;              // keys are kept narrower than they come
  std::vector<uint8_t> query_;       // a key being looked up, narrowed
  std::vector<uint8_t> aside_keys_;  // whole keys that did not fit narrow, key_width_ each
  std::vector<std::unique_ptr<uint8_t[]>> chunks_;
  uint32_t n_ = 0;
  // Each slot: the hash's low 32 bits (tag) above group + 1; 0 = empty. The position is the
  // hash's low bits too, so that growing places every slot again from the slots alone.
  std::vector<uint64_t> slots_;
  std::vector<Interner> strings_;
  Store store_;
};

}  // namespace flow::agg
