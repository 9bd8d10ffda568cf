// S3 inputs: s3://bucket/key and s3://bucket/prefix/ names, ListObjectsV2 (paginated, pruned by
// a time window in AWS's key layouts), and objects read as streams (signed GETs with retries,
// resumed by a range request where a body breaks) or at any offset (range GETs).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/error.hpp"
#include "flow/io.hpp"

namespace flow::s3 {

/// "s3://bucket/key": the bucket and the key ("" for the whole bucket; a prefix ends with '/').
struct Location {
  std::string bucket, key;
};
bool is_s3_url(std::string_view s);
/// Throws UsageError when `url` has no bucket.
Location parse_url(std::string_view url);

/// An object of a listing.
struct ObjectInfo {
  std::string key;
  uint64_t size = 0;
  std::string last_modified;  ///< as S3 gives it (ISO 8601)
};

/// One page of a ListObjectsV2 answer.
struct ListPage {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> prefixes;  ///< CommonPrefixes, with a delimiter
  bool truncated = false;
  std::string next_token;  ///< NextContinuationToken
};
/// Parses a ListObjectsV2 answer (entities undone); throws DataError when it is not one.
ListPage parse_list(std::string_view xml);
/// The <Code> and <Message> of an S3 error answer ("" when absent).
struct ErrorReply {
  std::string code, message;
};
ErrorReply parse_error(std::string_view xml);

/// The time window a listing is pruned to: objects whose name's time (YYYYMMDDTHHmmZ) lies in
/// [since - kSlackBefore, until + kSlackAfter) are kept, and only the date (and hour) folders of
/// AWS's two key layouts that may hold such objects are listed. AWS's sources disagree on what
/// the name's time covers, and a record may end up one capture window (10 min) after it starts.
struct Window {
  int64_t since = INT64_MIN, until = INT64_MAX;
  bool active() const { return since != INT64_MIN || until != INT64_MAX; }
};
constexpr int64_t kSlackBefore = 5 * 60, kSlackAfter = 20 * 60;

/// The time in an AWS object name (..._20240603T1005Z_hash.log.gz), or INT64_MIN when none.
int64_t name_time(std::string_view key);
/// Whether an object may hold records in the window (by its name's time; kept when it has none).
bool keep_object(std::string_view key, const Window& w);

/// Lists `prefix`: every object under it (delimited = false), or the objects and CommonPrefixes
/// one level down (delimited = true, delimiter '/'), all pages.
using Lister = std::function<void(const std::string& prefix, bool delimited, std::vector<ObjectInfo>& objects,
                                  std::vector<std::string>& prefixes)>;
/// The objects under `prefix` that may hold records in `w`, in key order: below an AWSLogs/
/// folder only the account and Region folders are listed one level at a time, then only the
/// day (and hour) folders in the window, in either layout
/// (AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/[HH/] or Hive's aws-account-id=/aws-service=/
/// aws-region=/year=/month=/day=/[hour=]); elsewhere everything is listed and kept by name.
std::vector<ObjectInfo> pruned_listing(const std::string& prefix, const Window& w, const Lister& list);

/// How to reach S3 (the command line's --endpoint-url, --region, --profile, --no-sign-request,
/// --s3-jobs; "" = from the environment and the config files, see aws::load_settings).
struct Options {
  std::string endpoint_url, region, profile;
  bool no_sign = false;
  unsigned jobs = 8;  ///< objects fetched at once (the one read and the next ones)
  NetTimeouts net;
  Window window;
  unsigned retries = 6;  ///< attempts after the first, on 5xx, SlowDown, resets
  double backoff = 0.2;  ///< seconds before the first retry (doubled each time, with jitter)
};

/// Counts, for tests and figures.
struct Stats {
  uint64_t lists = 0, gets = 0, retries = 0, resumes = 0;
  uint64_t opened = 0, bytes = 0;  ///< objects opened, bytes of objects fetched
};

/// An object that could not be read after the retries (or does not exist, or is refused): with
/// --on-error=skip|warn it is counted and named, not fatal to the run.
struct ObjectError : DataError {
  explicit ObjectError(const std::string& what) : DataError(what) { fatal = true; }
};

/// A client for S3 (or an S3-compatible store): credentials are looked up at the first request.
class Client {
 public:
  explicit Client(Options o);
  ~Client();
  /// The objects an input names, as s3:// names in key order: the object itself, or with a key
  /// ending in '/' (or none) every object under it (pruned by Options::window). Throws
  /// DataError when a listing fails or a prefix holds nothing.
  std::vector<std::string> expand(const std::string& url);
  /// The object's bytes, streamed (fetched ahead when expand() listed it); its random_access()
  /// reads ranges without fetching the whole object.
  std::unique_ptr<ByteSource> open(const std::string& url);
  /// Size of an object expand() listed (0 when unknown).
  uint64_t listed_size(const std::string& url) const;
  Stats stats() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

/// The process's client, which open_input() uses for s3:// names; set by the tools once they
/// know their options (null until then: an s3:// name is then an error).
void set_client(std::shared_ptr<Client> c);
std::shared_ptr<Client> client();

}  // namespace flow::s3
