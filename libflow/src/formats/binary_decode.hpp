// Decoding binary blocks: decompression, parsing and validation of a whole block (on the worker
// thread), then values unpacked a chunk of rows at a time (on the reading thread, cache-warm).
// With a projection only the columns delivered (and those their values refer to) are decoded.
#pragma once

#include <zstd.h>

#include <array>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flow/record.hpp"
#include "formats/binary_format.hpp"

namespace flow::bin {

/// Rows unpacked at a time: the unpacked rows stay in the reading core's cache.
inline constexpr size_t kChunkRows = 128;

/// An integer sequence as stored: transform, frame of reference, byte planes.
struct IntSeq {
  uint8_t transform = kPlain;
  size_t ref = 0;      ///< kRef: the column the values are differences from
  unsigned width = 0;  ///< bytes per value (byte planes), 0 with bits
  unsigned bits = 0;   ///< bits per value (1, 2 or 4, packed), or 0
  uint64_t base = 0;
  const uint8_t* planes = nullptr;
  size_t count = 0;  ///< values in the sequence (the plane stride)
};

/// A dictionary string: the same layout as Value::s, so that it is copied in one move.
struct StrRef {
  const char* data;
  uint32_t size;
};

/// Where a chunk lies in a block's payload, not yet decompressed (valid during decode only).
struct ChunkRef {
  uint8_t codec = kCodecNone;
  size_t raw = 0;               ///< bytes once decompressed
  const char* bytes = nullptr;  ///< the stored bytes
  size_t stored = 0;
};

/// One column of a group: validated sequences and dictionaries, and the unpacked chunk.
struct ColumnData {
  Type file_type = Type::String;             ///< the type in the stream
  bool convert = false;                      ///< the field table knows this name with another type, or a
                                             ///< value is out of range: converted, or checked, record by record
  uint64_t max = UINT64_MAX;                 ///< integers: the largest a reader delivers (value_max)
  std::optional<FieldId> id;                 ///< strings of a known field: held to what text readers take
  bool loaded = false;                       ///< decoded in this block (else skipped: nothing below is valid)
  ChunkRef chunk;                            ///< the column's chunk
  std::vector<char> data;                    ///< the decompressed chunk: nulls, seq and strs point into it
  const uint8_t* nulls = nullptr;            ///< bit set = null; nullptr when the column has no nulls
  IntSeq seq;                                ///< the values, or the dictionary indexes
  bool dictionary = false;                   ///< integers: seq holds indexes into ints
  std::vector<uint64_t> ints;                ///< integer dictionary
  std::vector<StrRef> strs;                  ///< string dictionary
  IntSeq ip4_seq;                            ///< IPv4 dictionary as stored (validated)
  std::vector<uint32_t> ip4;                 ///< IPv4 dictionary, unpacked by the reading thread
  std::vector<std::array<uint8_t, 16>> ip6;  ///< IPv6 dictionary (indexes after the IPv4 ones)
  // Unpacking state (reading thread).
  size_t next = 0;              ///< next value of seq to unpack
  uint64_t acc = 0;             ///< kDelta: the last value unpacked
  std::vector<uint64_t> buf;    ///< the current chunk's integers or indexes (0 for nulls)
  std::vector<uint64_t> codes;  ///< integer dictionary: the current chunk's indexes (0 for nulls)
  std::vector<Value> image;     ///< the current chunk's values, ready to copy into records
};

/// The records of one schema inside a block.
struct Group {
  SchemaPtr schema;                  ///< the fields delivered: the stream's, or those projected
  std::vector<ColumnData> cols;      ///< every column of the stream's schema
  std::vector<uint32_t> active;      ///< the loaded columns, in order (delivered or referred to)
  std::vector<uint32_t> fields;      ///< the column of each delivered field
  std::vector<const Value*> images;  ///< each delivered field's image: a record is a copy per field
  std::vector<uint64_t> scratch;     ///< for unpacking dictionaries
  uint32_t rows = 0;
  uint32_t cursor = 0;       ///< next row to deliver
  uint32_t chunk_start = 0;  ///< rows [chunk_start, chunk_end) are in the columns' images
  uint32_t chunk_end = 0;
  bool convert = false;  ///< some delivered field needs converting
};

/// A decoded block; everything is reused from block to block.
struct DecodedBlock {
  std::vector<char> raw;  ///< the payload, when the frame itself is compressed
  std::vector<Group> groups;
  size_t ngroups = 0;
  std::vector<uint8_t> gids;  ///< group of each record when ngroups > 1
  uint32_t records = 0;
};

/// Decompresses, parses and validates blocks, so that unpacking them cannot fail. Keeps recent
/// schemas so that equal schemas in successive blocks are the same SchemaPtr. One per thread.
///
/// With a projection (ReadOptions::fields) each group delivers the stream's fields named in it,
/// in stream order, and the chunks of the other columns are passed over: neither decompressed
/// nor validated (the frame checksum, verified before, still covers their bytes). They are
/// decoded anyway when a delivered column's values refer to them (transform 2: end from start),
/// and all of a frame's payload is decompressed when the frame itself is compressed (codec 1 in
/// the frame header: one zstd frame cannot be decompressed in parts).
class BlockDecoder {
 public:
  explicit BlockDecoder(std::optional<std::vector<std::string>> fields = std::nullopt);
  ~BlockDecoder();
  BlockDecoder(const BlockDecoder&) = delete;
  BlockDecoder& operator=(const BlockDecoder&) = delete;

  /// Decodes the stored payload of a block frame whose checksum was verified; nothing decoded
  /// points into `stored` afterwards. Throws BadBlock.
  void decode(const FrameHeader& h, const char* stored, DecodedBlock& out);

 private:
  /// A stream schema and what is delivered of it.
  struct SchemaView {
    std::vector<std::pair<std::string, uint8_t>> key;  ///< names and type codes as stored
    SchemaPtr full;                                    ///< the stream's schema
    SchemaPtr delivered;                               ///< full, or its projection
    std::vector<uint32_t> fields;                      ///< the column of each delivered field
  };

  void load_group(Cursor& c, Group& g, uint32_t n);
  const SchemaView& read_schema(Cursor& c);
  /// Loads a column and the columns its values refer to.
  void load(Group& g, size_t index, size_t n);
  void load_column(Group& g, size_t index, size_t n);
  /// Reads a chunk's header, passes over its bytes and counts its raw size against the limit.
  ChunkRef skip_chunk(Cursor& c);
  /// A chunk's decompressed bytes, in `into`.
  Cursor open_chunk(const ChunkRef& chunk, std::vector<char>& into);

  ZSTD_DCtx* dctx_;
  std::optional<std::vector<std::string>> fields_;  // the projection, sorted
  size_t raw_left_ = 0;                             // decompressed bytes the block may still use (kMaxRaw in all)
  std::vector<char> gid_chunk_;
  std::vector<uint64_t> scratch_;
  std::vector<size_t> chain_;
  std::vector<std::pair<std::string_view, uint8_t>> defs_;
  std::deque<SchemaView> schemas_;
};

/// Unpacks the group's next chunk of rows into the columns' images (after a decode, or when
/// g.cursor reaches g.chunk_end).
void unpack_chunk(Group& g);

}  // namespace flow::bin
