// flowcat: every input to one output, optionally merged by start time and cut to a time window.
#include "common/signals.hpp"
#include "common/tool.hpp"
#include "net_options.hpp"

#include <fmt/format.h>

#include <ctime>
#include <optional>

#include "flow/error.hpp"
#include "flow/sort.hpp"
#include "flow/time.hpp"
#include "flow/units.hpp"

namespace flow {

struct CatOptions {
  CommonOptions common;
  bool merge = false;
  std::string sort;  ///< --sort KEYS
  bool reverse = false, unique = false;
  std::string memory = "256Mi";  ///< --merge: for the inputs read at once; --sort: for the records held
  std::string tmpdir;
  bool count = false;
  PostOptions post;
  ListenOptions listen;
};

const ToolSpec& cat_spec() {
  static const ToolSpec spec{
      "flowcat",
      "Read, convert and concatenate flow logs",
      "flowcat reads flow records from each FILE in turn (or standard input) and writes them to "
      "standard output in one format. The input format is recognised from the content: AWS VPC Flow "
      "Logs text (with or without the S3 header line, custom formats included), JSON Lines or a JSON "
      "array, and the binary format of these tools; gzip (also multi-member, as Firehose writes it) and "
      "zstd compression are undone transparently.\n\n"
      "AWS text read and written back gives the same bytes, header included. A header line seen in the "
      "middle of the input (concatenated S3 objects) switches the format; an output header is written "
      "at the start and whenever the fields change.\n\n"
      "With --since and --until only records whose start lies in [SINCE, UNTIL) are kept, so "
      "consecutive windows split a stream without overlap. With --merge the inputs, each sorted by "
      "start time, are interleaved into one stream sorted by start time (ties in input order). --merge "
      "reads at most --memory / 8 MiB inputs at once (32 by default); more inputs are first merged in "
      "groups into temporary files in the binary format in --tmpdir (removed at once, so none is left "
      "behind), and those merged, giving the same order, so memory does not grow with the number of "
      "inputs.\n\n"
      "With --sort KEYS the records are sorted by the fields named (comma-separated: --sort start, --sort "
      "srcaddr,start), whatever order the inputs are in, as SiLK's rwsort and nfdump -O tstart do: numbers and "
      "times by value (a time in milliseconds beside the second it falls in), addresses IPv4 before IPv6 and "
      "by value, strings byte by byte. A record without a value for a key (null, or a field its format lacks) "
      "comes first. --reverse turns the order round: largest first, nulls last. The sort is stable: records "
      "equal on the keys keep their input order. Memory stays within --memory: past it the records held are "
      "sorted and written as a run to a temporary file in --tmpdir (the binary format, removed at once, so "
      "none is left behind; the space taken is about the input's size in the binary format), and the runs "
      "are merged at the end, --memory / 8 MiB of them at once (more in passes). Nothing is written before "
      "the last record is read.\n\n"
      "--unique drops each record equal in every field (the same fields with the same values) to one before "
      "it, as when the same S3 object was read twice, and says at the end how many it dropped (\"dropped N "
      "duplicate records\"; not with -q). It compares whole records, before --fields. Alone it keeps the "
      "first of each, in input order, and remembers a 128-bit hash (XXH3) of every distinct record: 21 to 43 "
      "bytes a distinct record (64 for a moment while its table doubles), outside --memory, so a billion "
      "distinct records take up to 43 GB (the chance that two different records share a hash, so that one "
      "is dropped wrongly, is below 10^-20 then). With --sort it takes no memory per record: records equal "
      "on the keys are then ordered by their other fields as well (not kept in input order), so that "
      "duplicates meet, and each record is compared with the one before.\n\n"
      "An input may be an http:// or https:// URL (an S3 pre-signed URL, say): it is streamed, never held "
      "in memory whole, and read like a file. An s3://BUCKET/KEY or s3://BUCKET/PREFIX/ input is read with "
      "the AWS credentials of the environment or profile (flow-formats(5), S3 INPUTS), as in every tool. With --post the records go to an HTTP endpoint instead of "
      "standard output; with --listen flowcat is an HTTP endpoint itself (see NETWORK).",
      {
          {"flowcat 123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
           "Print an S3 flow-log object as text, header included."},
          {"flowcat -O json flows.log", "Convert AWS text to JSON Lines."},
          {"flowcat -O bin *.log.gz -o day.flows", "Pack many S3 objects into one binary file."},
          {"flowcat -O table --fields srcaddr,dstaddr,dstport,action flows.log",
           "Show four fields as an aligned table."},
          {"flowcat --aws-format '${version} ${vpc-id} ${srcaddr} ${dstaddr}' cw-export.txt",
           "Read header-less text in a custom format."},
          {"flowcat --merge --since 2024-03-01T10:00Z --until 2024-03-01T11:00Z a.flows b.flows",
           "Interleave two sorted inputs and keep one hour."},
          {"flowcat --sort start -O bin *.log.gz -o day.flows",
           "Sort a day of S3 objects by start time, in bounded memory."},
          {"flowcat --sort bytes --reverse -O table --fields srcaddr,dstaddr,bytes flows.log | head",
           "The largest flows first."},
          {"flowcat --unique --sort start a.log.gz a.log.gz b.log.gz -o ab.log",
           "Sort, and drop the records of an object read twice."},
          {"flowcat --count day.flows", "Count the records."},
          {"flowcat --set 'bpp=bytes / packets' --fields srcaddr,dstaddr,bpp flows.log",
           "Add a computed column: bytes per packet."},
          {"flowcat 'https://bucket.s3.amazonaws.com/AWSLogs/...log.gz?X-Amz-Signature=...'",
           "Read an S3 object through a pre-signed URL."},
          {"flowcat --post http://es:9200/flows/_bulk --post-format elasticsearch -H 'Authorization: ApiKey KEY' "
           "day.flows",
           "Index a day of records in Elasticsearch or OpenSearch."},
          {"flowcat --post https://splunk:8088/services/collector/event --post-format splunk -H 'Authorization: Splunk "
           "TOKEN' --gzip flows.log",
           "Send records to a Splunk HTTP Event Collector, compressed."},
          {"FLOW_FIREHOSE_ACCESS_KEY=secret flowcat --listen :8443 -o /var/flows/",
           "Be a Kinesis Data Firehose HTTP endpoint; one file an hour."},
      },
      {{"EXIT STATUS",
        "0 success; 1 a data or I/O error; 2 a usage error. A closed pipe downstream "
        "(e.g. | head) ends flowcat quietly with 0."},
       {"NETWORK",
        "URLs. An http(s) input is fetched with GET and streamed (at most 8 MiB held, whatever its size); "
        "gzip and zstd are recognised by content as for files. Redirects are followed (at most 20). "
        "--connect-timeout (10 s) and --timeout (60 s, the longest wait for data) apply. A status other "
        "than 2xx, a failed connection or a body cut short is an error naming the URL, exit 1. Messages "
        "never show a URL's query string or user:password, since pre-signed URLs carry credentials "
        "there. A URL is read by one thread, like standard input.\n\n"
        "--post URL. The records are sent as JSON (the fields as -O json writes them; --fields applies) "
        "in POST requests of at most --batch-records records and --batch-bytes bytes, shaped by "
        "--post-format: ndjson, one object a line; elasticsearch, the _bulk API (an index action line "
        "before each record; --es-index names the index, else the URL's /INDEX/_bulk does); splunk, HTTP "
        "Event Collector events {\"time\": START, \"event\": RECORD}. --header adds authentication "
        "headers; --gzip compresses bodies (Content-Encoding: gzip). A request that fails with a "
        "connection error, a timeout, 408, 429 or 5xx is sent again after a wait that starts at "
        "--retry-wait and doubles (at most 60 s, with random jitter; a Retry-After in seconds is obeyed), "
        "at most --retries times and for --retry-time seconds. Delivery is at least once: a request whose "
        "answer was lost is sent again, so the endpoint may see it twice. Elasticsearch answers 200 even "
        "when items failed (\"errors\": true): items refused with 429 or 5xx are sent again, other item "
        "failures are counted as not delivered. At the end flowcat says how many records were delivered "
        "(not with -q). Records not delivered are never silent: a request refused with another 4xx, an "
        "Elasticsearch answer that is not a _bulk response (a proxy's HTML page, say), or a request out "
        "of retries stops flowcat at once with the counts of records delivered and not delivered "
        "(the rest of the input is not read), and failed Elasticsearch items are counted at the end; "
        "either way the exit status is 1. Interrupted (SIGINT, SIGTERM, SIGHUP or SIGQUIT), flowcat says the "
        "same counts, records sent but not yet acknowledged among those not delivered, and dies of the "
        "signal (exit status 130 for SIGINT, 143 for SIGTERM).\n\n"
        "--listen ADDR:PORT. flowcat answers POST requests (any path) until SIGINT, SIGTERM, SIGHUP or "
        "SIGQUIT. A request with an X-Amz-Firehose-Request-Id header is an Amazon Kinesis Data Firehose "
        "HTTP endpoint delivery: JSON whose records[].data are base64; each record's data is read as an "
        "input of its own (the CloudWatch Logs envelopes of VPC flow logs, gzip, as any format flowcat "
        "reads), and the answer is Firehose's {\"requestId\", \"timestamp\"} JSON (with "
        "\"errorMessage\" on errors). Any other POST body is read as one input (any format, gzip or "
        "zstd by content; Content-Encoding gzip or zstd is undone too) and answered {\"records\": N}. With "
        "--access-key, or the FLOW_FIREHOSE_ACCESS_KEY environment variable (which, unlike an option, does "
        "not show in ps), every request must carry the key in X-Amz-Firehose-Access-Key, else 401 (checked "
        "as soon as the head of the request is in, before its body is read). A body over --max-body, as "
        "sent or once decompressed (however the compression is found: Content-Encoding, by content, or "
        "base64 gzip in a record), gets 413; a body with a malformed record "
        "(under --on-error=fail) or that is not a Firehose request gets 400 with the reason; each refusal "
        "is a warning on stderr and counted, and the server goes on. A client has --header-timeout "
        "seconds for the head of a request (else 408), and a body must then keep up 1 kB/s; a connection "
        "past --max-connections is answered 503, as is a request whose body would take the bodies held at "
        "once past 8 times --max-body. A request is answered 200 only once "
        "its records are durable, written and fsynced (one fsync serves every request that came in "
        "meanwhile), so an acknowledged record is never lost, even when flowcat is killed or the machine "
        "stops; with --on-error=fail a request is written whole or not at all. To standard output, "
        "acknowledged means written to it (a pipe cannot be made durable; a file is fsynced). The records "
        "go to standard output, to -o FILE, which is appended to (created when missing), or, when -o "
        "names a directory (a trailing /), to one file an hour, DIR/flows-YYYYMMDDTHHZ.EXT (the UTC hour "
        "of arrival; EXT log, jsonl, csv or flows by -O; -1, -2 ... added when the name exists), written "
        "as NAME.part and renamed into place when its hour is over. A second flowcat --listen on the same "
        "file or directory is refused. Each commit ends where a reader takes the file whole (-O bin ends "
        "a binary stream there, and the next begins), so the output can be read at any time. A write or "
        "fsync that fails (a full disk) cuts the file back to the records acknowledged and refuses the "
        "requests not yet answered with 500 (the sender sends them again); flowcat goes on and exits 1 "
        "at the end. A write error on standard output, which cannot be cut back, stops flowcat (exit 1). "
        "A run that was killed leaves every acknowledged record in FILE or NAME.part, and perhaps records "
        "of requests it had not answered yet (which the sender sends again: delivery is at least once); "
        "the next run cuts off a record left half written at the end, with a warning, and renames the "
        ".part files it finds into place. A FILE that does not hold the -O format (binary data for a text "
        "format, or a damaged binary stream) is refused rather than added to. On a stop signal flowcat "
        "stops accepting connections, closes the idle ones and those still sending a head, gives the "
        "requests in flight --grace seconds to finish (then cuts them off, unacknowledged: 503), commits "
        "the files, and prints how many records and requests it received and refused. "
        "Port 0 picks a free port; --port-file writes it down. -O table is refused (it needs every row)."},
       {"SEE ALSO", "flow-formats(5)"}},
  };
  return spec;
}

void define_cat_options(CLI::App& app, CatOptions& o) {
  add_input_options(app, o.common);
  add_output_options(app, o.common);
  add_set_option(app, o.common);
  app.add_flag("--merge", o.merge, "Interleave the inputs in start-time order (each input sorted)")->group("Selection");
  app.add_option("--sort", o.sort, "Sort the records by these fields (start; start,srcaddr), in bounded memory")
      ->type_name("KEYS")
      ->group("Selection");
  app.add_flag("--reverse", o.reverse, "With --sort: largest first")->group("Selection");
  app.add_flag("--unique", o.unique, "Drop records equal in every field to one before, and say how many")
      ->group("Selection");
  add_spill_options(app, o.memory, o.tmpdir,
                    "--merge: memory for the inputs read at once (8 MiB each), more merged in passes; --sort: "
                    "for the records held, more sorted in runs in --tmpdir");
  app.add_flag("-c,--count", o.count, "Print only the number of records")->group("Output");
  add_post_options(app, o.post);
  add_listen_options(app, o.listen);
}

namespace {
/// --post replaces the output and --listen the inputs: what cannot go with them.
void check_network_options(const CatOptions& o) {
  if (!o.post.url.empty() && (o.count || o.common.output != "-" || !o.listen.address.empty()))
    throw UsageError("--post sends the records: it does not go with -o, --count or --listen");
  if (!o.listen.address.empty() &&
      (o.count || o.merge || !o.sort.empty() || o.unique || !o.common.since.empty() || !o.common.until.empty()))
    throw UsageError("--listen does not go with --count, --merge, --sort, --unique, --since or --until");
}

/// --sort and --unique: what goes with what.
void check_order_options(const CatOptions& o) {
  if (!o.sort.empty() && o.merge) throw UsageError("--sort takes the inputs in any order: --merge does not go with it");
  if (o.reverse && o.sort.empty()) throw UsageError("--reverse reverses --sort: give --sort KEYS");
}
}  // namespace

void run_cat(const CatOptions& o, Tool& tool) {
  check_network_options(o);
  check_order_options(o);
  if (!o.listen.address.empty()) return run_listen(o.listen, o.common, tool);
  const std::vector<std::string> keys = o.sort.empty() ? std::vector<std::string>{} : parse_sort_keys(o.sort);
  const bool sorting = !keys.empty() && !o.count;  // a count needs no order
  InputConfig cfg = tool.input_config(o.common);   // --since/--until: the stream keeps the window
  // Tell the readers which fields are used (the binary reader then decodes only those).
  // --unique compares whole records: every field is read.
  if ((o.count || !o.common.fields.empty()) && !o.unique) {
    cfg.read.fields.emplace(o.count ? std::vector<std::string>{} : o.common.fields);
    if (o.merge) cfg.read.fields->push_back("start");
    if (sorting) cfg.read.fields->insert(cfg.read.fields->end(), keys.begin(), keys.end());
    cfg.read.check_every_field = o.count;  // counting is how a file is checked: every field of it
  }
  std::unique_ptr<RecordOutput> out;
  std::optional<SignalReport> interrupted;  // before `in`, whose readers may start threads
  if (!o.post.url.empty()) {
    // Interrupted, a post says what became of the records, as when it fails.
    auto post = http_writer(o.post, o.common.net, tool.messages());
    interrupted.emplace(
        tool, [w = post.get()](const char* sig) { return w->stopped(fmt::format("interrupted by {}", sig)); });
    out = std::make_unique<RecordOutput>(std::move(post), o.common.fields, o.common.set, std::time(nullptr));
  }
  if (o.post.url.empty())  // a post sends by its own rules (--batch-records)
    cfg.on_idle = [&] {    // a live input pauses: what was read so far goes on now
      if (out) out->flush();
    };
  auto in =
      o.merge ? merged_stream(std::move(cfg), {parse_size(o.memory), o.tmpdir}) : sequential_stream(std::move(cfg));
  if (!out && !o.count) out = std::make_unique<RecordOutput>(output_config(o.common));

  // Sorted, --unique compares neighbours: ties on the keys are ordered by every field so that
  // duplicates meet.
  std::optional<Sorter> sorter;
  if (sorting) sorter.emplace(RecordOrder(keys, o.reverse, o.unique), MergeLimits{parse_size(o.memory), o.tmpdir});
  std::optional<Unique> unique;
  if (o.unique) unique.emplace(sorting);
  uint64_t n = 0;
  auto emit = [&](const Record& r) {
    if (unique && !unique->keep(r)) return;
    ++n;
    if (out) out->write(r);
  };

  Record r;
  while (in->next(r)) {
    if (sorter) sorter->add(r);
    else emit(r);
  }
  if (sorter)
    while (sorter->next(r)) emit(r);
  if (out) out->close();
  if (o.count) fmt::print("{}\n", n);
  tool.report_skips(in->skipped());
  if (unique)
    tool.note(fmt::format("dropped {} duplicate record{}", unique->dropped(), unique->dropped() == 1 ? "" : "s"));
}

}  // namespace flow

int main(int argc, char** argv) {
  flow::CatOptions opts;
  return flow::run_tool(
      argc, argv, flow::cat_spec(), [&](CLI::App& app) { flow::define_cat_options(app, opts); },
      [&](flow::Tool& tool) { flow::run_cat(opts, tool); });
}
