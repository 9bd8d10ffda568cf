// flowcat --listen: Firehose HTTP-endpoint deliveries and plain POSTed flow logs, made durable
// before they are acknowledged; SIGINT/SIGTERM/SIGHUP/SIGQUIT stop it gracefully.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/firehose.hpp"
#include "flow/http_server.hpp"
#include "flow/units.hpp"
#include "listen_output.hpp"
#include "net_options.hpp"

namespace flow {
namespace {

constexpr const char* kRequestIdHeader = "X-Amz-Firehose-Request-Id";
constexpr const char* kAccessKeyHeader = "X-Amz-Firehose-Access-Key";

int64_t now_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

/// Compares without stopping at the first difference, so that timing does not reveal the key.
bool same_secret(std::string_view a, std::string_view b) {
  unsigned char diff = a.size() == b.size() ? 0 : 1;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i % (b.empty() ? 1 : b.size())]);
  return diff == 0;
}

/// One decoded body, or the records of a Firehose request: each part read by the usual readers.
struct Part {
  std::string bytes;
  std::string name;  ///< for messages: "POST /path", "... record 3"
};

/// A request that is refused: the status and why.
struct Refusal {
  int status;
  std::string message;
};

class Receiver {
 public:
  Receiver(const ListenOptions& o, const CommonOptions& common, Tool& tool)
      : o_(o),
        tool_(tool),
        cfg_(tool.input_config(common)),
        max_body_(parse_size(o.max_body)),
        out_(listen_output(common, tool, mu_)) {}

  /// Called as soon as the head of a request is in: the key is checked before the body is read.
  http::Response handle(const http::Request& req, http::Body& reader) {
    const auto& head = req.head;
    const auto id_field = head.field(kRequestIdHeader);
    const bool firehose = id_field.has_value();
    const std::string id = id_field.value_or("");
    http::Response res;
    auto answer = [&](int status, std::string_view error, uint64_t records) {
      res.status = status;
      res.content_type = "application/json";
      if (firehose) {
        res.body = net::firehose_response(id, now_ms(), error);
      } else if (error.empty()) {
        res.body = fmt::format("{{\"records\":{}}}\n", records);
      } else {
        res.content_type = "text/plain";
        res.body = fmt::format("{}\n", printable(error));
      }
    };
    if (head.method != "POST") {  // not data that did not arrive: neither counted nor a warning
      res.fields.emplace_back("Allow", "POST");
      answer(405, "only POST is served", 0);
      return res;
    }
    std::string name = fmt::format("POST {}", printable(head.path()));
    try {
      if (!o_.access_key.empty() && !same_secret(head.field(kAccessKeyHeader).value_or(""), o_.access_key))
        throw Refusal{401, "missing or wrong X-Amz-Firehose-Access-Key"};
      std::string body = read_body(reader);
      std::vector<Part> parts;
      if (firehose) {
        net::FirehoseRequest fr;
        try {
          fr = net::parse_firehose(body);
        } catch (const DataError& e) {
          throw Refusal{400, e.what()};
        }
        for (size_t i = 0; i < fr.records.size(); ++i)
          parts.push_back(
              {std::move(fr.records[i]), fmt::format("{} (Firehose {} record {})", name, printable(id), i + 1)});
      } else {
        parts.push_back({std::move(body), name});
      }
      check_decoded_size(parts);
      uint64_t n = deliver(parts);
      answer(200, {}, n);
    } catch (const Refusal& r) {
      refused_.fetch_add(1);
      tool_.warn(fmt::format("refused {} from {} ({}): {}", name, req.remote_addr, r.status, r.message));
      answer(r.status, r.message, 0);
    } catch (const BrokenPipe&) {
      stop_with(std::nullopt);  // the reader of our output went away: end quietly
      answer(503, "shutting down", 0);
    } catch (const DataError& e) {
      stop_with(e);  // a write error: nothing more can be acknowledged
      answer(500, "cannot write the records", 0);
    }
    return res;
  }

  /// Waits for a signal (or a fatal error), then stops the server, giving requests in flight
  /// --grace seconds to finish; then commits the output.
  void run(http::Server& svr, const sigset_t& signals) {
    std::thread server([&] { svr.run(); });
    timespec tick{1, 0};
    while (!stopping_.load()) {
      if (sigtimedwait(&signals, nullptr, &tick) > 0) break;
      std::lock_guard lock(mu_);
      out_->rotate(std::time(nullptr));
    }
    svr.stop(o_.grace);
    server.join();
    std::lock_guard lock(mu_);
    if (fatal_) throw *fatal_;
    if (broken_pipe_) throw BrokenPipe();
    out_->close();
    tool_.report_skips(skips_);
    uint64_t refused = refused_.load();
    // Always said, even with -q: refused requests are data that did not arrive.
    if (refused || !tool_.quiet)
      tool_.tell(fmt::format("received {} record{} in {} request{}; {} refused", records_, records_ == 1 ? "" : "s",
                             requests_, requests_ == 1 ? "" : "s", refused));
  }

 private:
  /// The body, Content-Encoding undone; the limit holds for the decompressed body too (a small
  /// gzip body can inflate to any size), and a Content-Length over it is refused unread.
  std::string read_body(http::Body& reader) {
    std::string body;
    switch (reader.read(body, max_body_)) {
      case http::Body::Ok: return body;
      case http::Body::TooLarge: throw Refusal{413, fmt::format("body over {} bytes", max_body_)};
      case http::Body::Unsupported: throw Refusal{415, reader.error()};
      case http::Body::Stopped: throw Refusal{503, "shutting down"};
      case http::Body::Busy: throw Refusal{503, "busy: too many request bodies at once; retry"};
      case http::Body::Bad: break;
    }
    throw Refusal{400, fmt::format("the body could not be read: {}", reader.error())};
  }

  /// Refuses (413) parts that decode to more than --max-body bytes together, however their
  /// compression is found: by content (gzip, zstd) or as base64 gzip text. Reading them as
  /// deliver() will, through the same decoders, bounds what it will decode.
  void check_decoded_size(const std::vector<Part>& parts) {
    uint64_t left = max_body_;
    for (const auto& p : parts) {
      std::unique_ptr<InputStream> in;
      try {
        in = undo_encoding(open_input(memory_source(p.bytes), p.name, left), cfg_.read);
        do in->consume(in->size());
        while (in->fill());
      } catch (const InputTooLarge&) {
        throw Refusal{413, fmt::format("body over {} bytes once decompressed", max_body_)};
      } catch (const DataError&) {
        // Damage: deliver() reports it, having decoded no more than was decoded here.
      }
      if (in) left -= in->offset() + in->size();
    }
  }

  /// Writes the records of every part and returns once they are durable; all or none under
  /// --on-error=fail.
  uint64_t deliver(const std::vector<Part>& parts) {
    if (cfg_.on_error == ErrorPolicy::Fail) {
      // Read once without writing, so that a bad record refuses the request before anything
      // of it is written (the sender retries the whole request: nothing twice).
      ReadOptions silent = cfg_.read;
      silent.warn = nullptr;  // the writing pass below warns, once
      for (const auto& p : parts) {
        try {
          auto reader = open_reader(open_input(memory_source(p.bytes), p.name), silent);
          Record r;
          while (reader->next(r)) {
          }
        } catch (const DataError& e) {
          throw Refusal{400, e.message()};
        }
      }
    }
    std::unique_lock lock(mu_);
    if (stopping_.load()) throw Refusal{503, "shutting down"};
    uint64_t n = 0;
    try {
      for (const auto& p : parts) n += write_part(p);
      out_->commit();  // lets the lock go while it waits
    } catch (const TakenBack&) {
      throw Refusal{500, "cannot write the records"};  // taken back out of the output, which goes on
    }
    records_ += n;
    ++requests_;
    return n;
  }

  /// The records of one part, with --on-error skip or warn applied (under the lock). An error
  /// of the output is not the input's: it goes up.
  uint64_t write_part(const Part& p) {
    uint64_t n = 0;
    std::unique_ptr<Reader> reader;
    Record r;
    for (;;) {
      try {
        if (!reader) reader = open_reader(open_input(memory_source(p.bytes), p.name), cfg_.read);
        if (!reader->next(r)) return n;
      } catch (const DataError& e) {
        ++skips_.errors;
        skips_.records += e.records;
        if (skips_.first.empty()) skips_.first = e.message();
        if (cfg_.on_error == ErrorPolicy::Warn) tool_.warn("skipped: " + e.message());
        if (e.fatal || !reader) return n;
        continue;
      }
      out_->write(r);
      ++n;
    }
  }

  void stop_with(const std::optional<DataError>& e) {
    std::lock_guard lock(mu_);
    if (e && !fatal_) fatal_ = *e;
    if (!e) broken_pipe_ = true;
    stopping_.store(true);
  }

  const ListenOptions& o_;
  Tool& tool_;
  InputConfig cfg_;
  uint64_t max_body_;
  std::mutex mu_;  // the output, the counts and the skip report
  std::unique_ptr<ListenOutput> out_;
  uint64_t records_ = 0, requests_ = 0;
  std::atomic<uint64_t> refused_{0};
  SkipReport skips_;
  std::atomic<bool> stopping_{false};
  std::optional<DataError> fatal_;
  bool broken_pipe_ = false;
};

/// "ADDR:PORT" or "[v6]:PORT" or ":PORT" (all addresses).
std::pair<std::string, int> parse_address(const std::string& s) {
  auto colon = s.rfind(':');
  int port = -1;
  if (colon != std::string::npos) {
    char* end = nullptr;
    long p = std::strtol(s.c_str() + colon + 1, &end, 10);
    if (end != s.c_str() + colon + 1 && *end == '\0' && p >= 0 && p <= 65535) port = static_cast<int>(p);
  }
  if (port < 0) throw UsageError(fmt::format("--listen '{}': expected ADDR:PORT (e.g. 127.0.0.1:8080, :8080)", s));
  std::string host = s.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return {host.empty() ? "0.0.0.0" : host, port};
}

}  // namespace

void run_listen(const ListenOptions& o, const CommonOptions& common, Tool& tool) {
  if (!common.inputs.empty()) throw UsageError("--listen takes no input files");
  auto [host, port] = parse_address(o.address);
  Receiver receiver(o, common, tool);

  // The stop signals wait for sigtimedwait() in this thread; the server's threads, started
  // below, inherit the mask, so a signal never lands in the middle of a request.
  sigset_t signals;
  sigemptyset(&signals);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&signals, sig);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  http::ServerOptions so;
  so.header_timeout = o.header_timeout;
  so.write_timeout = common.net.read;
  so.max_connections = o.max_connections;
  // Bodies held at once: eight of the largest, as many as cpp-httplib's eight threads held.
  so.max_held_bytes = parse_size(o.max_body) > UINT64_MAX / 8 ? 0 : 8 * parse_size(o.max_body);
  http::Server svr(so, [&](const http::Request& req, http::Body& body) { return receiver.handle(req, body); });
  int bound = svr.bind(host, port);
  if (bound < 0)
    throw DataError(
        fmt::format("--listen {}: cannot listen there (in use, or not an address of this host?)", o.address));
  if (!o.port_file.empty()) {
    std::ofstream f(o.port_file);
    f << bound << "\n";
    if (!f.flush()) throw DataError(fmt::format("{}: cannot write the port", o.port_file));
  }
  tool.note(fmt::format("listening on {}:{}", host, bound));
  receiver.run(svr, signals);
}

}  // namespace flow
