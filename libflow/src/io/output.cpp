// Buffered output to stdout or an atomically replaced file; EPIPE becomes BrokenPipe.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"

namespace flow {
namespace {

constexpr size_t kBuffer = 1 << 20;

// Temporary files still open, so that a signal handler can remove them before exiting.
std::mutex temps_mutex;
std::set<std::string>& temps() {
  static std::set<std::string> t;
  return t;
}

}  // namespace

void remove_temporary_outputs() noexcept {
  // Called on the way out after a signal: try_lock, never block.
  if (!temps_mutex.try_lock()) return;
  for (const auto& t : temps()) unlink(t.c_str());
  temps_mutex.unlock();
}

std::unique_ptr<Output> Output::open(const std::string& path) {
  if (path.empty() || path == "-") return std::unique_ptr<Output>(new Output(1, "(stdout)", "", ""));
  struct stat target;
  if (stat(path.c_str(), &target) == 0 && !S_ISREG(target.st_mode)) {
    // A device, FIFO or directory is written in place (renaming over /dev/null would replace it).
    if (S_ISDIR(target.st_mode)) throw DataError(fmt::format("{}: is a directory", path));
    int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) throw DataError(fmt::format("{}: cannot open: {}", path, std::strerror(errno)));
    return std::unique_ptr<Output>(new Output(fd, path, "", ""));
  }
  // The temporary file lives beside the target so that rename() stays on one file system.
  std::string temp = path + ".tmp-XXXXXX";
  int fd = mkstemp(temp.data());
  if (fd < 0) throw DataError(fmt::format("{}: cannot create: {}", path, std::strerror(errno)));
  {
    std::lock_guard lock(temps_mutex);
    temps().insert(temp);
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
  return std::unique_ptr<Output>(new Output(fd, path, path, temp));
}

Output::Output(int fd, std::string name, std::string target, std::string temp)
    : fd_(fd), name_(std::move(name)), target_(std::move(target)), temp_(std::move(temp)), buf_(kBuffer) {
  terminal_ = isatty(fd_);
}

Output::~Output() {
  if (temp_.empty()) {
    // stdout: flush what we can; errors here have no one to report to.
    if (!committed_ && used_) {
      try {
        flush();
      } catch (...) {
      }
    }
    return;
  }
  if (!committed_) {
    if (fd_ >= 0) close(fd_);
    unlink(temp_.c_str());
    std::lock_guard lock(temps_mutex);
    temps().erase(temp_);
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
  while (n > 0) {
    ssize_t w = ::write(fd_, p, n);
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
  std::lock_guard lock(temps_mutex);
  temps().erase(temp_);
}

}  // namespace flow
