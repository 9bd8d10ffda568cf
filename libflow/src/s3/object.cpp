// An S3 object's bytes: streamed by a GET on a thread into a bounded queue (resumed with a range
// request where the body breaks, retried with backoff), or read at any offset by range GETs.
#include <fmt/format.h>

#include <cstring>
#include <thread>

#include "net/chunk_queue.hpp"
#include "s3/client.hpp"

namespace flow::s3 {
namespace {

constexpr size_t kMaxQueued = 4 << 20;  // bytes fetched and not yet read, per object in flight

using Headers = std::vector<std::pair<std::string, std::string>>;

/// Bytes [offset, offset + n) of an object, by range GETs (retried).
class RangeAccess : public RandomAccess {
 public:
  RangeAccess(std::shared_ptr<Client::Impl> impl, Location loc, uint64_t size, std::string name)
      : impl_(std::move(impl)), loc_(std::move(loc)), size_(size), name_(std::move(name)) {}
  uint64_t size() const override { return size_; }
  const std::string& name() const override { return name_; }
  void read_at(uint64_t offset, char* buf, size_t n) const override {
    if (n == 0) return;
    if (offset > size_ || n > size_ - offset)
      throw DataError(name_, 0, "", fmt::format("bytes {}..{} are past the end ({} bytes)", offset, offset + n, size_));
    for (unsigned attempt = 0;; ++attempt) {
      size_t got = 0;
      ++impl_->gets;
      Reply r = impl_->send(loc_, {}, {{"range", fmt::format("bytes={}-{}", offset, offset + n - 1)}},
                            [&](const char* p, size_t k) {
                              k = std::min(k, n - got);
                              std::memcpy(buf + got, p, k);
                              got += k;
                              return true;
                            });
      if (r.status == 206 && got == n) return;
      if (r.status == 200 && offset == 0 && got == n) return;  // a store that sends it all
      if (r.ok() && r.status != 206 && r.error == httplib::Error::Success)
        throw ObjectError(fmt::format("{}: range requests are not answered (HTTP {})", name_, r.status));
      if ((!r.ok() && !retryable(r)) || attempt == impl_->opts.retries)
        throw ObjectError(fmt::format("{}: {}", name_, r.ok() ? "the body was cut short" : impl_->describe(r)));
      ++impl_->retries;
      impl_->pause(attempt);
    }
  }

 private:
  std::shared_ptr<Client::Impl> impl_;
  Location loc_;
  uint64_t size_;
  std::string name_;
};

class ObjectSource : public ByteSource {
 public:
  ObjectSource(std::shared_ptr<Client::Impl> impl, Location loc, uint64_t size)
      : impl_(std::move(impl)), loc_(std::move(loc)), name_(fmt::format("s3://{}/{}", loc_.bucket, loc_.key)) {
    size_ = size;
  }
  ~ObjectSource() override {
    queue_.cancel();
    {
      std::lock_guard lock(impl_->mu);
      if (live_) live_->stop();  // a read waiting on the network returns now
    }
    if (thread_.joinable()) thread_.join();
  }

  void start() {
    std::lock_guard lock(mu_);
    if (!started_) thread_ = std::thread([this] { receive(); });
    started_ = true;
  }

  size_t read(char* buf, size_t n) override {
    start();
    std::string error;
    const size_t k = queue_.pop(buf, n, error);
    if (k == 0 && !error.empty()) throw ObjectError(fmt::format("{}: {}", printable(name_), error));
    position_ += k;
    return k;
  }
  uint64_t raw_position() const override { return position_; }
  uint64_t raw_size() const override { return size_; }

  std::shared_ptr<RandomAccess> random_access() const override {
    uint64_t size = size_;
    if (size == 0) size = probe_size();
    return std::make_shared<RangeAccess>(impl_, loc_, size, printable(name_));
  }

 private:
  /// The size from a one-byte range GET (Content-Range: bytes 0-0/SIZE), for an object not listed.
  uint64_t probe_size() const {
    for (unsigned attempt = 0;; ++attempt) {
      ++impl_->gets;
      Reply r = impl_->send(loc_, {}, {{"range", "bytes=0-0"}}, [](const char*, size_t) { return true; });
      if (r.ok() && r.error == httplib::Error::Success) {
        const std::string cr = r.header("Content-Range");
        if (auto slash = cr.rfind('/'); slash != std::string::npos)
          return std::strtoull(cr.c_str() + slash + 1, nullptr, 10);
        return std::strtoull(r.header("Content-Length").c_str(), nullptr, 10);  // an empty object: 200
      }
      if ((!r.ok() && !retryable(r)) || attempt == impl_->opts.retries)
        throw ObjectError(fmt::format("{}: {}", printable(name_), impl_->describe(r)));
      ++impl_->retries;
      impl_->pause(attempt);
    }
  }

  void receive() { queue_.finish(fetch()); }

  /// The GET, resumed where it broke; "" when the whole body arrived, else what went wrong.
  std::string fetch() {
    uint64_t received = 0, expected = UINT64_MAX;
    std::string etag;
    for (unsigned attempt = 0;; ++attempt) {
      Headers h;
      if (received > 0) {
        h.emplace_back("range", fmt::format("bytes={}-", received));
        if (!etag.empty()) h.emplace_back("if-match", etag);  // the same object, not a newer one
      }
      uint64_t drop = 0;  // a store that ignores Range sends it all again
      auto on_head = [&](const Reply& r) {
        if (etag.empty()) etag = r.header("ETag");
        if (r.status == 200) {
          drop = received;
          expected = std::strtoull(r.header("Content-Length").c_str(), nullptr, 10);
        } else if (auto slash = r.header("Content-Range").rfind('/'); slash != std::string::npos) {
          expected = std::strtoull(r.header("Content-Range").c_str() + slash + 1, nullptr, 10);
        }
        if (expected != UINT64_MAX) size_ = expected;
      };
      auto on_data = [&](const char* p, size_t n) {
        const size_t skip = static_cast<size_t>(std::min<uint64_t>(drop, n));
        drop -= skip;
        if (n > skip && !queue_.push(p + skip, n - skip)) return false;
        received += n - skip;
        impl_->bytes += n - skip;
        return true;
      };
      ++impl_->gets;
      if (received > 0) ++impl_->resumes;
      Reply r = impl_->send(loc_, {}, h, on_data, &live_, on_head);
      if (queue_.cancelled()) return "";
      const bool whole =
          r.ok() && r.error == httplib::Error::Success && (expected == UINT64_MAX || received >= expected);
      if (whole) return "";
      if (r.status == 412) return "the object changed while it was read";
      if (!r.ok() && !retryable(r)) return impl_->describe(r);
      if (attempt == impl_->opts.retries)
        return fmt::format("{} (after {} attempts)", r.ok() ? "the body was cut short" : impl_->describe(r),
                           attempt + 1);
      ++impl_->retries;
      if (queue_.wait_cancelled(impl_->delay(attempt))) return "";  // the destructor cuts it short
    }
  }

  std::shared_ptr<Client::Impl> impl_;
  Location loc_;
  std::string name_;
  std::thread thread_;
  httplib::Client* live_ = nullptr;  // the request in progress (under impl_->mu)
  std::mutex mu_;                    // of started_
  bool started_ = false;
  net::ChunkQueue queue_{kMaxQueued};
  std::atomic<uint64_t> position_{0}, size_{0};
};

std::shared_ptr<Client> the_client;
std::mutex the_client_mu;

}  // namespace

std::unique_ptr<ByteSource> object_source(std::shared_ptr<Client::Impl> impl, const Location& loc, uint64_t size) {
  return std::make_unique<ObjectSource>(std::move(impl), loc, size);
}

void start_fetch(ByteSource& src) { static_cast<ObjectSource&>(src).start(); }

std::unique_ptr<ByteSource> Client::open(const std::string& url) {
  const Location loc = parse_url(url);
  std::lock_guard lock(impl_->mu);
  ++impl_->opened;
  std::unique_ptr<ByteSource> src;
  if (auto it = impl_->ahead.find(url); it != impl_->ahead.end()) {
    src = std::move(it->second);
    impl_->ahead.erase(it);
  } else {
    auto s = impl_->sizes.find(url);
    src = object_source(impl_, loc, s == impl_->sizes.end() ? 0 : s->second);
  }
  // The next objects of the listing are fetched while this one is read: `jobs` in flight at most.
  if (auto at = impl_->plan_index.find(url); at != impl_->plan_index.end()) {
    impl_->next_ahead = std::max(impl_->next_ahead, at->second + 1);
    const size_t room = impl_->opts.jobs > 1 ? impl_->opts.jobs - 1 : 0;  // besides this one
    while (impl_->ahead.size() < room && impl_->next_ahead < impl_->plan.size()) {
      const std::string& next = impl_->plan[impl_->next_ahead++];
      auto next_src = object_source(impl_, parse_url(next), impl_->sizes[next]);
      start_fetch(*next_src);
      impl_->ahead.emplace(next, std::move(next_src));
    }
  }
  return src;
}

bool is_s3_url(std::string_view s) { return s.starts_with("s3://"); }

Location parse_url(std::string_view url) {
  if (!is_s3_url(url)) throw UsageError(fmt::format("{}: not an s3:// name", url));
  std::string_view rest = url.substr(5);
  const size_t slash = rest.find('/');
  Location loc{std::string(rest.substr(0, slash)),
               slash == std::string_view::npos ? "" : std::string(rest.substr(slash + 1))};
  if (loc.bucket.empty()) throw UsageError(fmt::format("{}: no bucket (s3://BUCKET/KEY)", url));
  return loc;
}

void set_client(std::shared_ptr<Client> c) {
  std::lock_guard lock(the_client_mu);
  the_client = std::move(c);
}

std::shared_ptr<Client> client() {
  std::lock_guard lock(the_client_mu);
  return the_client;
}

}  // namespace flow::s3
