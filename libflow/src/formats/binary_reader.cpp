// Binary format reader: frames read and checked here, blocks decoded on a worker thread one
// block ahead, records copied out of the decoded columns (only the projected ones, if asked).
#include <fmt/format.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <system_error>
#include <thread>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "formats/binary_decode.hpp"

namespace flow {
namespace {

using namespace bin;

/// ColumnBatch::dictionary numbers, unique across readers: a block's groups take kMaxGroups + 1.
std::atomic<uint64_t> next_dictionaries{1};

/// A unit of the pipeline: a block frame to decode, or an error to raise in its turn.
struct Job {
  FrameHeader header;
  const char* stored = nullptr;  // the payload, in the input's buffer until the job is done
  std::string where;             // "block N (byte offset X)" for messages
  uint64_t first_record = 0;     // records in the input before this block
  DecodedBlock block;
  std::exception_ptr error;
  bool done = false;
};

class BinaryReader : public Reader {
 public:
  BinaryReader(std::unique_ptr<InputStream> in, const ReadOptions& opts)
      : in_(std::move(in)), name_(in_->name()), fields_(opts.fields), shard_(opts.shard), shards_(opts.shards) {}

  ~BinaryReader() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    work_cv_.notify_all();
    if (worker_.joinable()) worker_.join();
  }

  bool next(Record& r) override {
    if (!next_block()) return false;
    deliver(r);
    return true;
  }

  /// Records of the current block (a batch never crosses blocks: the next one's takes over the
  /// memory that strings point into).
  size_t next_batch(std::span<Record> out) override {
    if (!next_block()) return 0;
    const size_t n = std::min<size_t>(out.size(), cur_->block.records - pos_);
    for (size_t i = 0; i < n; ++i) deliver(out[i]);
    return n;
  }

  bool columnar() const override { return true; }

  /// The rest of a group's unpacked chunk, as far as the block's records stay in that group.
  bool next_columns(ColumnBatch& c) override {
    if (!next_block()) return false;
    DecodedBlock& b = cur_->block;
    const uint8_t gid = b.ngroups == 1 ? 0 : b.gids[pos_];
    Group& g = b.groups[gid];
    if (g.cursor == g.chunk_end) unpack_chunk(g);
    size_t n = g.chunk_end - g.cursor;
    if (b.ngroups > 1) {
      size_t run = 1;
      while (run < n && b.gids[pos_ + run] == gid) ++run;
      n = run;
    }
    const size_t crow = g.cursor - g.chunk_start, nf = g.fields.size();
    c.schema = g.schema;
    c.first_line = cur_->first_record + pos_ + 1;
    c.dictionary = dictionaries_ + gid;
    c.values.resize(nf);
    c.codes.assign(nf, nullptr);
    c.codes_size.assign(nf, 0);
    for (size_t k = 0; k < nf; ++k) {
      const ColumnData& col = g.cols[g.fields[k]];
      c.values[k] = g.images[k] + crow;
      if (col.convert) continue;
      if (col.file_type == Type::Ip) {
        c.codes[k] = col.buf.data() + crow;
        c.codes_size[k] = col.ip4_seq.count + col.ip6.size();
      } else if (col.file_type == Type::String) {
        c.codes[k] = col.buf.data() + crow;
        c.codes_size[k] = col.strs.size();
      } else if (col.dictionary) {
        c.codes[k] = col.codes.data() + crow;
        c.codes_size[k] = col.ints.size();
      }
    }
    if (g.convert) n = convert_columns(g, c, n);
    c.rows = n;
    g.cursor += static_cast<uint32_t>(n);
    pos_ += n;
    return true;
  }

 private:
  enum class State { Start, Frames, AfterEnd, Done };

  /// A block with records left to deliver, unless the input is over.
  bool next_block() {
    while (!cur_ || pos_ == cur_->block.records) {
      if (cur_) release(cur_);
      cur_ = nullptr;
      read_ahead(true);
      if (fifo_.empty()) return false;
      Job* j = fifo_.front();
      {
        std::unique_lock<std::mutex> lock(mu_);
        done_cv_.wait(lock, [&] { return j->done; });
      }
      fifo_.pop_front();
      if (j->header.kind == kFrameBlock) --pending_blocks_;
      read_ahead(false);  // the worker decodes the next block while this one is delivered
      if (j->error) {
        std::exception_ptr e = j->error;
        release(j);
        std::rethrow_exception(e);
      }
      cur_ = j;
      pos_ = 0;
      dictionaries_ = next_dictionaries.fetch_add(kMaxGroups + 1);
    }
    return true;
  }

  void deliver(Record& r) {
    DecodedBlock& b = cur_->block;
    Group& g = b.groups[b.ngroups == 1 ? 0 : b.gids[pos_]];
    r.line = cur_->first_record + ++pos_;
    if (g.cursor == g.chunk_end) unpack_chunk(g);
    const size_t row = g.cursor++, crow = row - g.chunk_start;
    if (r.schema != g.schema || r.values.size() != g.images.size()) r.reset(g.schema);
    Value* v = r.values.data();
    const Value* const* img = g.images.data();
    for (size_t i = 0, n = g.images.size(); i < n; ++i) v[i] = img[i][crow];
    if (g.convert) convert(r, g);
  }

  /// Values of a column whose name the field table knows with another type: read through text.
  void convert(Record& r, const Group& g) {
    r.arena.clear();
    for (size_t i = 0; i < g.fields.size(); ++i) {
      const ColumnData& c = g.cols[g.fields[i]];
      if (c.convert) convert_value(r.values[i], c, g.schema->column(i), r.arena, r.line);
    }
  }

  /// The columns that need converting, copied and converted (for up to n rows from the first
  /// of `c`): the rows before the first one that does not convert, which the next call raises
  /// (then passes over, as next() would).
  size_t convert_columns(Group& g, ColumnBatch& c, size_t n) {
    conv_arena_.clear();
    conv_.resize(g.fields.size());
    for (size_t k = 0; k < g.fields.size(); ++k) {
      if (!g.cols[g.fields[k]].convert) continue;
      conv_[k].assign(c.values[k], c.values[k] + n);
      c.values[k] = conv_[k].data();
    }
    for (size_t i = 0; i < n; ++i) {
      for (size_t k = 0; k < g.fields.size(); ++k) {
        const ColumnData& col = g.cols[g.fields[k]];
        if (!col.convert) continue;
        try {
          convert_value(conv_[k][i], col, g.schema->column(k), conv_arena_, c.first_line + i);
        } catch (const DataError&) {
          if (i > 0) return i;
          ++g.cursor;
          ++pos_;
          throw;
        }
      }
    }
    return n;
  }

  void convert_value(Value& v, const ColumnData& c, const flow::Column& col, Arena& arena, uint64_t line) {
    if (v.null()) return;
    if (c.file_type == col.type) {  // an integer of the right type, checked for its range
      if (v.u > c.max)
        throw DataError(name_, 0, col.name,
                        fmt::format("record {}: {}", line, out_of_range(value_text(v, col.type), c.max)));
      return;
    }
    {
      std::string text = value_text(v, c.file_type);
      bool ok = true;
      switch (col.type) {
        case Type::String: v.set_str(arena.copy(text)); break;
        case Type::Ip: {
          auto ip = parse_ip(text);
          ok = ip.has_value();
          if (ok) v.set_ip(*ip);
          break;
        }
        case Type::UInt:
        case Type::Time: {
          const uint64_t max = c.max;
          uint64_t x = 0;
          ok = !text.empty();
          for (char ch : text) {
            unsigned d = static_cast<unsigned>(ch - '0');
            if (d > 9 || x > (UINT64_MAX - d) / 10) ok = false;
            if (!ok) break;
            x = x * 10 + d;
          }
          ok = ok && x <= max;
          if (ok && col.type == Type::Time) v.set_time(static_cast<int64_t>(x));
          else if (ok) v.set_uint(x);
          break;
        }
        case Type::Float: {  // only columns the field table does not know are floats: never converted
          auto d = parse_float(text);
          ok = d.has_value();
          if (ok) v.set_float(*d);
          break;
        }
      }
      if (!ok)
        throw DataError(name_, 0, col.name,
                        fmt::format("record {}: '{}' stored as {} does not read as {}", line, text,
                                    type_name(c.file_type), type_name(col.type)));
    }
  }

  // ---- the pipeline -----------------------------------------------------------------------------

  Job* acquire() {
    if (free_.empty()) {
      pool_.push_back(std::make_unique<Job>());
      return pool_.back().get();
    }
    Job* j = free_.back();
    free_.pop_back();
    return j;
  }
  void release(Job* j) {
    j->error = nullptr;
    j->done = false;
    free_.push_back(j);
  }

  /// Reads frames until one block is queued beyond the one being delivered, or the input ends
  /// (or errors pile up: a long run of damaged blocks is reported a few at a time). Without
  /// `may_wait`, or with something queued, only while the input has bytes ready: on a live pipe
  /// the blocks in hand are delivered, not held back while the next is awaited.
  void read_ahead(bool may_wait) {
    while (pending_blocks_ == 0 && fifo_.size() < 8 && state_ != State::Done &&
           ((may_wait && fifo_.empty()) || in_->ready()))
      advance();
  }

  void push_error(uint64_t records, const std::string& what, bool fatal) {
    if (shard_ != 0) {  // damage outside blocks: every reader of a shared input sees it; the first says it
      if (fatal) state_ = State::Done;
      return;
    }
    DataError e(name_, 0, "", what);
    e.fatal = fatal;
    e.records = records;
    Job* j = acquire();
    j->header.kind = 0;
    j->error = std::make_exception_ptr(e);
    j->done = true;
    fifo_.push_back(j);
    if (fatal) state_ = State::Done;
  }

  void submit(Job* j) {
    j->done = false;
    fifo_.push_back(j);
    ++pending_blocks_;
    if (!worker_.joinable() && !inline_) {
      try {
        worker_ = std::thread([this] { work(); });
      } catch (const std::system_error&) {
        inline_ = true;  // no thread to be had: decode here, one block at a time
      }
    }
    if (inline_) {
      if (!inline_decoder_) inline_decoder_ = std::make_unique<BlockDecoder>(fields_);
      decode(*inline_decoder_, j);
      j->done = true;
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      todo_.push_back(j);
    }
    work_cv_.notify_one();
  }

  void work() {
    std::unique_ptr<BlockDecoder> decoder;
    std::exception_ptr no_decoder;
    try {
      decoder = std::make_unique<BlockDecoder>(fields_);
    } catch (...) {
      no_decoder = std::current_exception();
    }
    for (;;) {
      Job* j;
      {
        std::unique_lock<std::mutex> lock(mu_);
        work_cv_.wait(lock, [&] { return stop_ || !todo_.empty(); });
        if (stop_) return;
        j = todo_.front();
        todo_.pop_front();
      }
      if (decoder) decode(*decoder, j);
      else j->error = no_decoder;
      {
        std::lock_guard<std::mutex> lock(mu_);
        j->done = true;
      }
      done_cv_.notify_one();
    }
  }

  /// Checks and decodes a block; a damaged one becomes the job's error.
  void decode(BlockDecoder& decoder, Job* j) const {
    auto damaged = [&](const std::string& what) {
      DataError e(name_, 0, "", j->where + ": " + what);
      e.records = j->header.records;
      j->error = std::make_exception_ptr(e);
    };
    try {
      char prefix[16];
      encode_frame_prefix(j->header, prefix);
      if (payload_checksum(prefix, j->stored, j->header.stored) != j->header.checksum)
        return damaged("checksum mismatch");
      decoder.decode(j->header, j->stored, j->block);
    } catch (const BadBlock& b) {
      damaged("bad block: " + b.why);
    } catch (...) {
      j->error = std::current_exception();
    }
  }

  // ---- framing ------------------------------------------------------------------------------

  bool need(size_t n) {
    if (in_->size() < n) in_->fill(n);
    return in_->size() >= n;
  }

  /// One step through the input: a stream header, or a frame. Errors become jobs in order.
  /// Only called when no submitted block is waiting (pending_blocks_ == 0): the worker is done
  /// with the last frame's bytes, which can now leave the input's buffer.
  void advance() {
    in_->consume(unconsumed_);
    unconsumed_ = 0;
    switch (state_) {
      case State::Done: return;
      case State::Start: read_stream_header(); return;
      case State::AfterEnd:
        if (!need(1)) {
          state_ = State::Done;
          return;
        }
        read_stream_header();
        return;
      case State::Frames: read_frame(); return;
    }
  }

  void read_stream_header() {
    const uint64_t off = in_->offset();
    need(kStreamHeaderSize);
    const size_t have = std::min(in_->size(), kStreamHeaderSize);
    const char* p = in_->data();
    if (std::memcmp(p, kBinaryMagic, std::min<size_t>(have, 7)) != 0)
      return push_error(0,
                        state_ == State::AfterEnd
                            ? fmt::format("byte offset {}: unexpected data after the end frame", off)
                            : fmt::format("byte offset {}: not a flow binary stream (no FLOWBIN magic)", off),
                        true);
    if (have >= 8 && static_cast<uint8_t>(p[7]) != kMajorVersion)
      return push_error(0,
                        fmt::format("byte offset {}: binary format version {} is not supported (this reader "
                                    "reads version {})",
                                    off, static_cast<unsigned>(static_cast<uint8_t>(p[7])), kMajorVersion),
                        true);
    if (have < kStreamHeaderSize)
      return push_error(0,
                        fmt::format("byte offset {}: truncated: stream ends without its end frame{}", off,
                                    have ? " (inside the stream header)" : " (empty input)"),
                        true);
    if (get_u32(p + 12) != check32(p, 12))
      return push_error(0, fmt::format("byte offset {}: damaged stream header", off), true);
    in_->consume(kStreamHeaderSize);
    stream_records_ = stream_blocks_ = 0;
    state_ = State::Frames;
  }

  void read_frame() {
    const uint64_t off = in_->offset();
    if (!need(kFrameHeaderSize))
      return push_error(0,
                        fmt::format("byte offset {}: truncated: stream ends without its end frame{}", off,
                                    in_->size() ? " (inside a frame header)" : ""),
                        true);
    if (sniff({in_->data(), in_->size()}) == Magic::Binary) {
      state_ = State::AfterEnd;  // the new stream's header is read next
      return push_error(
          0,
          fmt::format("byte offset {}: truncated: stream ends without its end frame (a new stream starts here)", off),
          false);
    }
    FrameHeader h;
    if (!decode_frame_header(in_->data(), h))
      return push_error(0,
                        fmt::format("byte offset {}: damaged frame header after block {}; the rest of the input "
                                    "cannot be read",
                                    off, blocks_),
                        true);
    const bool block = h.kind == kFrameBlock;
    std::string where = block                 ? fmt::format("block {} (byte offset {})", ++blocks_, off)
                        : h.kind == kFrameEnd ? fmt::format("end frame (byte offset {})", off)
                                              : fmt::format("frame of kind {} (byte offset {})", h.kind, off);
    const uint64_t records = block ? h.records : 0;
    if (h.stored > kMaxStored || h.raw > kMaxRaw || h.records > kMaxRecords)
      return push_error(records, where + ": frame larger than the format allows", true);
    const size_t total = kFrameHeaderSize + h.stored;
    // Another reader's share of the blocks (it checks them) is passed over: a file seeks.
    const bool mine = !block || (blocks_ - 1) % shards_ == shard_;
    if (!(mine ? need(total) : in_->skip(total)))
      return push_error(records, where + ": truncated: stream ends without its end frame", true);
    const uint64_t first = records_;
    records_ += records;
    stream_records_ += records;
    stream_blocks_ += block;
    if (!mine) return;
    const char* p = in_->data();
    if (block) {  // the worker verifies the checksum
      Job* j = acquire();
      j->header = h;
      j->stored = p + kFrameHeaderSize;
      j->where = std::move(where);
      j->first_record = first;
      unconsumed_ = total;  // consumed once the job is done (see advance)
      return submit(j);
    }
    if (payload_checksum(p, p + kFrameHeaderSize, h.stored) != h.checksum) {
      in_->consume(total);
      if (h.kind == kFrameEnd) state_ = State::AfterEnd;
      return push_error(0, where + ": checksum mismatch", false);
    }
    if (h.kind == kFrameEnd) return read_end(h, p + kFrameHeaderSize, where);
    in_->consume(total);  // a frame kind from a later minor version: skipped
  }

  void read_end(const FrameHeader& h, const char* payload, const std::string& where) {
    const bool ok = h.codec == kCodecNone && h.stored == kEndPayloadSize && h.raw == kEndPayloadSize;
    const uint64_t records = ok ? get_u64(payload) : 0, blocks = ok ? get_u64(payload + 8) : 0;
    in_->consume(kFrameHeaderSize + h.stored);
    state_ = State::AfterEnd;
    if (!ok) return push_error(0, where + ": bad end frame", false);
    if (records != stream_records_ || blocks != stream_blocks_)
      push_error(records > stream_records_ ? records - stream_records_ : 0,
                 fmt::format("{}: the stream should hold {} records in {} blocks but holds {} in {}", where, records,
                             blocks, stream_records_, stream_blocks_),
                 false);
  }

  std::unique_ptr<InputStream> in_;
  const std::string name_;
  const std::optional<std::vector<std::string>> fields_;  // the projection (ReadOptions::fields)
  const unsigned shard_, shards_;                         // this reader's share of the blocks
  State state_ = State::Start;
  uint64_t records_ = 0, blocks_ = 0;  // in the whole input, damaged blocks included
  uint64_t stream_records_ = 0, stream_blocks_ = 0;

  size_t unconsumed_ = 0;  // bytes of the last block frame, still read by the worker

  // Main thread: jobs in input order, the block being delivered, recycled jobs.
  std::deque<Job*> fifo_;
  size_t pending_blocks_ = 0;
  Job* cur_ = nullptr;
  size_t pos_ = 0;
  uint64_t dictionaries_ = 0;             // ColumnBatch::dictionary of the block's first group
  std::vector<std::vector<Value>> conv_;  // next_columns: converted columns
  Arena conv_arena_;
  std::vector<std::unique_ptr<Job>> pool_;
  std::vector<Job*> free_;

  // Shared with the worker, under mu_: blocks to decode, done flags, stop.
  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::deque<Job*> todo_;
  bool stop_ = false;
  std::thread worker_;
  bool inline_ = false;  // decoding on this thread (no worker could be started)
  std::unique_ptr<BlockDecoder> inline_decoder_;
};

}  // namespace

std::unique_ptr<Reader> binary_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<BinaryReader>(std::move(in), opts);
}

}  // namespace flow
