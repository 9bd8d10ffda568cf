// The insides of s3::Client: signed requests with retries, shared by listings and objects.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <thread>

#include "flow/aws.hpp"
#include "flow/s3.hpp"

namespace flow::s3 {

/// What one request met: a status and headers, or a network error (status 0).
struct Reply {
  int status = 0;
  std::string reason;
  httplib::Headers headers;
  std::string body;  ///< of answers that are not 2xx, and of 2xx ones without on_data (bounded)
  httplib::Error error = httplib::Error::Success;
  bool ok() const { return status >= 200 && status < 300; }
  std::string header(const char* name) const;
};

/// A failure worth another attempt: 5xx, 429, SlowDown, a connection or a read that broke.
bool retryable(const Reply& r);

struct Client::Impl {
  explicit Impl(Options o);

  /// One signed request for bucket/key (GET unless `method`); a 2xx body goes to `on_data`
  /// (when given: return false to stop). A reply naming the bucket's Region
  /// (x-amz-bucket-region) is sent again there.
  Reply send(const Location& loc, const std::vector<std::pair<std::string, std::string>>& query,
             const std::vector<std::pair<std::string, std::string>>& headers,
             const std::function<bool(const char*, size_t)>& on_data = nullptr, httplib::Client** live = nullptr,
             const std::function<void(const Reply&)>& on_head = nullptr);
  /// "HTTP 403 AccessDenied: Access Denied (credentials: environment)", for messages.
  std::string describe(const Reply& r);
  /// The wait before retry `attempt` (0-based): backoff * 2^attempt, times 0.5..1 (jitter).
  std::chrono::duration<double> delay(unsigned attempt);
  void pause(unsigned attempt) { std::this_thread::sleep_for(delay(attempt)); }
  /// Every object under `prefix` (or one level of it), all pages.
  void list(const std::string& bucket, const std::string& prefix, bool delimited, std::vector<ObjectInfo>& objects,
            std::vector<std::string>& prefixes);

  Options opts;
  aws::Settings settings;
  std::string endpoint;  ///< scheme://host[:port] of an S3-compatible store, "" = AWS
  std::mutex mu;
  std::unique_ptr<aws::CredentialChain> chain;
  std::string cred_source;
  std::map<std::string, std::string> regions;  ///< bucket -> Region, as found out
  std::atomic<uint64_t> lists{0}, gets{0}, retries{0}, resumes{0}, opened{0}, bytes{0};
  std::map<std::string, uint64_t> sizes;  ///< url -> size, of listed objects
  // Fetching ahead: the objects in the order expand() listed them, and those started early.
  std::vector<std::string> plan;
  std::map<std::string, size_t> plan_index;
  std::map<std::string, std::unique_ptr<ByteSource>> ahead;
  size_t next_ahead = 0;

 private:
  aws::Credentials credentials();
  std::string region_of(const std::string& bucket);
};

/// The object's bytes as a stream: a GET started at the first read() or by start() (fetching
/// ahead), resumed with a range request where the body breaks.
std::unique_ptr<ByteSource> object_source(std::shared_ptr<Client::Impl> impl, const Location& loc, uint64_t size);
/// Starts the GET of a source of object_source() now (fetching ahead).
void start_fetch(ByteSource& src);

}  // namespace flow::s3
