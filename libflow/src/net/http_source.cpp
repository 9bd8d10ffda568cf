// A URL's body as a ByteSource: cpp-httplib receives on a thread into a bounded queue of chunks,
// read() takes them; the whole body is never held in memory.
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/net.hpp"
#include "net/url.hpp"

namespace flow {
namespace {

constexpr size_t kMaxQueued = 8 << 20;  // bytes received and not yet read: the memory bound
constexpr size_t kChunk = 256 << 10;

class HttpSource : public ByteSource {
 public:
  HttpSource(const std::string& url, const NetTimeouts& t) : name_(redact_url(url)) {
    net::UrlParts parts = net::split_url(url);
    client_ = net::make_client(parts.origin, t);
    client_->set_follow_location(true);  // at most CPPHTTPLIB_REDIRECT_MAX_COUNT (20) hops
    thread_ = std::thread([this, target = std::move(parts.target)] { receive(target); });
  }
  ~HttpSource() override {
    {
      std::lock_guard lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
    client_->stop();  // a read waiting on the network returns now, not after the timeout
    thread_.join();
  }

  size_t read(char* buf, size_t n) override {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !chunks_.empty() || finished_; });
    if (chunks_.empty()) {
      if (!error_.empty()) throw DataError(name_, 0, "", error_);
      return 0;
    }
    std::string& c = chunks_.front();
    size_t k = std::min(n, c.size() - front_used_);
    std::memcpy(buf, c.data() + front_used_, k);
    front_used_ += k;
    if (front_used_ == c.size()) {
      queued_ -= c.size();
      chunks_.pop_front();
      front_used_ = 0;
      cv_.notify_all();
    }
    position_ += k;
    return k;
  }
  uint64_t raw_position() const override { return position_; }
  uint64_t raw_size() const override { return size_; }

 private:
  void receive(const std::string& target) {
    int status = 0;
    std::string reason;
    auto on_response = [&](const httplib::Response& res) {
      status = res.status;
      reason = res.reason;
      if (res.status < 200 || res.status >= 300) return false;
      if (res.has_header("Content-Length") && !res.has_header("Content-Encoding"))
        size_ = std::strtoull(res.get_header_value("Content-Length").c_str(), nullptr, 10);
      return true;
    };
    auto on_data = [&](const char* p, size_t n) {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return queued_ < kMaxQueued || cancelled_; });
      if (cancelled_) return false;
      // cpp-httplib hands over 4 KiB at a time: gathered into larger chunks for fewer wake-ups.
      if (!chunks_.empty() && chunks_.back().size() < kChunk) {
        chunks_.back().append(p, n);
      } else {
        chunks_.emplace_back(p, n);
      }
      queued_ += n;
      cv_.notify_all();
      return true;
    };
    auto res = client_->Get(target, on_response, on_data);
    std::string error;
    if (status != 0 && (status < 200 || status >= 300)) {
      error = fmt::format("HTTP {} {}", status, printable(reason));
    } else if (!res) {
      error = net::error_text(res.error());
    }
    {
      std::lock_guard lock(mu_);
      if (!cancelled_) error_ = std::move(error);
      finished_ = true;
    }
    cv_.notify_all();
  }

  std::string name_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> chunks_;
  size_t front_used_ = 0, queued_ = 0;
  bool finished_ = false, cancelled_ = false;
  std::string error_;
  std::atomic<uint64_t> position_{0}, size_{0};
};

}  // namespace

std::unique_ptr<ByteSource> http_source(const std::string& url, const NetTimeouts& t) {
  return std::make_unique<HttpSource>(url, t);
}

}  // namespace flow
