// flowfilter: records matching an expression to stdout (the others optionally to --rest), or a
// policy check (policy_check.cpp). Exit status as grep: 0 matched, 1 nothing matched, 2 error.
#include "common/tool.hpp"
#include "policy_check.hpp"

#include <fmt/format.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "flow/error.hpp"
#include "flow/filter.hpp"
#include "flow/format.hpp"
#include "flow/policy.hpp"

namespace flow {

struct FilterCmdOptions {
  CommonOptions common;
  std::string expr;         ///< -e
  bool expr_given = false;  ///< -e was given (even empty: then every argument is an input)
  std::string expr_file;    ///< -f
  bool invert = false;
  bool count = false;
  bool check = false;
  std::string rest;  ///< --rest FILE: the records that do not match
  std::string policy;
  std::vector<std::string> reports;  ///< --report junit=FILE, sarif=FILE, github, text
};

const ToolSpec& filter_spec() {
  static const ToolSpec spec{
      "flowfilter",
      "Select flow records with an expression; check flows against a network policy",
      "flowfilter writes the records of each FILE (or standard input) that match EXPR to standard "
      "output, in any output format. The expression language, described in flow-filter(7), compares "
      "fields with values and with each other (srcaddr == pkt-srcaddr), tests membership in sets, "
      "ranges and address prefixes (dstport in {22, 3389}, srcaddr in 10.0.0.0/8, dstaddr in "
      "@blocklist.txt), matches identifiers with globs (interface-id == \"eni-0a*\"), knows the names of "
      "protocols, TCP flags, actions and directions, reads times as ISO 8601 or now-1h, and computes "
      "duration, bytes-per-packet, bits-per-second and packets-per-second. A comparison with a null "
      "(-) or absent value is false; test for them with 'is null'.\n\n"
      "The expression is the first argument, or given with -e or read from a file with -f (then every "
      "argument is an input). It is compiled once, before any input is read; a mistake is shown with a "
      "caret under it and exits 2. --check only validates.\n\n"
      "With --policy, flowfilter checks the observed connections against an intended network policy "
      "(flow-policy(5)) instead: accepted traffic that no rule allows is 'too open', rejected traffic a "
      "'require' rule needs is 'broken'. Each connection is judged once, from its initiating side, "
      "however many records show it. The violating records go to standard output, a per-rule summary "
      "to standard error, and --report writes JUnit, SARIF or GitHub annotations for CI.",
      {
          {"flowfilter 'action == REJECT and dstport == ssh and srcaddr not in 10.0.0.0/8' flows.log",
           "Rejected SSH from outside the private range."},
          {"zcat *.log.gz | flowfilter 'dstaddr in @blocklist.txt' -O table",
           "Traffic to any prefix of a list, as a table."},
          {"flowfilter 'flow-direction == egress and bytes > 100M' -O json flows.log",
           "Large egress windows as JSON Lines."},
          {"flowfilter 'srcaddr != pkt-srcaddr' nat.log", "Records whose packets were translated (NAT)."},
          {"flowfilter 'bytes / duration > 1M' flows.log",
           "Records above 1 MB/s (arithmetic: each operator a word of its own)."},
          {"flowfilter -c 'tcp-flags has SYN and not tcp-flags has ACK' flows.log", "Count bare SYNs (scans)."},
          {"flowfilter 'start >= now-1h' --rest older.log flows.log > last-hour.log",
           "Split a file into the last hour and the rest."},
          {"flowfilter --check -f detections.expr", "Only validate an expression file."},
          {"flowfilter --policy vpc.policy --report junit=policy.xml --report github flows.log",
           "Fail a CI job when traffic breaks the intended policy."},
      },
      {{"EXIT STATUS",
        "0 some record matched (with --policy: no violation); 1 no record matched (with --policy: "
        "violations found); 2 a usage error, a mistake in the expression or the policy, or a data or "
        "I/O error. A closed pipe downstream (e.g. | head) ends flowfilter quietly with 0."},
       {"SEE ALSO", "flow-filter(7), flow-policy(5), flow-formats(5), flowcat(1)"}},
      2,
  };
  return spec;
}

void define_filter_options(CLI::App& app, FilterCmdOptions& o) {
  add_input_options(app, o.common);
  add_output_options(app, o.common);
  add_set_option(app, o.common);
  app.add_option("-e,--expr", o.expr, "The expression (then every argument is an input)")
      ->each([&o](const std::string&) { o.expr_given = true; })
      ->type_name("EXPR")
      ->group("Selection");
  app.add_option("-f,--expr-file", o.expr_file, "Read the expression from FILE (# comments allowed)")
      ->type_name("FILE")
      ->group("Selection");
  app.add_flag("-v,--invert", o.invert, "Select the records that do not match")->group("Selection");
  app.add_option("--rest", o.rest, "Write the records not selected to FILE (same format)")
      ->type_name("FILE")
      ->group("Output");
  app.add_flag("-c,--count", o.count, "Print only the number of selected records")->group("Output");
  app.add_flag("--check", o.check, "Only check the expression (and policy), read no input")->group("Selection");
  app.add_option("--policy", o.policy, "Check the flows against the network policy in FILE (flow-policy(5))")
      ->type_name("FILE")
      ->group("Policy");
  app.add_option("--report", o.reports,
                 "With --policy: junit=FILE, sarif=FILE, github (annotations) or text=FILE; repeatable")
      ->allow_extra_args(false)  // one report per --report, so that the inputs after it stay inputs
      ->type_name("KIND[=FILE]")
      ->group("Policy");
}

namespace {

std::string read_expr_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw UsageError(fmt::format("-f {}: cannot read: {}", path, std::strerror(errno)));
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

/// The expression and where it came from; takes it from the first argument when neither -e nor -f
/// nor --policy gave one.
std::pair<std::string, std::string> expression(FilterCmdOptions& o) {
  if (o.expr_given && !o.expr_file.empty()) throw UsageError("give the expression with -e or -f, not both");
  if (!o.expr_file.empty()) return {read_expr_file(o.expr_file), o.expr_file};
  if (o.expr_given) return {o.expr, "expression"};
  if (!o.policy.empty()) return {"", ""};
  if (o.common.inputs.empty()) throw UsageError("no expression (try: flowfilter 'action == REJECT' FILE)");
  std::string e = o.common.inputs.front();
  o.common.inputs.erase(o.common.inputs.begin());
  return {e, "expression"};
}

}  // namespace

void run_filter(FilterCmdOptions o, Tool& tool) {
  FilterSettings settings;
  settings.now = std::time(nullptr);
  auto [text, source] = expression(o);
  std::optional<Filter> filter;
  if (!text.empty() || !source.empty()) {
    settings.source = source;
    filter.emplace(Filter::compile(text, settings));
  }
  if (!o.policy.empty()) {
    if (o.invert || o.count || !o.rest.empty())
      throw UsageError("-v, --count and --rest select records; with --policy, give a selection with -e instead");
    PolicyCheck check(load_policy(o.policy), std::move(filter), o.reports);
    if (o.check) return;
    run_policy_check(check, o.common, tool);
    return;
  }
  if (!o.reports.empty()) throw UsageError("--report needs --policy");
  if (o.check) return;
  if (o.count && !o.rest.empty()) throw UsageError("--count writes no records: it cannot be combined with --rest");

  InputConfig cfg = tool.input_config(o.common);
  // Counting needs only the fields the expression reads (the binary reader skips the others).
  if (o.count) cfg.read.fields.emplace(filter->fields());
  std::unique_ptr<RecordOutput> out, rest;
  cfg.on_idle = [&] {  // a live input pauses: what matched so far goes on now
    if (out) out->flush();
    if (rest) rest->flush();
  };
  auto in = sequential_stream(std::move(cfg));
  if (!o.count) out = std::make_unique<RecordOutput>(output_config(o.common));
  if (!o.rest.empty()) {
    CommonOptions r = o.common;
    r.output = o.rest;
    rest = std::make_unique<RecordOutput>(output_config(r));
  }

  uint64_t n = 0;
  auto to = [&](bool selected) { return selected ? out.get() : rest.get(); };  // null: not written
  Batch batch;  // binary input comes as columns: matched a column at a time, rows copied out
  std::vector<uint8_t> keep;
  Record row;
  while (in->read(batch)) {
    keep.resize(batch.size());
    filter->match(batch, keep.data());
    if (!out && !rest) {  // --count: a sum the compiler vectorises
      for (size_t j = 0; j < batch.size(); ++j) n += keep[j] != o.invert;
      continue;
    }
    for (size_t j = 0; j < batch.size(); ++j) {
      const bool selected = keep[j] != o.invert;
      n += selected;
      if (RecordOutput* w = to(selected)) w->write(batch.row(j, row));
    }
  }
  if (out) out->close();
  if (rest) rest->close();
  if (o.count) fmt::print("{}\n", n);
  tool.report_skips(in->skipped());
  tool.status = n > 0 ? 0 : 1;
}

}  // namespace flow

int main(int argc, char** argv) {
  flow::FilterCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::filter_spec(), [&](CLI::App& app) { flow::define_filter_options(app, opts); },
      [&](flow::Tool& tool) { flow::run_filter(opts, tool); });
}
