// flowjoin: reads records, joins them with a second stream (--with), stitches or deduplicates
// their conversations, and writes the result.
#include "common/tool.hpp"

#include <fmt/format.h>

#include <functional>
#include <optional>
#include <tuple>

#include "flow/conversation.hpp"
#include "flow/enrich.hpp"
#include "flow/error.hpp"
#include "flow/stream_join.hpp"
#include "flow/time.hpp"

namespace flow {

struct JoinCmdOptions {
  CommonOptions common;
  std::vector<std::string> tables, cidrs, ip_ranges, mmdbs;  ///< FIELD=FILE each
  std::string with, on, within, with_prefix = "with.";
  std::string join = "left";
  bool stitch = false, dedup = false;
  std::string idle = "15m";
};

const ToolSpec& join_spec() {
  static const ToolSpec spec{
      "flowjoin",
      "Enrich, stitch, deduplicate and join flow records",
      "flowjoin reads flow records from each FILE (or standard input) and writes them joined with other "
      "data, in any output format.\n\n"
      "--table FIELD=FILE adds the columns of a table (CSV with a header line, or JSON Lines; gzip and zstd "
      "are undone) to each record whose FIELD equals the table's key: the column named like FIELD, else the "
      "first (flowgen --estate writes such a table: --table interface-id=estate.csv gives instance, tier, "
      "service and owner). A column named like a known field has that field's type; another is a number when "
      "all its values are whole numbers, an address when all are addresses, text otherwise. --cidr FIELD=FILE looks an "
      "address up in a table of "
      "prefixes (IPv4 and IPv6; the column named cidr, prefix, network or subnet, else the first) and adds "
      "the columns of the longest prefix holding it, named after the field: --cidr srcaddr=subnets.csv adds "
      "src.COLUMN, pkt-dstaddr gives pkt-dst.COLUMN. --ip-ranges FIELD=ip-ranges.json (the file AWS "
      "publishes) adds PFX.aws-service, PFX.aws-region and PFX.aws-border-group; where AWS lists one prefix "
      "under several services, AMAZON (the superset) is dropped and the rest joined with '+'. --mmdb "
      "FIELD=FILE reads a MaxMind DB: PFX.asn and PFX.as-org from an ASN database, PFX.country (ISO code) "
      "from a Country or City one, PFX.city from a City one. A column the record already has keeps its value "
      "where set and takes the table's where null. Lookups run in the order --table, --cidr, --ip-ranges, "
      "--mmdb (each as given), each seeing the columns added before it, and after stitching, so that "
      "conversations are enriched by their initiator and responder. Tables are read into memory; a bad "
      "table is an error naming its file, line and column.\n\n"
      "--stitch turns the records of one connection into one conversation record. Inside a VPC a TCP "
      "connection is recorded four times per capture window (each direction, at each end's interface), "
      "six when it leaves through a NAT gateway, and a long connection spans many windows. The records "
      "are grouped by protocol and both endpoints (pkt-srcaddr and pkt-dstaddr where present, so the NAT "
      "gateway's legs join the instance's records); the initiator is the side a SYN came from, else the "
      "side with the higher port (the lower one is the service), else the source of the first record. "
      "A conversation has srcaddr/srcport (initiator), dstaddr/dstport (responder), start and end (first "
      "and last seen: capture windows, not packets), fwd-packets/fwd-bytes (initiator to responder), "
      "rev-packets/rev-bytes, packets and bytes (both), tcp-flags (all OR-ed), action (REJECT when any end "
      "rejected any of it), interfaces and verdicts (each interface that saw it and its action), "
      "flow-records and initiator-by (flags, ports or first).\n\n"
      "Each direction is counted once: of the vantage points that recorded it (an interface, with the "
      "addresses it recorded), the one that saw the most bytes is kept; on a tie a REJECT first, then one "
      "showing the hosts' own addresses rather than a NAT gateway's, then the lowest interface-id. "
      "--dedup writes the input's records instead of conversations, keeping only the kept vantage "
      "point's records of each direction, so that byte totals count every packet once; NODATA and "
      "SKIPDATA records pass through.\n\n"
      "Version 2 data (AWS's default format) has no pkt-srcaddr and pkt-dstaddr, and without them a "
      "connection through a NAT gateway is recorded under three pairs of addresses that nothing ties "
      "together: the instance's interface records the instance and the outside host, the gateway's inside "
      "leg the instance and the gateway, its public leg the gateway and the outside host. --stitch makes "
      "three conversations of it and --dedup keeps a vantage point of each, so its packets and bytes may be "
      "counted up to three times. flowjoin says so at the end in a warning (with the number of records "
      "without those fields); a flow log with a custom format that has pkt-srcaddr and pkt-dstaddr "
      "(version 3 and later) counts them once.\n\n"
      "Both need the input in time order (as S3 objects are, concatenated by hour; flowcat --sort start sorts "
      "any input, flowcat --merge interleaves inputs sorted each). A conversation ends when the input's time (the "
      "latest start read) has passed its last "
      "end by --idle (15 minutes: more than the 10-minute capture window, whose records reach back that "
      "far when sorted by end). Memory holds the conversations of that span only. A record that arrives "
      "later than that is counted and reported: its conversation may come out in two parts. A connection "
      "idle for longer than --idle between records also comes out in two parts.\n\n"
      "--with FILE joins each record with the records of another stream whose fields given by --on are "
      "equal (--on pkt-srcaddr=srcaddr: this input's pkt-srcaddr, FILE's srcaddr), optionally only when "
      "their capture windows overlap or lie within --within of each other. FILE is read into memory first "
      "(give the smaller stream there); its columns are added with the prefix with. (--with-prefix). "
      "--join left (the default) keeps every record, with the added columns null where nothing matched; "
      "inner keeps only records that matched, once per match; anti keeps only records that matched "
      "nothing, without added columns (which flows have no counterpart). Joins come first, then "
      "stitching or dedup, then the lookups. Without --with, --join applies to the lookups: inner keeps "
      "the records every lookup found something for, anti those some lookup found nothing for.",
      {
          {"flowjoin --table interface-id=estate.csv flows.log | flowagg -k owner", "Traffic per owning team."},
          {"flowjoin --cidr srcaddr=subnets.csv --cidr dstaddr=subnets.csv -O json flows.log",
           "Each side's subnet columns (src.name, dst.name, ...) from a prefix table."},
          {"flowjoin --ip-ranges dstaddr=ip-ranges.json flows.log | flowagg -k dst.aws-service",
           "Traffic per AWS service reached."},
          {"flowjoin --cidr srcaddr=inventory.csv --join anti flows.log", "Flows from addresses in no known prefix."},
          {"flowjoin --stitch -O table flows.log",
           "Conversations: initiator, responder, bytes each way, who saw them."},
          {"flowjoin --stitch flows.log | flowagg -k dstaddr,dstport --top 10 -a count,fwd-bytes,rev-bytes",
           "The busiest services by conversations."},
          {"flowjoin --dedup flows.log | flowagg -k srcaddr --top 10", "Top talkers without counting a packet twice."},
          {"flowjoin --with instances.log --on pkt-srcaddr=srcaddr --within 60 --join inner nat.log",
           "NAT gateway records with the instance records of the same traffic."},
          {"flowjoin --with known.log --on srcaddr,dstaddr,dstport --join anti today.log",
           "Today's flows between pairs never seen before."},
      },
      {{"EXIT STATUS",
        "0 success; 1 a data or I/O error (a malformed record, an unreadable table), or --stitch packets or bytes "
        "past 2^64 - 1 (written as 18446744073709551615, saturated rather than wrapped, and named in a warning "
        "even with -q); 2 a usage error. A closed pipe downstream (e.g. | head) ends flowjoin quietly with 0."},
       {"SEE ALSO", "flowagg(1), flowcat(1), flowfilter(1), flow-formats(5)"}},
  };
  return spec;
}

void define_join_options(CLI::App& app, JoinCmdOptions& o) {
  add_input_options(app, o.common);
  add_output_options(app, o.common);
  add_set_option(app, o.common);
  app.add_flag("--stitch", o.stitch, "One record per conversation: both directions, every interface, every window")
      ->group("Conversations");
  app.add_flag("--dedup", o.dedup, "Keep one vantage point's records of each direction of a connection")
      ->group("Conversations");
  app.add_option("--idle", o.idle, "A conversation ends this long after its last record (input time)")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group("Conversations");
  app.add_option("-t,--table", o.tables, "Add the columns of a CSV or JSON Lines table whose key equals FIELD")
      ->type_name("FIELD=FILE")
      ->allow_extra_args(false)
      ->group("Enrichment");
  app.add_option("--cidr", o.cidrs, "Add the columns of the longest prefix of a CIDR table holding address FIELD")
      ->type_name("FIELD=FILE")
      ->allow_extra_args(false)
      ->group("Enrichment");
  app.add_option("--ip-ranges", o.ip_ranges, "AWS ip-ranges.json: the service and region of address FIELD")
      ->type_name("FIELD=FILE")
      ->allow_extra_args(false)
      ->group("Enrichment");
  app.add_option("--mmdb", o.mmdbs, "A MaxMind DB (GeoIP2/GeoLite2 ASN, Country, City) for address FIELD")
      ->type_name("FIELD=FILE")
      ->allow_extra_args(false)
      ->group("Enrichment");
  app.add_option("--with", o.with, "Join with the records of FILE (read into memory)")
      ->type_name("FILE")
      ->group("Joins");
  app.add_option("--on", o.on, "The fields that must be equal: FIELD or FIELD=WITH-FIELD, comma-separated")
      ->type_name("KEYS")
      ->group("Joins");
  app.add_option("--within", o.within, "Only records whose capture windows overlap or are this close")
      ->type_name("DURATION")
      ->group("Joins");
  app.add_option("--with-prefix", o.with_prefix, "Prefix of the columns added from --with")
      ->type_name("PREFIX")
      ->capture_default_str()
      ->group("Joins");
  app.add_option("--join", o.join,
                 "left: every record; inner: matched only; anti: unmatched only (--with, else the lookups)")
      ->type_name("KIND")
      ->check(one_of({"left", "inner", "anti"}))
      ->capture_default_str()
      ->group("Joins");
}

namespace {

enum class JoinKind { Left, Inner, Anti };

void check_usage(const JoinCmdOptions& o) {
  if (o.stitch && o.dedup)
    throw UsageError("--stitch and --dedup: give one (stitching already counts each direction once)");
  if (o.with.empty() && !o.on.empty()) throw UsageError("--on names the fields to join --with FILE on: give --with");
  if (!o.with.empty() && o.on.empty()) throw UsageError("--with FILE needs --on FIELD[=WITH-FIELD],...");
  if (o.with.empty() && !o.within.empty()) throw UsageError("--within applies to --with: give --with");
  if (!o.with_prefix.empty() && !is_field_name_syntax(o.with_prefix + "x"))
    throw UsageError(
        fmt::format("--with-prefix '{}': a prefix of field names (lower case, digits, '-', '.')", o.with_prefix));
  if (!o.stitch && !o.dedup && o.with.empty() && o.tables.empty() && o.cidrs.empty() && o.ip_ranges.empty() &&
      o.mmdbs.empty())
    throw UsageError(
        "nothing to do: give --table, --cidr, --ip-ranges, --mmdb, --with, --stitch or --dedup (see --help)");
}

/// The lookups in the order of the options: --table, --cidr, --ip-ranges, --mmdb, each as given.
std::vector<LookupSpec> lookup_specs(const JoinCmdOptions& o) {
  std::vector<LookupSpec> specs;
  for (auto& [kind, texts, name] :
       {std::tuple{LookupSpec::Key, &o.tables, "--table"}, std::tuple{LookupSpec::Cidr, &o.cidrs, "--cidr"},
        std::tuple{LookupSpec::IpRanges, &o.ip_ranges, "--ip-ranges"},
        std::tuple{LookupSpec::Mmdb, &o.mmdbs, "--mmdb"}})
    for (const std::string& t : *texts) specs.push_back(parse_lookup_spec(kind, t, name));
  return specs;
}

}  // namespace

void run_join(const JoinCmdOptions& o, Tool& tool) {
  check_usage(o);
  const std::vector<LookupSpec> specs = lookup_specs(o);
  std::optional<Enricher> enricher;
  if (!specs.empty()) enricher.emplace(specs);
  const JoinKind kind = o.join == "inner" ? JoinKind::Inner : o.join == "anti" ? JoinKind::Anti : JoinKind::Left;
  const int64_t idle = parse_duration(o.idle, "--idle");
  if (idle < 1) throw UsageError("--idle: give at least one second");

  std::optional<StreamJoin> with;
  std::unique_ptr<RecordStream> with_in;
  if (!o.with.empty()) {
    StreamJoinOptions so;
    so.on = parse_join_keys(o.on, "--on");
    so.prefix = o.with_prefix;
    if (!o.within.empty()) so.within = o.within == "0" ? 0 : parse_duration(o.within, "--within");  // 0: overlap
    CommonOptions wo = o.common;
    wo.inputs = {o.with};
    with_in = sequential_stream(tool.input_config(wo));
    with.emplace(*with_in, std::move(so));
    tool.report_skips(with_in->skipped());
    if (with->without_key())
      tool.warn(fmt::format("--with {}: {} of {} records have no value for a key field; they match nothing", o.with,
                            with->without_key(), with->loaded()));
  }

  std::optional<Conversations> convs;
  if (o.stitch || o.dedup) convs.emplace(ConversationOptions{idle, o.dedup});

  InputConfig cfg = tool.input_config(o.common);
  // Stitching reads only its fields (the binary reader then decodes no others).
  if (o.stitch && o.with.empty()) cfg.read.fields.emplace(Conversations::fields_read());
  RecordOutput* live = nullptr;  // the output, once open
  cfg.on_idle = [&] {            // a live input pauses: what was joined so far goes on now
    if (live) live->flush();
  };
  auto in = sequential_stream(std::move(cfg));
  RecordOutput out(output_config(o.common));
  live = &out;
  // Lookups last: they enrich conversations as well as records. --join filters by them when
  // there is no --with to filter by.
  Record enriched;
  const bool lookups_filter = o.with.empty() && kind != JoinKind::Left;
  auto write = [&](const Record& r) {
    if (!enricher) return out.write(r);
    const LookupResult res = enricher->apply(r, enriched);
    if (lookups_filter) {
      const bool all = res.lookups > 0 && res.matched == res.lookups;
      if (kind == JoinKind::Inner ? !all : (res.lookups == 0 || all)) return;
    }
    out.write(enriched);
  };
  const std::function<void(const Record&)> write_fn = write;
  const std::function<void(const Record&)> converse = [&](const Record& r) {
    if (!convs) return write(r);
    if (!convs->add(r, in->file()) && o.dedup) write(r);  // NODATA, SKIPDATA pass dedup
    convs->finish(false, write_fn);
  };
  const std::function<void(const Record&)> ignore = [](const Record&) {};

  Record r;
  while (in->next(r)) {
    if (!with) {
      converse(r);
    } else if (kind == JoinKind::Anti) {
      if (!with->join(r, false, ignore)) converse(r);
    } else {
      with->join(r, kind == JoinKind::Left, converse);
    }
  }
  if (convs) convs->finish(true, write_fn);
  out.close();

  tool.report_skips(in->skipped());
  if (convs) {
    const ConversationStats& s = convs->stats();
    std::vector<std::pair<std::string, uint64_t>> saturated;
    if (s.saturated_packets) saturated.emplace_back("packets", s.saturated_packets);
    if (s.saturated_bytes) saturated.emplace_back("bytes", s.saturated_bytes);
    tool.report_saturated(saturated, "conversation");
    if (s.late)
      tool.warn(fmt::format(
          "{} record{} came more than --idle ({}) after the input's time (first: {}): the input is not "
          "in time order, and their conversations may be split; sort it (flowcat --sort start) or raise --idle",
          s.late, s.late == 1 ? "" : "s", o.idle, s.first_late));
    if (s.without_pkt)
      tool.warn(
          fmt::format("{} of {} records have no pkt-srcaddr and pkt-dstaddr (version 2 data): a connection "
                      "through a NAT gateway may be counted up to three times (see flowjoin(1))",
                      s.without_pkt, s.records));
    if (o.stitch)
      tool.note(fmt::format("stitched {} records into {} conversations{}", s.records, s.conversations,
                            s.no_flow ? fmt::format(" ({} record{} without a flow left out: NODATA, SKIPDATA)",
                                                    s.no_flow, s.no_flow == 1 ? "" : "s")
                                      : ""));
    else
      tool.note(fmt::format("dedup: kept {} records, dropped {} second observations ({} bytes) of {} connections",
                            s.kept, s.dropped, s.dropped_bytes, s.conversations));
  }
}

}  // namespace flow

int main(int argc, char** argv) {
  flow::JoinCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::join_spec(), [&](CLI::App& app) { flow::define_join_options(app, opts); },
      [&](flow::Tool& tool) { flow::run_join(opts, tool); });
}
