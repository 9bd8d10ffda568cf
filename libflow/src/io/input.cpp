// Files and stdin as byte sources, the buffered InputStream, and compression detection.
#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "flow/net.hpp"
#include "flow/s3.hpp"
#include "io/sniff.hpp"

namespace flow {
namespace {

constexpr size_t kChunk = 1 << 20;

/// A regular file read at any offset by pread() on its own descriptor (a dup), from any thread.
class FileRandomAccess : public RandomAccess {
 public:
  FileRandomAccess(int fd, std::string name, uint64_t size) : fd_(fd), name_(std::move(name)), size_(size) {}
  ~FileRandomAccess() override { close(fd_); }
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  void read_at(uint64_t offset, char* buf, size_t n) const override {
    for (size_t done = 0; done < n;) {
      const ssize_t r = ::pread(fd_, buf + done, n - done, static_cast<off_t>(offset + done));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) throw DataError(fmt::format("{}: read error: {}", name_, std::strerror(errno)));
      if (r == 0)
        throw DataError(fmt::format("{}: truncated: the file ends at byte {} (reading {} bytes at offset {})", name_,
                                    offset + done, n, offset));
      done += static_cast<size_t>(r);
    }
  }

 private:
  int fd_;
  std::string name_;
  uint64_t size_;
};

class FileSource : public ByteSource {
 public:
  FileSource(int fd, std::string name, bool owned) : fd_(fd), name_(std::move(name)), owned_(owned) {
    struct stat st;
    if (fstat(fd_, &st) == 0 && S_ISREG(st.st_mode)) {
      size_ = static_cast<uint64_t>(st.st_size);
      seekable_ = lseek(fd_, 0, SEEK_CUR) >= 0;
    }
    may_wait_ = fstat(fd_, &st) == 0 && (S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || S_ISCHR(st.st_mode));
#ifdef POSIX_FADV_SEQUENTIAL
    posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  ~FileSource() override {
    if (owned_) close(fd_);
  }
  /// Reads only bytes [begin, begin + bytes), by pread(): a piece of a file read in parallel,
  /// or a run of a scratch file whose other runs are read at the same time.
  void range(uint64_t begin, uint64_t bytes) {
    ranged_ = true;
    seekable_ = true;
    base_ = begin;
    size_ = bytes;
  }
  size_t read(char* buf, size_t n) override {
    if (ranged_) n = static_cast<size_t>(std::min<uint64_t>(n, size_ - pos_));
    if (n == 0) return 0;
    if (idle_ && !ready()) idle_();
    for (;;) {
      ssize_t r = ranged_ ? ::pread(fd_, buf, n, static_cast<off_t>(base_ + pos_)) : ::read(fd_, buf, n);
      if (r >= 0) {
        pos_ += static_cast<uint64_t>(r);
        return static_cast<size_t>(r);
      }
      if (errno == EINTR) continue;
      throw DataError(fmt::format("{}: read error: {}", name_, std::strerror(errno)));
    }
  }
  uint64_t raw_position() const override { return pos_; }
  uint64_t raw_size() const override { return size_; }
  std::shared_ptr<RandomAccess> random_access() const override {
    if (!seekable_ || ranged_) return nullptr;  // a pipe, or a piece of a file
    const int fd = fcntl(fd_, F_DUPFD_CLOEXEC, 0);
    if (fd < 0) return nullptr;
    return std::make_shared<FileRandomAccess>(fd, name_, size_);
  }
  bool ready() const override {
    if (!may_wait_) return true;
    pollfd p{fd_, POLLIN, 0};  // also ready at the end or on an error: read() then says which
    return ::poll(&p, 1, 0) != 0;
  }
  void on_idle(std::function<void()> idle) override {
    if (may_wait_) idle_ = std::move(idle);
  }
  uint64_t skip(uint64_t n) override {
    if (!seekable_) return ByteSource::skip(n);
    n = std::min(n, (size_ > pos_ ? size_ - pos_ : 0));  // a regular file, or a piece of one
    if (!ranged_ && lseek(fd_, static_cast<off_t>(n), SEEK_CUR) < 0)
      throw DataError(fmt::format("{}: cannot seek: {}", name_, std::strerror(errno)));
    pos_ += n;
    return n;
  }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  uint64_t pos_ = 0, size_ = 0;
  bool seekable_ = false;  // a regular file: passed over by seeking
  bool ranged_ = false;
  uint64_t base_ = 0;
  bool may_wait_ = false;  // a pipe, socket or terminal: poll()ed before a read, a file never
  std::function<void()> idle_;
};

class MemorySource : public ByteSource {
 public:
  explicit MemorySource(std::string b) : bytes_(std::move(b)) {}
  size_t read(char* buf, size_t n) override {
    n = std::min(n, bytes_.size() - pos_);
    std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  uint64_t raw_position() const override { return pos_; }
  uint64_t raw_size() const override { return bytes_.size(); }

 private:
  std::string bytes_;
  size_t pos_ = 0;
};

}  // namespace

uint64_t ByteSource::skip(uint64_t n) {
  char scratch[1 << 14];
  uint64_t done = 0;
  while (done < n) {
    size_t got = read(scratch, static_cast<size_t>(std::min<uint64_t>(sizeof scratch, n - done)));
    if (got == 0) break;
    done += got;
  }
  return done;
}

bool InputStream::skip(uint64_t n) {
  const size_t here = static_cast<size_t>(std::min<uint64_t>(n, size()));
  consume(here);
  n -= here;
  if (n == 0) return true;
  const uint64_t done = src_->skip(n);
  offset_ += done;
  if (done < n) eof_ = true;
  return done == n;
}

InputStream::InputStream(std::unique_ptr<ByteSource> src, std::string name)
    : src_(std::move(src)), name_(std::move(name)), buf_(kChunk + kPadding) {}

bool InputStream::fill(size_t want) {
  size_t start_size = size();
  if (want == 0) want = start_size + 1;
  while (size() < want && !eof_) {
    // Move what is left to the front, grow if the window cannot hold `want`, then read.
    if (begin_ > 0) {
      std::memmove(buf_.data(), buf_.data() + begin_, size());
      end_ -= begin_;
      begin_ = 0;
    }
    size_t need = std::max(want, end_ + kChunk / 4);
    if (need + kPadding > buf_.size()) buf_.resize(std::max(need, buf_.size() * 2) + kPadding);
    size_t room = buf_.size() - kPadding - end_;
    size_t n = src_->read(buf_.data() + end_, room);
    if (n == 0) eof_ = true;
    end_ += n;
  }
  if (offset_ + size() > limit_) throw InputTooLarge(name_, limit_);
  std::memset(buf_.data() + end_, 0, kPadding);
  return size() > start_size;
}

std::unique_ptr<ByteSource> fd_source(int fd, std::string name) {
  return std::make_unique<FileSource>(fd, std::move(name), true);
}

std::unique_ptr<InputStream> open_input_range(const std::string& path, uint64_t begin, uint64_t end) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw DataError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  auto src = std::make_unique<FileSource>(fd, path, true);
  src->range(begin, end - begin);
  return std::make_unique<InputStream>(std::move(src), path);
}

std::unique_ptr<InputStream> open_input_range(int fd, std::string name, uint64_t begin, uint64_t end) {
  auto src = std::make_unique<FileSource>(fd, name, false);
  src->range(begin, end - begin);
  return std::make_unique<InputStream>(std::move(src), std::move(name));
}

size_t widen_pipe(int fd) {
  // A pipe holds 64 KiB unless asked: a reader and a writer on two cores then take turns
  // sleeping every 64 KiB. 1 MiB (the size of an Output's writes, and the most a user may ask for
  // by default) let mawk read flowagg's 300 MB of groups 0.4 s sooner (bench/agg.sh q4).
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) return 0;
  if (fcntl(fd, F_GETPIPE_SZ) < (1 << 20)) fcntl(fd, F_SETPIPE_SZ, 1 << 20);
  const int size = fcntl(fd, F_GETPIPE_SZ);
  return size > 0 ? static_cast<size_t>(size) : 0;
}

std::unique_ptr<ByteSource> memory_source(std::string bytes) {
  return std::make_unique<MemorySource>(std::move(bytes));
}

std::unique_ptr<InputStream> open_input(const std::string& path, const NetTimeouts& net) {
  if (is_url(path)) return open_input(http_source(path, net), redact_url(path));
  if (s3::is_s3_url(path)) {
    auto client = s3::client();
    if (!client) throw DataError(fmt::format("{}: s3:// names are read only by the tools", printable(path)));
    return open_input(client->open(path), printable(path));
  }
  std::unique_ptr<ByteSource> src;
  std::string name = path == "-" ? "(stdin)" : path;
  if (path == "-") {
    widen_pipe(0);
    src = std::make_unique<FileSource>(0, name, false);
  } else {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DataError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      close(fd);
      throw DataError(fmt::format("{}: is a directory", path));
    }
    src = std::make_unique<FileSource>(fd, name, true);
  }
  return open_input(std::move(src), std::move(name));
}

InputTooLarge::InputTooLarge(const std::string& name, uint64_t max)
    : DataError(name, 0, "", fmt::format("more than {} bytes once decompressed", max)), limit(max) {
  fatal = true;
}

std::unique_ptr<InputStream> open_input(std::unique_ptr<ByteSource> src, std::string name, uint64_t max_bytes) {
  auto in = std::make_unique<InputStream>(std::move(src), name);
  // Compression is recognised by its magic bytes, so `zcat`-less pipes and misnamed files work.
  in->fill(4);
  switch (sniff(in->view())) {
    case Magic::Gzip: in = std::make_unique<InputStream>(gzip_source(std::move(in)), name); break;
    case Magic::Zstd: in = std::make_unique<InputStream>(zstd_source(std::move(in)), name); break;
    default: break;
  }
  in->set_limit(max_bytes);  // of what is read, decoded or not
  return in;
}

}  // namespace flow
