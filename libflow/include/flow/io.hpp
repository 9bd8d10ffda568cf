// Byte streams in and out: files, stdin/stdout, transparent decompression, atomic output files.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/error.hpp"

namespace flow {

/// Bytes read at any offset, by any number of threads at once: a regular file (pread) or an S3
/// object (range requests). What a Parquet reader needs, whose index is at the end.
class RandomAccess {
 public:
  virtual ~RandomAccess() = default;
  virtual uint64_t size() const = 0;
  /// Reads exactly n bytes at `offset`; throws DataError naming the input on failure or when
  /// the data ends before.
  virtual void read_at(uint64_t offset, char* buf, size_t n) const = 0;
  virtual const std::string& name() const = 0;
};

/// A source of bytes (a file, or a decoder over another source).
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  /// Reads up to n bytes; 0 means end of stream. Throws DataError on failure.
  virtual size_t read(char* buf, size_t n) = 0;
  /// Bytes taken from the underlying file so far (for progress), and its size if known (else 0).
  virtual uint64_t raw_position() const = 0;
  virtual uint64_t raw_size() const { return 0; }
  /// Passes over up to n bytes; returns how many (fewer only at the end). Reads them by default.
  virtual uint64_t skip(uint64_t n);
  /// False when a read would wait for data (a pipe, socket or terminal with none ready now).
  virtual bool ready() const { return true; }
  /// Has `idle` called, on the reading thread, before each read that would wait: a live
  /// pipeline's consumer flushes its output then, so what it wrote reaches the next process
  /// while the input pauses. Regular files and memory never wait, and never call it.
  virtual void on_idle(std::function<void()> /*idle*/) {}
  /// The same bytes read at any offset, where the source allows it (a regular file, an S3
  /// object), else null: a reader that needs it then takes the stream into memory.
  virtual std::shared_ptr<RandomAccess> random_access() const { return nullptr; }
};

/// An allocator whose elements are not zeroed when a vector grows: a window's bytes are read
/// into before they are looked at, and an input then costs only the pages it fills, not its
/// whole buffer (a merge of thousands of small files).
template <class T>
struct NoZeroAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = NoZeroAllocator<U>;
  };
  template <class U>
  void construct(U* p) noexcept {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... Args>
  void construct(U* p, Args&&... args) {
    std::construct_at(p, std::forward<Args>(args)...);
  }
};

/// A buffered window over a ByteSource, for readers that look at whole lines or blocks.
/// The window is always followed by kPadding readable bytes (simdjson needs them).
class InputStream {
 public:
  static constexpr size_t kPadding = 64;
  InputStream(std::unique_ptr<ByteSource> src, std::string name);

  const std::string& name() const { return name_; }
  const char* data() const { return buf_.data() + begin_; }
  size_t size() const { return end_ - begin_; }
  std::string_view view() const { return {data(), size()}; }
  void consume(size_t n) {
    begin_ += n;
    offset_ += n;
  }
  /// Reads more bytes, keeping the unconsumed ones; false when the source is exhausted.
  /// With `want`, reads until at least `want` bytes are buffered or the source ends.
  bool fill(size_t want = 0);
  bool at_eof() const { return eof_ && size() == 0; }
  /// Passes over n bytes, the buffered ones first, then the source's (a file seeks); false if
  /// the stream ends before.
  bool skip(uint64_t n);
  /// Bytes consumed so far from the (decompressed) stream.
  uint64_t offset() const { return offset_; }
  const ByteSource& source() const { return *src_; }
  /// Bytes can be had without waiting: some are buffered, the stream ended, or the source is
  /// ready (a binary reader reads ahead only then, not to hold back a block while it waits).
  bool ready() const { return size() > 0 || eof_ || src_->ready(); }
  /// See ByteSource::on_idle; set after the compression is undone, it reaches the file below.
  void on_idle(std::function<void()> idle) { src_->on_idle(std::move(idle)); }
  /// The most bytes this stream may deliver: fill() throws InputTooLarge past it. A small gzip
  /// input can inflate to any size; a server bounds what one request costs with this.
  void set_limit(uint64_t max_bytes) { limit_ = max_bytes; }
  uint64_t limit() const { return limit_; }

 private:
  std::unique_ptr<ByteSource> src_;
  std::string name_;
  std::vector<char, NoZeroAllocator<char>> buf_;
  size_t begin_ = 0, end_ = 0;
  uint64_t offset_ = 0;
  uint64_t limit_ = UINT64_MAX;
  bool eof_ = false;
};

/// An input that decodes to more bytes than its stream's limit() (fatal: nothing after it).
struct InputTooLarge : DataError {
  InputTooLarge(const std::string& name, uint64_t limit);
  uint64_t limit;
};

/// Timeouts of network inputs and outputs, in seconds.
struct NetTimeouts {
  double connect = 10;
  double read = 60;  ///< also of writes: the longest wait for the peer
};

/// Opens a file ("-" = stdin) or an http(s) URL (streamed; see http_source in net.hpp) and
/// undoes gzip (single or multi-member) or zstd compression, recognised by content, not by name.
std::unique_ptr<InputStream> open_input(const std::string& path, const NetTimeouts& net = {});
/// A stream over any source, with its compression undone as open_input() does; it delivers at
/// most `max_bytes` (set_limit), however the compression was found.
std::unique_ptr<InputStream> open_input(std::unique_ptr<ByteSource> src, std::string name,
                                        uint64_t max_bytes = UINT64_MAX);

/// Bytes [begin, end) of an uncompressed regular file, as is (a piece read in parallel).
std::unique_ptr<InputStream> open_input_range(const std::string& path, uint64_t begin, uint64_t end);
/// The same of an open file (not closed; it must outlive the stream), read by pread(), so that
/// any number of ranges of it are read at once (the runs of a scratch file).
std::unique_ptr<InputStream> open_input_range(int fd, std::string name, uint64_t begin, uint64_t end);
/// A scratch file in `dir` ("" = $TMPDIR or /tmp), already removed from the directory, so that
/// nothing is left behind whatever happens: its descriptor (the caller closes it). `name` gets
/// "spill file in DIR", for messages. Throws DataError when it cannot be created.
int scratch_file(const std::string& dir, std::string& name);

/// Decoders, exposed for tests: wrap a source holding gzip or zstd data.
std::unique_ptr<ByteSource> gzip_source(std::unique_ptr<InputStream> in);
std::unique_ptr<ByteSource> zstd_source(std::unique_ptr<InputStream> in);
/// A source reading an open file descriptor, which it closes; `name` is for messages.
std::unique_ptr<ByteSource> fd_source(int fd, std::string name);
/// A source over bytes in memory (tests, and data built in memory).
std::unique_ptr<ByteSource> memory_source(std::string bytes);

/// Decodes base64 (standard alphabet, '=' padding; white space between characters ignored, and
/// padding may end a group mid-text, as when encoded records are written one a line). On a bad
/// character returns false with its offset in `bad`.
bool base64_decode(std::string_view text, std::string& out, size_t& bad);
/// The bytes base64 text encodes (Kinesis record data as the API or the console shows it).
std::unique_ptr<ByteSource> base64_source(std::unique_ptr<InputStream> in);
/// The decompressed bytes of gzip data in memory; throws DataError (naming `name`) when it is
/// damaged or would exceed `limit` bytes.
std::string gunzip(std::string bytes, const std::string& name, size_t limit);

/// Grows the buffer of a pipe (a no-op for anything else, or where the system refuses); its
/// size in bytes, or 0 when fd is not a pipe.
size_t widen_pipe(int fd);
/// Standard output, everything written and flushed, becomes /dev/null: its reader sees the end
/// now, not when this process has freed its memory and exited.
void release_stdout();

/// Buffered output to stdout or to a file written atomically: the data goes to a temporary
/// file beside the target, renamed over it by commit(); destroyed without commit(), the
/// temporary file is removed and the target is untouched.
class Output {
 public:
  /// path "" or "-" = stdout.
  static std::unique_ptr<Output> open(const std::string& path);
  /// A file written in place and appended to, never removed: a receiver's output, made durable
  /// piece by piece by sync(), with truncate() to take back what was not (flowcat --listen).
  /// A missing file is created; "" or "-" is stdout; a device or FIFO is written as open() does.
  static std::unique_ptr<Output> open_append(const std::string& path);
  /// An output that collects the bytes in memory, handed over by take() (an HTTP body).
  static std::unique_ptr<Output> memory();
  /// Writes to an open file as it is: not closed, never renamed (a scratch file).
  static std::unique_ptr<Output> to_fd(int fd, std::string name);
  /// Memory output: everything written since the last take().
  std::string take();
  ~Output();
  Output(const Output&) = delete;
  Output& operator=(const Output&) = delete;

  /// Room for at least n bytes at the returned pointer; finish with advance(end).
  char* space(size_t n) {
    if (static_cast<size_t>(buf_.size() - used_) < n) make_room(n);
    return buf_.data() + used_;
  }
  void advance(char* end) { used_ = static_cast<size_t>(end - buf_.data()); }
  void write(std::string_view s);
  void put(char c) {
    *space(1) = c;
    ++used_;
  }
  void flush();
  /// Flushes, and for a file makes it durable and renames it into place.
  void commit();
  /// Makes what was flushed durable (fsync) when the output is a regular file; nothing for a
  /// pipe or terminal. Touches only the descriptor: another thread may write meanwhile.
  void sync();
  /// Drops what is buffered and cuts the file back to `length` bytes (an open_append file,
  /// whose bytes_written() counts from the start of the file); throws DataError for an output
  /// that cannot be cut (stdout, a device or FIFO).
  void truncate(uint64_t length);
  bool is_terminal() const { return terminal_; }
  const std::string& name() const { return name_; }
  uint64_t bytes_written() const { return written_ + used_; }

 private:
  Output(int fd, std::string name, std::string target, std::string temp);
  void make_room(size_t n);
  void write_fd(const char* p, size_t n);

  /// Waits until the pipe has room for n bytes (see write_fd).
  void pace(size_t n);

  int fd_;
  size_t pipe_size_ = 0;  ///< fd_ is a pipe of this many bytes
  bool owns_fd_ = false;  ///< a device or FIFO opened in place: closed when done
  std::string name_, target_, temp_;
  std::vector<char> buf_;
  size_t used_ = 0;
  uint64_t written_ = 0;
  bool terminal_ = false;
  bool committed_ = false;
  int temp_slot_ = -1;  ///< where the temporary file is registered for signal handlers
  bool in_memory_ = false;
  bool regular_ = false;    ///< a regular file (sync() makes it durable)
  bool appending_ = false;  ///< open_append(): truncate() may cut it
  std::string memory_;
};

/// Removes every temporary output file still open. Async-signal-safe: for signal handlers.
void remove_temporary_outputs() noexcept;

}  // namespace flow
