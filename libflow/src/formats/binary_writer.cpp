// Binary format writer: records in blocks, encoded column by column, zstd-compressed, checksummed.
#define ZSTD_STATIC_LINKING_ONLY  // ZSTD_c_literalCompressionMode (stable since zstd 1.4.5)
#include <zstd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <bit>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/binary_format.hpp"
#include "formats/binary_writer.hpp"

namespace flow {
namespace {

using namespace bin;

// A block ends at whichever limit comes first. 64K rows of the default format are ~25 bytes a
// row before compression; the caps on values and on dictionary bytes keep wide and
// string-heavy schemas in memory bounds (writer and reader stay well under 64 MB).
constexpr uint32_t kBlockRecords = 65536;
constexpr size_t kBlockValues = size_t{1} << 20;
constexpr size_t kBlockDictBytes = size_t{4} << 20;
constexpr size_t kMaxRecordBytes = size_t{8} << 20;
constexpr uint32_t kWriterGroups = 32;
// Chunk compression, measured on 1 M generated records (gen_aws.py --seed 1): level 1 writes
// fastest and, on these byte planes, compresses as well as levels up to 9. Leaving literals
// unentropy-coded unless Huffman saves 20% costs ~1.2 bytes a record (15.1 instead of 13.9)
// and makes decompression ~40% faster.
constexpr int kZstdLevel = 1;
constexpr double kHuffmanGain = 1.2;
constexpr size_t kMinCompress = 64;

// ---- integer sequences ----------------------------------------------------------------------

inline unsigned byte_width(uint64_t x) { return x ? (71u - static_cast<unsigned>(std::countl_zero(x))) / 8 : 0; }

struct Plan {
  uint64_t base = 0;
  uint64_t range = 0;  // largest value - base
  uint64_t cost = 0;   // estimated stored bytes
};

/// The frame of reference for m values x(i): the smaller of the unsigned and signed ranges.
template <class X>
Plan plan_for(size_t m, X x) {
  Plan p;
  if (m == 0) return p;
  uint64_t umin = UINT64_MAX, umax = 0;
  int64_t smin = INT64_MAX, smax = INT64_MIN;
  for (size_t i = 0; i < m; ++i) {
    uint64_t v = x(i);
    umin = std::min(umin, v);
    umax = std::max(umax, v);
    smin = std::min(smin, static_cast<int64_t>(v));
    smax = std::max(smax, static_cast<int64_t>(v));
  }
  uint64_t urange = umax - umin, srange = static_cast<uint64_t>(smax) - static_cast<uint64_t>(smin);
  p.base = urange <= srange ? umin : static_cast<uint64_t>(smin);
  p.range = std::min(urange, srange);
  // Cost: the significant bytes of each value, a fair proxy for what zstd keeps of the planes.
  if (p.range > 15)
    for (size_t i = 0; i < m; ++i) p.cost += byte_width(x(i) - p.base) + 1;
  else
    p.cost = p.range ? m / 2 : 0;
  return p;
}

/// The width code for a range: bits for small ranges, else bytes.
uint8_t width_code(uint64_t range) {
  if (range == 0) return 0;
  if (range <= 1) return kWidth1Bit;
  if (range <= 3) return kWidth2Bits;
  if (range <= 15) return kWidth4Bits;
  return static_cast<uint8_t>(byte_width(range));
}

template <class X>
void put_values(ByteBuf& out, size_t m, const Plan& p, uint8_t width, X x) {
  if (width & 0x80) {
    const unsigned bits = width & 0x0F;
    char* q = out.grow((m * bits + 7) / 8);
    std::memset(q, 0, (m * bits + 7) / 8);
    for (size_t i = 0; i < m; ++i) {
      const size_t bit = i * bits;
      q[bit >> 3] = static_cast<char>(q[bit >> 3] | static_cast<char>((x(i) - p.base) << (bit & 7)));
    }
    return;
  }
  char* planes = out.grow(width * m);
  for (size_t i = 0; i < m; ++i) {
    uint64_t d = x(i) - p.base;
    for (unsigned k = 0; k < width; ++k) planes[k * m + i] = static_cast<char>(d >> (8 * k));
  }
}

/// Writes m values as an integer sequence: plain, delta from the previous value, or (with ref)
/// difference from the aligned values of column ref_column, whichever looks smallest.
void encode_ints(ByteBuf& out, const uint64_t* v, size_t m, const uint64_t* ref = nullptr,
                 size_t ref_column = 0) {
  auto plain = [&](size_t i) { return v[i]; };
  auto delta = [&](size_t i) { return i ? v[i] - v[i - 1] : v[0]; };
  auto from_ref = [&](size_t i) { return v[i] - ref[i]; };
  Plan best = plan_for(m, plain);
  Transform t = kPlain;
  if (best.range > 15 && m > 1) {
    Plan d = plan_for(m, delta);
    if (d.cost < best.cost) {
      best = d;
      t = kDelta;
    }
    Plan r = ref ? plan_for(m, from_ref) : Plan{};
    if (ref && r.cost < best.cost) {
      best = r;
      t = kRef;
    }
  }
  const uint8_t width = width_code(best.range);
  out.put_u8(t);
  if (t == kRef) out.put_varint(ref_column);
  out.put_u8(width);
  out.put_u64(best.base);
  if (t == kPlain) put_values(out, m, best, width, plain);
  else if (t == kDelta) put_values(out, m, best, width, delta);
  else put_values(out, m, best, width, from_ref);
}

// ---- dictionaries -----------------------------------------------------------------------------

/// Open-addressing hash table from keys to dense indexes (slot = index + 1, 0 = empty).
class IndexTable {
 public:
  template <class Hash, class Eq>
  uint32_t find_or_add(uint64_t h, uint32_t next_index, Eq eq, Hash rehash, bool& added) {
    if ((next_index + 1) * 2 > slots_.size()) grow(rehash);
    size_t mask = slots_.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      uint32_t s = slots_[i];
      if (s == 0) {
        slots_[i] = next_index + 1;
        added = true;
        return next_index;
      }
      if (eq(s - 1)) {
        added = false;
        return s - 1;
      }
    }
  }
  void clear() { std::fill(slots_.begin(), slots_.end(), 0u); }

 private:
  template <class Hash>
  void grow(Hash rehash) {
    std::vector<uint32_t> old = std::move(slots_);
    slots_.assign(std::max<size_t>(1024, old.size() * 2), 0u);
    size_t mask = slots_.size() - 1;
    for (uint32_t s : old) {
      if (!s) continue;
      size_t i = rehash(s - 1) & mask;
      while (slots_[i]) i = (i + 1) & mask;
      slots_[i] = s;
    }
  }
  std::vector<uint32_t> slots_;
};

class StringDict {
 public:
  /// Index of s, added if new; `added` tells the caller how many bytes the block grew by.
  uint32_t add(std::string_view s, bool& added) {
    if (!ends_.empty() && s == last_) {
      added = false;
      return last_index_;
    }
    auto eq = [&](uint32_t i) { return entry(i) == s; };
    auto rehash = [&](uint32_t i) { return XXH3_64bits(entry(i).data(), entry(i).size()); };
    uint32_t i = table_.find_or_add(XXH3_64bits(s.data(), s.size()), size(), eq, rehash, added);
    if (added) {
      bytes_.append(s);
      ends_.push_back(bytes_.size());
    }
    last_index_ = i;
    last_ = entry(i);
    return i;
  }
  uint32_t size() const { return static_cast<uint32_t>(ends_.size()); }
  std::string_view entry(uint32_t i) const {
    size_t b = i ? ends_[i - 1] : 0;
    return {bytes_.data() + b, ends_[i] - b};
  }
  void encode(ByteBuf& out) const {
    out.put_varint(size());
    std::vector<uint64_t> lengths(size());
    for (uint32_t i = 0; i < size(); ++i) lengths[i] = entry(i).size();
    encode_ints(out, lengths.data(), lengths.size());
    out.append(bytes_.data(), bytes_.size());
  }
  void clear() {
    table_.clear();
    bytes_.clear();
    ends_.clear();
  }

 private:
  IndexTable table_;
  std::string bytes_;
  std::vector<uint64_t> ends_;
  std::string_view last_;  // points into bytes_, refreshed on every add
  uint32_t last_index_ = 0;
};

/// IPv4 and IPv6 dictionaries; indexes of IPv6 entries carry kV6Tag until encode() renumbers.
class IpDict {
 public:
  static constexpr uint64_t kV6Tag = uint64_t{1} << 32;

  uint64_t add(const Value& v, bool& added) {
    if (!v.v6) {
      uint32_t a = uint32_t{v.ip[0]} << 24 | uint32_t{v.ip[1]} << 16 | uint32_t{v.ip[2]} << 8 | v.ip[3];
      auto eq = [&](uint32_t i) { return v4_[i] == a; };
      auto rehash = [&](uint32_t i) { return mix(v4_[i]); };
      uint32_t i = t4_.find_or_add(mix(a), static_cast<uint32_t>(v4_.size()), eq, rehash, added);
      if (added) v4_.push_back(a);
      return i;
    }
    std::array<uint8_t, 16> a;
    std::memcpy(a.data(), v.ip, 16);
    auto eq = [&](uint32_t i) { return v6_[i] == a; };
    auto rehash = [&](uint32_t i) { return XXH3_64bits(v6_[i].data(), 16); };
    uint32_t i = t6_.find_or_add(XXH3_64bits(a.data(), 16), static_cast<uint32_t>(v6_.size()), eq, rehash, added);
    if (added) v6_.push_back(a);
    return kV6Tag | i;
  }
  /// Writes the dictionary and turns tagged IPv6 indexes into v4-count + index.
  void encode(ByteBuf& out, std::vector<uint64_t>& indexes) const {
    out.put_varint(v4_.size());
    out.put_varint(v6_.size());
    std::vector<uint64_t> v4(v4_.begin(), v4_.end());
    encode_ints(out, v4.data(), v4.size());
    char* planes = out.grow(16 * v6_.size());
    for (size_t i = 0; i < v6_.size(); ++i)
      for (size_t k = 0; k < 16; ++k) planes[k * v6_.size() + i] = static_cast<char>(v6_[i][k]);
    if (!v6_.empty())
      for (auto& x : indexes)
        if (x & kV6Tag) x = v4_.size() + (x & ~kV6Tag);
  }
  void clear() {
    t4_.clear();
    t6_.clear();
    v4_.clear();
    v6_.clear();
  }

 private:
  static uint64_t mix(uint32_t a) { return (a * 0x9E3779B97F4A7C15ull) >> 20; }
  IndexTable t4_, t6_;
  std::vector<uint32_t> v4_;
  std::vector<std::array<uint8_t, 16>> v6_;
};

// ---- columns and blocks -----------------------------------------------------------------------

struct ColumnBuilder {
  Type type = Type::String;
  int ref = -1;              // Time columns: the nearest earlier Time column (end - start)
  uint32_t rows = 0;
  bool has_null = false;
  std::vector<uint8_t> nulls;  // bit i set: row i is null
  std::vector<uint64_t> vals;  // non-null rows: the integer, or the dictionary index
  StringDict sdict;
  IpDict idict;

  /// Adds one value; returns the bytes it adds to the dictionaries.
  size_t add(const Value& v) {
    if ((rows & 7) == 0) nulls.push_back(0);
    uint32_t row = rows++;
    if (v.null()) {
      nulls[row >> 3] |= static_cast<uint8_t>(1u << (row & 7));
      has_null = true;
      return 0;
    }
    bool added = false;
    switch (type) {
      case Type::UInt:
      case Type::Time: vals.push_back(v.u); return 0;
      case Type::String: vals.push_back(sdict.add(v.str(), added)); return added ? v.s.size + 4 : 0;
      case Type::Ip: vals.push_back(idict.add(v, added)); return added ? 16 : 0;
    }
    return 0;
  }
  bool null_at(uint32_t row) const { return (nulls[row >> 3] >> (row & 7)) & 1; }

  void encode(ByteBuf& out, const std::vector<ColumnBuilder>& cols) {
    const size_t flags_at = out.size();
    out.put_u8(has_null ? kColumnNulls : 0);
    if (has_null) out.append(nulls.data(), (rows + 7) / 8);
    switch (type) {
      case Type::UInt:
        if (encode_dictionary(out)) out.data()[flags_at] = static_cast<char>(out.data()[flags_at] | kColumnDictionary);
        else encode_ints(out, vals.data(), vals.size());
        break;
      case Type::Time: {
        std::vector<uint64_t> aligned;
        const uint64_t* r = ref >= 0 ? aligned_ref(cols[static_cast<size_t>(ref)], aligned) : nullptr;
        encode_ints(out, vals.data(), vals.size(), r, static_cast<size_t>(ref));
        break;
      }
      case Type::String:
        sdict.encode(out);
        encode_ints(out, vals.data(), vals.size());
        break;
      case Type::Ip:
        idict.encode(out, vals);
        encode_ints(out, vals.data(), vals.size());
        break;
    }
  }

  /// A UInt column with at most 16 distinct values over a range too wide for 4-bit packing
  /// (protocol: 1, 6, 17) is written as a dictionary and 1-, 2- or 4-bit indexes.
  bool encode_dictionary(ByteBuf& out) const {
    if (vals.size() < 64) return false;
    uint64_t dict[16];
    size_t d = 0, last = 0;
    std::vector<uint64_t> idx(vals.size());
    for (size_t i = 0; i < vals.size(); ++i) {
      if (d && vals[i] == dict[last]) {
        idx[i] = last;
        continue;
      }
      last = 0;
      while (last < d && dict[last] != vals[i]) ++last;
      if (last == d) {
        if (d == 16) return false;
        dict[d++] = vals[i];
      }
      idx[i] = last;
    }
    if (*std::max_element(dict, dict + d) - *std::min_element(dict, dict + d) <= 15) return false;
    out.put_varint(d);
    encode_ints(out, dict, d);
    encode_ints(out, idx.data(), idx.size());
    return true;
  }

  /// The reference column's values at this column's non-null rows, or nullptr when the
  /// reference is null at one of them.
  const uint64_t* aligned_ref(const ColumnBuilder& r, std::vector<uint64_t>& aligned) const {
    if (!has_null && !r.has_null) return r.vals.data();
    aligned.clear();
    size_t j = 0;
    for (uint32_t row = 0; row < rows; ++row) {
      bool rnull = r.null_at(row);
      if (!null_at(row)) {
        if (rnull) return nullptr;
        aligned.push_back(r.vals[j]);
      }
      j += !rnull;
    }
    return aligned.data();
  }

  void clear() {
    rows = 0;
    has_null = false;
    nulls.clear();
    vals.clear();
    sdict.clear();
    idict.clear();
  }
};

struct Group {
  SchemaPtr schema;
  std::vector<ColumnBuilder> cols;
  uint32_t rows = 0;

  void start(SchemaPtr s) {
    schema = std::move(s);
    cols.resize(schema->size());
    int last_time = -1;
    for (size_t i = 0; i < cols.size(); ++i) {
      cols[i].clear();
      cols[i].type = schema->column(i).type;
      cols[i].ref = cols[i].type == Type::Time ? last_time : -1;
      if (cols[i].type == Type::Time) last_time = static_cast<int>(i);
    }
    rows = 0;
  }
};

class BinaryWriter : public Writer {
 public:
  BinaryWriter(Output& out, uint32_t block_records)
      : out_(out),
        block_records_(std::clamp<uint32_t>(block_records, 1, kBlockRecords)),
        fast_cctx_(ZSTD_createCCtx()),
        huff_cctx_(ZSTD_createCCtx()) {
    if (!fast_cctx_ || !huff_cctx_) throw DataError("binary output: cannot create a zstd context");
    ZSTD_CCtx_setParameter(fast_cctx_, ZSTD_c_compressionLevel, kZstdLevel);
    ZSTD_CCtx_setParameter(fast_cctx_, ZSTD_c_literalCompressionMode, ZSTD_ps_disable);
    ZSTD_CCtx_setParameter(huff_cctx_, ZSTD_c_compressionLevel, kZstdLevel);
  }
  ~BinaryWriter() override {
    ZSTD_freeCCtx(fast_cctx_);
    ZSTD_freeCCtx(huff_cctx_);
  }

  void write(const Record& r) override {
    if (finished_) throw DataError("binary output: write after finish");
    if (!r.schema || r.values.size() != r.schema->size())
      throw DataError("", r.line, "", fmt::format("record {}: values do not match its fields", r.line));
    size_t strings = 0;
    for (size_t i = 0; i < r.values.size(); ++i)
      if (r.schema->column(i).type == Type::String && !r.values[i].null()) strings += r.values[i].s.size;
    if (strings > kMaxRecordBytes)
      throw DataError("", r.line, "",
                      fmt::format("record {}: {} bytes of text; the binary format takes at most {} MiB a record",
                                  r.line, strings, kMaxRecordBytes >> 20));
    if (records_ > 0 && (records_ == block_records_ || values_ + r.values.size() > kBlockValues ||
                         dict_bytes_ + strings > kBlockDictBytes))
      flush_block();
    Group& g = group_for(r.schema);
    for (size_t i = 0; i < g.cols.size(); ++i) dict_bytes_ += g.cols[i].add(r.values[i]);
    ++g.rows;
    gids_.push_back(static_cast<uint8_t>(&g - groups_.data()));
    ++records_;
    values_ += g.cols.size();
  }

  void finish() override {
    if (finished_) return;
    flush_block();
    start_stream();
    FrameHeader h;
    h.kind = kFrameEnd;
    h.stored = h.raw = kEndPayloadSize;
    char* p = out_.space(kFrameHeaderSize + kEndPayloadSize);
    put_u64(p + kFrameHeaderSize, stream_records_);
    put_u64(p + kFrameHeaderSize + 8, stream_blocks_);
    encode_frame_prefix(h, p);
    h.checksum = payload_checksum(p, p + kFrameHeaderSize, kEndPayloadSize);
    encode_frame_header(h, p);
    out_.advance(p + kFrameHeaderSize + kEndPayloadSize);
    finished_ = true;
  }

 private:
  Group& group_for(const SchemaPtr& s) {
    if (last_ < ngroups_ && groups_[last_].schema == s) return groups_[last_];
    for (size_t i = 0; i < ngroups_; ++i)
      if (same_schema(groups_[i].schema, s)) return groups_[last_ = i];
    for (const auto& c : s->columns())
      if (c.name.size() > kMaxNameSize)
        throw DataError("", 0, "", fmt::format("field name of {} bytes: the binary format takes at most {}",
                                               c.name.size(), kMaxNameSize));
    if (ngroups_ == kWriterGroups) flush_block();
    if (groups_.size() == ngroups_) groups_.emplace_back();
    groups_[ngroups_].start(s);
    last_ = ngroups_++;
    return groups_[last_];
  }

  void start_stream() {
    if (started_) return;
    char* p = out_.space(kStreamHeaderSize);
    encode_stream_header(p);
    out_.advance(p + kStreamHeaderSize);
    started_ = true;
  }

  void flush_block() {
    if (records_ == 0) return;
    start_stream();
    payload_.clear();
    payload_.put_varint(ngroups_);
    if (ngroups_ > 1) {
      std::vector<uint64_t> ids(gids_.begin(), gids_.end());
      column_.clear();
      encode_ints(column_, ids.data(), ids.size());
      put_chunk(column_);
    }
    for (size_t gi = 0; gi < ngroups_; ++gi) encode_group(groups_[gi]);

    if (payload_.size() > kMaxStored)  // the block limits above keep far below this
      throw DataError(fmt::format("binary output: a block of {} bytes is over the format's limit", payload_.size()));
    FrameHeader h;
    h.kind = kFrameBlock;
    h.records = records_;
    h.raw = h.stored = static_cast<uint32_t>(payload_.size());
    char* p = out_.space(kFrameHeaderSize);
    encode_frame_prefix(h, p);
    h.checksum = payload_checksum(p, payload_.data(), payload_.size());
    encode_frame_header(h, p);
    out_.advance(p + kFrameHeaderSize);
    out_.write(std::string_view(payload_.data(), payload_.size()));  // big ones go straight out

    stream_records_ += records_;
    ++stream_blocks_;
    records_ = 0;
    values_ = dict_bytes_ = 0;
    gids_.clear();
    ngroups_ = 0;
    last_ = 0;
  }

  void encode_group(Group& g) {
    payload_.put_varint(g.rows);
    payload_.put_varint(g.cols.size());
    for (const auto& c : g.schema->columns()) {
      payload_.put_varint(c.name.size());
      payload_.append(c.name.data(), c.name.size());
      payload_.put_u8(type_code(c.type));
    }
    for (auto& c : g.cols) {
      column_.clear();
      c.encode(column_, g.cols);
      put_chunk(column_);
    }
  }

  /// Appends raw as a chunk, compressed the way that decodes fastest for nearly the best size:
  /// zstd with literals left as they are, unless Huffman-coding them saves more than
  /// kHuffmanGain (Huffman decoding costs more than the rest of zstd's work on this data).
  void put_chunk(const ByteBuf& raw) {
    const size_t n = raw.size();
    const char* z = nullptr;
    size_t zn = n;
    if (n >= kMinCompress) {
      const size_t bound = ZSTD_compressBound(n);
      fast_.resize(bound);
      huff_.resize(bound);
      size_t f = ZSTD_compress2(fast_cctx_, fast_.data(), bound, raw.data(), n);
      size_t h = ZSTD_compress2(huff_cctx_, huff_.data(), bound, raw.data(), n);
      if (ZSTD_isError(f)) f = SIZE_MAX;
      if (ZSTD_isError(h)) h = SIZE_MAX;
      const bool use_huff = h != SIZE_MAX && static_cast<double>(h) * kHuffmanGain < static_cast<double>(f);
      const size_t best = use_huff ? h : f;
      if (best < n) {
        z = use_huff ? huff_.data() : fast_.data();
        zn = best;
      }
    }
    payload_.put_u8(z ? kCodecZstd : kCodecNone);
    payload_.put_varint(n);
    if (z) payload_.put_varint(zn);
    payload_.append(z ? z : raw.data(), zn);
  }

  Output& out_;
  const uint32_t block_records_;
  ZSTD_CCtx* fast_cctx_;  // literals stored as they are: decodes at memory speed
  ZSTD_CCtx* huff_cctx_;  // literals Huffman-coded: smaller, slower to decode
  std::vector<char> fast_, huff_;
  std::vector<Group> groups_;  // the first ngroups_ are in use
  size_t ngroups_ = 0, last_ = 0;
  std::vector<uint8_t> gids_;  // group of each record of the block
  uint32_t records_ = 0;
  size_t values_ = 0, dict_bytes_ = 0;
  ByteBuf payload_, column_;
  uint64_t stream_records_ = 0, stream_blocks_ = 0;
  bool started_ = false, finished_ = false;
};

}  // namespace

std::unique_ptr<Writer> binary_writer(Output& out, const WriteOptions&) {
  return std::make_unique<BinaryWriter>(out, kBlockRecords);
}

std::unique_ptr<Writer> bin::binary_writer(Output& out, uint32_t block_records) {
  return std::make_unique<BinaryWriter>(out, block_records);
}

}  // namespace flow
