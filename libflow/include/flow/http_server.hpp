// A small HTTP/1.1 server (RFC 9112) for receivers that must stay up under slow or hostile
// clients: the whole head of a request has a deadline, a body a minimum rate, connections a
// limit, and a stop a bounded grace period. cpp-httplib bounds none of these (its timeouts are
// per read, its thread pool is fixed and cannot refuse a connection).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flow::http {

/// The head of a request as parse_request_head() finds it.
struct RequestHead {
  std::string method;
  std::string target;                                       ///< as sent: origin form "/p?q", absolute form, or "*"
  int minor = 1;                                            ///< HTTP/1.minor (0 or 1)
  std::vector<std::pair<std::string, std::string>> fields;  ///< names as sent, values trimmed
  bool chunked = false;                                     ///< Transfer-Encoding: chunked
  std::optional<uint64_t> length;                           ///< Content-Length (none and not chunked: no body)
  bool keep_alive = true;        ///< HTTP/1.1 unless "Connection: close"; 1.0 only with keep-alive
  bool expect_continue = false;  ///< "Expect: 100-continue"

  /// The value of a field (name without regard to case; repeated fields joined with ", ").
  std::optional<std::string> field(std::string_view name) const;
  /// The target's path, without the query (of an absolute-form target too).
  std::string path() const;
};

/// What parsing met: a complete head (its size in bytes, blank line included), too few bytes
/// yet, or an error with the status to answer (400, 431, 501, 505) and why.
struct HeadResult {
  enum Kind { Done, Incomplete, Error } kind = Incomplete;
  size_t size = 0;
  int status = 0;
  std::string error;
};

/// Heads larger than this are refused (431).
inline constexpr size_t kMaxHeadSize = 64 * 1024;

/// Parses the head of a request at the start of `bytes` (request line, header fields, blank
/// line) into `head`. Pure: no I/O; for any bytes it returns, never crashes (fuzz/http_head.cpp).
HeadResult parse_request_head(std::string_view bytes, RequestHead& head);

/// Undoes the chunked transfer coding (RFC 9112 section 7.1) a piece at a time: chunk
/// extensions and trailer fields are passed over.
class ChunkedDecoder {
 public:
  /// Decodes from the start of `in`, appending data to `out`; returns the bytes of `in` used
  /// (the rest, if done(), belongs to the next request). Sets error() on malformed input.
  size_t feed(std::string_view in, std::string& out);
  bool done() const { return state_ == State::Done; }
  const std::string& error() const { return error_; }

 private:
  enum class State { Size, Data, DataEnd, Trailer, Done, Bad };
  bool fail(std::string why);
  State state_ = State::Size;
  uint64_t left_ = 0;    ///< bytes of the current chunk still to come
  std::string line_;     ///< a chunk-size or trailer line so far
  size_t trailers_ = 0;  ///< bytes of trailer fields so far
  std::string error_;
};

/// A request being handled: its head and where it came from.
struct Request {
  RequestHead head;
  std::string remote_addr;
};

/// The answer to a request.
struct Response {
  int status = 200;
  std::string content_type = "text/plain";
  std::string body;
  std::vector<std::pair<std::string, std::string>> fields;
};

/// The body of the request being handled, read on demand: a handler that refuses a request
/// from its head (a wrong key, a Content-Length over the limit) never reads it.
class Body {
 public:
  enum Result { Ok, TooLarge, Bad, Unsupported, Stopped, Busy };
  virtual ~Body() = default;
  /// The whole body, transfer and content codings (gzip, zstd) undone, into `out`: TooLarge
  /// when it is or decodes to more than `max` bytes, Unsupported for another content coding,
  /// Bad when it is malformed, cut short or too slow (error() says which), Stopped when the
  /// server's grace period ended before it was in, Busy when the bodies held at once would pass
  /// ServerOptions::max_held_bytes.
  virtual Result read(std::string& out, uint64_t max) = 0;
  const std::string& error() const { return error_; }

 protected:
  std::string error_;
};

using Handler = std::function<Response(const Request&, Body&)>;

struct ServerOptions {
  double header_timeout = 10;    ///< seconds for the whole head of a request
  double idle_timeout = 5;       ///< seconds a kept-alive connection waits for the next request
  double write_timeout = 60;     ///< seconds the client may take to accept the answer
  double min_body_rate = 1000;   ///< bytes a second a body keeps up after header_timeout seconds
  size_t max_connections = 256;  ///< past it a connection is answered 503 and closed
  /// Bytes of request bodies (as sent and decoded) held at once by all connections: memory is
  /// bounded by this, not by max_connections times the body limit. 0: no bound.
  uint64_t max_held_bytes = 0;
};

/// Serves one handler on one listening socket, a thread per connection (at most
/// max_connections of them); every wait for a client has a deadline.
class Server {
 public:
  Server(ServerOptions o, Handler h);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  /// Listens on host:port (0: any free port); returns the port, or -1 when it cannot.
  int bind(const std::string& host, int port);
  /// Accepts and serves until stop(); returns when every connection is closed.
  void run();
  /// From any thread: stops accepting and closes idle connections and those still sending a
  /// head; requests under way get `grace` seconds to arrive and be answered, then are cut off.
  void stop(double grace);

  struct Impl;  ///< defined in http_server.cpp

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace flow::http
