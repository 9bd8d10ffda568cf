// flowagg: reads records (or --merge: partial states), groups them, writes one record per group.
#include "common/tool.hpp"

#include <malloc.h>

#include <algorithm>
#include <climits>
#include <ctime>
#include <functional>
#include <optional>

#include <fmt/format.h>

#include "flow/agg.hpp"
#include "flow/agg_window.hpp"
#include "flow/error.hpp"
#include "flow/filter.hpp"
#include "flow/time.hpp"
#include "flow/units.hpp"

namespace flow {

struct AggCmdOptions {
  CommonOptions common;
  std::vector<std::string> keys, values;
  bool bidir = false;
  bool spread = false;
  bool fill = false;
  std::string window, lateness = "10m";
  uint64_t top = 0;
  std::string by;
  bool ascending = false;
  bool unsorted = false;
  std::string having, where;
  std::string memory = "1Gi";
  std::string tmpdir;
  unsigned threads = 0;  ///< 0: one per core (at most 8)
  bool partial = false;
  bool merge = false;
};

const ToolSpec& agg_spec() {
  static const ToolSpec spec{
      "flowagg",
      "Group flow records and aggregate their values",
      "flowagg reads flow records from each FILE (or standard input), groups them by the keys given "
      "with -k and writes one record per group with the values given with -a, in any output format "
      "(an aligned table when standard output is a terminal, AWS text otherwise), so that groups pipe "
      "into flowfilter, flowagg and the other tools.\n\n"
      "Keys are fields (dstport, interface-id, action, any column of the input), address prefixes "
      "(srcaddr/24; /N applies to both families, clamped to their width; srcaddr/24/64 gives IPv4 and IPv6 "
      "prefixes apart), and time bins aligned to UTC (start/5m, start/1h, start/1d). A key column keeps "
      "its field's name: the group's address prefix or bin start is in srcaddr or start. No -k gives one "
      "group of everything. The either-side keys addr and port (as in flow-filter(7); addr/24 too) group a "
      "record under its source (srcaddr, srcport) and again under its destination (dstaddr, dstport), once "
      "when both give the same group: traffic per host whichever side it was on, as nfdump -s ip does. "
      "Counts and sums then count each flow twice, once per endpoint (a total over all groups is twice the "
      "traffic); with several either-side keys, a group takes one side's values of each (addr,port: the "
      "endpoints).\n\n"
      "Values: count (column records), sum(F) or just F (column F), min(F), max(F), mean(F) (rounded to a "
      "whole number), distinct(F) (exact), approx-distinct(F) (HyperLogLog: relative standard error 1.6%, "
      "exact below 512 distinct values), pNN(F) and median(F) (percentiles from a DDSketch: the value at "
      "rank floor(q*(n-1)) within 1% of the true value at that rank and never outside the group's smallest "
      "and largest values; p0 and p100 are exact), first and last (the earliest start and latest end). F "
      "is a numeric field or duration (end - start). variance(F) and stddev(F) are the population variance "
      "and standard deviation (divided by the number of values n, not n - 1), each rounded to a whole "
      "number; they are worked out exactly from integer sums (of F and of its squares), so threads, spills "
      "and --merge give the same answer as one run. Columns are named min-F, max-F, mean-F, stddev-F, "
      "variance-F, distinct-F, approx-distinct-F, p99-F; NAME=VALUE names one. The default is "
      "count,packets,bytes. Null values (-) are left out of every value, as in SQL; count counts records. "
      "A record that is itself a group (it has a records column) counts as that many records, so groups "
      "can be grouped again: flowagg -k srcaddr/24 | flowagg -k srcaddr/16. "
      "A count or sum that goes past 2^64 - 1 stops at 18446744073709551615 instead of wrapping: flowagg "
      "names the column in a warning, even with -q, and exits 1, as that answer is not exact; so does a variance "
      "past 2^64 - 1 (values spread by 2^32 or more: the stddev is still right). A mean is exact whatever its "
      "sum (128 bits), so it always lies between min(F) and max(F).\n\n"
      "Any value takes a condition: count(where EXPR), sum(bytes where EXPR), distinct(dstport where EXPR), "
      "p99(bytes where EXPR): only the records matching the flow-filter(7) expression EXPR go into that value "
      "(a group none matches has a count of 0 and other values null), as count_if in SQL. Such a value needs "
      "a name: rejected=count(where action == REJECT). Other values of the same group take every record (-w "
      "selects the records of all values). The condition is part of a --partial file's spec: only states "
      "made with the same condition merge.\n\n"
      "The four records of one TCP connection inside a VPC (each direction, at each end's interface) "
      "fall into two groups when keyed by srcaddr and dstaddr. --bidir puts both directions into one "
      "group, oriented from the side that opened the connection (tcp-flags where they say, the lower "
      "port otherwise: the same rule flowfilter --policy uses): srcaddr is then the client, dstaddr and "
      "dstport the service. Sums still include both ends' observations of the same packets; keep one "
      "interface's view (a -w filter on interface-id or flow-direction) where that matters.\n\n"
      "A time bin key puts a record whole into the bin of its start, so a capture window of 600 s puts ten "
      "minutes of traffic into one minute (its per-minute rate comes out ten times too high there and zero "
      "in the nine minutes after). --spread shares each record's sums (packets, bytes, any sum(F)) out over "
      "the bins of the TIME/BIN key that its [start, end) covers, in proportion to its time in each, in whole "
      "numbers that add up to the record's value exactly (each within 1 of its exact share); a record without "
      "an end, or whose end is not after its start, goes whole to its bin. A record still counts once (records) "
      "in each bin it touches, the flows active in that bin, so records summed over the bins may exceed the "
      "records read; the other values (min, max, mean, percentiles, distinct, first, last) see the record's "
      "values as they are. --fill adds the bins no record touched, from the first bin seen to the last, for "
      "every combination of the other keys seen (each series over the same range): their records and sums are "
      "0 (with --fill a sum of nothing is 0 rather than null) and their other values null.\n\n"
      "A live stream: --window DUR groups the records by windows of DUR of their start (aligned to UTC; a first "
      "column, window, holds each window's start) and writes each window's groups, flushed at once, when the "
      "input's time (the latest end seen) has passed the window's end by --lateness, 10m by default: the longest "
      "AWS capture window is 10 minutes, so by then every record of traffic that began within the window has "
      "ended, and in an input that comes in order of end, been read. A record whose window was already written "
      "is left out: flowagg says how many in a warning, as it does for records without a start, and exits 1. "
      "--top, --by and --having apply to each window; --window reads with one thread and takes no --partial, "
      "--merge, --fill or --spread.\n\n"
      "Groups come out sorted by key; --by VALUE sorts by a value (largest first; --asc for smallest) and "
      "--top N keeps the first N (by bytes unless --by says otherwise); --unsorted leaves them in the order "
      "they came (with one thread: of first appearance), the fastest. --having EXPR keeps the groups "
      "matching a flowfilter expression over the output columns (records > 100, distinct-dstport > 50); "
      "-w EXPR selects the records before grouping.\n\n"
      "A regular file that is not compressed is read by several threads at once (--threads; one per core "
      "by default): AWS text split at line boundaries (each piece knows the format and line numbers in "
      "effect where it starts), the binary format shared by blocks; each thread groups its share and the "
      "shares are combined, which gives the same answer as one thread. With --unsorted and many groups, "
      "the counts and sums of some groups are worked out while the first are written, by a thread that "
      "takes only CPU time nothing else wants. Standard input, gzip and zstd are read by one thread. Of AWS text only "
      "the fields that the keys, values and -w read are parsed: "
      "the others must be there but are not checked (flowcat --count checks every field).\n\n"
      "Memory grows with the number of groups. Beyond --memory (which threads share: each keeps its "
      "part), the groups so far are written to a temporary file sorted by key and the table starts "
      "again; at the end the files are merged, so the answer is exactly that of one table. --partial "
      "writes the groups' states instead of results (a "
      "compact file, not one of the record formats); --merge reads such files, from many runs or "
      "machines, and gives exactly the answer of one run over all their inputs (sketches merge without "
      "further error).",
      {
          {"flowagg -k srcaddr --top 10 flows.log", "The ten sources that sent the most bytes."},
          {"flowagg -k srcaddr,dstaddr,dstport -O json flows.log",
           "Traffic per conversation and service, as JSON Lines."},
          {"flowagg -w 'action == REJECT' -k srcaddr -a count,ports=distinct(dstport) --having 'ports > 20' flows.log",
           "Sources whose rejected traffic touched more than 20 ports (scans)."},
          {"flowagg -k start/1h -a count,bytes,p99(bytes) day.flows",
           "Hourly records, bytes and the 99th percentile of window size."},
          {"flowfilter 'addr == 10.0.1.5 and addr == 10.0.2.9' f.log | flowagg -k start/1m -a bytes --spread --fill",
           "Bandwidth between two hosts per minute: each record's bytes spread over the minutes it covers, quiet "
           "minutes as 0."},
          {"flowcat --listen :8080 | flowagg --window 1m -k srcaddr -a count,ports=distinct(dstport) --having 'ports > "
           "20' | flowfilter true",
           "Scanners of each minute of a live stream, written as each minute closes (10 minutes later)."},
          {"flowagg -k srcaddr,dstaddr,dstport --bidir flows.log",
           "Conversations: both directions in one group, client first."},
          {"flowagg -k srcaddr/24 -a count,distinct(dstaddr) --by distinct-dstaddr flows.log",
           "Networks reaching the most hosts."},
          {"flowagg -k srcaddr/24,start/1h -a 'count,rejected=count(where action == REJECT)' flows.log",
           "Per subnet and hour, the records and how many were rejected (the deny ratio's two terms)."},
          {"flowagg -k dstport -a 'count,answered=count(where tcp-flags has SYN-ACK)' flows.log",
           "Per service, connections and those that were answered."},
          {"flowagg -k srcaddr -a 'count,mean(bytes),stddev(bytes)' baseline.flows",
           "Each host's baseline: the mean and standard deviation of its flows' bytes."},
          {"flowagg -k addr -a count,bytes --top 10 flows.log",
           "The ten hosts with the most traffic, sent or received (each flow counted at both ends)."},
          {"flowagg -k interface-id --partial -o 10h.part hour10.log.gz", "The state of one hour, to merge later."},
          {"flowagg --merge *.part --top 20", "The day's answer from the hours' states."},
          {"flowagg -k dstport -a count,packets,bytes --set 'bpp=bytes / packets' --by bpp --top 10 flows.log",
           "The ports with the largest packets: a column computed from each group's output."},
      },
      {{"EXIT STATUS",
        "0 success; 1 a data or I/O error (a malformed record, a damaged partial file, a full disk), a count "
        "or sum past 2^64 - 1 (the groups are written, that value saturated), or with --window records left out "
        "(late, or without a start); 2 a usage error. A closed pipe "
        "downstream (e.g. | head) ends flowagg quietly with 0."},
       {"SEE ALSO", "flowfilter(1), flowcat(1), flow-filter(7), flow-formats(5)"}},
  };
  return spec;
}

void define_agg_options(CLI::App& app, AggCmdOptions& o) {
  add_input_options(app, o.common);
  add_output_options(app, o.common);
  add_set_option(app, o.common, "; over the output columns, after grouping");
  o.common.output_format = "";  // a table on a terminal, AWS text otherwise
  app.add_option("-k,--key", o.keys,
                 "Group by these keys (comma-separated; repeatable): FIELD, ADDR/BITS, TIME/BIN, addr, port")
      ->allow_extra_args(false)
      ->type_name("KEYS")
      ->group("Grouping");
  app.add_option("-a,--agg", o.values, "Values per group (comma-separated; repeatable); default count,packets,bytes")
      ->allow_extra_args(false)
      ->type_name("VALUES")
      ->group("Grouping");
  app.add_flag("--bidir", o.bidir, "Both directions of a conversation in one group, client side first")
      ->group("Grouping");
  app.add_flag("--spread", o.spread,
               "Share a record's sums out over the TIME/BIN bins its [start, end) covers, in proportion")
      ->group("Grouping");
  app.add_flag("--fill", o.fill, "Empty TIME/BIN bins as groups of zeros, from the first bin seen to the last")
      ->group("Grouping");
  app.add_option("-w,--where", o.where, "Group only the records matching EXPR (flow-filter(7))")
      ->type_name("EXPR")
      ->group("Grouping");
  app.add_option("--having", o.having, "Keep only the groups matching EXPR over the output columns")
      ->type_name("EXPR")
      ->group("Selection");
  app.add_option("--top", o.top, "Keep the first N groups (by bytes, or --by)")->type_name("N")->group("Selection");
  app.add_option("--by", o.by, "Sort by this value column, largest first")->type_name("VALUE")->group("Selection");
  app.add_flag("--asc", o.ascending, "With --by or --top: smallest first")->group("Selection");
  app.add_flag("--unsorted", o.unsorted, "Groups in the order they first appeared (fastest)")->group("Selection");
  add_spill_options(app, o.memory, o.tmpdir, "Group state kept in memory before spilling to disk");
  auto* window = app.add_option("--window", o.window,
                                "A live stream: group by windows of DUR of the records' start, each written once it "
                                "closed")
                     ->type_name("DUR")
                     ->group("Streaming");
  app.add_option("--lateness", o.lateness,
                 "With --window: how far the input's time (the latest end) passes a window's end before it is written")
      ->type_name("DUR")
      ->capture_default_str()
      ->needs(window)
      ->group("Streaming");
  app.add_option("--threads", o.threads, "Read and group with N threads (default: one per core, at most 8)")
      ->type_name("N")
      ->check(CLI::Range(1, 256))
      ->group("Scale");
  app.add_flag("--partial", o.partial, "Write the groups' states (to merge later) instead of results")->group("Scale");
  app.add_flag("--merge", o.merge, "The inputs are --partial files: merge their states")->group("Scale");
}

namespace {

/// --by a --set column: the groups' records, computed, sorted by it here (nulls last) and cut
/// to --top; the aggregator orders by values it holds.
struct SetOrder {
  int column = -1;  // in the records written; -1: no such order
  bool descending = true;
  uint64_t top = 0;
  std::vector<Record> rows;

  void add(const Record& r) { copy_record(r, rows.emplace_back()); }
  template <typename Write>
  void finish(Write write) {
    const auto c = static_cast<size_t>(column);
    std::stable_sort(rows.begin(), rows.end(), [&](const Record& a, const Record& b) {
      const Value &x = a.values[c], &y = b.values[c];
      if (x.null() || y.null()) return !x.null() && y.null();
      return descending ? x.f > y.f : x.f < y.f;
    });
    for (size_t i = 0; i < rows.size() && (top == 0 || i < top); ++i) write(rows[i]);
  }
};

AggOrder make_order(const AggCmdOptions& o, const AggSpec& spec) {
  AggOrder order;
  order.top = o.top;
  order.descending = !o.ascending;
  if (o.unsorted) {
    if (!o.by.empty()) throw UsageError("--unsorted and --by contradict each other");
    order.by = AggOrder::None;
    return order;
  }
  std::string by = o.by;
  if (by.empty() && o.top)
    by = spec.value_index("bytes") >= 0     ? "bytes"
         : spec.value_index("records") >= 0 ? "records"
                                            : spec.values[0].column.name;
  if (by.empty()) {
    if (o.ascending) throw UsageError("--asc orders by a value: give --by VALUE or --top N");
    return order;
  }
  order.value = spec.value_index(by);
  if (order.value < 0) {
    std::string names;
    for (const auto& v : spec.values) names += (names.empty() ? "" : ", ") + v.column.name;
    throw UsageError(fmt::format("--by {}: not a value column (the values are: {})", by, names));
  }
  order.by = AggOrder::Value;
  return order;
}

}  // namespace

/// --window: the groups of each window of the live input, written (and flushed) as it closes.
void run_windows(const AggCmdOptions& o, const AggSpec& spec, const AggOrder& order,
                 std::function<bool(const Record&)> keep, Derive& derive, Tool& tool) {
  if (o.partial || o.merge || o.fill || o.spread)
    throw UsageError("--window writes each window's groups as it closes: no --partial, --merge, --fill or --spread");
  std::unique_ptr<RecordOutput> out;
  WindowAggregator::Options wo;
  wo.width = parse_duration(o.window, "--window");
  wo.lateness = o.lateness == "0" ? 0 : parse_duration(o.lateness, "--lateness");
  wo.order = order;
  wo.keep = std::move(keep);
  wo.emit = [&](const Record& r) { out->write(derive.apply(r)); };
  wo.window_done = [&] { out->flush(); };  // a window's groups reach the next process at once
  AggLimits limits{parse_size(o.memory), o.tmpdir, 1};
  WindowAggregator win(spec, limits, std::move(wo));
  OutputConfig ocfg = output_config(o.common);
  ocfg.set.clear();  // computed by emit, before --having
  out = std::make_unique<RecordOutput>(ocfg);
  InputConfig cfg = tool.input_config(o.common);
  cfg.on_idle = [&] { out->flush(); };
  AggRead how;
  how.where = o.where;
  how.now = std::time(nullptr);
  tool.report_skips(win.read(std::move(cfg), how));
  out->close();
  tool.report_saturated(win.saturated());
  // Never silent: records that came after their window was written are not in any output.
  if (win.late())
    tool.tell(
        fmt::format("warning: {} record{} came after {} window was written (the first at {}): left out; a longer "
                    "--lateness waits for them",
                    win.late(), win.late() == 1 ? "" : "s", win.late() == 1 ? "its" : "their", win.first_late()));
  if (win.timeless())
    tool.tell(fmt::format("warning: {} record{} without a start time: in no window, left out", win.timeless(),
                          win.timeless() == 1 ? "" : "s"));
  if (win.late() || win.timeless()) tool.status = 1;
}

void run_agg(AggCmdOptions o, Tool& tool) {
  // Memory that the group tables free as they grow (slot arrays, passed rows) is kept for the
  // next to take, not handed back to the system and faulted in afresh: 8 M groups took 14% fewer
  // page faults (159,000 -> 133,000), and faulting pages in is a good part of their cost.
  mallopt(M_MMAP_THRESHOLD, 32 << 20);  // glibc's most
  mallopt(M_TRIM_THRESHOLD, INT_MAX);
  if (o.merge && o.common.inputs.empty()) o.common.inputs.push_back("-");
  // --merge without -k/-a: the first file says what it holds (read once: it may be a pipe).
  std::optional<Aggregator::PartialInput> first;
  if (o.merge && o.keys.empty() && o.values.empty() && !o.bidir && !o.spread)
    first = Aggregator::open_partial(o.common.inputs.front());
  AggSpec spec = first ? first->spec : AggSpec::parse(o.keys, o.values, o.bidir);
  if (!first) spec.spread = o.spread;
  if (o.fill) time_bin_key(spec, "--fill");
  spec.now = std::time(nullptr);
  if (o.partial && (!o.having.empty() || o.top || !o.by.empty() || o.unsorted || !o.common.set.empty()))
    throw UsageError("--partial writes states; --having, --set, --top, --by and --unsorted apply when they are merged");
  if (o.partial && o.fill) throw UsageError("--partial writes states; --fill applies when they are merged");
  if (o.merge && !o.where.empty()) throw UsageError("-w selects records; --merge reads states, which have none");

  // --set and --having see the output columns (by their bare names), --having the set ones too.
  FilterSettings fs;
  fs.now = spec.now;
  fs.columns = spec.output_schema()->columns();
  fs.columns_only = true;
  for (const auto& item : o.common.set)
    if (auto name = item.substr(0, item.find('=')); spec.output_schema()->slot(name) >= 0)
      throw UsageError(fmt::format("--set {}: {} is already an output column (-k/-a); name it otherwise", item, name));
  Derive derive(o.common.set, fs);
  for (const auto& c : derive.columns()) fs.columns.push_back(c);
  SetOrder set_order;
  for (size_t i = 0; i < derive.columns().size(); ++i)
    if (derive.columns()[i].name == o.by) set_order.column = static_cast<int>(spec.output_schema()->size() + i);
  AggCmdOptions agg_opts = o;
  if (set_order.column >= 0) {
    if (o.unsorted) throw UsageError("--unsorted and --by contradict each other");
    set_order.descending = !o.ascending;
    set_order.top = o.top;
    agg_opts.by.clear(), agg_opts.top = 0, agg_opts.ascending = false;
  }
  AggOrder order = make_order(agg_opts, spec);
  std::optional<Filter> having;
  if (!o.having.empty()) {
    fs.source = "--having";
    having.emplace(Filter::compile(o.having, fs));
  }

  if (!o.window.empty()) {
    if (set_order.column >= 0) throw UsageError("--window: --by names a --set column; sort by a -k/-a column");
    std::function<bool(const Record&)> keep;
    if (having) keep = [&](const Record& r) { return having->match(derive.apply(r)); };
    return run_windows(o, spec, order, std::move(keep), derive, tool);
  }
  const unsigned threads = read_threads(o.threads);
  // Partitions by key hash, so that the shares of the threads combine one partition per thread.
  AggLimits limits{parse_size(o.memory), o.tmpdir, threads > 1 ? 4 * threads : 1};
  Aggregator agg(spec, limits);
  if (o.merge) {
    size_t i = 0;
    if (first) agg.add_partial(std::move(*first)), i = 1;
    for (; i < o.common.inputs.size(); ++i) agg.add_partial(o.common.inputs[i]);
  } else {
    AggRead how;
    how.where = o.where;
    how.now = fs.now;
    how.threads = threads;
    how.defer = order.by == AggOrder::None && order.top == 0 && !o.partial;
    tool.report_skips(agg.read(tool.input_config(o.common), how));
  }

  if (o.partial) {
    auto out = Output::open(o.common.output);
    if (out->is_terminal() && !o.common.force)
      throw UsageError("refusing to write partial state (binary) to a terminal (use -o FILE, a pipe, or --force)");
    agg.write_partial(*out);
    out->commit();
    return;
  }
  if (o.fill) agg.fill();
  OutputConfig cfg = output_config(o.common);
  cfg.set.clear();  // computed here, before --having
  RecordOutput out(cfg);
  std::function<bool(const Record&)> keep;
  if (having) keep = [&](const Record& r) { return having->match(derive.apply(r)); };
  agg.finish(order, keep, [&](const Record& r) {
    if (set_order.column >= 0) set_order.add(derive.apply(r));
    else out.write(derive.apply(r));
  });
  if (set_order.column >= 0) set_order.finish([&](const Record& r) { out.write(r); });
  out.close();
  tool.report_saturated(agg.saturated());
  // A million groups take a while to free: the reader of the output need not wait for that.
  if (o.common.output.empty() || o.common.output == "-") release_stdout();
}

}  // namespace flow

int main(int argc, char** argv) {
  flow::AggCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::agg_spec(), [&](CLI::App& app) { flow::define_agg_options(app, opts); },
      [&](flow::Tool& tool) { flow::run_agg(opts, tool); });
}
