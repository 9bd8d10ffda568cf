// Record streams over many inputs: error policy, start-time merge, projection.
#pragma once

#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "flow/filter.hpp"
#include "flow/format.hpp"

namespace flow {

/// What to do with a malformed record: stop (exit 1), or skip it silently or with a warning.
/// Skip and warn always report the count at the end.
enum class ErrorPolicy { Fail, Skip, Warn };
ErrorPolicy parse_error_policy(std::string_view name);  // throws UsageError

/// Counts what a source skipped, for the end-of-run report.
struct SkipReport {
  uint64_t records = 0;  ///< malformed records skipped (a damaged block counts its records)
  uint64_t errors = 0;   ///< errors met (one damaged block = one error)
  std::string first;     ///< message of the first error
  /// Inputs (S3 objects) that could not be read after retries: "s3://b/k: why", one each.
  std::vector<std::string> unread;
  /// Adds another stream's counts (the lanes of a parallel read).
  void add(const SkipReport& o);
};

/// Observer of input progress (bytes of the current file), for progress bars.
struct ProgressSink {
  virtual ~ProgressSink() = default;
  virtual void update(const std::string& file, uint64_t done, uint64_t total) = 0;
  virtual void done() = 0;
};

class RecordStream;

/// The records of one read, whichever way the input delivers them: records (text and JSON
/// readers) or a ColumnBatch (the binary reader's columns, not copied). A consumer writes one
/// loop for both:
///   Batch b;
///   Record scratch;
///   while (stream.read(b))
///     for (size_t i = 0; i < b.size(); ++i) use(b.row(i, scratch));
/// and what can work a column at a time (Filter::match, Aggregator::add) takes the batch whole.
/// Valid until the next read.
class Batch {
 public:
  size_t size() const { return size_; }
  /// The rows are the columns of columns(); else they are records().
  bool columnar() const { return columns_.rows != 0; }
  const ColumnBatch& columns() const { return columns_; }
  std::span<const Record> records() const { return {room_.data(), columnar() ? 0 : size_}; }
  /// Row i as a record: the record itself, or the columns' row copied into `scratch`.
  const Record& row(size_t i, Record& scratch) const {
    if (!columnar()) return room_[i];
    columns_.row(i, scratch);
    return scratch;
  }
  /// Field f of row i, or null when the row's schema has no such field.
  const Value* get(size_t i, FieldId f) const {
    if (!columnar()) return room_[i].get(f);
    const int slot = columns_.schema->slot(f);
    return slot < 0 ? nullptr : columns_.values[static_cast<size_t>(slot)] + i;
  }
  /// The input these rows came from ("(stdin)" for standard input), for messages.
  const std::string& file() const { return *file_; }

 private:
  friend class RecordStream;
  std::vector<Record> room_ = std::vector<Record>(64);
  ColumnBatch columns_;
  size_t size_ = 0;
  const std::string* file_ = nullptr;
};

/// Any source of records (one input, many in sequence, a merge).
class RecordStream {
 public:
  virtual ~RecordStream() = default;
  virtual bool next(Record& r) = 0;
  /// Records a few at a time, all from one input and valid until the next call (Reader::next_batch).
  virtual size_t next_batch(std::span<Record> out) { return next(out[0]) ? 1 : 0; }
  /// The next records: as columns where the input has them (cols.rows is then the count
  /// returned), else as a batch in `room` (cols.rows is 0). 0 at the end.
  virtual size_t next_chunk(std::span<Record> room, ColumnBatch& cols) {
    cols.rows = 0;
    return next_batch(room);
  }
  /// The next records into `b`, as columns where the input has them; false at the end.
  bool read(Batch& b) {
    b.size_ = next_chunk(b.room_, b.columns_);
    b.file_ = &file();
    return b.size_ != 0;
  }
  virtual const SkipReport& skipped() const = 0;
  /// The name of the input the last record came from ("(stdin)" for standard input).
  virtual const std::string& file() const = 0;
};

struct InputConfig {
  std::vector<std::string> files;  ///< "-" = stdin
  ReadOptions read;
  ErrorPolicy on_error = ErrorPolicy::Fail;
  ProgressSink* progress = nullptr;
  NetTimeouts net;  ///< of http(s) inputs
  /// --since/--until: only records whose start lies in [since, until) are delivered.
  int64_t since = INT64_MIN, until = INT64_MAX;
  /// Called on the reading thread when the next read would wait for data (a live pipe between
  /// records): a tool flushes its output there, so that what it wrote is seen at once. Each
  /// record read is handed over before the next read, so all are written by then. What it
  /// throws ends the run, whatever the error policy: it is the output's error, not the input's.
  std::function<void()> on_idle;
};

/// The inputs one after the other.
std::unique_ptr<RecordStream> sequential_stream(InputConfig cfg);
/// Thrown by a stream of parallel_streams() when an error ends an input that was split (a bad
/// header line, an overlong line) while --on-error goes on: the pieces after it, read by other
/// threads, must not count. The caller reads the inputs again with sequential_stream().
struct SplitReadAborted : std::exception {
  const char* what() const noexcept override { return "an error ended a split input; read it again in one piece"; }
};

/// The inputs as up to n streams to be read at once (one thread each), which together deliver
/// every record once, in no order across streams. A regular uncompressed file of AWS text of at
/// least 2 * min_piece bytes is split at line boundaries (each piece knows the format and line
/// numbers in effect where it starts); a binary file is shared by blocks; anything else (stdin,
/// gzip, zstd, JSON, a URL) goes whole to one stream. Only the first stream reports progress.
std::vector<std::unique_ptr<RecordStream>> parallel_streams(InputConfig cfg, size_t n, uint64_t min_piece = 1 << 20);
/// Where piece i of `parts` of a text file of `size` bytes ends, before it moves on to the next
/// line start: later pieces are shorter, since their readers first count the lines before them.
uint64_t text_piece_end(uint64_t size, size_t parts, size_t i);
/// What a merge may hold open at once.
struct MergeLimits {
  uint64_t memory = uint64_t{256} << 20;  ///< for the inputs open at once: kMergeInputMemory each
  std::string tmpdir;                     ///< where the runs of earlier passes go ("" = $TMPDIR or /tmp)
};
/// What one open input of a merge is allowed: its window (up to 1 MiB, only what it fills of
/// it), gzip's state, a binary reader's decoded blocks (about 5 MB with 65536-record blocks).
constexpr uint64_t kMergeInputMemory = uint64_t{8} << 20;
/// How many inputs a merge with `memory` reads at once: memory / kMergeInputMemory, at least 2.
size_t merge_fan_in(uint64_t memory);
/// The inputs interleaved by start time (each input is expected in start order; ties keep input
/// order). Up to merge_fan_in(limits.memory) inputs are read at once; with more, groups of them
/// are first merged into runs in a scratch file in limits.tmpdir (in the binary format, removed
/// from the directory at once), and the runs merged, so memory does not grow with the number of
/// inputs. Any input that cannot be opened or read is an error before the first record then.
std::unique_ptr<RecordStream> merged_stream(InputConfig cfg, const MergeLimits& limits = {});

/// Keeps and orders the fields named by --fields. Names not known and not in the input are
/// an error (with a suggestion); known fields missing from a record's schema come out null.
class Projection {
 public:
  explicit Projection(std::vector<std::string> names);
  bool active() const { return !names_.empty(); }
  /// The projected record (valid until the next call), or `in` itself when inactive.
  /// Inline so that the inactive case, once per record of every writer, costs no call.
  const Record& apply(const Record& in) { return active() ? project(in) : in; }

 private:
  const Record& project(const Record& in);

  std::vector<std::string> names_;
  SchemaPtr in_schema_, out_schema_;
  std::vector<int> map_;
  Record out_;
};

/// Where and how records are written.
struct OutputConfig {
  std::string path = "-";  ///< "" or "-" = standard output
  /// Auto: an aligned table when the output is a terminal (for a person), AWS text otherwise.
  Format format = Format::Aws;
  std::vector<std::string> fields;  ///< --fields: these, in this order (empty = all)
  std::vector<std::string> set;     ///< --set NAME=EXPR: computed columns, before --fields
  int64_t now = 0;                  ///< "now" of the --set expressions
  bool header = true;               ///< AWS text and CSV: the field names first
  bool force = false;               ///< binary data even to a terminal
  /// Parquet: the pages' compression, and the most rows a row group holds.
  std::string parquet_codec = "gzip";
  uint64_t parquet_row_group = kParquetRowGroup;
  /// A receiver's output: the file is appended to in place (Output::open_append), made durable
  /// by checkpoint() and sync(), and what was not can be taken back by truncate().
  bool append = false;
};

/// An opened destination: the output and the writer for the chosen format, with projection.
class RecordOutput {
 public:
  /// Opens the output (a file is written to a temporary beside it until close()). Throws
  /// UsageError for binary data to a terminal without `force`.
  explicit RecordOutput(const OutputConfig& c);
  /// Records to a writer that owns its destination (flowcat --post), with `fields` applied.
  RecordOutput(std::unique_ptr<Writer> writer, std::vector<std::string> fields,
               const std::vector<std::string>& set = {}, int64_t now = 0);
  void write(const Record& r) { writer_->write(projection_.apply(derive_.apply(r))); }
  /// Makes every record written so far reach the file or pipe (not the fsync of commit).
  void flush();
  /// Finishes the format and commits the file (renames it into place; an appended file: fsync).
  void close();

  /// Appended outputs: ends the data where a reader takes it whole (Writer::checkpoint) and
  /// writes it to the file; returns the file's length then.
  uint64_t checkpoint();
  /// Appended outputs: fsync of what checkpoint() wrote. Safe while another thread writes.
  void sync() { out_->sync(); }
  /// Appended outputs: takes back everything after `length` (a checkpoint's) and starts the
  /// format afresh (a header before the next record, a new binary stream).
  void truncate(uint64_t length);

 private:
  std::unique_ptr<Output> out_;
  bool append_ = false;
  Format format_ = Format::Aws;
  WriteOptions write_options_;
  std::unique_ptr<Writer> writer_;
  Derive derive_;
  Projection projection_;
};

}  // namespace flow
