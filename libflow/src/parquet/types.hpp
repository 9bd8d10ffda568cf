// The numbers of Parquet's Thrift definitions (apache/parquet-format, src/main/thrift/
// parquet.thrift) that both the reader and the writer use.
#pragma once

#include <cstdint>

namespace flow::parquet {

enum class PhysicalType : int32_t {
  Boolean = 0,
  Int32 = 1,
  Int64 = 2,
  Int96 = 3,
  Float = 4,
  Double = 5,
  ByteArray = 6,
  FixedLenByteArray = 7,
};

enum class ConvertedType : int32_t {
  Utf8 = 0,
  Enum = 4,
  TimestampMillis = 9,
  TimestampMicros = 10,
  Uint8 = 11,
  Uint16 = 12,
  Uint32 = 13,
  Uint64 = 14,
  Int8 = 15,
  Int16 = 16,
  Int32 = 17,
  Int64 = 18,
  Json = 19,
};

enum class Repetition : int32_t { Required = 0, Optional = 1, Repeated = 2 };

enum class Encoding : int32_t {
  Plain = 0,
  PlainDictionary = 2,
  Rle = 3,
  BitPacked = 4,
  DeltaBinaryPacked = 5,
  DeltaLengthByteArray = 6,
  DeltaByteArray = 7,
  RleDictionary = 8,
  ByteStreamSplit = 9,
};

enum class Codec : int32_t {
  Uncompressed = 0,
  Snappy = 1,
  Gzip = 2,
  Lzo = 3,
  Brotli = 4,
  Lz4 = 5,
  Zstd = 6,
  Lz4Raw = 7,
};

enum class PageType : int32_t { DataPage = 0, IndexPage = 1, DictionaryPage = 2, DataPageV2 = 3 };

/// Compact protocol element types (as they appear in field headers and list headers).
enum class TType : uint8_t {
  Stop = 0,
  True = 1,  // a bool field whose value is true (in a list: a bool element)
  False = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
};

/// "PAR1": the first and last four bytes of every Parquet file.
constexpr char kMagic[4] = {'P', 'A', 'R', '1'};

}  // namespace flow::parquet
