// Reading and writing records in each format: AWS text, JSON Lines, CSV, table, binary.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "flow/record.hpp"

namespace flow {

enum class Format { Auto, Aws, Json, Csv, Table, Binary, Parquet };

/// "aws", "json", "csv", "table", "bin" (and "auto" for input).
std::string_view format_name(Format f);
Format parse_format_name(std::string_view name);  // throws UsageError
std::vector<std::string> output_format_names();
std::vector<std::string> input_format_names();

struct ReadOptions {
  Format format = Format::Auto;
  SchemaPtr aws_schema;  ///< AWS text's fields (--aws-format); overrides header lines
  /// Every schema given (aws_schema first): a line that does not read with the current one is
  /// read with the one of its number of fields. Empty with aws_schema set: that one only.
  std::vector<SchemaPtr> aws_schemas;
  WarnFn warn;  ///< receives "FILE:LINE: ..." warnings; may be empty
  /// GCP: keep both reports of a flow logged at both ends (by default the second is dropped).
  bool gcp_both_ends = false;
  /// The caller reads only these fields (by name). A reader may then deliver records whose
  /// schema holds only those of them present in the input, in input order; an empty list means
  /// no field values at all (counting: one Record with no fields per record). nullopt = every
  /// field. The binary reader then skips the other columns. The AWS text reader keeps the
  /// line's schema but parses only these fields: the others must be present (a line still needs
  /// its number of fields) and come out null, unchecked, as the binary reader leaves a skipped
  /// column unchecked. The other readers ignore it.
  std::optional<std::vector<std::string>> fields;
  /// AWS text: parse and check every field all the same (flowcat --count: a validation pass).
  bool check_every_field = false;
  /// Reading one input in parallel pieces. Binary: this reader delivers only every shards-th
  /// block, from block `shard` on; Parquet likewise by row groups. AWS text read from the middle of a file: the schema
  /// in effect there (until a header line changes it) and the number of the line before the piece.
  unsigned shard = 0, shards = 1;
  SchemaPtr initial_schema;
  /// Text and JSON: the lines before the reader's first (a piece's, or blank lines passed over).
  uint64_t first_line = 0;
};

/// Consecutive records of one schema, column by column: a reader's own decoded columns (the
/// binary format's), handed out without copying them into records. Valid until the next read.
struct ColumnBatch {
  SchemaPtr schema;
  uint64_t first_line = 0;  ///< Record::line of the first row; the others follow it
  size_t rows = 0;
  std::vector<const Value*> values;  ///< per field: its `rows` values
  /// Per field, where its values come from a dictionary: each row's code (any code on a null
  /// row), which means one value for as long as `dictionary` stays the same; else nullptr.
  std::vector<const uint64_t*> codes;
  std::vector<size_t> codes_size;  ///< per field with codes: every code is below this
  uint64_t dictionary = 0;         ///< unique in the process: changes when codes change meaning

  /// Row i as a record (its values copied; strings still point into the reader's memory).
  void row(size_t i, Record& r) const {
    if (r.schema != schema || r.values.size() != values.size()) r.reset(schema);
    for (size_t f = 0; f < values.size(); ++f) r.values[f] = values[f][i];
    r.line = first_line + i;
  }
};

/// A stream of records from one input.
class Reader {
 public:
  virtual ~Reader() = default;
  /// Reads the next record into r (valid until the next call). False at the end of the input.
  /// Throws DataError for a bad record; unless the error is fatal, the next call goes on with
  /// the record after it.
  virtual bool next(Record& r) = 0;
  /// Reads up to out.size() records (at least one unless at the end: 0), all valid until the
  /// next call; errors as next(), raised before any record is read. Readers whose records stay
  /// valid only until the next record (text lines in a buffer) read one at a time, the default.
  /// The batch saves the calls per record of the stream around a fast reader.
  virtual size_t next_batch(std::span<Record> out) { return next(out[0]) ? 1 : 0; }
  /// Whether next_columns() reads this input (its records are columns already: binary).
  virtual bool columnar() const { return false; }
  /// The next records as columns (at least one row), or false at the end of the input; errors as
  /// next(). Only where columnar(); it may be mixed with next() and next_batch().
  virtual bool next_columns(ColumnBatch&) { return false; }
};

/// The bytes open_reader() reads `in` as: base64 gzip text (Kinesis record data as the API
/// shows it) decoded within in->limit(), a UTF-8 byte-order mark passed over.
std::unique_ptr<InputStream> undo_encoding(std::unique_ptr<InputStream> in, const ReadOptions& opts);
/// Detects the format (unless given) from the first bytes and returns its reader.
std::unique_ptr<Reader> open_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts);
/// The format of the data at the start of `in`, from its first 64 KiB at most (white space
/// beyond them reads as AWS text; open_reader passes over blank lines first).
Format detect_format(InputStream& in);

std::unique_ptr<Reader> aws_text_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts);
std::unique_ptr<Reader> json_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts);
std::unique_ptr<Reader> binary_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts);
/// Parquet: flat columns matched to fields by name ('_' read as '-'); reads the file through
/// in->source().random_access() where there is one, else takes the stream into memory.
std::unique_ptr<Reader> parquet_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts);

/// The default of WriteOptions::parquet_row_group.
inline constexpr uint64_t kParquetRowGroup = 1'000'000;

struct WriteOptions {
  bool header = true;  ///< AWS text and CSV: write the field names first (and on schema change)
  /// Parquet: the codec of the pages ("gzip", "zstd", "snappy", "none"), the most rows a row
  /// group holds (the writer buffers one), and the columns of a file without records (--fields;
  /// empty: AWS's default format).
  std::string parquet_codec = "gzip";
  uint64_t parquet_row_group = kParquetRowGroup;
  std::vector<std::string> fields;
};

/// A sink of records. Schemas may change between records; each writer handles that its way.
class Writer {
 public:
  virtual ~Writer() = default;
  virtual void write(const Record& r) = 0;
  /// Writes what is buffered and any trailer; the Output itself is committed by the caller.
  virtual void finish() {}
  /// Hands every record written so far to the Output (binary: ends the block), so that a flush
  /// of the Output holds them all. The table, which aligns columns over many rows, does not.
  virtual void flush() {}
  /// Like flush(), and ends the data where a reader takes it whole, as if finished (binary: ends
  /// the stream; the next record starts another): what a receiver makes durable.
  virtual void checkpoint() { flush(); }
};

std::unique_ptr<Writer> make_writer(Format f, Output& out, const WriteOptions& opts);
std::unique_ptr<Writer> aws_text_writer(Output& out, const WriteOptions& opts);
std::unique_ptr<Writer> json_writer(Output& out, const WriteOptions& opts);
std::unique_ptr<Writer> csv_writer(Output& out, const WriteOptions& opts);
std::unique_ptr<Writer> table_writer(Output& out, const WriteOptions& opts);
std::unique_ptr<Writer> binary_writer(Output& out, const WriteOptions& opts);
/// Parquet: the columns are the first record's fields; later records go in by field name.
std::unique_ptr<Writer> parquet_writer(Output& out, const WriteOptions& opts);

/// The schema an AWS text header line names ("version account-id ..."), or null if `line` is
/// not a header line.
SchemaPtr aws_header_schema(std::string_view line);

/// How much of a file (open as `fd`) that a writer of format `f` was appending to when it was
/// killed a reader takes whole: up to the end of its last line (text) or of its last stream
/// (binary). Throws DataError when the file does not hold that format (then it must not be cut
/// or added to): binary data or compression for a text format, damage for the binary one.
uint64_t complete_length(int fd, Format f);

/// Decimal text of a value, as AWS text writes it ("-" for null). For writers and messages.
std::string value_text(const Value& v, Type t);

/// `s` as a JSON string literal, quotes included, escaped as the JSON writer escapes values:
/// quote, backslash and control characters escaped (\n, \u0001), bytes that are not UTF-8 as U+FFFD.
std::string json_quote(std::string_view s);

}  // namespace flow
