// Decoding binary blocks: decompression, schemas, integer sequences, dictionaries, nulls.
#include "formats/binary_decode.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>

#include "flow/error.hpp"
#include "flow/field.hpp"

namespace flow::bin {
namespace {

IntSeq read_ints(Cursor& c, size_t m, const char* what) {
  IntSeq s;
  s.transform = c.u8(what);
  if (s.transform > kRef) throw BadBlock{fmt::format("{}: unknown transform {}", what, s.transform)};
  if (s.transform == kRef) s.ref = c.count(kMaxColumns, what);
  const uint8_t w = c.u8(what);
  if (w == kWidth1Bit || w == kWidth2Bits || w == kWidth4Bits) s.bits = w & 0x0F;
  else if (w <= 8) s.width = w;
  else throw BadBlock{fmt::format("{}: unknown width code {}", what, w)};
  s.base = c.u64(what);
  s.planes = reinterpret_cast<const uint8_t*>(c.bytes(s.bits ? (m * s.bits + 7) / 8 : s.width * m, what));
  s.count = m;
  return s;
}

// Where unpacked values go (a functor, so that other destinations can share the loops).
struct ToInts {
  uint64_t* p;
  void operator()(size_t i, uint64_t v) const { p[i] = v; }
};

template <unsigned W, class Out>
void unpack_planes(const uint8_t* p, size_t stride, size_t k, uint64_t base, Out out) {
  for (size_t i = 0; i < k; ++i) {
    uint64_t x = p[i];
    for (unsigned w = 1; w < W; ++w) x |= uint64_t{p[w * stride + i]} << (8 * w);
    out(i, base + x);
  }
}

template <unsigned B, class Out>
void unpack_bits(const uint8_t* p, size_t from, size_t k, uint64_t base, Out out) {
  constexpr unsigned kPerByte = 8 / B, kMask = (1u << B) - 1;
  auto one = [&](size_t j) { return base + ((p[j / kPerByte] >> (B * (j % kPerByte))) & kMask); };
  size_t i = 0;
  for (; i < k && (from + i) % kPerByte; ++i) out(i, one(from + i));
  for (const uint8_t* q = p + (from + i) / kPerByte; i + kPerByte <= k; i += kPerByte, ++q)
    for (unsigned j = 0; j < kPerByte; ++j) out(i + j, base + ((*q >> (B * j)) & kMask));
  for (; i < k; ++i) out(i, one(from + i));
}

/// out(i, base + value from + i of the sequence), for i < k (no transform undone).
template <class Out>
inline void unpack_to(const IntSeq& s, size_t from, size_t k, Out out) {
  switch (s.bits) {
    case 1: return unpack_bits<1>(s.planes, from, k, s.base, out);
    case 2: return unpack_bits<2>(s.planes, from, k, s.base, out);
    case 4: return unpack_bits<4>(s.planes, from, k, s.base, out);
    default: break;
  }
  const uint8_t* p = s.planes + from;
  switch (s.width) {
    case 0:
      for (size_t i = 0; i < k; ++i) out(i, s.base);
      break;
    case 1: unpack_planes<1>(p, s.count, k, s.base, out); break;
    case 2: unpack_planes<2>(p, s.count, k, s.base, out); break;
    case 3: unpack_planes<3>(p, s.count, k, s.base, out); break;
    case 4: unpack_planes<4>(p, s.count, k, s.base, out); break;
    case 5: unpack_planes<5>(p, s.count, k, s.base, out); break;
    case 6: unpack_planes<6>(p, s.count, k, s.base, out); break;
    case 7: unpack_planes<7>(p, s.count, k, s.base, out); break;
    default: unpack_planes<8>(p, s.count, k, s.base, out); break;
  }
}

FLOW_AVX2_CLONES void unpack_range(const IntSeq& s, size_t from, size_t k, uint64_t* out) {
  unpack_to(s, from, k, ToInts{out});
}

/// Undoes kDelta over out[0..k), carrying the running value in acc.
void undelta(uint64_t* out, size_t k, uint64_t& acc) {
  uint64_t a = acc;
  for (size_t i = 0; i < k; ++i) out[i] = a += out[i];
  acc = a;
}

/// Every value of a sequence that stands alone (not kRef), into out.
void unpack_all(const IntSeq& s, std::vector<uint64_t>& out, const char* what) {
  if (s.transform == kRef) throw BadBlock{fmt::format("{} cannot refer to a column", what)};
  out.resize(s.count);
  unpack_range(s, 0, s.count, out.data());
  uint64_t acc = 0;
  if (s.transform == kDelta) undelta(out.data(), s.count, acc);
}

template <unsigned W>
uint32_t max_planes(const uint8_t* p, size_t m) {
  uint32_t max = 0;
  for (size_t i = 0; i < m; ++i) {
    uint32_t x = p[i];
    for (unsigned w = 1; w < W; ++w) x |= uint32_t{p[w * m + i]} << (8 * w);
    max = std::max(max, x);
  }
  return max;
}

/// The largest packed value of bit-packed bytes (every field of every byte: unused trailing
/// fields are written 0, and counting them can only make the check stricter than needed,
/// so the caller falls back to the exact check when this one fails).
template <unsigned B>
uint32_t max_bits(const uint8_t* p, size_t nbytes) {
  uint32_t max = 0;
  for (size_t i = 0; i < nbytes; ++i)
    for (unsigned j = 0; j < 8 / B; ++j) max = std::max<uint32_t>(max, (p[i] >> (B * j)) & ((1u << B) - 1));
  return max;
}

/// The largest value before adding the base, for plain sequences of bits or 1 to 4 bytes,
/// else -1.
FLOW_AVX2_CLONES int64_t plain_max(const IntSeq& s) {
  if (s.transform != kPlain) return -1;
  const size_t nbytes = (s.count * s.bits + 7) / 8;
  switch (s.bits) {
    case 1: return max_bits<1>(s.planes, nbytes);
    case 2: return max_bits<2>(s.planes, nbytes);
    case 4: return max_bits<4>(s.planes, nbytes);
    default: break;
  }
  switch (s.width) {
    case 0: return 0;
    case 1: return max_planes<1>(s.planes, s.count);
    case 2: return max_planes<2>(s.planes, s.count);
    case 3: return max_planes<3>(s.planes, s.count);
    case 4: return max_planes<4>(s.planes, s.count);
    default: return -1;
  }
}

/// Checks that every value of a sequence of indexes is below limit.
void check_indexes(const IntSeq& s, uint64_t limit, const char* what) {
  if (s.transform == kRef) throw BadBlock{fmt::format("{} cannot refer to a column", what)};
  if (s.count == 0) return;
  const int64_t pmax = plain_max(s);
  if (pmax >= 0 && s.base < limit && static_cast<uint64_t>(pmax) < limit - s.base) return;
  // Slow path (and the error): every value, a chunk at a time.
  uint64_t buf[kChunkRows];
  uint64_t acc = 0, max = 0;
  for (size_t from = 0; from < s.count; from += kChunkRows) {
    const size_t k = std::min(kChunkRows, s.count - from);
    unpack_range(s, from, k, buf);
    if (s.transform == kDelta) undelta(buf, k, acc);
    for (size_t i = 0; i < k; ++i) max = std::max(max, buf[i]);
  }
  if (s.count && max >= limit) throw BadBlock{fmt::format("{}: {} is out of range", what, max)};
}

size_t count_bits(const uint8_t* p, size_t nbytes) {
  size_t n = 0, i = 0;
  for (; i + 8 <= nbytes; i += 8)
    n += static_cast<size_t>(std::popcount(get_u64(reinterpret_cast<const char*>(p + i))));
  for (; i < nbytes; ++i) n += static_cast<size_t>(std::popcount(p[i]));
  return n;
}

/// A kRef sequence: an earlier integer column, non-null wherever this column is non-null.
void check_reference(const Group& g, size_t index, size_t n) {
  const ColumnData& col = g.cols[index];
  const size_t ref = col.seq.ref;
  if (ref >= index) throw BadBlock{fmt::format("column {} refers to column {}, not an earlier one", index, ref)};
  const ColumnData& r = g.cols[ref];
  if (r.file_type != Type::UInt && r.file_type != Type::Time)
    throw BadBlock{fmt::format("column {} refers to column {}, which holds no integers", index, ref)};
  if (!r.nulls) return;
  for (size_t i = 0; i < (n + 7) / 8; ++i)
    if (r.nulls[i] & ~(col.nulls ? col.nulls[i] : 0))
      throw BadBlock{fmt::format("column {} refers to a null in column {}", index, ref)};
}

/// Whether the n values are at most max, but for nulls (their bits set in `nulls`, if any): a
/// block may hold any 64 bits, readers of text only what value_max() allows. One pass without
/// branches over all the values, nulls too (which may hold anything); a second only if it fails.
FLOW_AVX2_CLONES bool within(const uint64_t* v, size_t n, uint64_t max, const uint8_t* nulls) {
  uint64_t top = 0;
  for (size_t i = 0; i < n; ++i) top = std::max(top, v[i]);
  if (top <= max) return true;
  for (size_t i = 0; i < n; ++i)
    if (v[i] > max && !(nulls && (nulls[i / 8] >> (i % 8) & 1))) return false;
  return true;
}

}  // namespace

FLOW_AVX2_CLONES void unpack_chunk(Group& g) {
  const size_t start = g.chunk_end, rows = std::min<size_t>(kChunkRows, g.rows - start);
  for (const uint32_t ci : g.active) {
    ColumnData& c = g.cols[ci];
    uint64_t* out = c.buf.data();
    Value* img = c.image.data();
    // start is a multiple of 8: the chunk's null bits are whole bytes (unused bits are zero).
    const uint8_t* bits = c.nulls ? c.nulls + start / 8 : nullptr;
    const size_t k = bits ? rows - count_bits(bits, (rows + 7) / 8) : rows;
    if (k == 0) {
      for (size_t i = 0; i < rows; ++i) img[i].state = Value::Null;
      continue;
    }
    unpack_range(c.seq, c.next, k, out);
    c.next += k;
    if (c.seq.transform == kDelta) undelta(out, k, c.acc);
    if (k < rows) {  // spread the k values over the rows; null rows get 0 (a valid index)
      size_t j = k;
      for (size_t b = (rows + 7) / 8; b-- > 0;) {
        const size_t lo = b * 8, hi = std::min(lo + 8, rows);
        if (bits[b] == 0)
          for (size_t i = hi; i-- > lo;) out[i] = out[--j];
        else
          for (size_t i = hi; i-- > lo;) out[i] = (bits[b] >> (i - lo)) & 1 ? 0 : out[--j];
      }
    }
    if (c.seq.transform == kRef) {  // the referenced column is earlier: already unpacked
      const uint64_t* r = g.cols[c.seq.ref].buf.data();
      for (size_t i = 0; i < rows; ++i) out[i] += r[i];
    }
    switch (c.file_type) {
      case Type::UInt:
      case Type::Time:
        if (c.dictionary) {
          std::memcpy(c.codes.data(), out, rows * sizeof *out);  // Reader::next_columns hands them out
          for (size_t i = 0; i < rows; ++i) out[i] = c.ints[out[i]];
        }
        for (size_t i = 0; i < rows; ++i) {
          img[i].u = out[i];  // Time: the same bits as t
          img[i].state = Value::Set;
        }
        if (c.max != UINT64_MAX && !c.convert && !within(out, rows, c.max, bits)) {
          c.convert = true;  // the reader checks each record: the one out of range is an error
          g.convert = true;
        }
        break;
      case Type::Float:
        if (c.dictionary) {
          std::memcpy(c.codes.data(), out, rows * sizeof *out);
          for (size_t i = 0; i < rows; ++i) out[i] = c.ints[out[i]];
        }
        for (size_t i = 0; i < rows; ++i) {  // a hostile file's NaN or infinity: null, as never written
          std::memcpy(&img[i].f, &out[i], 8);
          img[i].state = std::isfinite(img[i].f) ? Value::Set : Value::Null;
        }
        break;
      case Type::String: {
        static_assert(sizeof(StrRef) == sizeof(Value::s));  // the same layout: one 16-byte copy
        const StrRef* d = c.strs.data();
        for (size_t i = 0; i < rows; ++i) {
          std::memcpy(&img[i].s, d + out[i], sizeof(StrRef));
          img[i].state = Value::Set;
        }
        break;
      }
      case Type::Ip: {
        if (c.ip4.size() != c.ip4_seq.count) {                 // first chunk of the block: unpack here, where
          unpack_all(c.ip4_seq, g.scratch, "IPv4 addresses");  // the lookups below hit the cache
          c.ip4.assign(g.scratch.begin(), g.scratch.end());
        }
        const uint32_t* v4 = c.ip4.data();
        const uint64_t c4 = c.ip4.size();
        for (size_t i = 0; i < rows; ++i) {
          if (out[i] < c4) {
            const uint64_t lo = __builtin_bswap32(v4[out[i]]), hi = 0;  // a.b.c.d, then zeros
            std::memcpy(img[i].ip, &lo, 8);
            std::memcpy(img[i].ip + 8, &hi, 8);
            img[i].v6 = false;
          } else {
            std::memcpy(img[i].ip, c.ip6[out[i] - c4].data(), 16);
            img[i].v6 = true;
          }
          img[i].state = Value::Set;
        }
        break;
      }
    }
    if (k < rows) {
      for (size_t b = 0; b < (rows + 7) / 8; ++b)
        for (uint8_t x = bits[b]; x; x &= static_cast<uint8_t>(x - 1))
          img[b * 8 + static_cast<size_t>(std::countr_zero(x))].state = Value::Null;
    }
  }
  g.chunk_start = static_cast<uint32_t>(start);
  g.chunk_end = static_cast<uint32_t>(start + rows);
}

BlockDecoder::BlockDecoder(std::optional<std::vector<std::string>> fields)
    : dctx_(ZSTD_createDCtx()), fields_(std::move(fields)) {
  if (!dctx_) throw DataError("cannot create a zstd context");
  if (fields_) std::sort(fields_->begin(), fields_->end());
}

BlockDecoder::~BlockDecoder() { ZSTD_freeDCtx(dctx_); }

void BlockDecoder::decode(const FrameHeader& h, const char* stored, DecodedBlock& out) {
  out.records = 0;
  out.ngroups = 0;
  // Nothing decoded may point into `stored`: it leaves the input's buffer after this call.
  const char* payload = stored;
  if (h.codec == kCodecZstd) {
    out.raw.resize(h.raw);
    size_t n = ZSTD_decompressDCtx(dctx_, out.raw.data(), out.raw.size(), stored, h.stored);
    if (ZSTD_isError(n)) throw BadBlock{fmt::format("zstd: {}", ZSTD_getErrorName(n))};
    if (n != h.raw) throw BadBlock{fmt::format("decompressed to {} bytes, the header says {}", n, h.raw)};
    payload = out.raw.data();
  } else if (h.codec == kCodecNone) {
    if (h.stored != h.raw) throw BadBlock{"stored and raw sizes differ without compression"};
  } else {
    throw BadBlock{fmt::format("unknown compression codec {}", h.codec)};
  }
  const size_t n = h.records;
  if (n == 0) throw BadBlock{"no records"};
  Cursor c(payload, h.raw);
  const size_t ngroups = c.count(kMaxGroups, "group count");
  if (ngroups == 0) throw BadBlock{"no groups"};
  if (out.groups.size() < ngroups) out.groups.resize(ngroups);
  std::vector<uint32_t> counts(ngroups, 0);
  raw_left_ = kMaxRaw;
  if (ngroups > 1) {
    Cursor gc = open_chunk(skip_chunk(c), gid_chunk_);
    unpack_all(read_ints(gc, n, "group numbers"), scratch_, "group numbers");
    if (gc.left()) throw BadBlock{"group numbers: trailing bytes"};
    out.gids.resize(n);
    for (size_t i = 0; i < n; ++i) {
      if (scratch_[i] >= ngroups) throw BadBlock{fmt::format("group number {} is out of range", scratch_[i])};
      out.gids[i] = static_cast<uint8_t>(scratch_[i]);
      ++counts[out.gids[i]];
    }
  } else {
    counts[0] = static_cast<uint32_t>(n);
  }
  for (size_t g = 0; g < ngroups; ++g) load_group(c, out.groups[g], counts[g]);
  if (c.left()) throw BadBlock{"trailing bytes after the last group"};
  out.ngroups = ngroups;
  out.records = static_cast<uint32_t>(n);
}

void BlockDecoder::load_group(Cursor& c, Group& g, uint32_t n) {
  if (n == 0 || c.varint("group size") != n) throw BadBlock{"group size does not match the group numbers"};
  g.rows = n;
  g.cursor = g.chunk_start = g.chunk_end = 0;
  const SchemaView& view = read_schema(c);
  g.schema = view.delivered;
  const size_t ncols = view.full->size();
  g.cols.resize(ncols);
  for (size_t i = 0; i < ncols; ++i) {
    ColumnData& col = g.cols[i];
    col.file_type = static_cast<Type>(defs_[i].second);
    col.convert = col.file_type != view.full->column(i).type;
    // Known fields hold to the range every reader enforces; a column the field table does not
    // know (which no text reader makes a number or time of) keeps whatever it holds.
    col.max = view.full->column(i).id ? value_max(view.full->column(i)) : UINT64_MAX;
    col.id = view.full->column(i).id;
    col.loaded = false;
    col.chunk = skip_chunk(c);
  }
  g.fields = view.fields;
  g.images.resize(g.fields.size());
  g.convert = false;
  for (size_t k = 0; k < g.fields.size(); ++k) {
    load(g, g.fields[k], n);
    const ColumnData& col = g.cols[g.fields[k]];
    g.images[k] = col.image.data();
    g.convert |= col.convert;
  }
  g.active.clear();
  for (uint32_t i = 0; i < ncols; ++i)
    if (g.cols[i].loaded) g.active.push_back(i);
}

ChunkRef BlockDecoder::skip_chunk(Cursor& c) {
  ChunkRef k;
  k.codec = c.u8("chunk codec");
  k.raw = c.count(raw_left_, "chunk size");
  raw_left_ -= k.raw;
  if (k.codec != kCodecNone && k.codec != kCodecZstd) throw BadBlock{fmt::format("unknown chunk codec {}", k.codec)};
  k.stored = k.codec == kCodecNone ? k.raw : c.count(c.left(), "chunk stored size");
  k.bytes = c.bytes(k.stored, "chunk");
  return k;
}

Cursor BlockDecoder::open_chunk(const ChunkRef& k, std::vector<char>& into) {
  const size_t raw = k.raw;
  if (into.size() < raw) into.resize(raw + raw / 8);  // slack: the next block's may be a bit larger
  if (k.codec == kCodecNone) {
    if (raw) std::memcpy(into.data(), k.bytes, raw);
    return Cursor(into.data(), raw);
  }
  const size_t got = ZSTD_decompressDCtx(dctx_, into.data(), raw, k.bytes, k.stored);
  if (ZSTD_isError(got)) throw BadBlock{fmt::format("zstd: {}", ZSTD_getErrorName(got))};
  if (got != raw) throw BadBlock{fmt::format("chunk decompressed to {} bytes, not {}", got, raw)};
  return Cursor(into.data(), raw);
}

const BlockDecoder::SchemaView& BlockDecoder::read_schema(Cursor& c) {
  const size_t ncols = c.count(kMaxColumns, "column count");
  defs_.resize(ncols);
  for (auto& d : defs_) {
    size_t len = c.count(kMaxNameSize, "column name size");
    d.first = std::string_view(c.bytes(len, "column name"), len);
    d.second = c.u8("column type");
    if (d.second >= kTypeCount) throw BadBlock{fmt::format("column '{}': unknown type {}", d.first, d.second)};
  }
  auto same = [](const auto& a, const auto& b) { return a.first == b.first && a.second == b.second; };
  for (const auto& v : schemas_)
    if (std::equal(v.key.begin(), v.key.end(), defs_.begin(), defs_.end(), same)) return v;
  SchemaView v;
  std::vector<flow::Column> cols;
  for (const auto& d : defs_) {
    v.key.emplace_back(std::string(d.first), d.second);
    cols.push_back(flow::Column{std::string(d.first), static_cast<Type>(d.second), {}});
  }
  try {
    v.full = std::make_shared<const Schema>(std::move(cols));
  } catch (const DataError& e) {
    throw BadBlock{e.what()};
  }
  v.delivered = v.full;
  for (uint32_t i = 0; i < v.full->size(); ++i)
    if (!fields_ || std::binary_search(fields_->begin(), fields_->end(), v.full->column(i).name)) v.fields.push_back(i);
  if (v.fields.size() < v.full->size()) {
    std::vector<flow::Column> kept;
    for (uint32_t i : v.fields) kept.push_back(v.full->column(i));
    v.delivered = std::make_shared<const Schema>(std::move(kept));
    for (const auto& o : schemas_)  // streams of several schemas often project to the same one
      if (*o.delivered == *v.delivered) {
        v.delivered = o.delivered;
        break;
      }
  }
  if (schemas_.size() == 16) schemas_.pop_back();
  schemas_.push_front(std::move(v));
  return schemas_.front();
}

void BlockDecoder::load(Group& g, size_t index, size_t n) {
  // Values may refer to an earlier column (kRef), which must then be loaded too: follow the
  // chain back (a loop, not a recursion: it can be 4096 columns long).
  chain_.clear();
  for (size_t i = index; !g.cols[i].loaded;) {
    load_column(g, i, n);
    const ColumnData& col = g.cols[i];
    if (col.dictionary || col.seq.transform != kRef) break;
    chain_.push_back(i);
    i = col.seq.ref;
  }
  for (size_t i : chain_) check_reference(g, i, n);
}

namespace {

/// A known field's strings hold what the text and JSON readers let through: no control
/// character, and one of the field's values where AWS documents a closed set. Checked once per
/// dictionary entry, not per record.
void check_strings(const ColumnData& col) {
  for (const StrRef& r : col.strs) {
    std::string_view s(r.data, r.size);
    for (char ch : s)
      if (static_cast<unsigned char>(ch) < 0x20)
        throw BadBlock{fmt::format("{}: '{}' holds a control character (byte 0x{:02x})", field_info(*col.id).name,
                                   s.substr(0, 40), static_cast<unsigned char>(ch))};
    if (std::string e = field_value_error(*col.id, s); !e.empty())
      throw BadBlock{fmt::format("{}: {}", field_info(*col.id).name, e)};
  }
}

}  // namespace

void BlockDecoder::load_column(Group& g, size_t index, size_t n) {
  ColumnData& col = g.cols[index];
  Cursor c = open_chunk(col.chunk, col.data);
  const uint8_t flags = c.u8("column flags");
  const bool is_int = col.file_type == Type::UInt || col.file_type == Type::Time || col.file_type == Type::Float;
  if (flags & ~(kColumnNulls | (is_int ? kColumnDictionary : 0)))
    throw BadBlock{fmt::format("column {}: unknown flags {}", index, flags)};
  size_t m = n;
  col.nulls = nullptr;
  col.dictionary = (flags & kColumnDictionary) != 0;
  if (flags & kColumnNulls) {
    const auto* bits = reinterpret_cast<const uint8_t*>(c.bytes((n + 7) / 8, "null bitmap"));
    if ((n & 7) && (bits[n >> 3] >> (n & 7))) throw BadBlock{"null bitmap: bits set past the last row"};
    m = n - count_bits(bits, (n + 7) / 8);
    col.nulls = bits;
  }
  switch (col.file_type) {
    case Type::UInt:
    case Type::Time:
    case Type::Float:
      if (col.dictionary) {
        const size_t d = c.count(m, "dictionary size");
        unpack_all(read_ints(c, d, "integer dictionary"), col.ints, "integer dictionary");
        col.seq = read_ints(c, m, "dictionary indexes");
        check_indexes(col.seq, d, "dictionary indexes");
        break;
      }
      col.seq = read_ints(c, m, "values");
      if (col.seq.transform == kRef && col.seq.ref >= index)  // load() checks the rest
        throw BadBlock{fmt::format("column {} refers to column {}, not an earlier one", index, col.seq.ref)};
      break;
    case Type::String: {
      const size_t d = c.count(m, "dictionary size");
      unpack_all(read_ints(c, d, "string lengths"), scratch_, "string lengths");
      uint64_t total = 0;
      for (size_t i = 0; i < d; ++i) {
        if (scratch_[i] > UINT32_MAX) throw BadBlock{"string length out of range"};
        total += scratch_[i];
      }
      const char* bytes = c.bytes(total, "strings");
      col.strs.resize(d);
      for (size_t i = 0; i < d; ++i) {
        col.strs[i] = StrRef{bytes, static_cast<uint32_t>(scratch_[i])};
        bytes += scratch_[i];
      }
      if (col.id) check_strings(col);
      col.seq = read_ints(c, m, "string indexes");
      check_indexes(col.seq, d, "string indexes");
      break;
    }
    case Type::Ip: {
      const size_t c4 = c.count(m, "IPv4 dictionary size");
      const size_t c6 = c.count(m - c4, "IPv6 dictionary size");
      // The reading thread unpacks the IPv4 dictionary (then its lookups hit its own cache).
      col.ip4_seq = read_ints(c, c4, "IPv4 addresses");
      check_indexes(col.ip4_seq, uint64_t{1} << 32, "IPv4 addresses");
      col.ip4.clear();
      const auto* planes = reinterpret_cast<const uint8_t*>(c.bytes(16 * c6, "IPv6 addresses"));
      col.ip6.resize(c6);
      for (size_t i = 0; i < c6; ++i)
        for (size_t k = 0; k < 16; ++k) col.ip6[i][k] = planes[k * c6 + i];
      col.seq = read_ints(c, m, "address indexes");
      check_indexes(col.seq, c4 + c6, "address indexes");
      break;
    }
  }
  if (c.left()) throw BadBlock{fmt::format("column {}: trailing bytes", index)};
  col.loaded = true;
  col.next = 0;
  col.acc = 0;
  col.buf.resize(kChunkRows);
  col.codes.resize(col.dictionary ? kChunkRows : 0);
  col.image.resize(kChunkRows);
}

}  // namespace flow::bin
