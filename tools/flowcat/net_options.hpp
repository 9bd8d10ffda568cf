// flowcat's network options: --post (the HTTP sink of libflow) and --listen (the receiver).
#pragma once

#include <string>

#include "common/tool.hpp"
#include "flow/net.hpp"

namespace flow {

void add_post_options(CLI::App& app, PostOptions& o);

/// How flowcat --listen receives records.
struct ListenOptions {
  std::string address;            ///< ADDR:PORT (port 0: any free port, printed on stderr)
  std::string access_key;         ///< required X-Amz-Firehose-Access-Key ("" = none)
  std::string max_body = "64Mi";  ///< request bodies, compressed and decompressed
  std::string port_file;          ///< where to write the port actually bound (tests, scripts)
  double header_timeout = 10;     ///< seconds for a request's head; a body's allowance too
  size_t max_connections = 256;   ///< open connections at most (more: 503)
  double grace = 10;              ///< seconds requests in flight have after a stop signal
};
void add_listen_options(CLI::App& app, ListenOptions& o);
/// Serves Firehose HTTP-endpoint deliveries and plain POSTed flow logs until SIGINT, SIGTERM or
/// SIGHUP, writing the records to the output of `common` (-o DIR/: hourly files). A request is
/// answered 200 only once its records are durable (see listen_output.hpp).
void run_listen(const ListenOptions& o, const CommonOptions& common, Tool& tool);

}  // namespace flow
