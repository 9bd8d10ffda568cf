// Buffered output to stdout or an atomically replaced file; EPIPE becomes BrokenPipe.
#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"

namespace flow {
namespace {

constexpr size_t kBuffer = 1 << 20;

// Temporary files still open, so that a signal handler can remove them before the process dies.
// The handler may run at any point, also inside malloc or while another thread holds a lock, so
// it touches only this fixed table: each slot is claimed (compare-and-swap 0 -> 1), filled, then
// published (2); the handler unlink()s the published ones and nothing else.
constexpr int kMaxTemps = 64;
constexpr size_t kMaxTempPath = 4096;
struct TempSlot {
  std::atomic<int> state{0};  // 0 free, 1 being filled, 2 published
  char path[kMaxTempPath];
};
TempSlot temp_slots[kMaxTemps];
static_assert(std::atomic<int>::is_always_lock_free);

/// Claims a slot for `path` (the name mkstemp will fill in); -1 when the path cannot be kept.
int claim_temp_slot(const std::string& path) {
  if (path.size() >= kMaxTempPath) return -1;
  for (int i = 0; i < kMaxTemps; ++i) {
    int expected = 0;
    if (temp_slots[i].state.compare_exchange_strong(expected, 1)) return i;
  }
  return -1;
}

void release_temp_slot(int slot) {
  if (slot >= 0) temp_slots[slot].state.store(0);
}

/// The termination signals whose handler removes temporary files: blocked while a temporary
/// file is created and registered, so that none is ever created and not yet known.
class BlockTermination {
 public:
  BlockTermination() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
    pthread_sigmask(SIG_BLOCK, &set, &old_);
  }
  ~BlockTermination() { pthread_sigmask(SIG_SETMASK, &old_, nullptr); }

 private:
  sigset_t old_;
};

}  // namespace

void remove_temporary_outputs() noexcept {
  // Async-signal-safe: atomic loads and unlink() only.
  for (auto& s : temp_slots)
    if (s.state.load() == 2) unlink(s.path);
}

std::unique_ptr<Output> Output::open(const std::string& path) {
  if (path.empty() || path == "-") return std::unique_ptr<Output>(new Output(1, "(stdout)", "", ""));
  struct stat target;
  if (stat(path.c_str(), &target) == 0 && !S_ISREG(target.st_mode)) {
    // A device, FIFO or directory is written in place (renaming over /dev/null would replace it).
    if (S_ISDIR(target.st_mode)) throw DataError(fmt::format("{}: is a directory", path));
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) throw DataError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    auto out = std::unique_ptr<Output>(new Output(fd, path, "", ""));
    out->owns_fd_ = true;
    return out;
  }
  // The temporary file lives beside the target so that rename() stays on one file system.
  std::string temp = path + ".tmp-XXXXXX";
  int fd, slot;
  {
    BlockTermination blocked;
    slot = claim_temp_slot(temp);
    if (slot < 0) throw DataError(fmt::format("{}: cannot create: path too long, or too many output files", path));
    fd = mkstemp(temp.data());
    if (fd < 0) {
      int err = errno;
      release_temp_slot(slot);
      throw DataError(fmt::format("{}: cannot create: {}", path, std::strerror(err)));
    }
    std::memcpy(temp_slots[slot].path, temp.c_str(), temp.size() + 1);
    temp_slots[slot].state.store(2);
  }
  struct stat st;
  // Keep the permissions a plain open() would give (mkstemp makes 0600): an existing target
  // keeps its mode as it is; the umask applies only to a new file.
  if (stat(path.c_str(), &st) == 0) {
    fchmod(fd, st.st_mode & 07777);
  } else {
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
  }
  auto out = std::unique_ptr<Output>(new Output(fd, path, path, temp));
  out->temp_slot_ = slot;
  return out;
}

std::unique_ptr<Output> Output::open_append(const std::string& path) {
  if (path.empty() || path == "-") return open(path);
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0) throw DataError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    throw DataError(fmt::format("{}: cannot open: {}", path, std::strerror(err)));
  }
  auto out = std::unique_ptr<Output>(new Output(fd, path, "", ""));
  out->owns_fd_ = true;
  // The offset is the file's length: bytes_written() and truncate() count from its start.
  out->appending_ = S_ISREG(st.st_mode);
  if (out->appending_) out->written_ = static_cast<uint64_t>(st.st_size);
  return out;
}

void release_stdout() {
  const int null = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0) return;
  dup2(null, 1);
  close(null);
}

std::unique_ptr<Output> Output::memory() {
  auto out = std::unique_ptr<Output>(new Output(-1, "(memory)", "", ""));
  out->in_memory_ = true;
  return out;
}

std::unique_ptr<Output> Output::to_fd(int fd, std::string name) {
  return std::unique_ptr<Output>(new Output(fd, std::move(name), "", ""));
}

int scratch_file(const std::string& dir, std::string& name) {
  std::string d = dir;
  if (d.empty()) {
    const char* t = std::getenv("TMPDIR");
    d = t && *t ? t : "/tmp";
  }
  std::string path = d + "/flow-spill-XXXXXX";
  const int fd = mkostemp(path.data(), O_CLOEXEC);
  if (fd < 0) throw DataError(fmt::format("{}: cannot create a spill file: {}", d, std::strerror(errno)));
  unlink(path.c_str());
  name = fmt::format("spill file in {}", d);
  return fd;
}

std::string Output::take() {
  flush();
  return std::exchange(memory_, {});
}

Output::Output(int fd, std::string name, std::string target, std::string temp)
    : fd_(fd), name_(std::move(name)), target_(std::move(target)), temp_(std::move(temp)), buf_(kBuffer) {
  terminal_ = fd_ >= 0 && isatty(fd_);
  if (fd_ >= 0) pipe_size_ = widen_pipe(fd_);
  struct stat st;
  regular_ = fd_ >= 0 && fstat(fd_, &st) == 0 && S_ISREG(st.st_mode);
}

Output::~Output() {
  if (temp_.empty()) {
    // stdout, or a device or FIFO written in place: flush what we can; errors here have no one
    // to report to. A FIFO's reader sees the end once the descriptor we opened is closed. An
    // open_append file keeps what was flushed: the rest was never its writer's to keep.
    if (!committed_ && used_ && !appending_) {
      try {
        flush();
      } catch (...) {
      }
    }
    if (owns_fd_) close(fd_);
    return;
  }
  if (!committed_) {
    if (fd_ >= 0) close(fd_);
    unlink(temp_.c_str());
    release_temp_slot(temp_slot_);
  }
}

void Output::make_room(size_t n) {
  flush();
  if (buf_.size() < n) buf_.resize(n);
}

void Output::write(std::string_view s) {
  if (s.size() > buf_.size() - used_) {
    flush();
    if (s.size() >= buf_.size()) {
      write_fd(s.data(), s.size());
      return;
    }
  }
  std::memcpy(buf_.data() + used_, s.data(), s.size());
  used_ += s.size();
}

void Output::flush() {
  if (used_ == 0) return;
  size_t n = used_;
  used_ = 0;
  write_fd(buf_.data(), n);
}

void Output::write_fd(const char* p, size_t n) {
  if (in_memory_) {
    memory_.append(p, n);
    written_ += n;
    return;
  }
  while (n > 0) {
    // Into a pipe a quarter at a time, each once there is room for it.
    const size_t piece = pipe_size_ ? std::min(n, std::max<size_t>(pipe_size_ / 4, 1)) : n;
    if (pipe_size_) pace(piece);
    ssize_t w = ::write(fd_, p, piece);
    if (w < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) throw BrokenPipe();
      throw DataError(fmt::format("{}: write error: {}", name_, std::strerror(errno)));
    }
    p += w;
    n -= static_cast<size_t>(w);
    written_ += static_cast<uint64_t>(w);
  }
}

void Output::pace(size_t n) {
  // A write into a full pipe wakes at every page its reader takes out, and each of those reads
  // then wakes this writer: mawk, reading 4 KiB at a time, read flowagg's groups 15% slower so
  // (1.50 s against 1.25 s from a file; 1.31 s paced). So the writer waits, in short sleeps that
  // grow while the reader is slow, until the piece fits whole.
  long nap = 100'000;  // ns
  int before = -1;
  for (;;) {
    int queued = 0;
    if (ioctl(fd_, FIONREAD, &queued) != 0 || queued < 0 || static_cast<size_t>(queued) + n <= pipe_size_) return;
    // No reader left (`| head -1` is done): what is queued stays, so write now and meet EPIPE.
    pollfd p{fd_, POLLOUT, 0};
    if (poll(&p, 1, 0) < 0 || (p.revents & (POLLERR | POLLHUP))) return;
    // A reader that has stopped (less on its first screen, a stopped job): block in the write,
    // asleep in the kernel, rather than wake here 500 times a second.
    if (queued == before && nap == 2'000'000L) return;
    before = queued;
    const timespec t{0, nap};
    nanosleep(&t, nullptr);
    nap = std::min(nap * 2, 2'000'000L);
  }
}

void Output::commit() {
  flush();
  if (temp_.empty()) {
    committed_ = true;
    return;
  }
  int fd = fd_;
  fd_ = -1;  // closed below whatever happens: the destructor must not close it again
  if (fsync(fd) != 0 || close(fd) != 0)
    throw DataError(fmt::format("{}: write error: {}", name_, std::strerror(errno)));
  if (rename(temp_.c_str(), target_.c_str()) != 0)
    throw DataError(fmt::format("{}: cannot rename into place: {}", name_, std::strerror(errno)));
  committed_ = true;
  release_temp_slot(temp_slot_);
}

void Output::sync() {
  if (regular_ && fsync(fd_) != 0) throw DataError(fmt::format("{}: write error: {}", name_, std::strerror(errno)));
}

void Output::truncate(uint64_t length) {
  used_ = 0;
  if (!appending_) throw DataError(fmt::format("{}: what was written cannot be taken back", name_));
  // O_APPEND: the next write goes to the new end.
  if (ftruncate(fd_, static_cast<off_t>(length)) != 0)
    throw DataError(fmt::format("{}: cannot cut back to {} bytes: {}", name_, length, std::strerror(errno)));
  written_ = length;
}

}  // namespace flow
