// The HTTP sink and URL inputs against a server on 127.0.0.1 that fails on purpose: every
// record arrives exactly once or is reported as not delivered.
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "flow/error.hpp"
#include "flow/firehose.hpp"
#include "flow/net.hpp"
#include "net/bulk.hpp"

using flow::DataError;

namespace {

/// What the test server does with one request, in order; after the script: accept.
enum class Act { Ok, Status429, Status500, Status400, Drop, Slow, BulkPartial, Html, Text };

/// A server on a free loopback port that plays a script of failures and keeps the lines it
/// accepted (the documents of the requests it answered with success).
class TestServer {
 public:
  explicit TestServer(std::deque<Act> script) : script_(std::move(script)) {
    svr_.Post(".*", [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); });
    port_ = svr_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { svr_.listen_after_bind(); });
    while (!svr_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~TestServer() {
    svr_.stop();
    thread_.join();
  }
  std::string url(const std::string& path = "/in") const { return "http://127.0.0.1:" + std::to_string(port_) + path; }
  std::vector<std::string> lines() {
    std::lock_guard lock(mu_);
    return lines_;
  }
  int requests() const { return requests_.load(); }
  httplib::Headers last_headers() {
    std::lock_guard lock(mu_);
    return headers_;
  }

 private:
  void handle(const httplib::Request& req, httplib::Response& res) {
    ++requests_;
    Act act = Act::Ok;
    {
      std::lock_guard lock(mu_);
      headers_ = req.headers;
      if (!script_.empty()) {
        act = script_.front();
        script_.pop_front();
      }
    }
    switch (act) {
      case Act::Status429:
        res.status = 429;
        res.set_header("Retry-After", "0");
        return;
      case Act::Status500: res.status = 500; return;
      case Act::Status400:
        res.status = 400;
        res.set_content("bad request on purpose", "text/plain");
        return;
      case Act::Drop:
        // Headers, then the connection closes before the promised body.
        res.set_content_provider(100, "text/plain", [](size_t, size_t, httplib::DataSink&) { return false; });
        return;
      case Act::Slow:
        std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // past the client's timeout
        res.status = 503;
        return;
      case Act::BulkPartial: return bulk_partial(req, res);
      case Act::Html:  // 200 from something that is not Elasticsearch (a proxy's login page)
        res.set_content("<html><body>Please log in</body></html>\n", "text/html");
        return;
      case Act::Text: res.set_content("OK", "text/plain"); return;
      case Act::Ok: break;
    }
    keep(req.body, 1);
    res.set_content("{\"errors\":false,\"items\":[]}", "application/json");
  }

  /// _bulk: the first item fails with 429, the second with 400, the rest are stored.
  void bulk_partial(const httplib::Request& req, httplib::Response& res) {
    std::vector<std::string> l = split(req.body);
    std::string items;
    for (size_t i = 0; i + 1 < l.size(); i += 2) {
      int status = i == 0 ? 429 : i == 2 ? 400 : 201;
      if (status == 201) {
        std::lock_guard lock(mu_);
        lines_.push_back(l[i]);
        lines_.push_back(l[i + 1]);
      }
      if (!items.empty()) items += ",";
      items += "{\"index\":{\"status\":" + std::to_string(status) +
               (status == 201 ? std::string() : ",\"error\":{\"type\":\"t\",\"reason\":\"r\"}") + "}}";
    }
    res.set_content("{\"took\":1,\"errors\":true,\"items\":[" + items + "]}", "application/json");
  }

  static std::vector<std::string> split(const std::string& body) {
    std::vector<std::string> out;
    size_t b = 0;
    for (size_t e; (e = body.find('\n', b)) != std::string::npos; b = e + 1) out.push_back(body.substr(b, e - b));
    return out;
  }
  void keep(const std::string& body, int) {
    auto l = split(body);
    std::lock_guard lock(mu_);
    lines_.insert(lines_.end(), l.begin(), l.end());
  }

  httplib::Server svr_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::deque<Act> script_;
  std::vector<std::string> lines_;
  httplib::Headers headers_;
  std::atomic<int> requests_{0};
};

/// n records of AWS text (v2), their srcport 1..n so that each is told apart.
std::string records_text(int n) {
  std::string s =
      "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start end action "
      "log-status\n";
  for (int i = 1; i <= n; ++i)
    s += "2 123456789012 eni-1 10.0.0.1 10.0.0.2 " + std::to_string(i) +
         " 443 6 1 100 1700000000 1700000060 ACCEPT OK\n";
  return s;
}

struct PostResult {
  std::string error;  ///< the DataError's message, "" when everything was delivered
};

/// Sends n records through the HTTP writer with o; quick timeouts and retries.
PostResult post(flow::PostOptions o, int n, double read_timeout = 5) {
  flow::Messages messages;  // quiet
  flow::NetTimeouts t;
  t.connect = 2;
  t.read = read_timeout;
  o.backoff = 0.01;
  try {
    auto w = flow::http_writer(o, t, messages);
    auto reader = flow::open_reader(flow::open_input(flow::memory_source(records_text(n)), "mem"), {});
    flow::Record r;
    while (reader->next(r)) w->write(r);
    w->finish();
  } catch (const DataError& e) {
    return {e.message()};
  }
  return {};
}

/// The srcports of the NDJSON lines received, sorted, to check "each exactly once".
std::multiset<int> ports(const std::vector<std::string>& lines) {
  std::multiset<int> out;
  for (const auto& l : lines) {
    auto p = l.find("\"srcport\":");
    if (p != std::string::npos) out.insert(std::stoi(l.substr(p + 10)));
  }
  return out;
}

std::multiset<int> one_to(int n) {
  std::multiset<int> s;
  for (int i = 1; i <= n; ++i) s.insert(i);
  return s;
}

}  // namespace

TEST_CASE("http sink: 429, 500, a dropped connection and a timeout are retried, each record arrives once") {
  TestServer server({Act::Status429, Act::Status500, Act::Drop, Act::Slow, Act::Ok, Act::Status500});
  flow::PostOptions o;
  o.url = server.url();
  o.batch_records = 3;
  auto res = post(o, 10, 0.5);
  CHECK(res.error.empty());
  CHECK(ports(server.lines()) == one_to(10));
  CHECK(server.requests() == 4 + 5);  // the four failures, then four batches, one of them twice
}

TEST_CASE("http sink: a 4xx other than 429 is not retried and the records are reported") {
  TestServer server({Act::Ok, Act::Status400});
  flow::PostOptions o;
  o.url = server.url("/in?token=secret");
  o.batch_records = 4;
  auto res = post(o, 10);
  CHECK(ports(server.lines()) == one_to(4));
  CHECK(server.requests() == 2);
  CHECK_THAT(res.error, Catch::Contains("HTTP 400 Bad Request: bad request on purpose"));
  CHECK_THAT(res.error, Catch::Contains("4 records delivered, 4 not delivered; the rest of the input was not sent"));
  CHECK_THAT(res.error, !Catch::Contains("secret"));  // the query of a pre-signed URL is hidden
}

TEST_CASE("http sink: retries are bounded") {
  TestServer server({Act::Status500, Act::Status500, Act::Status500, Act::Status500});
  flow::PostOptions o;
  o.url = server.url();
  o.retries = 2;
  auto res = post(o, 5);
  CHECK(server.requests() == 3);
  CHECK(server.lines().empty());
  CHECK_THAT(res.error, Catch::Contains("HTTP 500 Internal Server Error (gave up after 3 attempts)"));
  CHECK_THAT(res.error, Catch::Contains("0 records delivered, 5 not delivered"));
}

TEST_CASE("http sink: nothing listening is a connection error, retried, then reported") {
  std::string url;
  {
    TestServer gone({});
    url = gone.url();
  }
  flow::PostOptions o;
  o.url = url;
  o.retries = 1;
  auto res = post(o, 2);
  CHECK_THAT(res.error, Catch::Contains("cannot connect (gave up after 2 attempts)"));
  CHECK_THAT(res.error, Catch::Contains("2 not delivered"));
}

TEST_CASE("http sink: _bulk items refused with 429 are sent again, other item failures are counted") {
  TestServer server({Act::BulkPartial});
  flow::PostOptions o;
  o.url = server.url("/flows/_bulk");
  o.shape = "elasticsearch";
  auto res = post(o, 4);
  // Request 1: record 1 gets 429 (sent again in request 2), record 2 fails for good (400).
  CHECK(server.requests() == 2);
  auto lines = server.lines();
  CHECK(ports(lines) == std::multiset<int>{1, 3, 4});
  for (size_t i = 0; i < lines.size(); i += 2) CHECK(lines[i] == "{\"index\":{}}");
  CHECK_THAT(res.error,
             Catch::Contains("1 of 4 records not delivered (3 delivered); first error: _bulk item status 400: t: r"));
}

TEST_CASE("http sink: a _bulk answer that is not JSON names the URL and the counts, and is not retried") {
  for (Act act : {Act::Html, Act::Text}) {
    TestServer server({Act::Ok, act});
    flow::PostOptions o;
    o.url = server.url("/flows/_bulk?token=secret");
    o.shape = "elasticsearch";
    o.batch_records = 3;
    auto res = post(o, 10);
    CHECK(server.requests() == 2);
    CHECK_THAT(res.error, Catch::StartsWith(server.url("/flows/_bulk?…: not an Elasticsearch _bulk response")));
    CHECK_THAT(res.error, Catch::Contains(act == Act::Html ? "<html><body>Please log in</body></html>" : ": OK"));
    CHECK_THAT(res.error, Catch::Contains("3 records delivered, 3 not delivered; the rest of the input was not sent"));
  }
}

TEST_CASE("http sink: stopped() says the counts so far, records not yet acknowledged as not delivered") {
  TestServer server({});
  flow::PostOptions o;
  o.url = server.url();
  o.batch_records = 4;
  auto w = flow::http_writer(o, {}, {});
  auto reader = flow::open_reader(flow::open_input(flow::memory_source(records_text(6)), "mem"), {});
  flow::Record r;
  while (reader->next(r)) w->write(r);
  CHECK(w->stopped("interrupted by SIGTERM") ==
        server.url() +
            ": interrupted by SIGTERM; 4 records delivered, 2 not delivered; the rest of the input was not sent");
}

TEST_CASE("http sink: headers, gzip and the Splunk HEC shape") {
  TestServer server({});
  flow::PostOptions o;
  o.url = server.url("/services/collector/event");
  o.shape = "splunk";
  o.gzip = true;
  o.headers = {"Authorization: Splunk 0000-1111"};
  auto res = post(o, 2);
  CHECK(res.error.empty());
  auto h = server.last_headers();
  CHECK(h.find("Authorization")->second == "Splunk 0000-1111");
  CHECK(h.find("Content-Encoding")->second == "gzip");
  auto lines = server.lines();
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].starts_with("{\"time\":1700000000,\"event\":{\"version\":2,"));
  CHECK(lines[0].ends_with("\"log-status\":\"OK\"}}"));
}

TEST_CASE("http sink: a bad --header is a usage error") {
  flow::PostOptions o;
  o.url = "http://127.0.0.1:9/";
  o.headers = {"no colon"};
  flow::Messages messages;  // quiet
  CHECK_THROWS_AS(flow::http_writer(o, {}, messages), flow::UsageError);
}

TEST_CASE("url input: streamed body, status errors with the redacted URL") {
  httplib::Server svr;
  const std::string body = records_text(3);
  svr.Get("/ok", [&](const httplib::Request&, httplib::Response& res) { res.set_content(body, "text/plain"); });
  svr.Get("/moved", [&](const httplib::Request&, httplib::Response& res) { res.set_redirect("/ok"); });
  int port = svr.bind_to_any_port("127.0.0.1");
  std::thread t([&] { svr.listen_after_bind(); });
  while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  std::string base = "http://127.0.0.1:" + std::to_string(port);
  auto read_all = [](const std::string& url) {
    auto in = flow::open_input(url);
    std::string out;
    while (in->fill()) {
    }
    return std::string(in->view());
  };
  CHECK(read_all(base + "/ok?X-Amz-Signature=abc") == body);
  CHECK(read_all(base + "/moved") == body);
  try {
    read_all(base + "/missing?X-Amz-Signature=abc");
    FAIL("no error");
  } catch (const DataError& e) {
    CHECK(e.message() == "http://127.0.0.1:" + std::to_string(port) + "/missing?…: HTTP 404 Not Found");
  }
  svr.stop();
  t.join();
}

TEST_CASE("url: redacted for messages") {
  CHECK(flow::redact_url("https://b.s3.amazonaws.com/k.gz?X-Amz-Credential=A&X-Amz-Signature=S") ==
        "https://b.s3.amazonaws.com/k.gz?…");
  CHECK(flow::redact_url("http://user:pw@host/p") == "http://host/p");
  CHECK(flow::is_url("https://x"));
  CHECK(flow::is_url("http://x"));
  CHECK(!flow::is_url("file.log"));
}

TEST_CASE("firehose: request parsed, responses shaped") {
  auto r =
      flow::net::parse_firehose(R"({"requestId":"r-1","timestamp":1,"records":[{"data":"aGVsbG8="},{"data":""}]})");
  CHECK(r.request_id == "r-1");
  CHECK(r.records == std::vector<std::string>{"hello", ""});
  CHECK_THROWS_WITH(flow::net::parse_firehose(R"({"requestId":"r","records":[{"data":"@@"}]})"),
                    Catch::Contains("record 1: bad base64"));
  CHECK_THROWS_WITH(flow::net::parse_firehose("[]"), Catch::Contains("not a JSON object"));
  CHECK(flow::net::firehose_response("r-1", 5) == R"({"requestId":"r-1","timestamp":5})");
  CHECK(flow::net::firehose_response("r\"1", 5, "bad\n") ==
        R"({"requestId":"r\"1","timestamp":5,"errorMessage":"bad\\x0a"})");
}
