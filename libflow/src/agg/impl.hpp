// The aggregator's insides, shared by its files: aggregator.cpp (the public face, the groups
// spilled to runs and merged back, partial files, absorb, finish), rows.cpp (records bound to
// the spec, staged as rows and grouped; lanes; deferred partitions) and read.cpp (read(): the
// threads that read one input as lanes).
//
// Glossary of the aggregation engine (libflow/src/agg/):
//   spec        The -k keys and -a values (AggSpec, flow/agg.hpp; parsed in spec.cpp).
//   group       One combination of key values and the cells of every value for it.
//   key         Whole: as rows carry it and hash_of() hashes it, per key a tag byte (0 null, 1 set,
//               4/6 the IP version) then 16, 8 or 4 bytes, zeros to a multiple of 8 (key_width).
//               Narrow: as a table keeps it when that is smaller: the tags, then 4 or 8 bytes a key.
//               Kept: whichever of the two a table stores (kept_width; table.hpp).
//   aside       A key that does not fit narrow (IPv6, a number >= 2^32), kept whole in a side
//               vector of its table; its entry holds 0xff and its index there (table.hpp).
//   interner    A key's strings, numbered: string keys are 4-byte ids (table.hpp).
//   value       One -a item (ValueSpec), e.g. sum(bytes).
//   cell        A value's state in one group: two words, a and b (Cell, cells.hpp), packed tighter
//               in the entry as CellLayout says.
//   sketch      The state of a distinct count or percentile, beyond its cell (sketch.hpp).
//   store       A table's sketches (Store, cells.hpp); such a cell holds its sketch's index.
//   state       A cell written as bytes (write_cell): what runs and partial files hold.
//   entry       A group's bytes in a table: its kept key, then its cells (table.hpp).
//   slot        Three things: a position in a table's open-addressing array (hash tag, group
//               number + 1; table.hpp); where a value's cell lies in an entry (CellLayout::Slot);
//               a column's index in the input schema (key_slot, val_slot here).
//   table       A GroupTable: the entries in order of first appearance, found by hash (table.hpp).
//   partition   One of the tables, chosen by the top bits of the key hash (table_for(); several
//               only for keys without strings, whose bytes mean the same in every table).
//   bind        Finding the spec's columns in an input schema (bind/rebind, rows.cpp).
//   mode        How one value of a row goes into its cell (Mode: count one, sum fast, or typed).
//   row         A record bound to the spec, as bytes: hash, whole key, modes, values (rows.cpp).
//   staged      Rows waiting in stage_buf to be grouped a batch at a time; group_rows() is a
//               software pipeline over them (hash, fetch the slot, fetch the entry, group).
//   drain       Empty the stage (drain_staged: each row grouped, routed or logged), then group
//               the mail (drain); Aggregator::flush().
//   code        A dictionary code of a binary input's key column: add_coded() finds the group of
//               each code once per dictionary (CodeRef).
//   lane        One of the Aggregators of threads reading one input together (read.cpp); lane i
//               owns the partitions p with p % lanes == i and groups only those (lanes.hpp).
//   route       A lane passing the rows of partitions it does not own to their owner, which it
//               does only once its groups pass kRouteAbove (and rows are staged 32 at a time).
//   outbox/post Rows for another lane gather in outbox[owner] and are posted in batches of kPost
//               bytes (AggLanes::post).
//   mail        The batches other lanes posted to this one; take_mail() groups them.
//   deferred    The last partitions, past defer_from (Aggregator::defer): once a lane routes,
//   partition   their rows are logged, not grouped, to be grouped while the output is written.
//   log         A deferred partition's rows kept compactly (RowLog: kept key, null bits, sums);
//               only rows of counts and sums log ("loggable").
//   settle      Group a partition's logged rows (settle(p)); Settler does it on an idle thread
//               while finish() writes the first partitions; anything else settles first.
//   spill       Past the memory budget: every group written to disk as a run sorted by key, and
//               the tables emptied (spill()).
//   run         A spilled, sorted stream of frames in an unlinked temporary file (runs.hpp).
//   frame       One group in a run or partial file: its key (encode_ordered) and state (runs.hpp).
//   merge       Reading runs back in key order, the states of equal keys combined (Merger,
//               merge_down, each_merged, merge_cell; Acc holds one merged group).
//   partial     A --partial file: a header naming the spec, then frames (aggregator.cpp);
//               add_partial() merges such states into the tables.
//   absorb      Take in another Aggregator's groups, partition by partition (aggregator.cpp);
//               the smaller table goes into the bigger.
//   share       What one reading thread grouped; the shares are absorbed into the first (read.cpp).
#pragma once

#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <condition_variable>
#include <exception>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "agg/lanes.hpp"
#include "agg/runs.hpp"
#include "agg/spread.hpp"
#include "agg/table.hpp"
#include "flow/agg.hpp"
#include "flow/error.hpp"
#include "flow/filter.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"

namespace flow {
namespace agg {

inline const Value kNull{};
inline constexpr size_t kFanIn = 16;  // runs merged at once (each reads through a 1 MiB buffer)

/// One group read back from runs: its cells, combined from every run that had its key.
struct Acc {
  std::vector<Cell> cells;
  Store store;
  void reset(const AggSpec& spec) {
    store.sets.clear();
    store.hlls.clear();
    store.quants.clear();
    store.bytes = 0;
    cells.assign(spec.values.size(), Cell{});
    for (size_t v = 0; v < spec.values.size(); ++v) init_cell(spec.values[v], cells[v], store);
  }
};

/// Rows kept compactly, in the order they came, in chunks of 1 MiB: the logged rows of a
/// deferred partition (Aggregator::defer()). Chunks are freed as they are grouped, for the
/// groups' entries to take.
struct RowLog {
  static constexpr size_t kChunk = size_t{1} << 20;
  struct Chunk {
    std::unique_ptr<uint8_t[]> data;
    size_t used = 0;
  };
  std::vector<Chunk> chunks;
  uint64_t rows = 0;

  /// Room for a row of n bytes; commit(n) once written.
  uint8_t* room(size_t n) {
    if (chunks.empty() || chunks.back().used + n > kChunk)
      chunks.push_back({std::make_unique_for_overwrite<uint8_t[]>(kChunk), 0});
    return chunks.back().data.get() + chunks.back().used;
  }
  void commit(size_t n) {
    chunks.back().used += n;
    ++rows;
  }
  size_t memory() const { return chunks.size() * kChunk; }
  /// Takes in another log's rows, after these.
  void append(RowLog& o) {
    for (auto& c : o.chunks) chunks.push_back(std::move(c));
    rows += o.rows;
    o.chunks.clear();
    o.rows = 0;
  }
};

}  // namespace agg

using namespace agg;

struct Aggregator::Impl {
  // ---- the spec, the budget, the counts ----

  const AggSpec& spec;
  AggLimits limits;
  SchemaPtr out_schema;
  uint64_t records = 0, spills = 0;
  std::vector<uint64_t> saturated;  // by value: groups finish() gave out with a saturated count or sum
  bool zero_sums = false;           // fill(): a sum of nothing comes out as 0, not null

  // ---- the groups: tables by partition ----

  // The groups, in partitions by key hash (several only for keys without strings, whose bytes
  // mean the same in every table): threads then merge their partitions side by side.
  std::vector<GroupTable> tables;
  unsigned shift = 64;          // partition = hash >> shift
  std::vector<uint8_t> keybuf;  // a whole key built by key_of()

  Impl(const AggSpec& s, AggLimits l) : spec(s), limits(std::move(l)), out_schema(s.output_schema()) {
    unsigned p = 1;
    bool strings = false;
    for (const auto& k : spec.keys) strings |= k.column.type == Type::String;
    while (!strings && p < limits.partitions && p < 256) p *= 2;
    tables.reserve(p);
    for (unsigned i = 0; i < p; ++i) tables.emplace_back(s);
    shift = p == 1 ? 64 : 64 - static_cast<unsigned>(std::countr_zero(p));
    keybuf.assign(tables[0].key_width() + 1, 0);
    if (spec.spread) spread_k = time_bin_key(spec, "--spread");
    compile_conditions();
    layout_rows();
  }
  /// The table of the partition that holds keys of this hash.
  GroupTable& table_for(uint64_t hash) { return tables[shift == 64 ? 0 : hash >> shift]; }
  uint64_t groups() const {
    uint64_t n = 0;
    for (const auto& t : tables) n += t.size();
    return n;
  }
  size_t memory() const {
    size_t m = 0;
    for (const auto& t : tables) m += t.memory();
    for (const auto& l : logs) m += l.memory();
    return m;
  }
  size_t key_width() const { return tables[0].key_width(); }
  size_t key_offset(size_t k) const { return tables[0].key_offset(k); }
  ~Impl() {
    for (int fd : runs) close(fd);
  }

  // ---- bindings: where the spec's keys and values are in the input's schema (rows.cpp) ----

  SchemaPtr bound;  // the schema bound to
  // Column indexes (-1: none); a key's partner is its other side's column, for --bidir replies;
  // key_dst is where the keys of a destinations' row are: an either-side key's dstaddr (dstport;
  // its key_slot is srcaddr), any other key's key_slot.
  std::vector<int> key_slot, key_partner, key_dst, val_slot;
  bool either = false;              // some key is bound to both sides: a record makes two rows
  bool either_text = false;         // an either-side key is bound to a text column of its own
  std::vector<uint8_t> either_key;  // the first side's key, to not group a record twice under one
  std::vector<Type> key_type, val_type;
  std::vector<char> val_text;  // a number read from a text column (AWS text or CSV of our own output)
  enum class Fast : uint8_t { No, Count, Sum };
  std::vector<Fast> val_fast;
  int start_slot = -1, end_slot = -1;  // for a duration worked out from start and end

  [[noreturn]] void no_column(const std::string& file, const std::string& name, const std::string& what);
  int slot_of(const Schema& s, const Column& c);
  void bind(const SchemaPtr& s, const std::string& file);
  /// Binds the spec to a new schema (staged rows drained first: they were read with the old).
  void rebind(const SchemaPtr& s, const std::string& file);
  /// The in-memory key part of key k for value v (of input type t).
  void put_key(size_t k, const Value& v, Type t, uint8_t* p);
  /// The keys of a row, of the columns at `slots`, where an either-side key has a text column of
  /// its own (cold: the usual loop stays small).
  void put_text_keys(const Record& r, const std::string& file, const int* slots, uint8_t* kb);
  Value number_from_text(const Record& r, int slot, size_t v, const std::string& file);
  Value duration(const Record& r);

  // ---- conditions: values that take only the records matching their `where` (rows.cpp) ----

  // Each Aggregator compiles its own (a Filter is not thread-safe), one per distinct text. A
  // row whose record does not match a value's condition gets the mode kSkip for that value.
  std::vector<Filter> conds;
  std::vector<int> val_cond;                    // by value: its condition in conds, or -1
  std::vector<std::vector<uint8_t>> cond_keep;  // by condition: match() of each row of a ColumnBatch
  size_t cond_row = SIZE_MAX;                   // the row of that batch add(Record) is given, or none
  std::vector<uint8_t> cond_ok, row_mode;       // one record's matches and modes
  void compile_conditions();
  /// The modes of a record's row: val_mode, kSkip where the value's condition does not hold.
  const uint8_t* modes_of(const Record& r);
  /// cond_keep of every row of c.
  void match_conditions(const ColumnBatch& c);

  // ---- rows: records staged as bytes, then grouped a batch at a time (rows.cpp) ----

  // Rows are staged before they reach the table, then go in a batch: the keys hashed in one
  // loop and the slots they probe fetched together, so that the table's cache misses (millions
  // of groups) overlap instead of stalling each row in turn. (Hashing a key just written also
  // stalls: its words are read across the narrower stores that wrote them.) Strings are interned
  // when staged, since a record's text lives only until the next is read; values of string
  // columns cannot be kept, so such specs stage one row at a time.
  //
  // A row is bytes: its hash, its key, how each value goes into its cell (a Mode, from the
  // bindings of the input it came from), then the values. So rows can be passed to another lane
  // (agg/lanes.hpp) that owns their partition, and grouped there as here.
  // kTyped + Type: add_to_cell of that type; kSkip: not this value (its condition does not hold)
  enum Mode : uint8_t { kCountOne, kSumFast, kSkip, kTyped };
  static constexpr size_t kStage = 32;
  size_t row_modes_at = 0, row_vals_at = 0, row_bytes = 0;  // offsets in a row; its size
  std::vector<uint8_t> stage_buf, val_mode;
  size_t staged = 0, stage_limit = kStage;

  /// The layout of a row and of a logged row (offsets, modes, sizes); the stage buffer.
  void layout_rows();
  /// The whole key of a record (kb: key_width() bytes): its destinations' side for an
  /// either-side key when `dst`, the other direction's fields for a --bidir reply.
  void put_keys(const Record& r, const std::string& file, bool reply, bool dst, uint8_t* kb);
  void add(const Record& r, const std::string& file);
  /// Stages a record's row: its key (its destinations' side for an either-side key when `dst`;
  /// not staged then if that is the key of the sources' side), the modes and its values.
  void stage(const Record& r, const std::string& file, const uint8_t* modes, bool reply, bool dst);
  void add(const ColumnBatch& c, const uint8_t* keep, const std::string& file);
  /// Value v of a row into its cell (at `slot` of `cells` in `table`; mode: how, from the
  /// bindings of the row's input); whether it went through add_to_cell (which may grow a sketch).
  bool add_value(size_t v, const CellLayout::Slot& slot, uint8_t* cells, GroupTable& table, const Value& x,
                 uint8_t mode) {
    // The common values inline: a plain count, a sum of a number field.
    if (mode == kCountOne) {
      CellLayout::add(cells, slot, 1);
      return false;
    }
    if (mode == kSumFast) {
      if (!x.null()) {
        CellLayout::add(cells, slot, x.u);
        CellLayout::mark(cells, slot);
      }
      return false;
    }
    if (mode == kSkip) return false;
    Cell c = CellLayout::get(cells, slot);
    add_to_cell(spec.values[v], c, table.store(), x, static_cast<Type>(mode - kTyped));
    CellLayout::set(cells, slot, c);
    return true;
  }
  /// Staged rows into the table (or to the lanes that own them), then rows other lanes posted.
  void drain();
  void drain_staged();
  /// Groups n rows: staged ones (hashed here; the rows of partitions another lane owns go to
  /// its outbox instead, those of deferred partitions to their logs), rows another lane posted
  /// (Mail: hashed, and all this lane's), or logged rows being settled (Log: hashed; no spill).
  enum class From { Staged, Mail, Log };
  void group_rows(uint8_t* rows, size_t n, From from);

  // ---- --spread: a record staged as a row per time bin it covers (spread.cpp) ----

  size_t spread_k = ~size_t{0};  // the key spread over (time_bin_key()); none without --spread
  std::vector<SpreadBin> spread_buf;
  std::vector<uint8_t> spread_row;  // the row add() staged: the pattern of each bin's
  /// Stages the row add() built (at `staged`) once per bin of the record's [start, end), its sums
  /// shared out; whole when the record has no such span.
  void stage_spread(const Record& r, const std::string& file, bool reply, bool dst);

  // ---- lanes: threads reading one input pass each other rows by partition (lanes.hpp) ----

  static constexpr size_t kPost = size_t{1} << 16;  // bytes of rows posted to a lane at a time
  // Rows are passed on only once the groups outgrow the caches: below that, grouping them here
  // and merging the few groups at the end costs less than passing every other row.
  static constexpr uint64_t kRouteAbove = uint64_t{1} << 16;
  std::shared_ptr<AggLanes> lanes;           // null: not a lane (or no longer)
  unsigned lane = 0;                         // this lane's number
  std::vector<std::vector<uint8_t>> outbox;  // rows for each lane

  /// Groups the rows other lanes posted here; with `wait`, until every lane has left.
  void take_mail(bool wait);
  void join_lanes(std::shared_ptr<AggLanes> l, unsigned me);
  void leave_lanes();

  // ---- dictionary codes: a binary input's coded key, looked up once per code (rows.cpp) ----

  // A ColumnBatch (binary input) with one key, dictionary-coded: the group of each code of the current
  // dictionary, found when first met. Rows go straight to their cells, unstaged: a block's few
  // thousand codes stand for its million rows. Cells stay where they are until a spill.
  struct CodeRef {
    uint8_t* cells = nullptr;
    GroupTable* table = nullptr;
    uint64_t stamp = 0;  // found (or being looked up) under code_stamp; else not yet
  };
  bool coded_ok = false;  // the bound spec allows it: no key or one, no --bidir, values read as they are
  std::vector<CodeRef> code_refs;
  CodeRef null_ref;
  uint64_t code_dictionary = 0, code_spills = 0, code_stamp = 1;
  std::vector<uint8_t> code_keys;  // keys of codes being looked up
  std::vector<const Value*> code_vals;
  Record scratch;  // a row of columns, for add(Record) when the codes cannot serve

  /// Rows of columns whose one key has dictionary codes: each code's group is found once.
  void add_coded(const ColumnBatch& c, const uint8_t* keep);

  // ---- deferred partitions: rows logged now, settled while the output is written (rows.cpp) ----

  // Deferred partitions (Aggregator::defer()): once a lane routes rows, the rows of partitions
  // from defer_from on are logged compactly instead of grouped: the key as the table keeps it,
  // a bit per summed value that is null, then 8 bytes per summed value (counts need none). Only
  // rows whose values are all counts and sums of numbers log (loggable); others, and keys that
  // do not fit narrow, are grouped as usual. finish() groups the logs on a thread of its own
  // while the first partitions go out (unsorted order); anything else that reads the groups
  // settles them first. While rows are logged, the memory their groups may take is kept within
  // the budget: past it they are settled and logging stops.
  uint32_t defer_from = ~0u;
  bool loggable = false;           // the bound input's rows can log
  std::vector<uint8_t> log_modes;  // the modes of a row that logs: count one, or sum fast
  size_t log_sums = 0, log_bytes = 0;
  std::vector<RowLog> logs;  // by partition
  /// Logs a staged row of partition p; false when its key does not fit narrow.
  bool log_row(uint32_t p, const uint8_t* row);
  uint64_t logged() const {
    uint64_t n = 0;
    for (const auto& l : logs) n += l.rows;
    return n;
  }
  /// Memory the logged rows' groups may add: each a new group, its entry and up to four slots
  /// (the slots double when a table grows).
  size_t settle_growth() const { return logged() * (tables[0].kept_width() + tables[0].layout().width() + 32); }
  void defer(uint32_t n);
  /// Groups partition p's logged rows (never spills: the caller checks memory).
  void settle(uint32_t p);
  void settle_all() {
    for (uint32_t p = 0; p < logs.size(); ++p) settle(p);
  }

  /// Groups the logged rows of partitions, in order, on a thread of its own while the caller
  /// reads the groups of earlier ones: wait(p) before reading partition p. The thread takes only
  /// time no other thread wants (SCHED_IDLE): on two cores it would otherwise slow the reader of
  /// the output more than it saves. When the caller has to wait for it, it gets its share back.
  class Settler {
   public:
    Settler(Impl& m, bool run) : m_(m) {
      for (const auto& l : m.logs) pending_.push_back(run && l.rows > 0);
      if (std::find(pending_.begin(), pending_.end(), true) == pending_.end()) return;
      thread_ = std::thread([this] { work(); });
      // Only where it can be given its share back: leaving SCHED_IDLE takes root, or an
      // RLIMIT_NICE that allows nice 0 (else it would crawl on a busy machine while waited for).
      rlimit nice{};
      if (geteuid() == 0 || (getrlimit(RLIMIT_NICE, &nice) == 0 && nice.rlim_cur >= 20)) {
        sched_param idle{};
        pthread_setschedparam(thread_.native_handle(), SCHED_IDLE, &idle);
      }
    }
    ~Settler() {
      if (!thread_.joinable()) return;
      stop_ = true;  // the caller stopped early (an error): no more partitions needed
      thread_.join();
    }
    Settler(const Settler&) = delete;
    Settler& operator=(const Settler&) = delete;
    void wait(uint32_t p) {
      if (!thread_.joinable() || !pending_[p]) return;
      std::unique_lock<std::mutex> lock(mu_);
      if (done_ <= p && !boosted_) {
        boosted_ = true;
        sched_param normal{};
        pthread_setschedparam(thread_.native_handle(), SCHED_OTHER, &normal);
      }
      cv_.wait(lock, [&] { return done_ > p; });
      if (error_) std::rethrow_exception(error_);
    }

   private:
    void work() {
      std::exception_ptr e;
      try {
        for (uint32_t p = 0; p < pending_.size() && !stop_; ++p) {
          if (pending_[p]) m_.settle(p);
          std::lock_guard<std::mutex> lock(mu_);
          done_ = p + 1;
          cv_.notify_all();
        }
      } catch (...) {
        e = std::current_exception();
      }
      std::lock_guard<std::mutex> lock(mu_);
      error_ = e;
      done_ = ~0u;
      cv_.notify_all();
    }

    Impl& m_;
    std::vector<bool> pending_;  // partitions with logged rows (read by both threads, written by none)
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::condition_variable cv_;
    uint32_t done_ = 0;
    bool boosted_ = false;
    std::exception_ptr error_;
  };

  // ---- groups as bytes: sorted, spilled to runs, merged back (runs.hpp) ----

  std::vector<int> runs;  // descriptors of spilled runs (unlinked temporary files)

  /// A group: its partition and its number there.
  using Ref = std::pair<uint32_t, uint32_t>;

  /// Every group, in the order of first appearance within each partition.
  std::vector<Ref> all_groups() const {
    std::vector<Ref> idx;
    idx.reserve(groups());
    for (uint32_t p = 0; p < tables.size(); ++p)
      for (uint32_t g = 0; g < tables[p].size(); ++g) idx.emplace_back(p, g);
    return idx;
  }

  std::vector<Ref> sorted_groups() const {
    std::vector<Ref> idx = all_groups();
    std::sort(idx.begin(), idx.end(), [this](Ref a, Ref b) {
      return GroupTable::compare(tables[a.first], a.second, tables[b.first], b.second) < 0;
    });
    return idx;
  }

  void encode_key(const Value* kv, std::string& key) {
    key.clear();
    for (size_t k = 0; k < spec.keys.size(); ++k) encode_ordered(key, kv[k], spec.keys[k].column.type);
  }

  void encode_group(Ref ref, std::string& key, ByteWriter& state) {
    const GroupTable& table = tables[ref.first];
    std::vector<Value> kv(spec.keys.size());
    table.key_values(ref.second, kv.data());
    encode_key(kv.data(), key);
    state.out.clear();
    const uint8_t* cells = table.cells(ref.second);
    for (size_t v = 0; v < spec.values.size(); ++v)
      write_cell(spec.values[v], table.layout().get(cells, v), table.store(), state);
  }

  /// Writes the table as a run sorted by key and empties it.
  void spill() {
    drain_staged();
    settle_all();
    if (groups() == 0) return;
    FrameWriter w(limits.tmpdir);
    std::string key;
    ByteWriter state;
    for (Ref g : sorted_groups()) {
      encode_group(g, key, state);
      w.add(key, state.out);
    }
    runs.push_back(w.finish());
    for (auto& t : tables) t.clear();
    ++spills;
    if (runs.size() >= 4 * kFanIn) merge_down();  // a descriptor per run: keep them few
  }

  /// Key values from their encode_ordered() bytes (read from `name`, for messages).
  void decode_key(std::string_view key, Value* kv, Arena& arena, const std::string& name) {
    ByteReader r{key, &name};
    for (size_t k = 0; k < spec.keys.size(); ++k) kv[k] = decode_ordered(r, spec.keys[k].column.type, arena);
    if (!r.in.empty()) r.bad();
  }

  /// The in-memory key (in keybuf) of key values: what add() builds from a record.
  const uint8_t* key_of(const Value* kv) {
    uint8_t* kb = keybuf.data();
    std::memset(kb, 0, key_width());
    for (size_t k = 0; k < spec.keys.size(); ++k) put_key(k, kv[k], spec.keys[k].column.type, kb + key_offset(k));
    return kb;
  }

  void merge_states(Acc& acc, const std::vector<std::string>& states) {
    static const std::string name = "spill file";
    acc.reset(spec);
    for (const auto& s : states) {
      ByteReader r{s, &name};
      for (size_t v = 0; v < spec.values.size(); ++v) merge_cell(spec.values[v], acc.cells[v], acc.store, r);
      if (!r.in.empty()) r.bad();
    }
  }

  std::vector<std::unique_ptr<InputStream>> open_runs(std::vector<int> fds) {
    std::vector<std::unique_ptr<InputStream>> in;
    for (int fd : fds) in.push_back(open_run(fd));
    return in;
  }

  /// Merges runs (combining equal keys) until at most kFanIn are left.
  void merge_down() {
    while (runs.size() > kFanIn) {
      std::vector<int> batch(runs.begin(), runs.begin() + kFanIn);
      runs.erase(runs.begin(), runs.begin() + kFanIn);
      Merger m(open_runs(batch));
      FrameWriter w(limits.tmpdir);
      Acc acc;
      std::string key;
      std::vector<std::string> states;
      ByteWriter out;
      while (m.next(key, states)) {
        merge_states(acc, states);
        out.out.clear();
        for (size_t v = 0; v < spec.values.size(); ++v) write_cell(spec.values[v], acc.cells[v], acc.store, out);
        w.add(key, out.out);
      }
      runs.push_back(w.finish());
    }
  }

  /// Every group in key order, through the runs: f(key bytes, combined cells).
  template <class F>
  void each_merged(F&& f) {
    spill();
    merge_down();
    std::vector<int> fds;
    fds.swap(runs);
    Merger m(open_runs(fds));
    Acc acc;
    std::string key;
    std::vector<std::string> states;
    while (m.next(key, states)) {
      merge_states(acc, states);
      f(key, acc);
    }
  }
};

}  // namespace flow
