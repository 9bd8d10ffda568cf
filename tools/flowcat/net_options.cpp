// The options of flowcat --post and --listen (they feed --help, the man page and completions).
#include <fmt/format.h>

#include "net_options.hpp"

namespace flow {

void add_post_options(CLI::App& app, PostOptions& o) {
  const char* g = "HTTP output";
  app.add_option("--post", o.url, "Send the records to this http(s) URL as JSON, in batches, instead of writing them")
      ->type_name("URL")
      ->group(g);
  app.add_option("--post-format", o.shape,
                 "Body: ndjson (one JSON object a line), elasticsearch (_bulk: an action line before each record; "
                 "also opensearch) or splunk (HEC events: {\"time\": start, \"event\": record})")
      ->type_name("SHAPE")
      ->check(one_of({"ndjson", "elasticsearch", "opensearch", "splunk"}))
      ->capture_default_str()
      ->group(g);
  app.add_option("--es-index", o.es_index,
                 "elasticsearch: the index named in each action line (else the URL's /INDEX/_bulk)")
      ->type_name("NAME")
      ->group(g);
  app.add_option("-H,--header", o.headers,
                 "Add a request header, e.g. 'Authorization: Splunk TOKEN' or 'Authorization: ApiKey KEY' (repeatable)")
      ->type_name("'NAME: VALUE'")
      ->allow_extra_args(false)
      ->group(g);
  app.add_flag("--gzip", o.gzip, "Compress request bodies (Content-Encoding: gzip)")->group(g);
  app.add_option("--batch-records", o.batch_records, "Records per request at most")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(g);
  app.add_option("--batch-bytes", o.batch_bytes, "Bytes per request at most (before compression), e.g. 4Mi")
      ->type_name("SIZE")
      ->capture_default_str()
      ->group(g);
  app.add_option("--retries", o.retries,
                 "Retries of a request after a connection error, a timeout, 408, 429 or 5xx (honouring Retry-After)")
      ->type_name("N")
      ->capture_default_str()
      ->group(g);
  app.add_option("--retry-time", o.retry_time, "Seconds of retrying one request at most")
      ->type_name("SECS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(g);
  app.add_option("--retry-wait", o.backoff,
                 "Seconds before the first retry; doubled each time (at most 60), with random jitter down to half")
      ->type_name("SECS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(g);
}

void add_listen_options(CLI::App& app, ListenOptions& o) {
  const char* g = "HTTP receiver";
  app.add_option("--listen", o.address,
                 "Receive records over HTTP at ADDR:PORT (Firehose HTTP endpoint, or POSTed flow logs) until "
                 "SIGINT or SIGTERM; port 0 picks a free one")
      ->type_name("ADDR:PORT")
      ->group(g);
  app.add_option("--access-key", o.access_key,
                 "Refuse requests (401) whose X-Amz-Firehose-Access-Key header is not KEY")
      ->envname("FLOW_FIREHOSE_ACCESS_KEY")
      ->type_name("KEY")
      ->group(g);
  app.add_option("--max-body", o.max_body, "Largest request body, also once decompressed (larger: 413)")
      ->type_name("SIZE")
      ->capture_default_str()
      ->group(g);
  app.add_option("--port-file", o.port_file, "Write the port listened on to FILE (with port 0)")
      ->type_name("FILE")
      ->group(g);
  app.add_option("--header-timeout", o.header_timeout,
                 "Seconds a client has to send the head of a request (else 408 and closed); a body then keeps "
                 "up 1 kB/s after as many seconds")
      ->type_name("SECS")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(g);
  app.add_option("--max-connections", o.max_connections,
                 "Open connections at most; one more is answered 503 and closed")
      ->type_name("N")
      ->check(CLI::PositiveNumber)
      ->capture_default_str()
      ->group(g);
  app.add_option("--grace", o.grace,
                 "Seconds requests in flight have to finish after a stop signal; then their connections are cut")
      ->type_name("SECS")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str()
      ->group(g);
}

}  // namespace flow
