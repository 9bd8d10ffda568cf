// Network I/O: inputs from http(s) URLs, and the HTTP sink (flowcat --post).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/format.hpp"
#include "flow/io.hpp"

namespace flow {

/// True for "http://..." and "https://...": such an input is fetched, not opened.
bool is_url(std::string_view s);
/// The URL for messages: without user info and query string (pre-signed URLs carry their
/// credentials in the query), e.g. "https://bucket.s3.amazonaws.com/key?…".
std::string redact_url(std::string_view url);

/// The body of GET `url`, streamed (memory stays bounded whatever the size): redirects are
/// followed (at most 20), connect and read timeouts apply. A status other than 2xx, a failed
/// connection or a body cut short is a DataError naming the redacted URL.
std::unique_ptr<ByteSource> http_source(const std::string& url, const NetTimeouts& t);

/// How flowcat --post delivers records.
struct PostOptions {
  std::string url;
  std::string shape = "ndjson";      ///< ndjson, elasticsearch (_bulk), splunk (HEC)
  std::string es_index;              ///< elasticsearch: "_index" of each action line ("" = the URL's)
  std::vector<std::string> headers;  ///< "Name: value"
  bool gzip = false;
  uint64_t batch_records = 1000;
  std::string batch_bytes = "4Mi";
  unsigned retries = 8;     ///< attempts after the first
  double retry_time = 120;  ///< seconds, in all, of retrying one batch
  double backoff = 0.5;     ///< seconds before the first retry (then doubled, with jitter)
};
/// A Writer that posts the records as JSON in batches, with retries. finish() sends the rest,
/// reports how many records were delivered, and throws DataError when some were not.
class PostWriter : public Writer {
 public:
  /// What became of the records so far, for a stop now (a signal): "URL: WHY; N records
  /// delivered, M not delivered; the rest of the input was not sent", the line of a post that
  /// fails. Records sent but not yet acknowledged count as not delivered. Safe to call from
  /// another thread while the writer sends.
  virtual std::string stopped(std::string_view why) const = 0;
};
std::unique_ptr<PostWriter> http_writer(const PostOptions& o, const NetTimeouts& t, Messages messages);

}  // namespace flow
