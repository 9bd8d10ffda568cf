// Binary format writer: records in blocks, encoded column by column, zstd-compressed, checksummed.
#include <fmt/format.h>

#include <algorithm>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/binary_compress.hpp"
#include "formats/binary_dict.hpp"
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

// ---- columns and blocks -----------------------------------------------------------------------

struct ColumnBuilder {
  Type type = Type::String;
  int ref = -1;  // Time columns: the nearest earlier Time column (end - start)
  bool has_null = false;
  bool huff = false;           // Huffman won for this column's last chunk (kept across blocks)
  std::vector<uint8_t> nulls;  // bit i set: row i is null; only as long as the last null needs
  std::vector<uint64_t> vals;  // non-null rows: the integer, or the dictionary index
  StringDict sdict;
  IpDict idict;

  /// Most columns never see a null: the bitmap is only made (and padded) once one comes.
  void add_null(uint32_t row) {
    if (nulls.size() <= row >> 3) nulls.resize((row >> 3) + 1, 0);
    nulls[row >> 3] |= static_cast<uint8_t>(1u << (row & 7));
    has_null = true;
  }
  bool null_at(uint32_t row) const { return row >> 3 < nulls.size() && ((nulls[row >> 3] >> (row & 7)) & 1); }

  /// scratch: the writer's buffer for dictionary indexes, reused from column to column.
  void encode(ByteBuf& out, const std::vector<ColumnBuilder>& cols, uint32_t rows, std::vector<uint64_t>& scratch) {
    const size_t flags_at = out.size();
    out.put_u8(has_null ? kColumnNulls : 0);
    if (has_null) {
      nulls.resize((rows + 7) / 8, 0);
      out.append(nulls.data(), nulls.size());
    }
    switch (type) {
      case Type::UInt:
        if (encode_dictionary(out, scratch))
          out.data()[flags_at] = static_cast<char>(out.data()[flags_at] | kColumnDictionary);
        else encode_ints(out, vals.data(), vals.size());
        break;
      case Type::Time: {
        std::vector<uint64_t> aligned;
        const uint64_t* r = ref >= 0 ? aligned_ref(cols[static_cast<size_t>(ref)], aligned, rows) : nullptr;
        encode_ints(out, vals.data(), vals.size(), r, static_cast<size_t>(ref));
        break;
      }
      case Type::Float:  // the 64 bits, as an integer
        encode_ints(out, vals.data(), vals.size());
        break;
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
  bool encode_dictionary(ByteBuf& out, std::vector<uint64_t>& idx) const {
    if (vals.size() < 64) return false;
    uint64_t dict[16];
    size_t d = 0, last = 0;
    // Reused, not allocated: a fresh vector of a block's rows (512 KiB) was zeroed for every
    // UInt column of every block, though most (ports, counts) give up after a few dozen values.
    idx.resize(vals.size());
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
  const uint64_t* aligned_ref(const ColumnBuilder& r, std::vector<uint64_t>& aligned, uint32_t rows) const {
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
  std::vector<uint32_t> ints, strings, ips;  // column indexes by kind: one loop each, no switch
  uint32_t rows = 0;

  void start(SchemaPtr s) {
    const bool same = schema && same_schema(schema, s);
    schema = std::move(s);
    cols.resize(schema->size());
    ints.clear();
    strings.clear();
    ips.clear();
    int last_time = -1;
    for (size_t i = 0; i < cols.size(); ++i) {
      const Type t = schema->column(i).type;
      cols[i].clear();
      if (!same) cols[i].huff = false;
      cols[i].type = t;
      cols[i].ref = t == Type::Time ? last_time : -1;
      if (t == Type::Time) last_time = static_cast<int>(i);
      auto& kind = t == Type::String ? strings : t == Type::Ip ? ips : ints;
      kind.push_back(static_cast<uint32_t>(i));
    }
    rows = 0;
  }

  /// Bytes of the record's non-null strings.
  size_t string_bytes(const std::vector<Value>& values) const {
    size_t n = 0;
    for (uint32_t i : strings)
      if (!values[i].null()) n += values[i].s.size;
    return n;
  }

  /// Adds one record; returns the bytes it adds to the dictionaries. (The pointers are copied
  /// to locals: byte stores into the dictionaries could alias the vectors' own pointers, and
  /// the compiler would reload them for every column.)
  size_t add(const std::vector<Value>& values) {
    const uint32_t row = rows++;
    const Value* in = values.data();
    ColumnBuilder* col = cols.data();
    for (uint32_t i : ints) {
      if (in[i].null()) col[i].add_null(row);
      else col[i].vals.push_back(in[i].u);  // Time: the same 64 bits
    }
    size_t grew = 0;
    bool added = false;
    for (uint32_t i : strings) {
      if (in[i].null()) {
        col[i].add_null(row);
        continue;
      }
      col[i].vals.push_back(col[i].sdict.add(in[i].str(), added));
      if (added) grew += in[i].s.size + 4;
    }
    for (uint32_t i : ips) {
      if (in[i].null()) {
        col[i].add_null(row);
        continue;
      }
      col[i].vals.push_back(col[i].idict.add(in[i], added));
      if (added) grew += 16;
    }
    return grew;
  }
};

class BinaryWriter : public Writer {
 public:
  BinaryWriter(Output& out, uint32_t block_records)
      : out_(out), block_records_(std::clamp<uint32_t>(block_records, 1, kBlockRecords)) {}

  void write(const Record& r) override {
    if (finished_ && !checkpointed_) throw DataError("binary output: write after finish");
    if (finished_) {
      started_ = finished_ = checkpointed_ = false;
      stream_records_ = stream_blocks_ = 0;
    }
    if (!r.schema || r.values.size() != r.schema->size())
      throw DataError("", r.line, "", fmt::format("record {}: values do not match its fields", r.line));
    // The group of the record's schema, if this block has it already (almost always).
    Group* g = find_group(r.schema);
    const size_t strings = g ? g->string_bytes(r.values) : string_bytes(r);
    if (strings > kMaxRecordBytes)
      throw DataError("", r.line, "",
                      fmt::format("record {}: {} bytes of text; the binary format takes at most {} MiB a record",
                                  r.line, strings, kMaxRecordBytes >> 20));
    if (records_ > 0 && (records_ == block_records_ || values_ + r.values.size() > kBlockValues ||
                         dict_bytes_ + strings > kBlockDictBytes)) {
      flush_block();
      g = nullptr;
    }
    if (!g) g = &group_for(r.schema);
    dict_bytes_ += g->add(r.values);
    gids_.push_back(static_cast<uint8_t>(g - groups_.data()));
    ++records_;
    values_ += g->cols.size();
  }

  void flush() override {
    if (!finished_) flush_block();
  }

  void checkpoint() override {
    if (finished_ || (!started_ && records_ == 0)) return;
    finish();
    checkpointed_ = true;  // the next record starts another stream
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
  /// The block's group for schema s, or nullptr when the block has none yet.
  Group* find_group(const SchemaPtr& s) {
    if (last_ < ngroups_ && groups_[last_].schema == s) return &groups_[last_];
    for (size_t i = 0; i < ngroups_; ++i)
      if (same_schema(groups_[i].schema, s)) return &groups_[last_ = i];
    return nullptr;
  }

  /// Bytes of a record's non-null strings, for a schema not yet in the block.
  static size_t string_bytes(const Record& r) {
    size_t n = 0;
    for (size_t i = 0; i < r.values.size(); ++i)
      if (r.schema->column(i).type == Type::String && !r.values[i].null()) n += r.values[i].s.size;
    return n;
  }

  /// The block's group for schema s, added (after a flush when the block has kWriterGroups).
  Group& group_for(const SchemaPtr& s) {
    if (Group* g = find_group(s)) return *g;
    for (const auto& c : s->columns())
      if (c.name.size() > kMaxNameSize)
        throw DataError(
            "", 0, "",
            fmt::format("field name of {} bytes: the binary format takes at most {}", c.name.size(), kMaxNameSize));
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
      put_chunk(column_, gids_huff_);
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
      c.encode(column_, g.cols, g.rows, scratch_);
      put_chunk(column_, c.huff);
    }
  }

  /// Appends raw as a chunk: zstd-compressed unless that does not make it smaller.
  void put_chunk(const ByteBuf& raw, bool& huff) {
    const std::string_view z = compressor_.compress(raw.data(), raw.size(), huff);
    payload_.put_u8(z.empty() ? kCodecNone : kCodecZstd);
    payload_.put_varint(raw.size());
    if (z.empty()) return payload_.append(raw.data(), raw.size());
    payload_.put_varint(z.size());
    payload_.append(z.data(), z.size());
  }

  Output& out_;
  const uint32_t block_records_;
  ChunkCompressor compressor_;
  bool gids_huff_ = false;     // the group-ids chunk's last compression mode
  std::vector<Group> groups_;  // the first ngroups_ are in use
  size_t ngroups_ = 0, last_ = 0;
  std::vector<uint8_t> gids_;  // group of each record of the block
  uint32_t records_ = 0;
  size_t values_ = 0, dict_bytes_ = 0;
  ByteBuf payload_, column_;
  std::vector<uint64_t> scratch_;  // dictionary indexes of the column being encoded
  uint64_t stream_records_ = 0, stream_blocks_ = 0;
  bool started_ = false, finished_ = false;
  bool checkpointed_ = false;  ///< finished by checkpoint(): a record may start another stream
};

}  // namespace

std::unique_ptr<Writer> binary_writer(Output& out, const WriteOptions&) {
  return std::make_unique<BinaryWriter>(out, kBlockRecords);
}

std::unique_ptr<Writer> bin::binary_writer(Output& out, uint32_t block_records) {
  return std::make_unique<BinaryWriter>(out, block_records);
}

}  // namespace flow
