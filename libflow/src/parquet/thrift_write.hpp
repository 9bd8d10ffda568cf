// Thrift's compact protocol, the encoding of Parquet's metadata (apache/thrift,
// doc/specs/thrift-compact-protocol.md), as far as the writer needs it; and the footer and page
// headers written with it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/types.hpp"

namespace flow::parquet {

/// Builds one Thrift value in the compact protocol. Structs nest: begin_struct() / end_struct()
/// around their fields, each field announced by its id and type first.
class CompactWriter {
 public:
  void field(int16_t id, TType kind);
  void field_i32(int16_t id, int32_t v) {
    field(id, TType::I32);
    i32(v);
  }
  void field_i64(int16_t id, int64_t v) {
    field(id, TType::I64);
    i64(v);
  }
  void field_bool(int16_t id, bool v) { field(id, v ? TType::True : TType::False); }
  void field_binary(int16_t id, std::string_view v) {
    field(id, TType::Binary);
    binary(v);
  }
  void field_struct(int16_t id) {
    field(id, TType::Struct);
    begin_struct();
  }
  void field_list(int16_t id, TType element, size_t size) {
    field(id, TType::List);
    list(element, size);
  }

  void begin_struct();
  void end_struct();  ///< writes the stop byte
  void list(TType element, size_t size);
  void i32(int32_t v) { varint(zigzag(v)); }
  void i64(int64_t v) { varint(zigzag(v)); }
  void binary(std::string_view v);
  void varint(uint64_t v);

  static uint64_t zigzag(int64_t v) { return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63); }
  const std::string& bytes() const { return out_; }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::vector<int16_t> last_;  ///< per open struct, the id of its last field
  int16_t last_id_ = 0;
};

/// Statistics of a column chunk. min/max are PLAIN-encoded values (absent when every value is
/// null); `legacy` also writes them as the old min/max fields (numbers, where the old signed
/// order is the type's order).
struct Stats {
  int64_t null_count = 0;
  std::optional<std::string> min, max;
  bool legacy = false;
};

struct ColumnChunkInfo {
  PhysicalType type;
  std::string name;  ///< path_in_schema: flat schemas have one element
  Codec codec;
  std::vector<Encoding> encodings;
  int64_t values = 0;                        ///< nulls included
  int64_t uncompressed = 0, compressed = 0;  ///< page headers included
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  Stats stats;
};

struct RowGroupInfo {
  std::vector<ColumnChunkInfo> columns;
  int64_t rows = 0;
};

struct SchemaColumn {
  std::string name;
  PhysicalType type;
  bool utf8 = false;  ///< BYTE_ARRAY holding UTF-8 text (logical type STRING)
};

struct FileInfo {
  std::vector<SchemaColumn> columns;  ///< every column OPTIONAL, under the root
  std::vector<RowGroupInfo> row_groups;
  std::vector<std::pair<std::string, std::string>> key_value;
  std::string created_by;
};

/// The FileMetaData struct of the footer.
std::string encode_file_metadata(const FileInfo& f);

struct PageInfo {
  PageType type;  ///< DataPage (v1) or DictionaryPage
  int32_t uncompressed = 0, compressed = 0;
  int32_t values = 0;  ///< data page: nulls included; dictionary: its entries
  Encoding encoding;   ///< of the values (data page) or entries (dictionary)
};

/// A PageHeader struct.
std::string encode_page_header(const PageInfo& p);

}  // namespace flow::parquet
