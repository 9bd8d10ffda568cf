// URL checks, the redacted form for messages, and cpp-httplib clients with our timeouts.
#include "net/url.hpp"

#include <cmath>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/net.hpp"

namespace flow {

bool is_url(std::string_view s) { return s.starts_with("http://") || s.starts_with("https://"); }

std::string redact_url(std::string_view url) {
  std::string out(url);
  if (auto q = out.find_first_of("?#"); q != std::string::npos) out.replace(q, std::string::npos, "?…");
  // user:password@host: the password is a credential too.
  auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    auto host = scheme + 3;
    auto slash = out.find('/', host);
    auto at = out.rfind('@', slash == std::string::npos ? out.size() : slash);
    if (at != std::string::npos && at >= host) out.erase(host, at + 1 - host);
  }
  return printable(out);
}

namespace net {

UrlParts split_url(std::string_view url) {
  auto scheme = url.find("://");
  auto host = scheme == std::string_view::npos ? scheme : scheme + 3;
  auto path = host == std::string_view::npos ? host : url.find_first_of("/?#", host);
  if (!is_url(url) || host >= url.size() || path == host)
    throw DataError(fmt::format("{}: not a URL of the form http(s)://HOST[:PORT]/PATH", redact_url(url)));
  if (url.substr(host, path == std::string_view::npos ? path : path - host).find('@') != std::string_view::npos)
    throw DataError(fmt::format("{}: user:password@ in URLs is not supported (use --header)", redact_url(url)));
  UrlParts p;
  p.origin = std::string(url.substr(0, path));
  p.target = path == std::string_view::npos ? "/" : std::string(url.substr(path));
  if (p.target.front() != '/') p.target = "/" + p.target;  // (insert(0, ...) trips g++ 12's -Wrestrict)
  if (auto hash = p.target.find('#'); hash != std::string::npos) p.target.erase(hash);  // not sent
  return p;
}

namespace {
void split_seconds(double secs, time_t& s, time_t& us) {
  s = static_cast<time_t>(secs);
  us = static_cast<time_t>(std::lround((secs - static_cast<double>(s)) * 1e6));
}
}  // namespace

std::unique_ptr<httplib::Client> make_client(const std::string& origin, const NetTimeouts& t) {
  auto c = std::make_unique<httplib::Client>(origin);
  if (!c->is_valid()) throw DataError(fmt::format("{}: cannot set up a client (TLS?)", redact_url(origin)));
  time_t s, us;
  split_seconds(t.connect, s, us);
  c->set_connection_timeout(s, us);
  split_seconds(t.read, s, us);
  c->set_read_timeout(s, us);
  c->set_write_timeout(s, us);
  c->enable_server_certificate_verification(true);
  c->set_keep_alive(true);
  return c;
}

std::string error_text(httplib::Error e) {
  switch (e) {
    case httplib::Error::Connection: return "cannot connect";
    case httplib::Error::ConnectionTimeout: return "connection timed out";
    case httplib::Error::Read: return "read failed or timed out";
    case httplib::Error::Write: return "write failed or timed out";
    case httplib::Error::ExceedRedirectCount: return "too many redirects";
    case httplib::Error::SSLConnection: return "TLS connection failed";
    case httplib::Error::SSLLoadingCerts: return "cannot load the system's CA certificates";
    case httplib::Error::SSLServerVerification: return "server certificate not trusted";
    case httplib::Error::Canceled: return "canceled";
    default: return httplib::to_string(e);
  }
}

}  // namespace net
}  // namespace flow
