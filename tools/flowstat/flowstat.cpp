// flowstat: reads records, computes the report (stat/compute.cpp), renders it.
#include "common/tool.hpp"

#include <unistd.h>

#include <fmt/format.h>

#include <cstdlib>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "flow/stat.hpp"
#include "flow/units.hpp"

namespace flow {

struct StatCmdOptions {
  CommonOptions common;
  std::string format = "text";  ///< text, json, markdown, html
  std::string report;           ///< --report FILE (.html or .md)
  size_t top = 10;
  bool ascii = false;
  std::string memory = "1Gi";
  std::string tmpdir;
};

const ToolSpec& stat_spec() {
  static const ToolSpec spec{
      "flowstat",
      "Summarise flow records: totals, top talkers, distributions, traffic over time, rejections",
      "flowstat reads flow records from each FILE (or standard input) and prints the report a person "
      "runs first on a pile of flow logs: totals (records, log-status, packets, bytes, time span, "
      "interfaces), the accept/reject split, top sources, destinations, pairs, destination ports and "
      "protocols by bytes and by records, the distributions of bytes per record and of window duration "
      "(percentiles and a histogram), the traffic over time drawn in the terminal, and the rejected "
      "traffic (top rejected sources with how many ports each touched, top rejected ports: scans show "
      "up there).\n\n"
      "Every number is what flowagg computes for the same question (the same aggregation code, "
      "percentiles from the same sketch, within 1%): totals are flowagg -a count,packets,bytes; top "
      "sources by bytes are flowagg -k srcaddr -a count,bytes --top 10. Every record counts, so traffic "
      "between two of your own interfaces appears twice (once at each end), as in the logs.\n\n"
      "The report is text for a terminal (bars in Unicode block characters when the locale is UTF-8, "
      "ASCII otherwise or with --ascii; colour only on a terminal and never when NO_COLOR is set), or "
      "-O json for machines (schema flowstat/1, described below), -O markdown or -O html. --report FILE "
      "also writes a self-contained HTML page (FILE.html, with SVG charts) or Markdown (FILE.md) to "
      "attach to a ticket.",
      {
          {"flowstat flows.log", "The report, on the terminal."},
          {"zcat 2024/06/01/*.log.gz | flowstat --report day.html",
           "A day of S3 objects: the report, and a page for the ticket."},
          {"flowstat -O json flows.log | jq '.top.sources_by_bytes[0]'", "The biggest sender, for a script."},
          {"flowfilter 'vpc-id == \"vpc-0a1b\"' flows.log | flowstat --top 20",
           "The report for one VPC, with longer top lists."},
      },
      {{"JSON SCHEMA",
        "flowstat -O json writes one object: schema (\"flowstat/1\"); totals {records, packets, bytes, interfaces, "
        "first, last} (times in Unix seconds, null when absent); log_status {STATUS: records}; actions {ACTION: "
        "{records, packets, bytes}} (\"-\" for records without an action); top {sources_by_bytes, sources_by_records, "
        "destinations_by_bytes, destinations_by_records, pairs_by_bytes, pairs_by_records, ports_by_bytes, "
        "ports_by_records, protocols}, each a list of {key fields..., records, bytes}; distributions {bytes, "
        "duration}, "
        "each {unit, p50, p90, p99, max, histogram: [{le, records}]} (le null for the last bucket); timeline "
        "{bin_seconds, bins: [{start, records, bytes}]}; rejected {records, top_sources: [{srcaddr, records, ports}], "
        "top_ports: [{protocol, dstport, records}]}. Key fields keep their types (protocol is a number; the text, "
        "Markdown and HTML reports name it: tcp, udp, icmp). Within flowstat/1, members are only ever added."},
       {"EXIT STATUS",
        "0 success; 1 a data or I/O error, or a total past 2^64 - 1 (the report is written with that number at "
        "18446744073709551615, saturated rather than wrapped, and a warning names the column even with -q); 2 a "
        "usage error. A closed pipe downstream ends flowstat quietly with 0."},
       {"SEE ALSO", "flowagg(1), flowfilter(1), flowcat(1), flow-formats(5)"}},
  };
  return spec;
}

void define_stat_options(CLI::App& app, StatCmdOptions& o) {
  add_input_options(app, o.common);
  app.add_option("-o,--output", o.common.output, "Write to FILE (atomically: temporary file, then rename)")
      ->type_name("FILE")
      ->group("Output");
  app.add_option("-O,--output-format", o.format, "Report format")
      ->type_name("FORMAT")
      ->check(one_of({"text", "json", "markdown", "html"}))
      ->capture_default_str()
      ->group("Output");
  app.add_option("--report", o.report, "Also write the report to FILE: HTML (.html) or Markdown (.md)")
      ->type_name("FILE")
      ->group("Output");
  app.add_option("--top", o.top, "Length of the top lists")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 10000))
      ->group("Output");
  app.add_flag("--ascii", o.ascii, "Bars and charts in ASCII only")->group("Output");
  add_spill_options(app, o.memory, o.tmpdir, "Group state kept in memory before spilling to disk (per question)");
}

namespace {

bool utf8_locale() {
  for (const char* var : {"LC_ALL", "LC_CTYPE", "LANG"}) {
    const char* v = std::getenv(var);
    if (v && *v) {
      std::string s(v);
      return s.find("UTF-8") != std::string::npos || s.find("utf8") != std::string::npos ||
             s.find("UTF8") != std::string::npos || s.find("utf-8") != std::string::npos;
    }
  }
  return false;
}

std::string render(const Stats& s, const std::string& format, const RenderOptions& ro) {
  if (format == "json") return render_json(s);
  if (format == "markdown") return render_markdown(s);
  if (format == "html") return render_html(s);
  return render_text(s, ro);
}

}  // namespace

void run_stat(StatCmdOptions o, Tool& tool) {
  std::string report_format;
  if (!o.report.empty()) {
    if (o.report.ends_with(".html") || o.report.ends_with(".htm")) report_format = "html";
    else if (o.report.ends_with(".md") || o.report.ends_with(".markdown")) report_format = "markdown";
    else throw UsageError(fmt::format("--report {}: name an .html or .md file", o.report));
  }
  StatOptions so;
  so.top = o.top;
  so.memory = parse_size(o.memory);
  so.tmpdir = o.tmpdir;
  auto out = Output::open(o.common.output);  // opened first: a bad -o fails before the input is read
  auto in = sequential_stream(tool.input_config(o.common));
  Stats s = compute_stats(*in, so);
  tool.report_skips(in->skipped());
  tool.report_saturated(s.saturated, "sum");

  RenderOptions ro;
  const char *no_color = std::getenv("NO_COLOR"), *term = std::getenv("TERM");
  ro.color = out->is_terminal() && !(no_color && *no_color) && term && std::string_view(term) != "dumb";
  ro.unicode = !o.ascii && utf8_locale();
  if (!report_format.empty()) {
    auto rep = Output::open(o.report);
    rep->write(render(s, report_format, ro));
    rep->commit();
  }
  out->write(render(s, o.format, ro));
  out->commit();
}

}  // namespace flow

int main(int argc, char** argv) {
  flow::StatCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::stat_spec(), [&](CLI::App& app) { flow::define_stat_options(app, opts); },
      [&](flow::Tool& tool) { flow::run_stat(opts, tool); });
}
