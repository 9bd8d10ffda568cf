// flowcat --listen's output. A request is answered 200 only once its records are durable: a
// commit ends the data where a reader takes it whole (Writer::checkpoint: the binary format ends
// its stream) and fsyncs it, and one fsync covers every request that wrote while the one before
// ran (group commit). A failed write or fsync cuts the file back to what was committed, so that
// it holds exactly the records acknowledged, and the output goes on. Files are written in place
// (-o FILE is appended to; an hourly file is NAME.part until its hour is over), so that a killed
// run leaves every acknowledged record where the next run finds it: that run cuts off a record
// the kill left half written, and renames the .part files it finds.
#include "listen_output.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"

namespace flow {

namespace {

/// A descriptor closed when done with.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

[[noreturn]] void fail(const std::string& path, std::string_view what) {
  throw DataError(fmt::format("{}: {}: {}", path, what, std::strerror(errno)));
}

/// Opens `path` and locks it for the run (the lock goes with the descriptor): a second receiver
/// writing to the same file or directory is refused rather than mixed in.
Fd open_locked(const std::string& path, int flags) {
  Fd fd(::open(path.c_str(), flags | O_CLOEXEC, 0666));
  if (fd.get() < 0) fail(path, "cannot open");
  if (flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) throw DataError(fmt::format("{}: another flowcat --listen writes there", path));
    fail(path, "cannot lock");
  }
  return fd;
}

/// Makes the names in a directory durable (a file created or renamed there).
void sync_dir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0 || (fsync(fd.get()) != 0 && errno != EINVAL)) fail(dir, "cannot sync the directory");
}

/// Cuts off what a run killed while writing left past its last whole record (a text line
/// without its end, a binary stream without its end frame); says so. Throws DataError when the
/// file does not hold format `f`: it is neither cut nor added to then.
void cut_torn_tail(int fd, const std::string& path, Format f, Tool& tool) {
  struct stat st;
  if (fstat(fd, &st) != 0) fail(path, "cannot read");
  uint64_t keep;
  try {
    keep = complete_length(fd, f);
  } catch (const DataError& e) {
    throw DataError(fmt::format("{}: cannot be added to: {}", path, e.what()));
  }
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  if (keep == size) return;
  if (ftruncate(fd, static_cast<off_t>(keep)) != 0 || fsync(fd) != 0) fail(path, "cannot cut");
  tool.warn(fmt::format("{}: cut off {} bytes at the end, a record left half written by a run that was stopped", path,
                        size - keep));
}

bool exists(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0;
}

/// STEM.EXT, or STEM-1.EXT, STEM-2.EXT ...: the first name not taken, also not as NAME.part.
std::string free_name(const std::string& stem, std::string_view ext) {
  for (unsigned serial = 0;; ++serial) {
    std::string name = fmt::format("{}{}.{}", stem, serial ? fmt::format("-{}", serial) : "", ext);
    if (!exists(name) && !exists(name + ".part")) return name;
  }
}

std::string_view extension(Format f) {
  return f == Format::Json ? "jsonl" : f == Format::Csv ? "csv" : f == Format::Binary ? "flows" : "log";
}

/// Standard output (acknowledged once written to it, fsynced when it is a file), or one file
/// appended to.
class StreamOutput : public ListenOutput {
 public:
  StreamOutput(const CommonOptions& o, Tool& tool, std::mutex& mu) : ListenOutput(mu, tool) {
    OutputConfig c = output_config(o);
    c.append = true;
    struct stat st;
    const bool file = c.path != "-" && !c.path.empty() && (stat(c.path.c_str(), &st) != 0 || S_ISREG(st.st_mode));
    if (file) {
      lock_ = open_locked(c.path, O_RDWR | O_CREAT);
      cut_torn_tail(lock_.get(), c.path, c.format == Format::Binary ? Format::Binary : Format::Aws, tool);
      std::string dir = std::filesystem::path(c.path).parent_path().string();
      sync_dir(dir.empty() ? "." : dir);  // the file may be new
    }
    out_ = std::make_unique<RecordOutput>(c);
    sealed_ = synced_ = out_->checkpoint();
  }
  void close() override {
    if (!out_) return;
    settle();
    if (!broken_.empty()) throw DataError(broken_);
    out_->close();
    out_.reset();
  }

 protected:
  void open() override { throw DataError("--listen: the output is closed"); }

 private:
  Fd lock_;
};

/// DIR/flows-YYYYMMDDTHHZ.EXT, one file an hour, written as NAME.part until the hour is over.
class HourlyOutput : public ListenOutput {
 public:
  HourlyOutput(const CommonOptions& o, Tool& tool, std::mutex& mu, std::string dir)
      : ListenOutput(mu, tool), cfg_(output_config(o)), dir_(std::move(dir)) {
    if (o.output_format.empty()) cfg_.format = Format::Aws;
    cfg_.append = true;
    lock_ = open_locked(dir_, O_RDONLY | O_DIRECTORY);
    recover();
  }
  void rotate(int64_t now) override {
    if (out_ && now / 3600 != hour_) finish_file();
  }
  void close() override { finish_file(); }

 protected:
  void open() override {
    const std::time_t now = std::time(nullptr);
    hour_ = now / 3600;
    std::tm tm{};
    gmtime_r(&now, &tm);
    name_ = free_name(
        fmt::format("{}flows-{:04}{:02}{:02}T{:02}Z", dir_, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour),
        extension(cfg_.format));
    cfg_.path = name_ + ".part";
    out_ = std::make_unique<RecordOutput>(cfg_);
    sealed_ = synced_ = 0;
    sync_dir(dir_);
  }

 private:
  /// Commits the file and renames it into place (an empty one is removed). On failure it stays
  /// NAME.part, every acknowledged record in it, for the next run to rename.
  void finish_file() {
    if (!out_) return;
    settle();
    out_.reset();
    if (!broken_.empty()) return;  // it could not be cut back: the next run cuts and renames it
    const std::string part = name_ + ".part";
    try {
      if (synced_ == 0) {
        if (unlink(part.c_str()) != 0) fail(part, "cannot remove");
      } else {
        if (rename(part.c_str(), name_.c_str()) != 0) fail(part, "cannot rename into place");
        sync_dir(dir_);
        tool_.note(fmt::format("wrote {}", name_));
      }
    } catch (const DataError& e) {
      tool_.warn(e.what());
      tool_.status = 1;
    }
  }

  /// What a run that was killed left: its .part files, cut back to their whole records and
  /// renamed into place (under the lock on the directory, so no running receiver's).
  void recover() {
    std::vector<std::string> parts;
    if (DIR* d = opendir(dir_.c_str())) {
      while (const dirent* e = readdir(d)) {
        std::string_view n = e->d_name;
        if (n.starts_with("flows-") && n.ends_with(".part")) parts.emplace_back(dir_ + std::string(n));
      }
      closedir(d);
    }
    std::sort(parts.begin(), parts.end());
    for (const auto& part : parts) {
      const std::string name = part.substr(0, part.size() - 5);
      Fd fd(::open(part.c_str(), O_RDWR | O_CLOEXEC));
      struct stat st;
      if (fd.get() < 0 || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      try {
        cut_torn_tail(fd.get(), part, name.ends_with(".flows") ? Format::Binary : Format::Aws, tool_);
      } catch (const DataError& e) {
        tool_.warn(fmt::format("{}; renamed as it is", e.what()));  // what cannot be checked is kept whole
      }
      if (fstat(fd.get(), &st) == 0 && st.st_size == 0) {
        unlink(part.c_str());
        continue;
      }
      const size_t dot = name.rfind('.');
      const std::string target = exists(name) ? free_name(name.substr(0, dot), name.substr(dot + 1)) : name;
      if (rename(part.c_str(), target.c_str()) != 0) fail(part, "cannot rename into place");
      tool_.warn(fmt::format("{}: left by a run that was stopped; renamed to {}", part, target));
    }
    if (!parts.empty()) sync_dir(dir_);
  }

  OutputConfig cfg_;
  std::string dir_;
  Fd lock_;
  std::string name_;  ///< the file being written, once renamed
  int64_t hour_ = 0;
};

}  // namespace

void ListenOutput::write(const Record& r) {
  if (!broken_.empty()) throw DataError(broken_);
  if (!out_) {
    try {
      open();
    } catch (const DataError& e) {
      tool_.warn(e.what());
      tool_.status = 1;
      throw TakenBack(e.what());
    }
  }
  try {
    out_->write(r);
  } catch (const DataError& e) {
    take_back(sealed_, e.what());
    std::rethrow_exception(group_error_);
  }
}

void ListenOutput::commit() {
  const auto g = group_;
  while (!g->done) {
    if (syncing_ || closing_) cv_.wait(mu_);
    else sync_group(true);
  }
  if (g->error) std::rethrow_exception(g->error);
}

void ListenOutput::settle() {
  closing_ = true;
  cv_.wait(mu_, [this] { return !syncing_; });
  sync_group(false);
  closing_ = false;
  cv_.notify_all();
}

void ListenOutput::sync_group(bool unlocked) {
  const auto g = std::exchange(group_, std::make_shared<Group>());
  auto finish = [&](std::exception_ptr error) {
    g->done = true;
    g->error = std::move(error);
    cv_.notify_all();
  };
  if (!broken_.empty()) return finish(std::make_exception_ptr(DataError(broken_)));
  if (!out_) return finish(nullptr);  // nothing written since the file was closed
  uint64_t end;
  try {
    end = out_->checkpoint();
  } catch (const DataError& e) {
    take_back(sealed_, e.what());
    return finish(group_error_);
  } catch (...) {
    return finish(std::current_exception());  // the reader of standard output went away
  }
  sealed_ = end;
  // While the lock is let go others write after `end`; the file stays open (settle() waits).
  RecordOutput* out = out_.get();
  std::string error;
  if (unlocked) {
    syncing_ = true;
    mu_.unlock();
  }
  try {
    out->sync();
  } catch (const DataError& e) {
    error = e.what();
  }
  if (unlocked) {
    mu_.lock();
    syncing_ = false;
  }
  if (!error.empty()) {
    take_back(synced_, error);
    return finish(group_error_);
  }
  synced_ = end;
  finish(nullptr);
}

void ListenOutput::take_back(uint64_t length, const std::string& why) {
  try {
    out_->truncate(length);
    sealed_ = length;
    tool_.warn(
        fmt::format("{}; what was not acknowledged yet is taken back out of it (500 to its requests), and flowcat "
                    "goes on",
                    why));
    group_error_ = std::make_exception_ptr(TakenBack(why));
  } catch (const DataError& e) {
    tool_.warn(e.what());
    broken_ = why;
    group_error_ = std::make_exception_ptr(DataError(why));
  }
  tool_.status = 1;
  // The requests that wrote after `length` are not answered yet: each is refused.
  const auto g = std::exchange(group_, std::make_shared<Group>());
  g->done = true;
  g->error = group_error_;
  cv_.notify_all();
}

std::unique_ptr<ListenOutput> listen_output(const CommonOptions& o, Tool& tool, std::mutex& mu) {
  if (o.output_format == "table" || o.output_format == "parquet")
    throw UsageError(fmt::format("--listen: -O {} cannot be written as records arrive", o.output_format));
  struct stat st;
  bool dir = !o.output.empty() && (o.output.back() == '/' || (stat(o.output.c_str(), &st) == 0 && S_ISDIR(st.st_mode)));
  if (!dir) return std::make_unique<StreamOutput>(o, tool, mu);
  std::string d = o.output.back() == '/' ? o.output : o.output + "/";
  if (mkdir(d.c_str(), 0777) != 0 && errno != EEXIST)
    throw DataError(fmt::format("{}: cannot create the directory: {}", d, std::strerror(errno)));
  return std::make_unique<HourlyOutput>(o, tool, mu, d);
}

}  // namespace flow
