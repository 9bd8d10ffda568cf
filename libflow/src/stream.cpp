// Record streams over many inputs: the error policy, the start-time merge, and --fields.
#include "flow/stream.hpp"

#include <fmt/format.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <functional>
#include <optional>

#include "flow/error.hpp"
#include "flow/net.hpp"
#include "flow/s3.hpp"
#include "formats/aws_line.hpp"
#include "io/sniff.hpp"
#include "merge.hpp"

namespace flow {

ErrorPolicy parse_error_policy(std::string_view name) {
  if (name == "fail") return ErrorPolicy::Fail;
  if (name == "skip") return ErrorPolicy::Skip;
  if (name == "warn") return ErrorPolicy::Warn;
  throw UsageError(fmt::format("unknown --on-error policy '{}' (expected fail, skip or warn)", name));
}

void SkipReport::add(const SkipReport& o) {
  records += o.records;
  errors += o.errors;
  if (first.empty()) first = o.first;
  unread.insert(unread.end(), o.unread.begin(), o.unread.end());
}

namespace {

/// What one reader reads: a whole input, a byte range of an uncompressed AWS text file, or a
/// share of a binary file's blocks (or of a Parquet file's row groups).
struct Piece {
  std::string file;
  uint64_t begin = 0, end = 0;  // a byte range when end > 0
  unsigned shard = 0, shards = 1;
  bool more_after = false;  // a piece of text followed by more of the same file
};

/// What a piece of AWS text starting at some offset needs to read as the whole file would.
struct TextContext {
  SchemaPtr format;         ///< the format the last header line before it names (null if none)
  uint64_t lines = 0;       ///< lines before it
  bool bad_header = false;  ///< that header line is not valid: the whole file's reader stops there
};

/// Reads [0, end) of a file backwards for the TextContext of a piece starting at `end`.
TextContext text_context(const std::string& file, uint64_t end) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw DataError(fmt::format("{}: cannot open: {}", file, std::strerror(errno)));
  constexpr size_t kChunk = 1 << 20;
  std::vector<char> buf(kChunk);
  SchemaPtr header;
  bool bad = false;                    // the nearest header line is not a valid one
  uint64_t lines = 0, line_end = end;  // the line after the '\n' being looked at ends at line_end
  auto read_at = [&](uint64_t off, char* p, size_t n) {
    for (size_t done = 0; done < n;) {
      ssize_t r = pread(fd, p + done, n - done, static_cast<off_t>(off + done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) {
        close(fd);
        throw DataError(fmt::format("{}: read error", file));
      }
      done += static_cast<size_t>(r);
    }
  };
  auto check = [&](uint64_t line_start, bool first) {  // a line that may be a header: read it whole
    if (header || bad || line_end - line_start > (1 << 16)) return;
    std::string line(line_end - line_start, '\0');
    read_at(line_start, line.data(), line.size());
    if (!line.empty() && line.back() == '\r') line.pop_back();
    try {
      header = first ? aws_first_header_schema(line) : aws_header_schema(line);
    } catch (const DataError&) {
      bad = true;  // the reader of the piece before says so, and stops there
    }
  };
  for (uint64_t hi = end; hi > 0;) {
    uint64_t lo = hi > kChunk ? hi - kChunk : 0;
    size_t n = static_cast<size_t>(hi - lo);
    read_at(lo, buf.data(), n);
    for (size_t i = n; i > 0;) {
      auto* nl = static_cast<const char*>(memrchr(buf.data(), '\n', i));
      if (!nl) break;
      i = static_cast<size_t>(nl - buf.data());
      ++lines;
      uint64_t start = lo + i + 1;
      if (start < line_end && !header && !bad) {
        char c = start - lo < n ? buf[start - lo] : 0;
        if (start - lo >= n) read_at(start, &c, 1);
        if ((c >= 'a' && c <= 'z') || c == '$') check(start, false);
      }
      line_end = lo + i;
    }
    hi = lo;
  }
  if (!header && !bad && line_end > 0) {  // the first line, after a byte-order mark if any
    char head[4] = {};
    read_at(0, head, std::min<uint64_t>(line_end, 4));
    const uint64_t first = std::string_view(head, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    const char c = head[first];
    if ((c >= 'a' && c <= 'z') || c == '$') check(first, true);
  }
  close(fd);
  return {header, lines, bad};
}

/// An error of InputConfig::on_idle (the output's), carried past the error policy.
struct IdleFailed {
  std::exception_ptr error;
};

/// An input that could not be read (after retries), counted and named under --on-error skip|warn.
void unread(const DataError& e, const InputConfig& cfg, SkipReport& report) {
  report.unread.push_back(e.message());
  if (cfg.on_error == ErrorPolicy::Warn && cfg.read.warn) cfg.read.warn("not read: " + e.message());
}

/// One input with the error policy applied: malformed records are counted and passed over.
class PolicyReader : public MergeInput {
 public:
  PolicyReader(const Piece& piece, const InputConfig& cfg, SkipReport& report)
      : cfg_(cfg), report_(report), more_after_(piece.more_after) {
    ReadOptions ro = cfg.read;
    std::unique_ptr<InputStream> in;
    if (piece.end > 0) {
      in = open_input_range(piece.file, piece.begin, piece.end);
      TextContext c = text_context(piece.file, piece.begin);
      ro.format = Format::Aws;
      ro.initial_schema = c.format;
      ro.first_line = c.lines;
      done_ = c.bad_header;
    } else {
      in = open_input(piece.file, cfg.net);
      ro.shard = piece.shard;
      ro.shards = piece.shards;
    }
    open(std::move(in), ro);
  }
  /// An input already open (a run of a merge), read with cfg.read.
  PolicyReader(std::unique_ptr<InputStream> in, const InputConfig& cfg, SkipReport& report)
      : cfg_(cfg), report_(report), more_after_(false) {
    open(std::move(in), cfg.read);
  }

  const std::string& name() const override { return in_->name(); }

  bool next(Record& r) override { return next_batch({&r, 1}) == 1; }

  size_t next_batch(std::span<Record> out) {
    for (;;) {
      const size_t n = guarded([&] { return reader_->next_batch(out); });
      if (n == 0 || !windowed()) return n;
      // --since/--until: the records in the window, moved to the front.
      size_t k = 0;
      for (size_t i = 0; i < n; ++i) {
        auto s = start_seconds(out[i]);
        if (!s || *s < cfg_.since || *s >= cfg_.until) continue;
        if (k != i) std::swap(out[k], out[i]);
        ++k;
      }
      if (k > 0) return k;
    }
  }

  size_t next_chunk(std::span<Record> room, ColumnBatch& cols) {
    cols.rows = 0;
    if (!reader_->columnar() || windowed()) return next_batch(room);
    return guarded([&] { return reader_->next_columns(cols) ? cols.rows : size_t{0}; });
  }

 private:
  void open(std::unique_ptr<InputStream> in, ReadOptions ro) {
    total_ = in->source().raw_size();
    in_ = in.get();
    if (windowed() && ro.fields && std::find(ro.fields->begin(), ro.fields->end(), "start") == ro.fields->end())
      ro.fields->push_back("start");  // what the window is judged by
    reader_ = open_reader(std::move(in), ro);
    if (cfg_.on_idle)  // once the reader is open: its first read() is in guarded()
      in_->on_idle([&idle = cfg_.on_idle] {
        try {
          idle();
        } catch (...) {
          throw IdleFailed{std::current_exception()};
        }
      });
  }

  bool windowed() const { return cfg_.since != INT64_MIN || cfg_.until != INT64_MAX; }

  /// Reads (`read` returns the records read, 0 at the end) with the error policy applied.
  template <class Read>
  size_t guarded(Read&& read) {
    if (done_) return 0;
    for (;;) {
      try {
        const size_t n = read();
        if (n == 0) return 0;
        const uint64_t before = count_;
        count_ += n;
        if (cfg_.progress && (before >> 16) != (count_ >> 16))
          cfg_.progress->update(in_->name(), in_->source().raw_position(), total_);
        return n;
      } catch (const s3::ObjectError& e) {
        if (cfg_.on_error == ErrorPolicy::Fail) throw;
        unread(e, cfg_, report_);
        done_ = true;
        return 0;
      } catch (const DataError& e) {
        if (cfg_.on_error == ErrorPolicy::Fail) throw;
        // An error that ends the input ends it for the pieces after this one too, which other
        // threads are reading already: the caller reads again, one piece after the other.
        if (e.fatal && more_after_) throw SplitReadAborted();
        report_.errors++;
        report_.records += e.records;
        if (report_.first.empty()) report_.first = e.message();
        if (cfg_.on_error == ErrorPolicy::Warn && cfg_.read.warn) cfg_.read.warn("skipped: " + e.message());
        if (e.fatal) return 0;
      } catch (const IdleFailed& f) {
        std::rethrow_exception(f.error);
      }
    }
  }

  const InputConfig& cfg_;
  SkipReport& report_;
  InputStream* in_;  // owned by reader_
  std::unique_ptr<Reader> reader_;
  uint64_t total_ = 0, count_ = 0;
  bool done_ = false;  // a piece after a bad header line: nothing of it is read
  bool more_after_;
};

class SequentialStream : public RecordStream {
 public:
  explicit SequentialStream(InputConfig cfg) : cfg_(std::move(cfg)) {
    if (cfg_.files.empty()) cfg_.files.push_back("-");
    for (const auto& f : cfg_.files) pieces_.push_back(Piece{f});
  }
  SequentialStream(InputConfig cfg, std::vector<Piece> pieces) : cfg_(std::move(cfg)), pieces_(std::move(pieces)) {}
  bool next(Record& r) override { return next_batch({&r, 1}) == 1; }
  size_t next_batch(std::span<Record> out) override {
    return each_input([&] { return cur_->next_batch(out); });
  }
  size_t next_chunk(std::span<Record> room, ColumnBatch& cols) override {
    return each_input([&] { return cur_->next_chunk(room, cols); });
  }
  const SkipReport& skipped() const override { return report_; }
  const std::string& file() const override { return file_; }

 private:
  /// Reads from the current input (`read`: 0 at its end) and then from the next ones.
  template <class Read>
  size_t each_input(Read&& read) {
    for (;;) {
      if (!cur_) {
        if (index_ == pieces_.size()) {
          if (cfg_.progress) cfg_.progress->done();
          return 0;
        }
        try {
          cur_ = std::make_unique<PolicyReader>(pieces_[index_++], cfg_, report_);
        } catch (const s3::ObjectError& e) {
          if (cfg_.on_error == ErrorPolicy::Fail) throw;
          unread(e, cfg_, report_);
          continue;
        }
        file_ = cur_->name();
      }
      if (size_t n = read()) return n;
      cur_.reset();
    }
  }

  InputConfig cfg_;
  std::vector<Piece> pieces_;
  SkipReport report_;
  size_t index_ = 0;
  std::unique_ptr<PolicyReader> cur_;
  std::string file_;
};

/// The merge of any number of inputs: more than the fan-in are merged in passes, groups of
/// consecutive inputs into runs (consecutive, so that ties still keep input order), until the
/// fan-in is left. The order is that of one merge of every input (of unsorted inputs too: a
/// merge takes each input's records in their order, so a run keeps that of its inputs).
class MergedStream : public RecordStream {
 public:
  MergedStream(InputConfig cfg, const MergeLimits& limits) : cfg_(std::move(cfg)) {
    if (cfg_.files.empty()) cfg_.files.push_back("-");
    size_t stdin_count = 0;
    for (const auto& f : cfg_.files) stdin_count += f == "-";
    if (stdin_count > 1) throw UsageError("--merge: stdin ('-') can be given only once");
    run_cfg_.read.format = Format::Binary;
    run_cfg_.read.warn = cfg_.read.warn;
    run_cfg_.on_error = cfg_.on_error;

    std::vector<MergeSource> sources;
    for (const auto& f : cfg_.files) sources.push_back({f});
    merge_.emplace(std::move(sources), merge_fan_in(limits.memory), limits.tmpdir,
                   [&](const MergeSource& s) { return open(s); });
  }

  bool next(Record& r) override { return merge_->next(r); }
  const SkipReport& skipped() const override { return report_; }
  const std::string& file() const override { return merge_->file(); }

 private:
  std::unique_ptr<MergeInput> open(const MergeSource& s) {
    if (!s.runs) return std::make_unique<PolicyReader>(Piece{s.file}, cfg_, report_);
    return std::make_unique<PolicyReader>(s.runs->open(s.run), run_cfg_, report_);
  }

  InputConfig cfg_, run_cfg_;
  SkipReport report_;
  std::optional<MultiMerge> merge_;
};

}  // namespace

std::unique_ptr<RecordStream> sequential_stream(InputConfig cfg) {
  return std::make_unique<SequentialStream>(std::move(cfg));
}

namespace {

enum class Splittable { No, Text, Binary };

/// Whether a file can be read in pieces: a regular file, not compressed, AWS text, binary or
/// Parquet (Splittable::Binary: shared by blocks or row groups, ReadOptions::shard).
Splittable splittable(const std::string& file, Format format, uint64_t& size) {
  if (file == "-" || is_url(file)) return Splittable::No;  // one stream, like stdin
  struct stat st;
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return Splittable::No;
  size = static_cast<uint64_t>(st.st_size);
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Splittable::No;
  char head[64];
  ssize_t n = pread(fd, head, sizeof head, 0);
  close(fd);
  if (n <= 0) return Splittable::No;
  std::string_view h(head, static_cast<size_t>(n));
  switch (sniff(h)) {
    case Magic::Gzip:
    case Magic::Zstd:
    case Magic::Base64Gzip: return Splittable::No;  // compressed, or Kinesis data decoded as a whole
    case Magic::Binary: return format == Format::Auto || format == Format::Binary ? Splittable::Binary : Splittable::No;
    case Magic::Parquet:  // shared like binary: each lane reads every n-th row group
      return format == Format::Auto || format == Format::Parquet ? Splittable::Binary : Splittable::No;
    case Magic::None: break;
  }
  size_t i = h.find_first_not_of(" \t\r\n");
  if (format == Format::Aws || (format == Format::Auto && i != std::string_view::npos && h[i] != '{' && h[i] != '[' &&
                                !h.starts_with("\xEF\xBB\xBF")))
    return Splittable::Text;
  return Splittable::No;
}

/// The offset of the first line starting at or after `off`.
uint64_t line_start_after(const std::string& file, uint64_t off, uint64_t size) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return size;
  char buf[65536];
  while (off < size) {
    ssize_t n = pread(fd, buf, sizeof buf, static_cast<off_t>(off));
    if (n <= 0) break;
    if (auto* nl = static_cast<const char*>(std::memchr(buf, '\n', static_cast<size_t>(n)))) {
      close(fd);
      return off + static_cast<uint64_t>(nl - buf) + 1;
    }
    off += static_cast<uint64_t>(n);
  }
  close(fd);
  return size;
}

}  // namespace

uint64_t text_piece_end(uint64_t size, size_t parts, size_t i) {
  // A piece's reader first reads all the text before it (text_context), about kScan times
  // faster than it parses: later pieces are shorter by that, so that the lanes end together.
  // Piece i: work - begin_i / kScan bytes, with `work` such that they add up to the file.
  constexpr double kScan = 12;
  const double q = 1 - 1 / kScan;
  const double work = static_cast<double>(size) * (1 - q) / (1 - std::pow(q, static_cast<double>(parts)));
  double at = 0;
  for (size_t k = 0; k <= i; ++k) at += work - at / kScan;
  return std::min(size, static_cast<uint64_t>(at));
}

std::vector<std::unique_ptr<RecordStream>> parallel_streams(InputConfig cfg, size_t n, uint64_t min_piece) {
  if (cfg.files.empty()) cfg.files.push_back("-");
  std::vector<std::unique_ptr<RecordStream>> out;
  std::vector<std::vector<Piece>> lanes(std::max<size_t>(n, 1));
  std::vector<uint64_t> load(lanes.size());
  auto lightest = [&] { return static_cast<size_t>(std::min_element(load.begin(), load.end()) - load.begin()); };
  for (const auto& f : cfg.files) {
    uint64_t size = 0;
    Splittable kind = n > 1 ? splittable(f, cfg.read.format, size) : Splittable::No;
    if (kind == Splittable::Binary) {
      for (size_t i = 0; i < lanes.size(); ++i) {
        lanes[i].push_back(Piece{f, 0, 0, static_cast<unsigned>(i), static_cast<unsigned>(lanes.size())});
        load[i] += size / lanes.size();
      }
    } else if (kind == Splittable::Text && size >= 2 * min_piece) {
      size_t parts = std::min<size_t>(lanes.size(), size / min_piece);
      uint64_t begin = 0;
      for (size_t i = 0; i < parts && begin < size; ++i) {
        uint64_t end = i + 1 == parts ? size : line_start_after(f, text_piece_end(size, parts, i), size);
        if (end > begin) {
          lanes[i].push_back(Piece{f, begin, end, 0, 1, end < size});
          load[i] += end - begin;
        }
        begin = end;
      }
    } else {
      size_t lane = lightest();
      lanes[lane].push_back(Piece{f});
      load[lane] += std::max<uint64_t>(size, 1);
    }
  }
  for (size_t i = 0; i < lanes.size(); ++i) {
    if (lanes[i].empty()) continue;
    InputConfig c = cfg;
    if (!out.empty()) c.progress = nullptr;  // one progress bar: the first lane's
    out.push_back(std::make_unique<SequentialStream>(std::move(c), std::move(lanes[i])));
  }
  return out;
}

size_t merge_fan_in(uint64_t memory) { return static_cast<size_t>(std::max<uint64_t>(2, memory / kMergeInputMemory)); }

std::unique_ptr<RecordStream> merged_stream(InputConfig cfg, const MergeLimits& limits) {
  return std::make_unique<MergedStream>(std::move(cfg), limits);
}

Projection::Projection(std::vector<std::string> names) : names_(std::move(names)) {
  for (const auto& n : names_) check_field_name(n, "--fields");
}

const Record& Projection::project(const Record& in) {
  if (!same_schema(in_schema_, in.schema)) {
    std::vector<Column> cols;
    map_.clear();
    for (const auto& n : names_) {
      int slot = in.schema->slot(n);
      auto id = find_field(n);
      check_field_in(*in.schema, n, "--fields");
      cols.push_back(slot >= 0 ? in.schema->column(static_cast<size_t>(slot)) : Column{n, Type::String, id});
      map_.push_back(slot);
    }
    in_schema_ = in.schema;
    out_schema_ = std::make_shared<const Schema>(std::move(cols));
    out_.reset(out_schema_);
  }
  for (size_t i = 0; i < map_.size(); ++i)
    out_.values[i] = map_[i] < 0 ? Value{} : in.values[static_cast<size_t>(map_[i])];
  out_.line = in.line;
  return out_;
}

}  // namespace flow
