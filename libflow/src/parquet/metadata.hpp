// Parquet's file metadata and page headers (apache/parquet-format's parquet.thrift): the
// fields a reader of flat columns needs, read from the compact protocol; the others are passed over.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet/types.hpp"

namespace flow::parquet {

/// TimestampType's unit (LogicalType TIMESTAMP), or None.
enum class TimeUnit : uint8_t { None, Millis, Micros, Nanos };

struct SchemaElement {
  std::optional<PhysicalType> type;  // absent for a group (a nested column)
  int32_t type_length = 0;
  Repetition repetition = Repetition::Required;
  std::string name;
  int32_t num_children = 0;
  std::optional<ConvertedType> converted;
  TimeUnit timestamp = TimeUnit::None;  // LogicalType TIMESTAMP
  bool is_unsigned = false;             // LogicalType INTEGER isSigned=false
  bool is_string = false;               // LogicalType STRING / ENUM / JSON
};

struct Statistics {
  std::optional<std::string> min;  // min_value, else the deprecated min (plain encoded)
};

struct ColumnMetaData {
  PhysicalType type = PhysicalType::Int32;
  std::vector<std::string> path;
  Codec codec = Codec::Uncompressed;
  int64_t num_values = 0;
  int64_t total_compressed_size = 0;
  int64_t data_page_offset = 0;
  std::optional<int64_t> dictionary_page_offset;
  Statistics stats;
};

struct ColumnChunk {
  bool has_file_path = false;  // data in another file: not read
  std::optional<ColumnMetaData> meta;
};

struct RowGroup {
  std::vector<ColumnChunk> columns;
  int64_t num_rows = 0;
};

struct FileMetaData {
  std::vector<SchemaElement> schema;
  int64_t num_rows = 0;
  std::vector<RowGroup> row_groups;
  std::string created_by;
};

struct DataPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::Plain;
  Encoding definition_level_encoding = Encoding::Rle;
};

struct DataPageHeaderV2 {
  int32_t num_values = 0, num_nulls = 0, num_rows = 0;
  Encoding encoding = Encoding::Plain;
  int32_t definition_levels_byte_length = 0, repetition_levels_byte_length = 0;
  bool is_compressed = true;
};

struct DictionaryPageHeader {
  int32_t num_values = 0;
  Encoding encoding = Encoding::Plain;
};

struct PageHeader {
  PageType type = PageType::DataPage;
  int32_t uncompressed_page_size = 0;
  int32_t compressed_page_size = 0;
  std::optional<DataPageHeader> data;
  std::optional<DataPageHeaderV2> data_v2;
  std::optional<DictionaryPageHeader> dictionary;
};

/// Reads the footer's metadata; throws ThriftError when it is damaged.
FileMetaData parse_file_metadata(const char* data, size_t size);
/// Reads a page header at `data`; returns its size in bytes. Throws ThriftError.
size_t parse_page_header(const char* data, size_t size, PageHeader& h);

}  // namespace flow::parquet
