// URLs split for cpp-httplib, and clients set up the same way for inputs and the sink.
#pragma once

#include <httplib.h>

#include <memory>
#include <string>
#include <string_view>

#include "flow/io.hpp"

namespace flow::net {

/// "https://host:443/p?q" as cpp-httplib wants it: "https://host:443" and "/p?q".
struct UrlParts {
  std::string origin;  ///< scheme://host[:port]
  std::string target;  ///< path and query ("/" when the URL has none)
};
/// Throws DataError (naming the redacted URL) when `url` is not http(s)://HOST[:PORT][/...].
UrlParts split_url(std::string_view url);

/// A client for `origin` with the timeouts, server certificates checked against the system's CAs.
std::unique_ptr<httplib::Client> make_client(const std::string& origin, const NetTimeouts& t);

/// "connection refused", "timed out" ...: what a failed request met, in words.
std::string error_text(httplib::Error e);

}  // namespace flow::net
