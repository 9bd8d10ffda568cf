// Parquet output: AWS's schema for the fields AWS writes in Parquet (names with '_', INT32 for
// the small numbers, INT64 for counters and times, strings for the rest, every column
// OPTIONAL), our type for the others. One row group is buffered, as compressed pages: strings
// dictionary-encoded (falling back to PLAIN past kDictBytes), numbers PLAIN, definition levels
// in the RLE hybrid; a row group is written when it is full, the footer at the end.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <set>
#include <unordered_map>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/text_util.hpp"
#include "parquet/codec_write.hpp"
#include "parquet/rle_write.hpp"
#include "parquet/thrift_write.hpp"

namespace flow::parquet {
namespace {

constexpr size_t kPageBytes = 1 << 20;  // data pages of about 1 MiB before compression
constexpr size_t kDictBytes = 1 << 20;  // a dictionary grows to this, then values go PLAIN
// A row group ends at this many buffered bytes even before its rows are reached (long strings).
constexpr size_t kRowGroupBytes = 256 << 20;
constexpr size_t kMaxText = 64;  // a number or an address as text

enum class Kind { I32, I64, F64, Str };

Kind kind_of(const Column& c) {
  if (c.id) {
    switch (*c.id) {
      case FieldId::version:
      case FieldId::srcport:
      case FieldId::dstport:
      case FieldId::protocol:
      case FieldId::tcp_flags:
      case FieldId::traffic_path: return Kind::I32;
      default: break;
    }
  }
  switch (c.type) {
    case Type::UInt:
    case Type::Time: return Kind::I64;
    case Type::Float: return Kind::F64;
    default: return Kind::Str;
  }
}

PhysicalType physical(Kind k) {
  switch (k) {
    case Kind::I32: return PhysicalType::Int32;
    case Kind::I64: return PhysicalType::Int64;
    case Kind::F64: return PhysicalType::Double;
    default: return PhysicalType::ByteArray;
  }
}

/// AWS's column name: the field name with '_' for '-' (account_id, log_status).
std::string column_name(std::string_view field) {
  std::string s(field);
  std::replace(s.begin(), s.end(), '-', '_');
  return s;
}

template <class T>
std::string plain_bytes(T v) {
  std::string s(sizeof v, '\0');
  std::memcpy(s.data(), &v, sizeof v);
  return s;
}

void put_u32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out.append(b, 4);
}

/// One column of the row group being buffered: the page being filled, the pages done (compressed,
/// with their headers), the dictionary and the statistics.
class ColumnWriter {
 public:
  ColumnWriter(const Column& c, PageCompressor& z)
      : field_(c.name), name_(column_name(c.name)), kind_(kind_of(c)), z_(&z) {}

  const std::string& field() const { return field_; }
  SchemaColumn schema() const { return {name_, physical(kind_), kind_ == Kind::Str}; }
  size_t buffered() const { return chunk_.size() + plain_.size() + idx_.size() * 4; }

  void add_null() {
    defs_.push_back(0);
    ++nulls_;
    page_done();
  }

  void add(const Value& v, Type from, const Record& r) {
    defs_.push_back(1);
    switch (kind_) {
      case Kind::I32: add_int(static_cast<int32_t>(to_int64(v, from, r))); break;
      case Kind::I64: add_int(to_int64(v, from, r)); break;
      case Kind::F64: add_double(to_double(v, from, r)); break;
      case Kind::Str: {
        if (from == Type::String) {
          add_str(v.str());
        } else {
          char buf[kMaxText];
          add_str({buf, static_cast<size_t>(text::put_value(buf, v, from) - buf)});
        }
        break;
      }
    }
    page_done();
  }

  /// Ends the page and writes the chunk (dictionary page first) to out; returns its metadata.
  ColumnChunkInfo write(Output& out) {
    end_page();
    ColumnChunkInfo c;
    c.type = physical(kind_);
    c.name = name_;
    c.codec = z_->codec();
    c.values = values_;
    const int64_t start = static_cast<int64_t>(out.bytes_written());
    if (!dict_.empty()) {
      const std::string_view body = z_->compress(dict_plain_);
      const std::string header =
          encode_page_header({PageType::DictionaryPage, static_cast<int32_t>(dict_plain_.size()),
                              static_cast<int32_t>(body.size()), static_cast<int32_t>(dict_.size()), Encoding::Plain});
      out.write(header);
      out.write(body);
      c.dictionary_page_offset = start;
      uncompressed_ += static_cast<int64_t>(header.size() + dict_plain_.size());
      encodings_.insert(Encoding::Plain);
    }
    c.data_page_offset = static_cast<int64_t>(out.bytes_written());
    out.write(chunk_);
    c.uncompressed = uncompressed_;
    c.compressed = static_cast<int64_t>(out.bytes_written()) - start;
    c.encodings.assign(encodings_.begin(), encodings_.end());
    c.stats.null_count = nulls_;
    if (has_minmax_ && kind_ == Kind::I32)
      min_ = plain_bytes(static_cast<int32_t>(imin_)), max_ = plain_bytes(static_cast<int32_t>(imax_));
    if (has_minmax_ && kind_ == Kind::I64) min_ = plain_bytes(imin_), max_ = plain_bytes(imax_);
    if (has_minmax_ && kind_ == Kind::F64) min_ = plain_bytes(dmin_), max_ = plain_bytes(dmax_);
    c.stats.min = std::move(min_);
    c.stats.max = std::move(max_);
    c.stats.legacy = kind_ != Kind::Str;
    *this = ColumnWriter(field_, name_, kind_, *z_);
    return c;
  }

 private:
  ColumnWriter(std::string field, std::string name, Kind kind, PageCompressor& z)
      : field_(std::move(field)), name_(std::move(name)), kind_(kind), z_(&z) {}

  [[noreturn]] void type_error(Type from, const Record& r) const {
    throw DataError("", r.line, "",
                    fmt::format("record {}: field '{}' holds {} values, which do not go in the Parquet column {} of "
                                "the first record's field of that name",
                                r.line, field_, type_name(from), name_));
  }

  int64_t to_int64(const Value& v, Type from, const Record& r) const {
    if (from == Type::Time) return v.t;
    if (from != Type::UInt) type_error(from, r);
    if (v.u > static_cast<uint64_t>(INT64_MAX))
      throw DataError(
          "", r.line, "",
          fmt::format("record {}: {} {} is over Parquet's INT64 (at most {})", r.line, field_, v.u, INT64_MAX));
    return static_cast<int64_t>(v.u);
  }

  double to_double(const Value& v, Type from, const Record& r) const {
    if (from == Type::Float) return v.f;
    if (from == Type::UInt) return static_cast<double>(v.u);
    if (from == Type::Time) return static_cast<double>(v.t);
    type_error(from, r);
  }

  template <class T>
  void add_int(T v) {
    if (!has_minmax_ || v < imin_) imin_ = v;
    if (!has_minmax_ || v > imax_) imax_ = v;
    has_minmax_ = true;
    char b[sizeof v];
    std::memcpy(b, &v, sizeof v);
    plain_.append(b, sizeof v);
  }

  void add_double(double v) {
    if (!has_minmax_ || v < dmin_) dmin_ = v;
    if (!has_minmax_ || v > dmax_) dmax_ = v;
    has_minmax_ = true;
    char b[8];
    std::memcpy(b, &v, 8);
    plain_.append(b, 8);
  }

  void add_str(std::string_view s) {
    if (!fallback_) {
      auto it = dict_.find(s);
      if (it != dict_.end()) {
        idx_.push_back(it->second);
        return;
      }
      if (dict_plain_.size() + 4 + s.size() <= kDictBytes || dict_.empty()) {
        note_minmax(s);
        idx_.push_back(static_cast<uint32_t>(dict_.size()));
        dict_.emplace(arena_.copy(s), static_cast<uint32_t>(dict_.size()));
        put_u32(dict_plain_, static_cast<uint32_t>(s.size()));
        dict_plain_ += s;
        return;
      }
      // The dictionary is full: the pages so far keep it, the rest of the chunk is PLAIN.
      defs_.pop_back();
      end_page();
      defs_.push_back(1);
      fallback_ = true;
    }
    note_minmax(s);
    put_u32(plain_, static_cast<uint32_t>(s.size()));
    plain_ += s;
  }

  void note_minmax(std::string_view s) {
    if (!min_ || s < *min_) min_ = std::string(s);
    if (!max_ || s > *max_) max_ = std::string(s);
  }

  void page_done() {
    const size_t bytes = plain_.size() + idx_.size() * 2 + defs_.size() / 8;
    if (bytes >= kPageBytes) end_page();
  }

  void end_page() {
    if (defs_.empty()) return;
    page_.assign(4, '\0');
    rle_hybrid(defs_, 1, page_);
    const uint32_t levels = static_cast<uint32_t>(page_.size() - 4);
    std::memcpy(page_.data(), &levels, 4);
    Encoding enc = Encoding::Plain;
    if (!idx_.empty()) {
      enc = Encoding::RleDictionary;
      const int width = rle_bit_width(dict_.size() - 1);
      page_ += static_cast<char>(width);
      rle_hybrid(idx_, width, page_);
    } else {
      page_ += plain_;
    }
    const std::string_view body = z_->compress(page_);
    const std::string header =
        encode_page_header({PageType::DataPage, static_cast<int32_t>(page_.size()), static_cast<int32_t>(body.size()),
                            static_cast<int32_t>(defs_.size()), enc});
    chunk_ += header;
    chunk_ += body;
    uncompressed_ += static_cast<int64_t>(header.size() + page_.size());
    values_ += static_cast<int64_t>(defs_.size());
    encodings_.insert(enc);
    encodings_.insert(Encoding::Rle);
    defs_.clear();
    idx_.clear();
    plain_.clear();
  }

  std::string field_, name_;
  Kind kind_;
  PageCompressor* z_;
  // The page being filled.
  std::vector<uint32_t> defs_, idx_;
  std::string plain_, page_;
  // The dictionary of this chunk (strings), and whether it is full.
  Arena arena_;
  std::unordered_map<std::string_view, uint32_t> dict_;
  std::string dict_plain_;
  bool fallback_ = false;
  // The pages of this chunk, and what the metadata says of them.
  std::string chunk_;
  int64_t uncompressed_ = 0, values_ = 0, nulls_ = 0;
  std::set<Encoding> encodings_;
  bool has_minmax_ = false;
  int64_t imin_ = 0, imax_ = 0;
  double dmin_ = 0, dmax_ = 0;
  std::optional<std::string> min_, max_;
};

class ParquetWriter : public Writer {
 public:
  ParquetWriter(Output& out, const WriteOptions& opts)
      : out_(out),
        z_(codec_by_name(opts.parquet_codec)),
        row_group_(std::max<uint64_t>(opts.parquet_row_group, 1)),
        fields_(opts.fields) {}

  void write(const Record& r) override {
    if (finished_) throw DataError("parquet output: write after finish");
    if (columns_.empty()) start(r.schema);
    if (!same_schema(r.schema, mapped_)) map(r);
    for (size_t c = 0; c < columns_.size(); ++c) {
      const int slot = map_[c];
      if (slot < 0 || r.values[static_cast<size_t>(slot)].null()) {
        columns_[c].add_null();
      } else {
        const size_t i = static_cast<size_t>(slot);
        columns_[c].add(r.values[i], r.schema->column(i).type, r);
      }
    }
    ++rows_;
    if (rows_ == row_group_ || (rows_ % 4096 == 0 && buffered() > kRowGroupBytes)) end_row_group();
  }

  void finish() override {
    if (finished_) return;
    finished_ = true;
    if (columns_.empty()) start(fields_.empty() ? Schema::parse_aws(kAwsDefaultFormat) : Schema::from_names(fields_));
    end_row_group();
    FileInfo f;
    for (const auto& c : columns_) f.columns.push_back(c.schema());
    f.row_groups = std::move(row_groups_);
    f.key_value.emplace_back("flowlogs.fields", header_);
    f.created_by = fmt::format("flowlogs version {}", FLOW_VERSION);
    const std::string meta = encode_file_metadata(f);
    out_.write(meta);
    std::string tail;
    put_u32(tail, static_cast<uint32_t>(meta.size()));
    out_.write(tail);
    out_.write({kMagic, 4});
  }

 private:
  void start(const SchemaPtr& s) {
    out_.write({kMagic, 4});
    for (const auto& c : s->columns()) columns_.emplace_back(c, z_);
    header_ = s->header();
  }

  /// Where each column's values are in records of r's schema: by field name.
  void map(const Record& r) {
    const Schema& s = *r.schema;
    for (size_t i = 0; i < s.size(); ++i) {
      const bool known = std::any_of(columns_.begin(), columns_.end(),
                                     [&](const ColumnWriter& c) { return c.field() == s.column(i).name; });
      if (!known)
        throw DataError("", r.line, "",
                        fmt::format("record {}: field '{}' is not a column of the Parquet output, whose columns are "
                                    "the first record's fields (name every field with --fields)",
                                    r.line, s.column(i).name));
    }
    map_.clear();
    for (const auto& c : columns_) map_.push_back(s.slot(c.field()));
    mapped_ = r.schema;
  }

  size_t buffered() const {
    size_t n = 0;
    for (const auto& c : columns_) n += c.buffered();
    return n;
  }

  void end_row_group() {
    if (rows_ == 0) return;
    RowGroupInfo g;
    g.rows = static_cast<int64_t>(rows_);
    for (auto& c : columns_) g.columns.push_back(c.write(out_));
    row_groups_.push_back(std::move(g));
    rows_ = 0;
  }

  Output& out_;
  PageCompressor z_;
  uint64_t row_group_;
  std::vector<std::string> fields_;
  std::vector<ColumnWriter> columns_;
  std::string header_;
  SchemaPtr mapped_;
  std::vector<int> map_;
  uint64_t rows_ = 0;
  std::vector<RowGroupInfo> row_groups_;
  bool finished_ = false;
};

}  // namespace
}  // namespace flow::parquet

namespace flow {

std::unique_ptr<Writer> parquet_writer(Output& out, const WriteOptions& opts) {
  return std::make_unique<parquet::ParquetWriter>(out, opts);
}

}  // namespace flow
