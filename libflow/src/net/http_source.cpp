// A URL's body as a ByteSource: cpp-httplib receives on a thread into a bounded queue of chunks,
// read() takes them; the whole body is never held in memory.
#include <atomic>
#include <thread>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/net.hpp"
#include "net/chunk_queue.hpp"
#include "net/url.hpp"

namespace flow {
namespace {

constexpr size_t kMaxQueued = 8 << 20;  // bytes received and not yet read: the memory bound

class HttpSource : public ByteSource {
 public:
  HttpSource(const std::string& url, const NetTimeouts& t) : name_(redact_url(url)) {
    net::UrlParts parts = net::split_url(url);
    client_ = net::make_client(parts.origin, t);
    client_->set_follow_location(true);  // at most CPPHTTPLIB_REDIRECT_MAX_COUNT (20) hops
    thread_ = std::thread([this, target = std::move(parts.target)] { receive(target); });
  }
  ~HttpSource() override {
    queue_.cancel();
    client_->stop();  // a read waiting on the network returns now, not after the timeout
    thread_.join();
  }

  size_t read(char* buf, size_t n) override {
    std::string error;
    const size_t k = queue_.pop(buf, n, error);
    if (k == 0 && !error.empty()) throw DataError(name_, 0, "", error);
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
    auto on_data = [&](const char* p, size_t n) { return queue_.push(p, n); };
    auto res = client_->Get(target, on_response, on_data);
    std::string error;
    if (status != 0 && (status < 200 || status >= 300)) {
      error = fmt::format("HTTP {} {}", status, printable(reason));
    } else if (!res) {
      error = net::error_text(res.error());
    }
    queue_.finish(std::move(error));
  }

  std::string name_;
  std::unique_ptr<httplib::Client> client_;
  std::thread thread_;
  net::ChunkQueue queue_{kMaxQueued};
  std::atomic<uint64_t> position_{0}, size_{0};
};

}  // namespace

std::unique_ptr<ByteSource> http_source(const std::string& url, const NetTimeouts& t) {
  return std::make_unique<HttpSource>(url, t);
}

}  // namespace flow
