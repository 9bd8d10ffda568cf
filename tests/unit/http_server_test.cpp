// flow::http: the request head parser and the chunked decoder (RFC 9112), strict where a lax
// reading would let two parties frame one message two ways.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <thread>

#include "flow/http_server.hpp"

using flow::http::ChunkedDecoder;
using flow::http::HeadResult;
using flow::http::parse_request_head;
using flow::http::RequestHead;

namespace {
HeadResult parse(std::string_view s) {
  RequestHead h;
  return parse_request_head(s, h);
}
}  // namespace

TEST_CASE("http: a request head, its fields and its framing") {
  RequestHead h;
  std::string text = "POST /fh?x=1 HTTP/1.1\r\nHost: h\r\ncontent-length:  12 \r\nX-A: 1\r\nx-a: 2\r\n\r\nbody";
  auto r = parse_request_head(text, h);
  REQUIRE(r.kind == HeadResult::Done);
  CHECK(r.size == text.size() - 4);
  CHECK(h.method == "POST");
  CHECK(h.path() == "/fh");
  CHECK(h.length == 12u);
  CHECK(!h.chunked);
  CHECK(h.keep_alive);
  CHECK(h.field("x-a") == "1, 2");
  CHECK(!h.field("Content-Type"));
  // Cut anywhere before the blank line: incomplete.
  for (size_t i = 0; i < text.size() - 4; ++i) CHECK(parse(text.substr(0, i)).kind == HeadResult::Incomplete);
}

TEST_CASE("http: bare LF, leading blank lines, HTTP/1.0 and absolute targets") {
  RequestHead h;
  REQUIRE(parse_request_head("\r\nGET http://a:1/p/q?r HTTP/1.0\nConnection: keep-alive\n\n", h).kind ==
          HeadResult::Done);
  CHECK(h.path() == "/p/q");
  CHECK(h.minor == 0);
  CHECK(h.keep_alive);
  REQUIRE(parse_request_head("GET / HTTP/1.0\r\n\r\n", h).kind == HeadResult::Done);
  CHECK(!h.keep_alive);
  REQUIRE(parse_request_head("POST / HTTP/1.1\r\nHost: h\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n", h)
              .kind == HeadResult::Done);
  CHECK(!h.keep_alive);
  CHECK(h.chunked);
}

TEST_CASE("http: heads that are refused, with their status") {
  auto status = [](std::string_view s) {
    auto r = parse(s);
    return r.kind == HeadResult::Error ? r.status : 0;
  };
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 2, 2\r\n\r\n") == 0);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999999\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n") == 501);
  CHECK(status("POST / HTTP/1.1\r\nHost : h\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\n\r\n") == 400);  // no Host
  CHECK(status("POST /  HTTP/1.1\r\nHost: h\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/2.0\r\nHost: h\r\n\r\n") == 505);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nExpect: magic\r\n\r\n") == 417);
  CHECK(status(std::string("POST / HTTP/1.1\r\nHost: h\r\nX: a") + '\0' + "b\r\n\r\n") == 400);
  CHECK(status("POST / HTTP/1.1\r\nHost: h\r\nX: " + std::string(70000, 'a')) == 431);
}

TEST_CASE("http: chunked bodies, whole and a byte at a time") {
  const std::string body = "5;ext=1\r\nhello\r\nA\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\nNEXT";
  for (size_t step : {body.size(), size_t{1}, size_t{3}}) {
    ChunkedDecoder d;
    std::string out;
    size_t used = 0;
    while (!d.done() && used < body.size()) {
      size_t piece = std::min(step, body.size() - used);
      size_t n = d.feed(std::string_view(body).substr(used, piece), out);
      used += n;
      REQUIRE(d.error().empty());
      if (n < piece) break;
    }
    CHECK(d.done());
    CHECK(out == "hello0123456789");
    CHECK(body.substr(used) == "NEXT");
  }
  for (const std::string& bad : std::vector<std::string>{"x\r\n", "5\r\nhelloXX\r\n", "-1\r\n", "10000000000000000\r\n",
                                                         std::string(5000, '1')}) {
    ChunkedDecoder d;
    std::string out;
    d.feed(bad, out);
    CHECK(!d.error().empty());
  }
}

// ---------------------------------------------------------------- the server on loopback

namespace {

/// A server on a free loopback port whose handler reads the body and answers what it got.
class EchoServer {
 public:
  explicit EchoServer(flow::http::ServerOptions o = {})
      : server_(o, [](const flow::http::Request& req, flow::http::Body& body) {
          std::string text;
          auto r = body.read(text, 1000);
          flow::http::Response res;
          res.status = r == flow::http::Body::Ok ? 200 : r == flow::http::Body::Busy ? 503 : 400;
          res.body = req.head.path() + " " + (r == flow::http::Body::Ok ? text : body.error());
          return res;
        }) {
    port_ = server_.bind("127.0.0.1", 0);
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.run(); });
  }
  ~EchoServer() {
    server_.stop(1);
    thread_.join();
  }
  /// Sends `text` on a new connection, then gives what comes back until the server closes.
  std::string exchange(const std::string& text, const std::string& more = "") {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port_));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
    timeval tv{5, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    std::string got;
    char buf[4096];
    REQUIRE(send(fd, text.data(), text.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(text.size()));
    if (!more.empty()) {  // after the interim answer
      ssize_t n = recv(fd, buf, sizeof buf, 0);
      got.append(buf, static_cast<size_t>(std::max<ssize_t>(n, 0)));
      send(fd, more.data(), more.size(), MSG_NOSIGNAL);
    }
    for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) got.append(buf, static_cast<size_t>(n));
    close(fd);
    return got;
  }

 private:
  flow::http::Server server_;
  int port_ = 0;
  std::thread thread_;
};

size_t count(const std::string& s, std::string_view what) {
  size_t n = 0;
  for (size_t i = s.find(what); i != std::string::npos; i = s.find(what, i + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("http server: pipelined requests on one connection, chunked and by length") {
  EchoServer s;
  auto got = s.exchange(
      "POST /a HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"
      "POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nworld");
  CHECK(count(got, "HTTP/1.1 200 OK\r\n") == 2);
  CHECK(got.find("/a hello") < got.find("/b world"));
  CHECK(count(got, "Connection: close") == 1);
}

TEST_CASE("http server: Expect: 100-continue gets the interim answer before the body is sent") {
  EchoServer s;
  auto got = s.exchange(
      "POST /c HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", "ok");
  CHECK(got.rfind("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(got.find("/c ok") != std::string::npos);
}

TEST_CASE("http server: malformed heads and bodies, bodies over the memory bound") {
  flow::http::ServerOptions o;
  o.max_held_bytes = 10;
  EchoServer s(o);
  CHECK(s.exchange("POST / HTTP/1.1\r\nContent-Length: 1\r\n\r\nx").rfind("HTTP/1.1 400 Bad Request", 0) == 0);
  CHECK(s.exchange("POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")
            .find("malformed chunk size") != std::string::npos);
  auto busy = s.exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 20\r\n\r\n01234567890123456789");
  CHECK(busy.rfind("HTTP/1.1 503", 0) == 0);
  CHECK(busy.find("too many request bodies at once") != std::string::npos);
  CHECK(
      s.exchange("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nConnection: close\r\n\r\nsmall").find("/ small") !=
      std::string::npos);
}
