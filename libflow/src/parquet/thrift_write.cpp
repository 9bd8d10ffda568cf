// The compact protocol (apache/thrift, doc/specs/thrift-compact-protocol.md) and Parquet's
// FileMetaData and PageHeader (apache/parquet-format, src/main/thrift/parquet.thrift) in it.
#include "parquet/thrift_write.hpp"

namespace flow::parquet {

void CompactWriter::field(int16_t id, TType kind) {
  // A small step from the previous field's id fits the header byte's high nibble; else the id
  // follows as a zigzag varint.
  const int delta = id - last_id_;
  if (delta > 0 && delta <= 15) {
    out_ += static_cast<char>((delta << 4) | static_cast<uint8_t>(kind));
  } else {
    out_ += static_cast<char>(static_cast<uint8_t>(kind));
    varint(zigzag(id));
  }
  last_id_ = id;
}

void CompactWriter::begin_struct() {
  last_.push_back(last_id_);
  last_id_ = 0;
}

void CompactWriter::end_struct() {
  out_ += '\0';
  if (!last_.empty()) {
    last_id_ = last_.back();
    last_.pop_back();
  }
}

void CompactWriter::list(TType element, size_t size) {
  if (size < 15) {
    out_ += static_cast<char>((size << 4) | static_cast<uint8_t>(element));
  } else {
    out_ += static_cast<char>(0xF0 | static_cast<uint8_t>(element));
    varint(size);
  }
}

void CompactWriter::binary(std::string_view v) {
  varint(v.size());
  out_ += v;
}

void CompactWriter::varint(uint64_t v) {
  while (v >= 0x80) {
    out_ += static_cast<char>((v & 0x7F) | 0x80);
    v >>= 7;
  }
  out_ += static_cast<char>(v);
}

namespace {

int32_t num(auto e) { return static_cast<int32_t>(e); }

void write_stats(CompactWriter& w, const Stats& s) {
  if (s.legacy && s.max) w.field_binary(1, *s.max);
  if (s.legacy && s.min) w.field_binary(2, *s.min);
  w.field_i64(3, s.null_count);
  if (s.max) w.field_binary(5, *s.max);
  if (s.min) w.field_binary(6, *s.min);
}

void write_column_meta(CompactWriter& w, const ColumnChunkInfo& c) {
  w.field_i32(1, num(c.type));
  w.field_list(2, TType::I32, c.encodings.size());
  for (Encoding e : c.encodings) w.i32(num(e));
  w.field_list(3, TType::Binary, 1);
  w.binary(c.name);
  w.field_i32(4, num(c.codec));
  w.field_i64(5, c.values);
  w.field_i64(6, c.uncompressed);
  w.field_i64(7, c.compressed);
  w.field_i64(9, c.data_page_offset);
  if (c.dictionary_page_offset) w.field_i64(11, *c.dictionary_page_offset);
  w.field_struct(12);
  write_stats(w, c.stats);
  w.end_struct();
}

void write_row_group(CompactWriter& w, const RowGroupInfo& g, int16_t ordinal) {
  int64_t uncompressed = 0, compressed = 0;
  for (const auto& c : g.columns) uncompressed += c.uncompressed, compressed += c.compressed;
  const int64_t start =
      g.columns.empty() ? 0 : g.columns[0].dictionary_page_offset.value_or(g.columns[0].data_page_offset);
  w.field_list(1, TType::Struct, g.columns.size());
  for (const auto& c : g.columns) {
    w.begin_struct();
    w.field_i64(2, c.dictionary_page_offset.value_or(c.data_page_offset));  // file_offset: where the chunk starts
    w.field_struct(3);
    write_column_meta(w, c);
    w.end_struct();
    w.end_struct();
  }
  w.field_i64(2, uncompressed);
  w.field_i64(3, g.rows);
  w.field_i64(5, start);
  w.field_i64(6, compressed);
  w.field(7, TType::I16);
  w.i32(ordinal);  // an i16 is a zigzag varint as an i32 is
}

}  // namespace

std::string encode_file_metadata(const FileInfo& f) {
  CompactWriter w;
  w.begin_struct();
  w.field_i32(1, 1);  // version
  w.field_list(2, TType::Struct, f.columns.size() + 1);
  w.begin_struct();  // the root: a group of every column
  w.field_i32(3, num(Repetition::Required));
  w.field_binary(4, "schema");
  w.field_i32(5, static_cast<int32_t>(f.columns.size()));
  w.end_struct();
  for (const auto& c : f.columns) {
    w.begin_struct();
    w.field_i32(1, num(c.type));
    w.field_i32(3, num(Repetition::Optional));
    w.field_binary(4, c.name);
    if (c.utf8) {
      w.field_i32(6, num(ConvertedType::Utf8));
      w.field_struct(10);  // logicalType: the union's STRING member, an empty struct
      w.field_struct(1);
      w.end_struct();
      w.end_struct();
    }
    w.end_struct();
  }
  int64_t rows = 0;
  for (const auto& g : f.row_groups) rows += g.rows;
  w.field_i64(3, rows);
  w.field_list(4, TType::Struct, f.row_groups.size());
  for (size_t i = 0; i < f.row_groups.size(); ++i) {
    w.begin_struct();
    write_row_group(w, f.row_groups[i], static_cast<int16_t>(i));
    w.end_struct();
  }
  if (!f.key_value.empty()) {
    w.field_list(5, TType::Struct, f.key_value.size());
    for (const auto& [k, v] : f.key_value) {
      w.begin_struct();
      w.field_binary(1, k);
      w.field_binary(2, v);
      w.end_struct();
    }
  }
  w.field_binary(6, f.created_by);
  // column_orders: the type's own order for every column, which makes min_value/max_value the
  // statistics readers use.
  w.field_list(7, TType::Struct, f.columns.size());
  for (size_t i = 0; i < f.columns.size(); ++i) {
    w.begin_struct();
    w.field_struct(1);  // TYPE_ORDER
    w.end_struct();
    w.end_struct();
  }
  w.end_struct();
  return w.take();
}

std::string encode_page_header(const PageInfo& p) {
  CompactWriter w;
  w.begin_struct();
  w.field_i32(1, num(p.type));
  w.field_i32(2, p.uncompressed);
  w.field_i32(3, p.compressed);
  if (p.type == PageType::DictionaryPage) {
    w.field_struct(7);
    w.field_i32(1, p.values);
    w.field_i32(2, num(p.encoding));
    w.end_struct();
  } else {
    w.field_struct(5);
    w.field_i32(1, p.values);
    w.field_i32(2, num(p.encoding));
    w.field_i32(3, num(Encoding::Rle));  // definition levels
    w.field_i32(4, num(Encoding::Rle));  // repetition levels (none: every column is flat)
    w.end_struct();
  }
  w.end_struct();
  return w.take();
}

}  // namespace flow::parquet
