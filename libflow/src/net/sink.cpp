// flowcat --post: records as JSON documents in batches to an HTTP endpoint, retried with
// exponential backoff; every record is counted as delivered or not delivered, never dropped.
#include <atomic>
#include <chrono>
#include <cmath>
#include <random>
#include <thread>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/net.hpp"
#include "flow/units.hpp"
#include "net/bulk.hpp"
#include "net/url.hpp"

namespace flow {
namespace {

using Clock = std::chrono::steady_clock;

httplib::Headers parse_headers(const std::vector<std::string>& specs) {
  httplib::Headers h;
  for (const auto& s : specs) {
    auto colon = s.find(':');
    if (colon == std::string::npos || colon == 0)
      throw UsageError(fmt::format("--header '{}': expected 'Name: value'", printable(s)));
    auto value = s.find_first_not_of(" \t", colon + 1);
    h.emplace(s.substr(0, colon), value == std::string::npos ? "" : s.substr(value));
  }
  return h;
}

/// What one attempt at sending came to.
struct Attempt {
  bool retry = false;       ///< worth another try (connection error, 408, 429, 5xx)
  double retry_after = -1;  ///< seconds the server asked for (Retry-After), or -1
  std::string error;        ///< why it failed, for messages; empty on success
};

/// The start of an answer's body, for messages.
std::string excerpt(std::string_view body) {
  body = body.substr(0, std::min<size_t>(200, body.find_last_not_of(" \t\r\n") + 1));
  return printable(body);
}

class HttpWriter : public PostWriter {
 public:
  HttpWriter(const PostOptions& o, const NetTimeouts& t, Messages messages)
      : o_(o),
        messages_(std::move(messages)),
        url_(redact_url(o.url)),
        docs_(net::parse_shape(o.shape), o.es_index),
        shape_(net::parse_shape(o.shape)),
        max_bytes_(parse_size(o.batch_bytes)),
        rng_(std::random_device{}()) {
    if (o.batch_records == 0 || max_bytes_ == 0) throw UsageError("--batch-records and --batch-bytes must be above 0");
    if (!is_url(o.url)) throw UsageError(fmt::format("--post '{}': not an http:// or https:// URL", redact_url(o.url)));
    headers_ = parse_headers(o.headers);
    net::UrlParts parts = net::split_url(o.url);
    target_ = parts.target;
    client_ = net::make_client(parts.origin, t);
    client_->set_compress(o.gzip);  // Content-Encoding: gzip, by cpp-httplib's zlib
  }

  void write(const Record& r) override {
    batch_.push_back(docs_.doc(r));
    bytes_ += batch_.back().size();
    ++records_;
    if (batch_.size() >= o_.batch_records || bytes_ >= max_bytes_) send();
  }

  void finish() override {
    send();
    if (failed_ == 0) {
      const uint64_t n = delivered_.load();
      messages_.notice(fmt::format("delivered {} record{} to {}", n, n == 1 ? "" : "s", url_));
      return;
    }
    throw DataError(fmt::format("{}: {} of {} records not delivered ({} delivered); first error: {}", url_, failed_,
                                records_.load(), delivered_.load(), first_error_));
  }

  std::string stopped(std::string_view why) const override {
    // Read delivered first: records only grow, so the difference is never negative.
    const uint64_t delivered = delivered_.load();
    return fmt::format("{}: {}; {} records delivered, {} not delivered; the rest of the input was not sent", url_, why,
                       delivered, records_.load() - delivered);
  }

 private:
  /// Sends the batch until every document is delivered, has failed for good, or retries run out.
  void send() {
    if (batch_.empty()) return;
    const auto deadline = Clock::now() + std::chrono::duration<double>(o_.retry_time);
    for (unsigned attempt = 0;; ++attempt) {
      Attempt a = post();
      if (a.error.empty() && batch_.empty()) break;
      if (!a.retry) return give_up(a.error);
      double wait = a.retry_after >= 0 ? a.retry_after : backoff(attempt);
      auto left = std::chrono::duration<double>(deadline - Clock::now()).count();
      if (attempt >= o_.retries || wait > left)
        return give_up(fmt::format("{} (gave up after {} attempt{})", a.error, attempt + 1, attempt ? "s" : ""));
      messages_.warning(fmt::format("{}: {}; retrying ({} of {})", url_, a.error, attempt + 1, o_.retries));
      std::this_thread::sleep_for(std::chrono::duration<double>(wait));
    }
    bytes_ = 0;
  }

  /// One POST of the batch. Delivered documents leave the batch; those to send again stay.
  Attempt post() {
    std::string body;
    body.reserve(bytes_);
    for (const auto& d : batch_) body += d;
    auto res = client_->Post(target_, headers_, body, std::string(docs_.content_type()));
    if (!res) return {true, -1, net::error_text(res.error())};
    const int status = res->status;
    if (status >= 200 && status < 300) {
      if (shape_ == net::Shape::Elasticsearch) return bulk_outcome(res->body);
      delivered_ += batch_.size();
      batch_.clear();
      return {};
    }
    Attempt a;
    a.retry = status == 408 || status == 429 || status >= 500;
    a.error = fmt::format("HTTP {} {}", status, printable(res->reason));
    const std::string said = excerpt(res->body);
    if (!said.empty()) a.error += ": " + said;
    if (res->has_header("Retry-After")) {
      // Seconds only; an HTTP date falls back to our own backoff.
      const std::string& v = res->get_header_value("Retry-After");
      char* end = nullptr;
      double secs = std::strtod(v.c_str(), &end);
      if (end != v.c_str() && *end == '\0' && secs >= 0) a.retry_after = secs;
    }
    return a;
  }

  /// A 2xx from _bulk: items that failed with 429 (or 5xx) are sent again, others are counted.
  /// An answer that is not a _bulk response (a proxy's HTML page, say) delivers nothing known.
  Attempt bulk_outcome(const std::string& body) {
    std::vector<net::BulkItem> items;
    try {
      if (net::bulk_all_ok(body)) {
        delivered_ += batch_.size();
        batch_.clear();
        return {};
      }
      items = net::bulk_items(body);
    } catch (const DataError& e) {
      const std::string said = excerpt(body);
      give_up(said.empty() ? e.message() : fmt::format("{}: {}", e.message(), said));
    }
    if (items.size() != batch_.size())
      give_up(fmt::format("_bulk answered {} items for {} documents", items.size(), batch_.size()));
    std::vector<std::string> again;
    std::string why;
    for (size_t i = 0; i < items.size(); ++i) {
      const int status = items[i].status;
      if (status >= 200 && status < 300) {
        ++delivered_;
      } else if (status == 429 || status >= 500) {
        again.push_back(std::move(batch_[i]));
        if (why.empty()) why = items[i].error;
      } else {
        ++failed_;
        if (first_error_.empty()) first_error_ = fmt::format("_bulk item status {}: {}", status, items[i].error);
      }
    }
    batch_ = std::move(again);
    if (batch_.empty()) return {};
    return {true, -1, fmt::format("{} _bulk item{} refused ({})", batch_.size(), batch_.size() == 1 ? "" : "s", why)};
  }

  double backoff(unsigned attempt) {
    // Exponential with jitter: [0.5, 1] x base x 2^attempt, at most a minute.
    double cap = std::min(60.0, o_.backoff * std::pow(2.0, attempt));
    return std::uniform_real_distribution<double>(0.5 * cap, cap)(rng_);
  }

  [[noreturn]] void give_up(const std::string& why) {
    failed_ += batch_.size();
    if (first_error_.empty()) first_error_ = why;
    batch_.clear();
    bytes_ = 0;
    // The endpoint refuses or is gone: what is left of the input would fail the same way, and a
    // record not sent must not be counted as delivered. Stop here, saying what became of each.
    throw DataError(stopped(why));
  }

  const PostOptions& o_;
  Messages messages_;
  std::string url_, target_;
  net::DocFormatter docs_;
  net::Shape shape_;
  uint64_t max_bytes_;
  httplib::Headers headers_;
  std::unique_ptr<httplib::Client> client_;
  std::vector<std::string> batch_;
  uint64_t bytes_ = 0, failed_ = 0;
  std::atomic<uint64_t> records_ = 0, delivered_ = 0;  // read by stopped() from a signal's thread
  std::string first_error_;
  std::minstd_rand rng_;
};

}  // namespace

std::unique_ptr<PostWriter> http_writer(const PostOptions& o, const NetTimeouts& t, Messages messages) {
  return std::make_unique<HttpWriter>(o, t, std::move(messages));
}

}  // namespace flow
