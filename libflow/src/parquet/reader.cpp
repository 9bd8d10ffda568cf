// Parquet input: the footer's metadata read once, then row groups column by column. Only the
// columns asked for (ReadOptions::fields) are read; each column's pages are decompressed into a
// reused buffer and decoded straight into Value columns, a dictionary's values converted once
// per column chunk and handed on as ColumnBatch codes. Every shards-th row group is this
// reader's (parallel_streams shares a file between threads by row groups).
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <exception>
#include <utility>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/column_name.hpp"
#include "parquet/codec.hpp"
#include "parquet/decode.hpp"
#include "parquet/metadata.hpp"
#include "parquet/thrift_read.hpp"

namespace flow {
namespace {

using namespace parquet;

/// ColumnBatch::dictionary numbers: one per row group, far from the binary reader's.
std::atomic<uint64_t> next_dictionary{uint64_t{1} << 62};

/// Pages of up to this many bytes are taken at their word; larger ones must not be more than a
/// compressor could make of their stored bytes.
constexpr uint64_t kMaxPlainPage = uint64_t{64} << 20;
/// The most values a page may hold (a few bytes of RLE can claim billions).
constexpr int32_t kMaxPageValues = 1 << 22;

/// The bytes of the file: at any offset through RandomAccess, or all of them in memory.
class FileBytes {
 public:
  explicit FileBytes(InputStream& in) : name_(in.name()) {
    ra_ = in.source().random_access();
    if (ra_) {
      size_ = ra_->size();
      return;
    }
    while (in.fill(in.size() + (1 << 20))) {
    }
    mem_.assign(in.data(), in.size());
    size_ = mem_.size();
  }
  uint64_t size() const { return size_; }
  void read(uint64_t off, char* buf, size_t n) const {
    if (off > size_ || n > size_ - off)
      throw DataError(name_, 0, "", fmt::format("truncated: {} bytes at offset {} are past the end", n, off));
    if (n == 0) return;  // an empty footer: buf may be null
    if (ra_) ra_->read_at(off, buf, n);
    else std::memcpy(buf, mem_.data() + off, n);
  }

 private:
  std::string name_;
  std::shared_ptr<RandomAccess> ra_;
  std::string mem_;
  uint64_t size_ = 0;
};

/// One column the reader delivers, and its decoding state in the current row group.
struct Col {
  // From the schema.
  size_t leaf = 0;  // index among the column chunks
  std::string pq_name;
  PhysicalType ptype = PhysicalType::Int32;
  int32_t type_length = 0;
  int max_def = 0;
  TimeUnit ts = TimeUnit::None;
  bool is_unsigned = false;
  Type target = Type::String;
  std::optional<FieldId> id;
  uint64_t max = UINT64_MAX;
  bool closed_set = false;  // a known string field with a closed set of values (action)

  // The row group's column chunk.
  std::vector<char> chunk;
  size_t pos = 0, end = 0;
  Codec codec = Codec::Uncompressed;
  int64_t values_left = 0;
  std::vector<char> dict_buf;
  std::vector<Value> dict;
  std::vector<std::string> dict_err;  // per dictionary entry: why it does not convert, or empty
  bool has_dict = false;
  Arena arena_dict;  // strings of dictionary values converted from numbers

  // The current page: its values (and codes), rows delivered so far, rows that do not convert.
  std::vector<char> page;
  std::vector<Value> vals;
  std::vector<uint64_t> codes;
  bool coded = false;
  size_t rows = 0, at = 0;
  std::vector<std::pair<size_t, std::string>> errors;  // (row in page, why), in row order
  size_t next_error = 0;
  Arena arena;
  std::string storage;
  // Scratch.
  std::vector<uint32_t> levels, idx;
  std::vector<int64_t> ints;
  std::vector<double> dbls;
  std::vector<std::string_view> strs;
};

bool is_integer(PhysicalType t) {
  return t == PhysicalType::Int32 || t == PhysicalType::Int64 || t == PhysicalType::Boolean;
}

/// Plain-encoded statistics value of an integer column, as a signed number.
std::optional<int64_t> stat_int(PhysicalType t, const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  if (t == PhysicalType::Int32 && s->size() == 4) {
    int32_t v;
    std::memcpy(&v, s->data(), 4);
    return v;
  }
  if (t == PhysicalType::Int64 && s->size() == 8) {
    int64_t v;
    std::memcpy(&v, s->data(), 8);
    return v;
  }
  return std::nullopt;
}

class ParquetReader : public Reader {
 public:
  ParquetReader(std::unique_ptr<InputStream> in, const ReadOptions& opts)
      : in_(std::move(in)), name_(in_->name()), shard_(opts.shard), shards_(std::max(opts.shards, 1u)) {
    try {
      bytes_ = std::make_unique<FileBytes>(*in_);
      read_footer();
      plan(opts);
    } catch (DataError& e) {
      // Raised by the first read, where the error policy applies; by the first shard only (the
      // others of a shared file see the same).
      e.fatal = true;
      e.records = static_cast<uint64_t>(std::max<int64_t>(meta_.num_rows, 0));
      if (shard_ == 0) open_error_ = std::make_exception_ptr(e);
      meta_.row_groups.clear();
      cols_.clear();
      return;
    }
    group_ = shard_;
    uint64_t rows = 0;
    for (const auto& g : meta_.row_groups) first_rows_.push_back(rows), rows += static_cast<uint64_t>(g.num_rows);
  }

  bool next(Record& r) override {
    if (idx_ == cur_.rows) {
      idx_ = 0;
      cur_.rows = 0;
      if (!next_columns(cur_)) return false;
    }
    cur_.row(idx_++, r);
    return true;
  }

  size_t next_batch(std::span<Record> out) override {
    if (idx_ == cur_.rows) {
      idx_ = 0;
      cur_.rows = 0;
      if (!next_columns(cur_)) return 0;
    }
    const size_t n = std::min(out.size(), cur_.rows - idx_);
    for (size_t i = 0; i < n; ++i) cur_.row(idx_++, out[i]);
    return n;
  }

  bool columnar() const override { return true; }

  bool next_columns(ColumnBatch& c) override {
    if (open_error_) std::rethrow_exception(std::exchange(open_error_, nullptr));
    while (group_rows_left_ == 0) {
      if (group_ >= meta_.row_groups.size()) return false;
      start_group();
    }
    size_t n = group_rows_left_;
    try {
      for (auto& col : cols_) {
        if (col.at == col.rows) load_page(col);
        n = std::min(n, col.rows - col.at);
      }
    } catch (const DecodeError& e) {
      group_failed(e.what());
    } catch (const ThriftError& e) {
      group_failed(std::string("damaged page header: ") + e.what());
    }
    // A value that does not convert: the rows before it first, then it as an error.
    for (auto& col : cols_) {
      if (col.next_error == col.errors.size()) continue;
      const size_t row = col.errors[col.next_error].first;
      if (row == col.at) {
        const uint64_t file_row = row_number() + 1;
        DataError e(name_, 0, "",
                    fmt::format("row group {}, column {}, row {}: {}", current_ + 1, col.pq_name, file_row,
                                col.errors[col.next_error].second));
        ++col.next_error;
        skip_rows(1);
        throw e;
      }
      n = std::min(n, row - col.at);
    }
    c.schema = schema_;
    c.first_line = row_number() + 1;
    c.rows = n;
    c.dictionary = dictionary_;
    c.values.resize(cols_.size());
    c.codes.assign(cols_.size(), nullptr);
    c.codes_size.assign(cols_.size(), 0);
    for (size_t k = 0; k < cols_.size(); ++k) {
      Col& col = cols_[k];
      c.values[k] = col.vals.data() + col.at;
      if (col.coded) {
        c.codes[k] = col.codes.data() + col.at;
        c.codes_size[k] = col.dict.size();
      }
    }
    skip_rows(n);
    return true;
  }

 private:
  uint64_t row_number() const {
    return first_rows_[current_] + static_cast<uint64_t>(meta_.row_groups[current_].num_rows) - group_rows_left_;
  }

  void skip_rows(size_t n) {
    for (auto& col : cols_) {
      col.at += n;
      while (col.next_error < col.errors.size() && col.errors[col.next_error].first < col.at) ++col.next_error;
    }
    group_rows_left_ -= n;
  }

  [[noreturn]] void fatal(const std::string& why) {
    DataError e(name_, 0, "", why);
    e.fatal = true;
    throw e;
  }

  /// A damaged column chunk: the rest of the row group is an error, the next one is read.
  [[noreturn]] void group_failed(const std::string& why) {
    DataError e(name_, 0, "", fmt::format("row group {}: {}", current_ + 1, why));
    e.records = group_rows_left_;
    group_rows_left_ = 0;
    throw e;
  }

  // ---- the footer and the columns asked for ------------------------------------------------

  void read_footer() {
    const uint64_t size = bytes_->size();
    char head[4] = {}, tail[8] = {};
    if (size < 12) fatal(fmt::format("not a Parquet file: {} bytes, too short", size));
    bytes_->read(0, head, 4);
    bytes_->read(size - 8, tail, 8);
    if (std::memcmp(head, kMagic, 4) != 0) fatal("not a Parquet file (no PAR1 magic at the start)");
    if (std::memcmp(tail + 4, kMagic, 4) != 0)
      fatal("truncated or damaged Parquet file (no PAR1 magic at the end: the footer is missing)");
    uint32_t len;
    std::memcpy(&len, tail, 4);
    if (len > size - 12) fatal(fmt::format("damaged Parquet footer (metadata of {} bytes in a file of {})", len, size));
    std::vector<char> buf(len);
    bytes_->read(size - 8 - len, buf.data(), len);
    try {
      meta_ = parse_file_metadata(buf.data(), len);
    } catch (const ThriftError& e) {
      fatal(std::string("damaged Parquet metadata: ") + e.what());
    }
    if (meta_.schema.empty()) fatal("damaged Parquet metadata: no schema");
    for (const auto& g : meta_.row_groups)
      if (g.num_rows < 0) fatal("damaged Parquet metadata: a row group of negative size");
  }

  /// The leaves of the schema tree, in column chunk order, with what they need to be read.
  struct Leaf {
    size_t element;
    bool flat;  // a top-level column, not repeated
    int max_def;
    std::string top;  // the top-level column it belongs to
  };

  void leaves(size_t& i, int depth, int def, bool repeated, const std::string& top, std::vector<Leaf>& out) {
    if (i >= meta_.schema.size()) fatal("damaged Parquet metadata: the schema ends early");
    const SchemaElement& e = meta_.schema[i];
    const size_t me = i++;
    if (depth > 0) {
      if (e.repetition == Repetition::Optional) ++def;
      if (e.repetition == Repetition::Repeated) repeated = true;
    }
    const std::string& t = depth == 1 ? e.name : top;
    if (e.num_children <= 0 && depth > 0) {
      out.push_back({me, depth == 1 && !repeated, def, t});
      return;
    }
    if (depth > 32 || e.num_children < 0 || static_cast<size_t>(e.num_children) > meta_.schema.size())
      fatal("damaged Parquet metadata: bad schema tree");
    for (int32_t k = 0; k < e.num_children; ++k) leaves(i, depth + 1, def, repeated, t, out);
  }

  static std::string field_name(const std::string& pq) {
    std::string lower = pq;
    for (char& ch : lower) ch = static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
    auto f = column_field_name(lower);
    return f ? *f : pq;
  }

  void plan(const ReadOptions& opts) {
    std::vector<Leaf> all;
    size_t i = 0;
    leaves(i, 0, 0, false, "", all);
    std::vector<Column> columns;
    auto wanted = [&](const std::string& name) {
      return !opts.fields || std::find(opts.fields->begin(), opts.fields->end(), name) != opts.fields->end();
    };
    for (size_t leaf = 0; leaf < all.size(); ++leaf) {
      const Leaf& l = all[leaf];
      const SchemaElement& e = meta_.schema[l.element];
      const std::string name = field_name(l.top);
      if (!l.flat) {
        if (opts.fields && wanted(name))
          fatal(fmt::format("column {} is nested or repeated: only flat columns are read", l.top));
        continue;
      }
      if (!wanted(name) || std::any_of(columns.begin(), columns.end(), [&](const Column& c) { return c.name == name; }))
        continue;
      if (!e.type || static_cast<uint32_t>(*e.type) > static_cast<uint32_t>(PhysicalType::FixedLenByteArray))
        fatal(fmt::format("damaged Parquet metadata: column {} has no valid type", l.top));
      Col c;
      c.leaf = leaf;
      c.pq_name = e.name;
      c.ptype = *e.type;
      c.type_length = e.type_length;
      c.max_def = l.max_def;
      c.ts = c.ptype == PhysicalType::Int96 ? TimeUnit::Nanos : e.timestamp;
      c.is_unsigned = e.is_unsigned;
      c.id = find_field(name);
      if (c.id) {
        c.target = field_info(*c.id).type;
        c.closed_set = !field_values(*c.id).empty();
      } else if (c.ts != TimeUnit::None) {
        c.target = Type::Time;
      } else if (c.ptype == PhysicalType::Float || c.ptype == PhysicalType::Double) {
        c.target = Type::Float;
      } else if (is_integer(c.ptype)) {
        c.target = Type::UInt;
        // A signed column holding negative numbers (its statistics say) reads as Float.
        if (!c.is_unsigned)
          for (const auto& g : meta_.row_groups)
            if (leaf < g.columns.size() && g.columns[leaf].meta) {
              auto mn = stat_int(c.ptype, g.columns[leaf].meta->stats.min);
              if (mn && *mn < 0) c.target = Type::Float;
            }
      } else {
        c.target = Type::String;
      }
      Column out{name, c.target, c.id};
      c.max = value_max(out);
      columns.push_back(out);
      cols_.push_back(std::move(c));
    }
    schema_ = std::make_shared<const Schema>(std::move(columns));
    // Every chunk to read must be there, in this file, with a codec we read.
    for (size_t g = 0; g < meta_.row_groups.size(); ++g) {
      const RowGroup& rg = meta_.row_groups[g];
      for (const Col& c : cols_) {
        if (c.leaf >= rg.columns.size() || !rg.columns[c.leaf].meta)
          fatal(fmt::format("damaged Parquet metadata: row group {} has no column {}", g + 1, c.pq_name));
        if (rg.columns[c.leaf].has_file_path)
          fatal(fmt::format("column {} is stored in another file (not read)", c.pq_name));
        const Codec codec = rg.columns[c.leaf].meta->codec;
        if (!codec_supported(codec))
          fatal(fmt::format("column {} is compressed with {}, which is not read (GZIP, SNAPPY, ZSTD or none)",
                            c.pq_name, codec_name(codec)));
      }
    }
  }

  // ---- row groups and pages ------------------------------------------------------------------

  void start_group() {
    try {
      load_group();
    } catch (DataError& e) {  // a chunk that cannot be read: the whole row group is the error
      e.records = group_rows_left_;
      group_rows_left_ = 0;
      throw;
    }
  }

  void load_group() {
    current_ = group_;
    group_ += shards_;
    const RowGroup& rg = meta_.row_groups[current_];
    group_rows_left_ = static_cast<uint64_t>(rg.num_rows);
    dictionary_ = next_dictionary.fetch_add(1);
    for (Col& c : cols_) {
      const ColumnMetaData& m = *rg.columns[c.leaf].meta;
      int64_t start = m.data_page_offset;
      if (m.dictionary_page_offset && *m.dictionary_page_offset > 0 && *m.dictionary_page_offset < start)
        start = *m.dictionary_page_offset;
      const int64_t size = m.total_compressed_size;
      if (start < 0 || size < 0 || static_cast<uint64_t>(start) > bytes_->size() ||
          static_cast<uint64_t>(size) > bytes_->size() - static_cast<uint64_t>(start))
        throw DataError(
            name_, 0, "",
            fmt::format("row group {}, column {}: the column chunk lies outside the file", current_ + 1, c.pq_name));
      c.chunk.resize(static_cast<size_t>(size) + kPadding);
      bytes_->read(static_cast<uint64_t>(start), c.chunk.data(), static_cast<size_t>(size));
      std::memset(c.chunk.data() + size, 0, kPadding);
      c.pos = 0;
      c.end = static_cast<size_t>(size);
      c.codec = m.codec;
      c.values_left = m.num_values;
      c.has_dict = false;
      c.dict.clear();
      c.dict_err.clear();
      c.rows = c.at = 0;
      c.errors.clear();
      c.next_error = 0;
      c.coded = false;
    }
  }

  /// Decompresses `n` bytes at `src` into `dst` (resized, padded) of `size` bytes.
  void inflate(Col& c, const char* src, size_t n, std::vector<char>& dst, size_t at, size_t size, bool compressed) {
    dst.resize(at + size + kPadding);
    try {
      decompressor_.decompress(compressed ? c.codec : Codec::Uncompressed, src, n, dst.data() + at, size);
    } catch (const std::runtime_error& e) {
      throw DecodeError(fmt::format("column {}: {}", c.pq_name, e.what()));
    }
    std::memset(dst.data() + at + size, 0, kPadding);
  }

  void load_page(Col& c) {
    for (;;) {
      if (c.pos >= c.end || c.values_left <= 0)
        throw DecodeError(fmt::format("column {}: the column chunk ends before the row group's rows", c.pq_name));
      PageHeader h;
      c.pos += parse_page_header(c.chunk.data() + c.pos, c.end - c.pos, h);
      // A page larger than a compressor could make of its bytes is damage, not a reason to
      // allocate a gigabyte.
      if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0 ||
          static_cast<uint64_t>(h.compressed_page_size) > c.end - c.pos ||
          static_cast<uint64_t>(h.uncompressed_page_size) >
              std::max<uint64_t>(kMaxPlainPage, static_cast<uint64_t>(h.compressed_page_size) * 1100))
        throw DecodeError(fmt::format("column {}: damaged page header (sizes)", c.pq_name));
      const char* src = c.chunk.data() + c.pos;
      const size_t n = static_cast<size_t>(h.compressed_page_size),
                   size = static_cast<size_t>(h.uncompressed_page_size);
      c.pos += n;
      if (h.type == PageType::DictionaryPage && h.dictionary) {
        inflate(c, src, n, c.dict_buf, 0, size, true);
        load_dictionary(c, *h.dictionary, size);
        continue;
      }
      if (h.type == PageType::DataPage && h.data) {
        inflate(c, src, n, c.page, 0, size, true);
        Bytes b{reinterpret_cast<const uint8_t*>(c.page.data()),
                reinterpret_cast<const uint8_t*>(c.page.data() + size)};
        const size_t rows = page_rows(c, h.data->num_values);
        if (c.max_def > 0) {
          if (h.data->definition_level_encoding != Encoding::Rle)
            throw DecodeError(fmt::format("column {}: definition levels in encoding {} are not read", c.pq_name,
                                          static_cast<int>(h.data->definition_level_encoding)));
          if (b.left() < 4) throw DecodeError(fmt::format("column {}: truncated page", c.pq_name));
          uint32_t len;
          std::memcpy(&len, b.p, 4);
          b.p += 4;
          if (len > b.left()) throw DecodeError(fmt::format("column {}: truncated definition levels", c.pq_name));
          decode_levels(c, Bytes{b.p, b.p + len}, rows);
          b.p += len;
        }
        decode_values(c, h.data->encoding, b, rows);
        return;
      }
      if (h.type == PageType::DataPageV2 && h.data_v2) {
        const DataPageHeaderV2& v = *h.data_v2;
        if (v.repetition_levels_byte_length < 0 || v.definition_levels_byte_length < 0 ||
            static_cast<uint64_t>(v.repetition_levels_byte_length) + v.definition_levels_byte_length > n ||
            static_cast<uint64_t>(v.repetition_levels_byte_length) + v.definition_levels_byte_length > size)
          throw DecodeError(fmt::format("column {}: damaged page header (level sizes)", c.pq_name));
        const size_t levels = static_cast<size_t>(v.repetition_levels_byte_length + v.definition_levels_byte_length);
        c.page.resize(size + kPadding);
        std::memcpy(c.page.data(), src, levels);  // levels are never compressed
        inflate(c, src + levels, n - levels, c.page, levels, size - levels, v.is_compressed);
        const size_t rows = page_rows(c, v.num_values);
        const uint8_t* base = reinterpret_cast<const uint8_t*>(c.page.data());
        if (c.max_def > 0) decode_levels(c, Bytes{base + v.repetition_levels_byte_length, base + levels}, rows);
        Bytes b{base + levels, base + size};
        decode_values(c, v.encoding, b, rows);
        return;
      }
      // An index page, or a page type from a later version: passed over.
    }
  }

  size_t page_rows(Col& c, int32_t num_values) {
    if (num_values < 0 || num_values > c.values_left)
      throw DecodeError(fmt::format("column {}: a page holds more values than the column chunk", c.pq_name));
    if (num_values > kMaxPageValues)
      throw DecodeError(fmt::format("column {}: a page of {} values (more than {} are not read)", c.pq_name, num_values,
                                    kMaxPageValues));
    c.values_left -= num_values;
    c.rows = static_cast<size_t>(num_values);
    c.at = 0;
    c.errors.clear();
    c.next_error = 0;
    c.arena.clear();
    if (c.vals.size() < c.rows) c.vals.resize(c.rows);
    return c.rows;
  }

  void decode_levels(Col& c, Bytes b, size_t rows) {
    c.levels.resize(rows);
    RleDecoder(b, bit_width(static_cast<uint64_t>(c.max_def))).get(c.levels.data(), rows);
  }

  /// The non-null values' count; levels[i] is then 1 for a value, 0 for a null.
  size_t present(Col& c, size_t rows) {
    if (c.max_def == 0) return rows;
    size_t n = 0;
    const uint32_t def = static_cast<uint32_t>(c.max_def);
    for (size_t i = 0; i < rows; ++i) n += c.levels[i] = c.levels[i] == def;
    return n;
  }

  void decode_values(Col& c, Encoding enc, Bytes& b, size_t rows) {
    const size_t nn = present(c, rows);
    const bool dense = nn == rows;
    Value* out = c.vals.data();
    c.coded = false;
    if (enc == Encoding::PlainDictionary || enc == Encoding::RleDictionary) {
      if (!c.has_dict)
        throw DecodeError(fmt::format("column {}: dictionary-encoded page without a dictionary", c.pq_name));
      if (b.left() < 1) throw DecodeError(fmt::format("column {}: truncated page", c.pq_name));
      const int width = *b.p++;
      c.idx.resize(nn);
      RleDecoder(b, width).get(c.idx.data(), nn);
      const size_t dn = c.dict.size();
      c.codes.resize(std::max(c.codes.size(), rows));
      uint64_t* codes = c.codes.data();
      const Value* dict = c.dict.data();
      const bool any_err = std::any_of(c.dict_err.begin(), c.dict_err.end(), [](auto& s) { return !s.empty(); });
      for (size_t i = 0, k = 0; i < rows; ++i) {
        if (!dense && !c.levels[i]) {
          out[i] = Value{};
          codes[i] = 0;
          continue;
        }
        const uint32_t x = c.idx[k++];
        if (x >= dn)
          throw DecodeError(fmt::format("column {}: dictionary index {} past its {} values", c.pq_name, x, dn));
        out[i] = dict[x];
        codes[i] = x;
        if (any_err && !c.dict_err[x].empty()) c.errors.emplace_back(i, c.dict_err[x]);
      }
      c.coded = true;
      return;
    }
    decode_raw(c, enc, b, nn);
    std::string why;
    for (size_t i = 0, k = 0; i < rows; ++i) {
      if (!dense && !c.levels[i]) {
        out[i] = Value{};
        continue;
      }
      if (!convert(c, k++, out[i], c.arena, why)) {
        out[i] = Value{};
        c.errors.emplace_back(i, std::move(why));
      }
    }
  }

  void load_dictionary(Col& c, const DictionaryPageHeader& h, size_t size) {
    if (h.encoding != Encoding::Plain && h.encoding != Encoding::PlainDictionary)
      throw DecodeError(
          fmt::format("column {}: dictionary page in encoding {}", c.pq_name, static_cast<int>(h.encoding)));
    if (h.num_values < 0) throw DecodeError(fmt::format("column {}: damaged dictionary page", c.pq_name));
    Bytes b{reinterpret_cast<const uint8_t*>(c.dict_buf.data()),
            reinterpret_cast<const uint8_t*>(c.dict_buf.data() + size)};
    const size_t n = static_cast<size_t>(h.num_values);
    if (n > size + 1) throw DecodeError(fmt::format("column {}: damaged dictionary page", c.pq_name));
    decode_raw(c, Encoding::Plain, b, n);
    c.arena_dict.clear();
    c.dict.assign(n, Value{});
    c.dict_err.assign(n, std::string());
    std::string why;
    for (size_t i = 0; i < n; ++i)
      if (!convert(c, i, c.dict[i], c.arena_dict, why)) c.dict_err[i] = std::move(why);
    c.has_dict = true;
  }

  /// n values in `enc` into c's scratch array of the physical type.
  void decode_raw(Col& c, Encoding enc, Bytes& b, size_t n) {
    const PhysicalType t = c.ptype;
    const bool str = t == PhysicalType::ByteArray || t == PhysicalType::FixedLenByteArray;
    if (str) c.strs.resize(n);
    else if (t == PhysicalType::Float || t == PhysicalType::Double) c.dbls.resize(n);
    else c.ints.resize(n);
    switch (enc) {
      case Encoding::Plain:
        switch (t) {
          case PhysicalType::Boolean: return plain_bool(b, n, c.ints.data());
          case PhysicalType::Int32: return plain_int32(b, n, c.ints.data(), c.is_unsigned);
          case PhysicalType::Int64: return plain_int64(b, n, c.ints.data());
          case PhysicalType::Int96: return plain_int96(b, n, c.ints.data());
          case PhysicalType::Float: return plain_float(b, n, c.dbls.data());
          case PhysicalType::Double: return plain_double(b, n, c.dbls.data());
          case PhysicalType::ByteArray: return plain_bytes(b, n, c.strs.data());
          case PhysicalType::FixedLenByteArray:
            if (c.type_length <= 0) throw DecodeError(fmt::format("column {}: bad type_length", c.pq_name));
            return plain_fixed(b, n, static_cast<size_t>(c.type_length), c.strs.data());
        }
        break;
      case Encoding::DeltaBinaryPacked:
        if (t == PhysicalType::Int32 || t == PhysicalType::Int64) {
          delta_binary(b, n, c.ints.data(), t == PhysicalType::Int32);
          if (t == PhysicalType::Int32 && c.is_unsigned)
            for (auto& v : c.ints) v = static_cast<uint32_t>(v);
          return;
        }
        break;
      case Encoding::DeltaLengthByteArray:
        if (t == PhysicalType::ByteArray) return delta_length_bytes(b, n, c.strs.data());
        break;
      case Encoding::DeltaByteArray:
        if (str) return delta_bytes(b, n, c.strs.data(), c.storage);
        break;
      case Encoding::ByteStreamSplit: {
        const size_t w = t == PhysicalType::Int32 || t == PhysicalType::Float ? 4 : 8;
        if (str || t == PhysicalType::Boolean || t == PhysicalType::Int96) break;
        std::vector<uint8_t> raw(n * w + kPadding);
        byte_stream_split(b, n, w, raw.data());
        Bytes rb{raw.data(), raw.data() + n * w};
        if (t == PhysicalType::Int32) return plain_int32(rb, n, c.ints.data(), c.is_unsigned);
        if (t == PhysicalType::Int64) return plain_int64(rb, n, c.ints.data());
        if (t == PhysicalType::Float) return plain_float(rb, n, c.dbls.data());
        return plain_double(rb, n, c.dbls.data());
      }
      default: break;
    }
    throw DecodeError(
        fmt::format("column {}: encoding {} is not read for this column type", c.pq_name, static_cast<int>(enc)));
  }

  // ---- values ------------------------------------------------------------------------------

  /// Scratch value k of c as a Value of c.target; false with `why` when it does not convert.
  bool convert(const Col& c, size_t k, Value& v, Arena& arena, std::string& why) {
    switch (c.ptype) {
      case PhysicalType::ByteArray:
      case PhysicalType::FixedLenByteArray: return from_string(c, c.strs[k], v, arena, why);
      case PhysicalType::Float:
      case PhysicalType::Double: return from_double(c, c.dbls[k], v, arena, why);
      default: return from_int(c, c.ints[k], v, arena, why);
    }
  }

  bool from_int(const Col& c, int64_t raw, Value& v, Arena& arena, std::string& why) {
    const bool as_unsigned = c.is_unsigned && c.ptype == PhysicalType::Int64;
    if (c.ts != TimeUnit::None) {
      const int64_t div = c.ts == TimeUnit::Millis ? 1000 : c.ts == TimeUnit::Micros ? 1000000 : 1000000000;
      raw = raw / div - (raw % div < 0 ? 1 : 0);  // floor, for times before 1970
    }
    auto text = [&] { return as_unsigned ? std::to_string(static_cast<uint64_t>(raw)) : std::to_string(raw); };
    switch (c.target) {
      case Type::UInt:
      case Type::Time:
        if (raw < 0 && !as_unsigned) {
          why = fmt::format("{} is negative", raw);
          return false;
        }
        if (static_cast<uint64_t>(raw) > c.max) {
          why = out_of_range(text(), c.max);
          return false;
        }
        if (c.target == Type::Time) v.set_time(raw);
        else v.set_uint(static_cast<uint64_t>(raw));
        return true;
      case Type::Float:
        v.set_float(as_unsigned ? static_cast<double>(static_cast<uint64_t>(raw)) : static_cast<double>(raw));
        return true;
      case Type::String: return from_string(c, arena.copy(text()), v, arena, why);
      case Type::Ip: break;
    }
    why = fmt::format("{} stored as an integer is not an address", text());
    return false;
  }

  bool from_double(const Col& c, double d, Value& v, Arena& arena, std::string& why) {
    if (c.target == Type::Float) {
      v.set_float(d);
      return true;
    }
    const std::string text = fmt::format("{}", d);
    if (c.target == Type::String) return from_string(c, arena.copy(text), v, arena, why);
    if ((c.target == Type::UInt || c.target == Type::Time) && d >= 0 && d == std::floor(d) &&
        d < 18446744073709551616.0 && static_cast<uint64_t>(d) <= c.max) {
      if (c.target == Type::Time) v.set_time(static_cast<int64_t>(d));
      else v.set_uint(static_cast<uint64_t>(d));
      return true;
    }
    why = fmt::format("{} stored as a float does not read as {}", text, type_name(c.target));
    return false;
  }

  bool from_string(const Col& c, std::string_view s, Value& v, Arena&, std::string& why) {
    switch (c.target) {
      case Type::String:
        if (c.closed_set) {
          why = field_value_error(*c.id, s);
          if (!why.empty()) return false;
        }
        v.set_str(s);
        return true;
      case Type::Ip: {
        if (s == "-") return v.set_null(), true;
        auto ip = parse_ip(s);
        if (ip) return v.set_ip(*ip), true;
        break;
      }
      case Type::UInt:
      case Type::Time: {
        if (s == "-") return v.set_null(), true;
        uint64_t x = 0;
        bool ok = !s.empty();
        for (char ch : s) {
          const unsigned d = static_cast<unsigned>(ch - '0');
          if (d > 9 || x > (UINT64_MAX - d) / 10) ok = false;
          if (!ok) break;
          x = x * 10 + d;
        }
        if (ok && x > c.max) {
          why = out_of_range(s, c.max);
          return false;
        }
        if (ok && c.target == Type::Time) return v.set_time(static_cast<int64_t>(x)), true;
        if (ok) return v.set_uint(x), true;
        break;
      }
      case Type::Float: {
        auto d = parse_float(s);
        if (d) return v.set_float(*d), true;
        break;
      }
    }
    why = fmt::format("'{}' does not read as {}", s, type_name(c.target));
    return false;
  }

  std::unique_ptr<InputStream> in_;
  const std::string name_;
  const unsigned shard_, shards_;
  std::unique_ptr<FileBytes> bytes_;
  FileMetaData meta_;
  SchemaPtr schema_;
  std::vector<Col> cols_;
  std::exception_ptr open_error_;     // why the file cannot be read, raised by the first read
  std::vector<uint64_t> first_rows_;  // per row group: the rows before it
  size_t group_ = 0, current_ = 0;    // the next row group to read, the one being read
  uint64_t group_rows_left_ = 0;
  uint64_t dictionary_ = 0;
  Decompressor decompressor_;
  ColumnBatch cur_;  // next() and next_batch() deliver from it
  size_t idx_ = 0;
};

}  // namespace

std::unique_ptr<Reader> parquet_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<ParquetReader>(std::move(in), opts);
}

}  // namespace flow
