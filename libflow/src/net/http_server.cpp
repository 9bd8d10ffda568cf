// The HTTP/1.1 server of flow::http: an accepting thread, a thread per connection, and a
// deadline on every wait for a client (poll() before each read and write), so that a client
// sending a byte a second holds one connection for header_timeout seconds at most, and a stop
// ends within its grace period whatever the clients do.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/http_server.hpp"
#include "flow/io.hpp"

namespace flow::http {
namespace {

using Ms = int64_t;  // milliseconds of the steady clock
constexpr Ms kNever = INT64_MAX;

Ms now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}
Ms ms(double seconds) { return static_cast<Ms>(seconds * 1000); }

const char* reason(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 417: return "Expectation Failed";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

/// "Sun, 06 Nov 1994 08:49:37 GMT" (RFC 9110 section 5.6.7), whatever the locale.
std::string http_date() {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  return fmt::format("{}, {:02} {} {} {:02}:{:02}:{:02} GMT", days[tm.tm_wday], tm.tm_mday, months[tm.tm_mon],
                     tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string serialize(const Response& r, bool close) {
  std::string s = fmt::format("HTTP/1.1 {} {}\r\nDate: {}\r\nContent-Length: {}\r\n", r.status, reason(r.status),
                              http_date(), r.body.size());
  if (!r.body.empty()) s += fmt::format("Content-Type: {}\r\n", r.content_type);
  for (const auto& [n, v] : r.fields) s += fmt::format("{}: {}\r\n", n, v);
  if (close) s += "Connection: close\r\n";
  s += "\r\n";
  s += r.body;
  return s;
}

Response plain(int status, std::string_view text) {
  Response r;
  r.status = status;
  r.body = fmt::format("{}\n", text);
  return r;
}

std::string peer_name(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (a.ss_family == AF_INET) inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(a).sin_addr, buf, sizeof buf);
  else if (a.ss_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(a).sin6_addr, buf, sizeof buf);
  return buf;
}

}  // namespace

struct Server::Impl {
  ServerOptions o;
  Handler handler;
  int listen_fd = -1;
  int wake[2] = {-1, -1};  ///< written once by stop(): every wait that a stop ends watches it
  std::atomic<bool> stopping{false};
  std::atomic<Ms> grace_end{kNever};
  std::atomic<uint64_t> held{0};  ///< bytes of bodies held (ServerOptions::max_held_bytes)

  std::mutex mu;  // the connection threads
  std::map<uint64_t, std::thread> threads;
  std::vector<uint64_t> finished;
  uint64_t next_id = 0;

  /// What a connection over the limit is told: it is closed once the client has read it (or
  /// after a moment), so that the answer is not lost to a reset.
  struct Lingering {
    int fd;
    Ms until;
  };
  std::vector<Lingering> lingering;

  void accept_one();
  void serve(int fd, std::string remote);
  void reap(bool all);
};

namespace {

/// One connection: its socket, the bytes read and not yet used, and the waits with deadlines.
class Conn {
 public:
  Conn(Server::Impl& s, int fd) : s_(s), fd_(fd) {}

  enum Wait { Ready, Timeout, Stopped };
  /// Waits for the socket (POLLIN or POLLOUT) until `deadline`; a stop ends the wait at once
  /// when `stoppable`, else brings the deadline forward to the end of the grace period.
  Wait wait(short events, Ms deadline, bool stoppable) {
    for (;;) {
      const bool stopped = s_.stopping.load();
      if (stopped && stoppable) return Stopped;
      Ms until = stopped ? std::min(deadline, s_.grace_end.load()) : deadline;
      Ms now = now_ms();
      if (now >= until) return now >= deadline ? Timeout : Stopped;
      pollfd p[2] = {{fd_, events, 0}, {s_.wake[0], POLLIN, 0}};
      int timeout = static_cast<int>(std::min<Ms>(until - now, 1000));
      int n = poll(p, stopped ? 1 : 2, timeout);
      if (n < 0 && errno != EINTR) return Timeout;
      if (n > 0 && p[0].revents) return Ready;
    }
  }
  /// Reads more bytes into buf; false at the end of the stream, an error, a timeout or a stop.
  bool fill(Ms deadline, bool stoppable, Wait* why = nullptr) {
    for (;;) {
      Wait w = wait(POLLIN, deadline, stoppable);
      if (why) *why = w;
      if (w != Ready) return false;
      char tmp[64 * 1024];
      ssize_t n = recv(fd_, tmp, sizeof tmp, MSG_DONTWAIT);
      if (n > 0) {
        buf.append(tmp, static_cast<size_t>(n));
        return true;
      }
      if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) return false;
    }
  }
  /// Sends all of `data`; one attempt is made even past the deadline (an answer usually fits
  /// the socket's buffer).
  bool send_all(std::string_view data, Ms deadline) {
    while (!data.empty()) {
      ssize_t n = send(fd_, data.data(), data.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n > 0) {
        data.remove_prefix(static_cast<size_t>(n));
        continue;
      }
      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
      if (wait(POLLOUT, deadline, false) != Ready) return false;
    }
    return true;
  }
  const ServerOptions& opts() const { return s_.o; }
  Server::Impl& server() { return s_; }

  std::string buf;

 private:
  Server::Impl& s_;
  int fd_;
};

/// The body of one request, read from the connection on demand.
class ConnBody : public Body {
 public:
  ConnBody(Conn& c, const RequestHead& h) : c_(c), h_(h) {}
  ~ConnBody() override { c_.server().held -= reserved_; }
  ConnBody(const ConnBody&) = delete;
  ConnBody& operator=(const ConnBody&) = delete;
  /// The body was read to its end: the next request on the connection can be read.
  bool consumed() const { return consumed_ || (!h_.chunked && h_.length.value_or(0) == 0); }

  Result read(std::string& out, uint64_t max) override {
    out.clear();
    if (started_) return fail(Bad, "the body was read already");
    started_ = true;
    if (h_.length && *h_.length > max) return fail(TooLarge, fmt::format("body over {} bytes", max));
    auto coding = content_coding();
    if (!coding)
      return fail(Unsupported,
                  fmt::format("unsupported Content-Encoding '{}'", printable(*h_.field("Content-Encoding"))));
    if (h_.expect_continue && !c_.send_all("HTTP/1.1 100 Continue\r\n\r\n", now_ms() + ms(c_.opts().write_timeout)))
      return fail(Bad, "the client went away");
    std::string raw;
    Result r = read_raw(raw, max);
    if (r != Ok) return r;
    consumed_ = true;
    if (coding->empty()) {
      out = std::move(raw);
      return Ok;
    }
    return decode(std::move(raw), *coding, out, max);
  }

 private:
  Result fail(Result r, std::string why) {
    error_ = std::move(why);
    return r;
  }

  /// Counts `total` bytes of this body against max_held_bytes; false when they do not fit.
  bool hold(uint64_t total) {
    if (total <= reserved_) return true;
    const uint64_t more = total - reserved_, max = c_.opts().max_held_bytes;
    auto& held = c_.server().held;
    uint64_t now = held.load();
    do {
      if (max && now + more > max) return false;
    } while (!held.compare_exchange_weak(now, now + more));
    reserved_ = total;
    return true;
  }
  Result busy() { return fail(Busy, "too many request bodies at once"); }

  /// "" (none or identity), "gzip" or "zstd"; nullopt for anything else.
  std::optional<std::string> content_coding() const {
    auto v = h_.field("Content-Encoding");
    std::string c;
    if (v)
      for (char ch : *v) c += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    c.erase(std::remove_if(c.begin(), c.end(), [](char ch) { return ch == ' ' || ch == '\t'; }), c.end());
    if (c.empty() || c == "identity") return "";
    if (c == "gzip" || c == "x-gzip") return "gzip";
    if (c == "zstd") return "zstd";
    return std::nullopt;
  }

  /// The body as sent, its transfer coding undone; at a minimum rate after a first allowance.
  Result read_raw(std::string& raw, uint64_t max) {
    const Ms start = now_ms();
    const auto& o = c_.opts();
    auto deadline = [&](uint64_t got) {
      return start + ms(o.header_timeout) +
             (o.min_body_rate > 0 ? ms(static_cast<double>(got) / o.min_body_rate) : kNever / 2);
    };
    ChunkedDecoder chunks;
    uint64_t got = 0;  // bytes from the wire
    for (;;) {
      size_t used = 0;
      if (h_.chunked) {
        used = chunks.feed(c_.buf, raw);
        if (!chunks.error().empty()) return fail(Bad, "malformed chunked body: " + chunks.error());
        if (raw.size() > max) return fail(TooLarge, fmt::format("body over {} bytes", max));
      } else {
        used = static_cast<size_t>(std::min<uint64_t>(*h_.length - raw.size(), c_.buf.size()));
        raw.append(c_.buf, 0, used);
      }
      c_.buf.erase(0, used);
      got += used;
      // What a client has sent is held, not what it announced: a slow one holds little.
      if (!hold(raw.size())) return busy();
      if (h_.chunked ? chunks.done() : raw.size() == *h_.length) return Ok;
      Conn::Wait why = Conn::Ready;
      if (!c_.fill(deadline(got), false, &why)) {
        if (why == Conn::Stopped) return fail(Stopped, "the server stopped before the body was in");
        return fail(Bad, why == Conn::Timeout ? "the body came too slowly" : "the body was cut short");
      }
    }
  }

  Result decode(std::string raw, const std::string& coding, std::string& out, uint64_t max) {
    const std::string name = "Content-Encoding: " + coding;
    try {
      auto in = std::make_unique<InputStream>(memory_source(std::move(raw)), name);
      in->fill(4);
      in = std::make_unique<InputStream>(coding == "gzip" ? gzip_source(std::move(in)) : zstd_source(std::move(in)),
                                         name);
      in->set_limit(max);
      const uint64_t as_sent = reserved_;
      while (in->fill()) {
        if (!hold(as_sent + out.size() + in->size())) {
          out.clear();
          return busy();
        }
        out.append(in->view());
        in->consume(in->size());
      }
      return Ok;
    } catch (const InputTooLarge&) {
      out.clear();
      return fail(TooLarge, fmt::format("body over {} bytes once decompressed", max));
    } catch (const DataError& e) {
      out.clear();
      return fail(Bad, e.what());
    }
  }

  Conn& c_;
  const RequestHead& h_;
  bool started_ = false, consumed_ = false;
  uint64_t reserved_ = 0;  ///< bytes of this body counted in Impl::held
};

}  // namespace

void Server::Impl::serve(int fd, std::string remote) {
  Conn c(*this, fd);
  Ms waiting_since = now_ms();
  bool first = true;
  for (;;) {
    // The head: a new connection has header_timeout for it; a kept-alive one idle_timeout for
    // its first byte, then header_timeout. A stop ends this wait: no request is under way yet.
    RequestHead head;
    HeadResult h;
    Ms deadline = waiting_since + ms(o.header_timeout);
    if (!first && c.buf.empty() && !c.fill(std::min(deadline, waiting_since + ms(o.idle_timeout)), true)) break;
    Conn::Wait why = Conn::Ready;
    while ((h = parse_request_head(c.buf, head)).kind == HeadResult::Incomplete)
      if (!c.fill(deadline, true, &why)) break;
    if (h.kind == HeadResult::Incomplete) {
      if (why == Conn::Timeout && !c.buf.empty())
        c.send_all(serialize(plain(408, "the request head came too slowly"), true), now_ms() + 1000);
      break;
    }
    if (h.kind == HeadResult::Error) {
      c.send_all(serialize(plain(h.status, h.error), true), now_ms() + 1000);
      break;
    }
    c.buf.erase(0, h.size);
    first = false;

    Request req{std::move(head), remote};
    ConnBody body(c, req.head);
    Response res;
    try {
      res = handler(req, body);
    } catch (...) {
      res = plain(500, "internal error");
    }
    // A body left unread (a request refused from its head) cannot be told from the next
    // request: the connection ends after the answer.
    bool close = !req.head.keep_alive || !body.consumed() || stopping.load();
    if (!c.send_all(serialize(res, close), now_ms() + ms(o.write_timeout)) || close) break;
    waiting_since = now_ms();
  }
  // Closing with bytes unread would reset the connection, and the reset can destroy the answer
  // before the client reads it: say we are done, then read what still comes for a moment.
  ::shutdown(fd, SHUT_WR);
  const Ms linger_end = now_ms() + 1000;
  for (size_t drained = 0; drained < (1 << 20) && c.fill(linger_end, true); drained += c.buf.size()) c.buf.clear();
  close(fd);
}

void Server::Impl::accept_one() {
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&addr), &len, SOCK_CLOEXEC);
  if (fd < 0) {
    if (errno == EMFILE || errno == ENFILE) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::lock_guard lock(mu);
  if (threads.size() - finished.size() >= o.max_connections) {
    Response r = plain(503, "too many connections");
    r.fields.emplace_back("Retry-After", "1");
    std::string text = serialize(r, true);
    (void)!send(fd, text.data(), text.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    ::shutdown(fd, SHUT_WR);
    if (lingering.size() < 1024) {
      lingering.push_back({fd, now_ms() + 2000});
    } else {
      close(fd);
    }
    return;
  }
  uint64_t id = next_id++;
  threads.emplace(id, std::thread([this, fd, id, remote = peer_name(addr)] {
                    serve(fd, remote);
                    std::lock_guard done(mu);
                    finished.push_back(id);
                  }));
}

void Server::Impl::reap(bool all) {
  std::vector<std::thread> done;
  {
    std::lock_guard lock(mu);
    if (all) {
      for (auto& [id, t] : threads) done.push_back(std::move(t));
      threads.clear();
    } else {
      for (uint64_t id : finished) {
        done.push_back(std::move(threads[id]));
        threads.erase(id);
      }
    }
    finished.clear();
  }
  for (auto& t : done) t.join();
}

Server::Server(ServerOptions o, Handler h) : impl_(std::make_unique<Impl>()) {
  impl_->o = o;
  impl_->handler = std::move(h);
  if (pipe2(impl_->wake, O_CLOEXEC) != 0) throw DataError("cannot create a pipe");
}

Server::~Server() {
  stop(0);
  impl_->reap(true);
  for (int fd : {impl_->listen_fd, impl_->wake[0], impl_->wake[1]})
    if (fd >= 0) close(fd);
  for (auto& l : impl_->lingering) close(l.fd);
}

int Server::bind(const std::string& host, int port) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  if (getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &res) != 0) return -1;
  int fd = -1;
  for (addrinfo* a = res; a && fd < 0; a = a->ai_next) {
    fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
    if (fd < 0) continue;
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || listen(fd, 1024) != 0) {
      close(fd);
      fd = -1;
    }
  }
  freeaddrinfo(res);
  if (fd < 0) return -1;
  sockaddr_storage addr{};
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  impl_->listen_fd = fd;
  return ntohs(addr.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6&>(addr).sin6_port
                                          : reinterpret_cast<sockaddr_in&>(addr).sin_port);
}

void Server::run() {
  Impl& s = *impl_;
  while (!s.stopping.load()) {
    std::vector<pollfd> p = {{s.listen_fd, POLLIN, 0}, {s.wake[0], POLLIN, 0}};
    for (auto& l : s.lingering) p.push_back({l.fd, POLLIN, 0});
    poll(p.data(), p.size(), 200);
    if (p[0].revents & POLLIN) s.accept_one();
    // Lingering connections: closed when the client closes, sends more, or has had its moment.
    Ms now = now_ms();
    std::vector<Impl::Lingering> keep;
    for (size_t i = 0; i < s.lingering.size(); ++i) {
      char tmp[4096];
      bool ended = p.size() > i + 2 && (p[i + 2].revents & (POLLIN | POLLHUP | POLLERR)) &&
                   recv(s.lingering[i].fd, tmp, sizeof tmp, MSG_DONTWAIT) <= 0;
      if (ended || now >= s.lingering[i].until) close(s.lingering[i].fd);
      else keep.push_back(s.lingering[i]);
    }
    s.lingering = std::move(keep);
    s.reap(false);
  }
  close(s.listen_fd);  // new connections are refused from here on
  s.listen_fd = -1;
  s.reap(true);
}

void Server::stop(double grace) {
  Impl& s = *impl_;
  if (s.stopping.exchange(true)) return;
  s.grace_end.store(now_ms() + ms(grace));
  char b = 1;
  (void)!write(s.wake[1], &b, 1);
}

}  // namespace flow::http
