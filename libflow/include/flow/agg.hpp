// Group-by aggregation: keys (fields, address prefixes, time bins), values (count, sum, min, max,
// mean, distinct counts, percentiles, first/last), spilling to disk beyond a memory budget, and
// partial states that merge. flowagg and flowstat are built on it. See flowagg(1).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "flow/io.hpp"
#include "flow/record.hpp"
#include "flow/stream.hpp"

namespace flow {

namespace agg {
struct Driver;
}

/// One grouping key, e.g. "dstport", "srcaddr/24", "dstaddr/24/64", "start/5m".
struct KeySpec {
  std::string text;                 ///< as written
  Column column;                    ///< the output column: the field's name and type
  int v4_bits = 32, v6_bits = 128;  ///< address keys: the prefix kept
  int64_t bin = 0;                  ///< time keys: bin width in seconds (0: none), aligned to UTC
  /// Either-side keys (-k addr, -k port): a record is grouped under its source's value and under
  /// its destination's (once when both give the same key), unless the input has such a column.
  bool either = false;
};

enum class AggKind {
  Count,
  Sum,
  Min,
  Max,
  Mean,
  Distinct,
  ApproxDistinct,
  Quantile,
  First,
  Last,
  Variance,  ///< population variance (divided by n), rounded
  Stddev,    ///< its square root, rounded
};

/// One value, e.g. "count", "sum(bytes)", "p99(bytes)", "ports=distinct(dstport)",
/// "rejected=count(where action == REJECT)".
struct ValueSpec {
  std::string text;  ///< as written
  AggKind kind = AggKind::Count;
  Column field;       ///< the field aggregated (none for count)
  double q = 0;       ///< Quantile: 0..1
  Column column;      ///< the output column
  std::string where;  ///< a flow-filter(7) condition: only the records matching it count ("" = all)
};

struct AggSpec {
  std::vector<KeySpec> keys;
  std::vector<ValueSpec> values;
  bool bidir = false;  ///< both directions of a conversation in one group, client side first
  /// Sums shared out over the bins of the TIME/BIN key that a record's [start, end) covers, in
  /// proportion (whole numbers that add up exactly); the record counts in each bin it touches.
  bool spread = false;
  int64_t now = 0;     ///< "now" of the relative times in the values' conditions (Unix seconds)

  /// Parses -k and -a lists (each item may itself be a comma-separated list). No values means
  /// the defaults: records, packets, bytes. Throws UsageError.
  static AggSpec parse(const std::vector<std::string>& keys, const std::vector<std::string>& values, bool bidir);
  /// A canonical text of the spec, stored in partial files so that only like states merge.
  std::string canonical() const;
  /// The options that make this spec, for messages: "-k srcaddr -a count,sum(bytes)".
  std::string describe() const;
  /// The output columns: the keys, then the values.
  SchemaPtr output_schema() const;
  /// Index of the value column named `name`, or -1.
  int value_index(std::string_view name) const;
};

/// The index of the one TIME/BIN key, which --spread spreads over and --fill fills; throws
/// UsageError naming `option` when there is none or more than one.
size_t time_bin_key(const AggSpec& spec, std::string_view option);

struct AggLimits {
  uint64_t memory = uint64_t{1} << 30;  ///< bytes of group state before spilling to disk
  std::string tmpdir;                   ///< where spill runs go ("" = $TMPDIR or /tmp)
  /// Groups kept in this many partitions by key hash (rounded up to a power of two; 1 when a key
  /// is a string), so that absorb() can run one partition per thread.
  unsigned partitions = 1;
};

/// How finished groups come out.
struct AggOrder {
  enum By { Keys, Value, None } by = Keys;  ///< None: order of first appearance (unspilled)
  int value = -1;                           ///< By::Value: index into spec.values
  bool descending = true;                   ///< By::Value (keys always ascend)
  uint64_t top = 0;                         ///< keep only the first N (0 = all)
};

/// How Aggregator::read() reads its inputs.
struct AggRead {
  std::string where;     ///< only the records matching this flow-filter(7) expression ("" = all)
  int64_t now = 0;       ///< "now" of the expression's relative times (Unix seconds)
  unsigned threads = 1;  ///< readers at once (read_threads(); AggLimits::partitions to match)
  /// The groups will be finished in AggOrder::None (no --top): the counts and sums of some are
  /// worked out while the first are written, by a thread that takes only idle CPU time.
  bool defer = false;
};

/// Readers at once for a request of `requested` threads: 0 means one per core, at most 8.
unsigned read_threads(unsigned requested);

struct AggLanes;

/// Accumulates records into groups. Not thread-safe.
class Aggregator {
 public:
  Aggregator(AggSpec spec, AggLimits limits);
  ~Aggregator();
  Aggregator(Aggregator&&) noexcept;
  Aggregator& operator=(Aggregator&&) noexcept;

  const AggSpec& spec() const { return *spec_; }
  const AggLimits& limits() const;
  /// Reads every record of the inputs, in parallel where they can be split (a regular
  /// uncompressed file: see parallel_streams()): each thread groups its share and the shares are
  /// combined, which gives the same answer as one thread. Only the fields the keys, values and
  /// `how.where` read are parsed. Returns what was skipped under cfg.on_error.
  SkipReport read(InputConfig cfg, const AggRead& how);
  /// Adds a flow record (read from `file`, for messages). Records are staged a few at a time
  /// before they reach the groups (keys hashed ahead); everything below sees them.
  void add(const Record& r, const std::string& file);
  /// The rows of `c` (those with keep[i] set; every row when keep is null), as add() would take
  /// them one by one. A single key with dictionary codes is looked up once per code.
  void add(const ColumnBatch& c, const uint8_t* keep, const std::string& file);
  /// The rows of `b` (keep as above), a column at a time where it is columnar.
  void add(const Batch& b, const uint8_t* keep);
  /// The fields a reader must deliver for this spec: keys, values and what --bidir looks at.
  std::vector<std::string> fields_read() const;
  /// A partial state file, opened and its header read.
  struct PartialInput {
    AggSpec spec;  ///< what it was made with
    std::unique_ptr<InputStream> in;
  };
  static PartialInput open_partial(const std::string& path);
  /// Adds the groups of partial states written by write_partial() (several may follow each
  /// other in one file); throws DataError if the file is damaged, UsageError if it was made with
  /// another spec.
  void add_partial(PartialInput p);
  void add_partial(const std::string& path);
  /// Takes in every group of `other` (same spec and limits; e.g. another thread's share of the
  /// input), leaving it empty.
  void absorb(Aggregator& other);
  /// Ends the input. Passes every group, as a record of output_schema(), to `keep` (a --having
  /// filter; may be empty), then those kept, in `order` and up to order.top, to `emit`.
  void finish(const AggOrder& order, const std::function<bool(const Record&)>& keep,
              const std::function<void(const Record&)>& emit);
  /// --fill, once the input is read: an empty group for every bin of the TIME/BIN key from the
  /// first bin seen to the last, for every combination of the other keys seen (each series over
  /// the same range), so that finish() gives a series without gaps; it then gives every sum of
  /// nothing as 0 (a count is 0 anyway; other values stay null). Throws UsageError without one
  /// TIME/BIN key, DataError past a million bins.
  void fill();
  /// Ends the input and writes the groups' states (for --merge later) to `out`.
  void write_partial(Output& out);
  /// The spec a partial file was made with (its -k, -a and --bidir).
  static AggSpec partial_spec(const std::string& path);

  /// After finish(): the value columns whose count or sum went past 2^64 - 1 in groups it gave
  /// out, and in how many. Such a value saturates, coming out as 18446744073709551615 rather
  /// than wrapping: the most a column holds, not the exact sum. (Means are exact.)
  std::vector<std::pair<std::string, uint64_t>> saturated() const;
  uint64_t groups() const;    ///< groups so far, in memory (before finish)
  uint64_t spills() const;    ///< runs written to disk
  uint64_t records() const;   ///< records added
  uint64_t deferred() const;  ///< rows of deferred partitions kept to be grouped at finish()

 private:
  // The protocol of threads reading one input together (agg/driver.hpp drives it for read()).
  friend struct agg::Driver;
  /// Groups every staged record (absorb() by partition sees only grouped ones).
  void flush();
  /// The same in steps that may run on different threads, one partition each (without
  /// spilling), then absorb_rest() once: what absorb() does.
  void absorb(Aggregator& other, uint32_t partition, bool may_spill);
  void absorb_rest(Aggregator& other);
  /// Threads reading one input in parallel, one Aggregator each (same spec and limits), can be
  /// lanes: each groups the partitions it owns and passes the rows of the others to their owner
  /// (agg/lanes.hpp), so that the shares absorbed at the end hold whole partitions, moved rather
  /// than merged. join_lanes() before the first add(); leave_lanes() once the lane's input is
  /// read, or failed: it passes on what is left and groups what the others pass until all left.
  /// (No effect with string keys, which have one partition.)
  static std::shared_ptr<AggLanes> make_lanes(unsigned n);
  void join_lanes(std::shared_ptr<AggLanes> lanes, unsigned lane);
  void leave_lanes();
  /// Lanes only (no effect otherwise): once a lane passes rows on, the rows of the last n
  /// partitions are kept compactly rather than grouped, and finish() in AggOrder::None groups
  /// them on a thread of its own while the first partitions go out. That moves grouping from
  /// the reading, where every thread is busy, into the time the reader of the output takes.
  /// Call on every lane; other orders and outputs group them first.
  void defer(uint32_t n);
  uint32_t partitions() const;
  /// The group state kept before spilling, from now on (AggLimits::memory).
  void limit_memory(uint64_t bytes);

  struct Impl;
  std::shared_ptr<const AggSpec> spec_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flow
