// flowstat --report FILE.html: one self-contained page (inline CSS and SVG, no scripts, nothing
// fetched) to attach to a ticket.
#include <fmt/format.h>

#include <algorithm>

#include "flow/stat.hpp"
#include "flow/time.hpp"
#include "stat/render_util.hpp"

namespace flow {

namespace {

std::string esc(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

/// Bars of the timeline as an SVG, with the time range under it.
std::string timeline_svg(const Stats& s) {
  if (s.timeline.empty()) return "<p>(no times)</p>";
  const double w = 720, h = 160;
  uint64_t max = 1;
  for (const auto& t : s.timeline) max = std::max(max, t.bytes);
  double bw = w / static_cast<double>(s.timeline.size());
  std::string svg =
      fmt::format("<svg viewBox=\"0 0 {} {}\" width=\"{}\" height=\"{}\" role=\"img\" aria-label=\"bytes over time\">",
                  w, h + 20, w, h + 20);
  for (size_t i = 0; i < s.timeline.size(); ++i) {
    double bh = h * static_cast<double>(s.timeline[i].bytes) / static_cast<double>(max);
    svg += fmt::format(
        "<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" fill=\"#3b7dd8\"><title>{}: {} bytes, {} "
        "records</title></rect>",
        static_cast<double>(i) * bw, h - bh, std::max(bw - 1, 0.5), bh, format_time(s.timeline[i].start),
        s.timeline[i].bytes, s.timeline[i].records);
  }
  svg += fmt::format(
      "<text x=\"0\" y=\"{}\" font-size=\"11\">{}</text><text x=\"{}\" y=\"{}\" font-size=\"11\" "
      "text-anchor=\"end\">{}</text></svg>",
      h + 15, format_time(s.timeline.front().start), w, h + 15, stat::timeline_end(s));
  return svg;
}

std::string table(const TopList& l, bool ports) {
  uint64_t max = 1;
  bool by_bytes = l.id.find("bytes") != std::string::npos || l.id == "protocols";
  for (const auto& r : l.rows) max = std::max(max, by_bytes ? r.bytes : r.records);
  bool third = l.id != "rejected_ports";
  // Rejected ports have no third column, as in the text report.
  std::string out =
      fmt::format("<h2>{}</h2><table><tr><th>{}</th><th>records</th>{}<th></th></tr>", esc(l.title),
                  esc(stat::key_header(l)), third ? fmt::format("<th>{}</th>", ports ? "ports" : "bytes") : "");
  for (const auto& r : l.rows) {
    double pct = 100.0 * static_cast<double>(by_bytes ? r.bytes : r.records) / static_cast<double>(max);
    out += fmt::format(
        "<tr><td>{}</td><td class=\"n\">{}</td>{}<td class=\"bar\"><svg width=\"160\" height=\"10\"><rect "
        "width=\"{:.1f}\" height=\"10\" fill=\"#3b7dd8\"/></svg></td></tr>",
        esc(stat::row_key(l, r)), r.records,
        third ? fmt::format("<td class=\"n\">{}</td>", ports ? r.ports : r.bytes) : "", 1.6 * pct);
  }
  return out + "</table>";
}

}  // namespace

std::string render_html(const Stats& s) {
  std::string out =
      "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"/><title>Flow log report</title><style>"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:1em}"
      "td,th{padding:2px 10px;border-bottom:1px solid "
      "#ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}"
      "h2{font-size:1.1em;margin-top:1.5em}</style></head><body><h1>Flow log report</h1>";
  out += fmt::format(
      "<table><tr><th>records</th><th>packets</th><th>bytes</th><th>interfaces</th><th>time</th></tr>"
      "<tr><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td "
      "class=\"n\">{}</td><td>{}</td></tr></table>",
      s.records, s.packets, s.bytes, s.interfaces, esc(stat::span_text(s)));
  out += "<table><tr><th>action</th><th>records</th><th>share</th><th>bytes</th></tr>";
  for (const auto& a : s.actions)
    out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                       esc(a.keys[0]), a.records, stat::percent(a.records, s.records), a.bytes);
  out += "</table><table><tr><th>log-status</th><th>records</th></tr>";
  for (const auto& [k, n] : s.log_status) out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td></tr>", esc(k), n);
  out += fmt::format("</table><h2>Bytes over time ({} s bins)</h2>{}", s.bin, timeline_svg(s));
  for (const auto& l : s.tops) out += table(l, false);
  for (const auto* d : {&s.sizes, &s.durations}) {
    out += fmt::format(
        "<h2>Distribution of {}</h2><p>p50 {} · p90 {} · p99 {} · max {} "
        "{}</p><table><tr><th>{}</th><th>records</th></tr>",
        d->unit == "bytes" ? "bytes per record" : "window duration", d->p50, d->p90, d->p99, d->max, d->unit, d->unit);
    for (const auto& [b, n] : d->histogram)
      out += fmt::format("<tr><td>{}</td><td class=\"n\">{}</td></tr>", esc(stat::bound_text(b, d->unit)), n);
    out += "</table>";
  }
  out += fmt::format("<h2>Rejected: {} records ({})</h2>", s.rejected, stat::percent(s.rejected, s.records));
  for (const auto& l : s.rejected_tops) out += table(l, l.id == "rejected_sources");
  return out + "</body></html>\n";
}

}  // namespace flow
