// flowstat's report for people: text for a terminal (bars, optional colour) and Markdown.
#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "flow/field.hpp"
#include "flow/stat.hpp"
#include "flow/time.hpp"
#include "stat/render_util.hpp"

namespace flow {

namespace stat {

std::string human(uint64_t n, const char* unit) {
  static const char* kSuffix[] = {"", "k", "M", "G", "T", "P", "E"};
  double x = static_cast<double>(n);
  int i = 0;
  while (x >= 1000 && i < 6) {
    x /= 1000;
    ++i;
  }
  if (i == 0) return fmt::format("{}{}{}", n, *unit ? " " : "", unit);
  return fmt::format("{:.1f} {}{}", x, kSuffix[i], unit);
}

std::string percent(uint64_t part, uint64_t whole) {
  if (whole == 0) return "-";
  return fmt::format("{:.1f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

std::string bar(uint64_t v, uint64_t max, size_t width, bool unicode) {
  if (max == 0) return "";
  double cells = static_cast<double>(v) / static_cast<double>(max) * static_cast<double>(width);
  auto full = static_cast<size_t>(cells);
  std::string out;
  for (size_t i = 0; i < full; ++i) out += unicode ? "█" : "#";
  static const char* kPart[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
  auto eighths = static_cast<size_t>((cells - static_cast<double>(full)) * 8);
  if (unicode && eighths > 0 && full < width) out += kPart[eighths];
  return out;
}

std::string spark(const std::vector<uint64_t>& values, bool unicode) {
  static const char* kBlocks[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
  static const char kAscii[] = "_.-:=+*#";
  uint64_t max = values.empty() ? 0 : *std::max_element(values.begin(), values.end());
  std::string out;
  for (uint64_t v : values) {
    if (v == 0) {
      out += ' ';
      continue;
    }
    auto level = static_cast<size_t>(static_cast<double>(v) / static_cast<double>(max) * 7.999);
    if (unicode) out += kBlocks[level];
    else out += kAscii[level];
  }
  return out;
}

std::string bound_text(uint64_t bound, const std::string& unit) {
  if (bound == UINT64_MAX) return "more";
  return unit == "bytes" ? "<= " + human(bound, "B") : fmt::format("<= {} s", bound);
}

std::string timeline_end(const Stats& s) {
  int64_t end;
  if (__builtin_add_overflow(s.timeline.back().start, s.bin, &end)) end = INT64_MAX;
  return format_time(end);
}

std::string span_text(const Stats& s) {
  if (!s.first || !s.last) return "-";
  const int64_t first = time_seconds(*s.first), last = time_seconds(*s.last);
  const uint64_t secs = last > first ? static_cast<uint64_t>(last) - static_cast<uint64_t>(first) : 0;
  return fmt::format("{} .. {} ({})", format_time(time_seconds(*s.first)), format_time(time_seconds(*s.last)),
                     secs >= 86400  ? fmt::format("{:.1f} days", static_cast<double>(secs) / 86400)
                     : secs >= 3600 ? fmt::format("{:.1f} hours", static_cast<double>(secs) / 3600)
                                    : fmt::format("{} s", secs));
}

std::string row_key(const TopList& l, const StatRow& r) {
  std::string k;
  for (size_t i = 0; i < r.keys.size(); ++i) {
    std::string_view x = r.keys[i], name;
    uint64_t n = 0;
    if (l.key_columns[i].name == "protocol" &&
        std::from_chars(x.data(), x.data() + x.size(), n).ptr == x.data() + x.size())
      name = protocol_name(n);
    if (!k.empty()) k += ' ';
    k += name.empty() ? x : name;
  }
  return k;
}

std::string key_header(const TopList& l) {
  std::string k;
  for (const auto& c : l.key_columns) k += (k.empty() ? "" : " ") + c.name;
  return k;
}

}  // namespace stat

using namespace stat;

std::string render_text(const Stats& s, const RenderOptions& o) {
  std::string out;
  auto head = [&](const std::string& t) {
    out += o.color ? fmt::format("\n\x1b[1m{}\x1b[0m\n", t) : fmt::format("\n{}\n", t);
  };
  head("Totals");
  out += fmt::format("  records     {:>14}   packets {:>10}   bytes {:>10}\n", s.records, human(s.packets, ""),
                     human(s.bytes, "B"));
  out += fmt::format("  interfaces  {:>14}   time    {}\n", s.interfaces, span_text(s));
  std::string st;
  for (const auto& [k, n] : s.log_status)
    st += fmt::format("{}{} {} ({})", st.empty() ? "" : ", ", k, n, percent(n, s.records));
  out += fmt::format("  log-status  {}\n", st);
  for (const auto& a : s.actions)
    out += fmt::format("  {:<11} {:>14} records ({:>6})   {:>10}  {}\n", a.keys[0], a.records,
                       percent(a.records, s.records), human(a.bytes, "B"), bar(a.records, s.records, 20, o.unicode));
  out += "  (every record counts: a connection inside the VPC is recorded at both ends)\n";

  auto table = [&](const TopList& l, bool show_ports) {
    bool third = l.id != "rejected_ports";
    head(l.title);
    if (l.rows.empty()) {
      out += "  (none)\n";
      return;
    }
    size_t kw = key_header(l).size();
    for (const auto& r : l.rows) kw = std::max(kw, row_key(l, r).size());
    uint64_t max = 0;
    bool by_bytes = l.id.find("bytes") != std::string::npos || l.id == "protocols";
    for (const auto& r : l.rows) max = std::max(max, by_bytes ? r.bytes : r.records);
    // Rejected ports have no third column: what was refused carried no bytes worth showing.
    auto third_col = [&](const std::string& v) { return third ? fmt::format("  {:>10}", v) : std::string(); };
    out += fmt::format("  {:<{}}  {:>10}{}\n", key_header(l), kw, "records", third_col(show_ports ? "ports" : "bytes"));
    for (const auto& r : l.rows)
      out += fmt::format("  {:<{}}  {:>10}{}  {}\n", row_key(l, r), kw, r.records,
                         third_col(show_ports ? std::to_string(r.ports) : human(r.bytes, "B")),
                         bar(by_bytes ? r.bytes : r.records, max, 20, o.unicode));
  };
  for (const auto& l : s.tops) table(l, false);

  auto dist = [&](const Distribution& d, const char* title) {
    head(title);
    auto fmt_v = [&](uint64_t v) { return d.unit == "bytes" ? human(v, "B") : fmt::format("{} s", v); };
    out += fmt::format("  p50 {}   p90 {}   p99 {}   max {}\n", fmt_v(d.p50), fmt_v(d.p90), fmt_v(d.p99), fmt_v(d.max));
    uint64_t max = 0, total = 0;
    for (const auto& [b, n] : d.histogram) {
      max = std::max(max, n);
      total += n;
    }
    for (const auto& [b, n] : d.histogram)
      out += fmt::format("  {:>11} {:>12} {:>6}  {}\n", bound_text(b, d.unit), n, percent(n, total),
                         bar(n, max, 30, o.unicode));
  };
  dist(s.sizes, "Bytes per record (capture window)");
  dist(s.durations, "Window duration (end - start)");

  head(fmt::format("Traffic over time (bytes per {})",
                   s.bin >= 3600 ? fmt::format("{} h", s.bin / 3600) : fmt::format("{} min", s.bin / 60)));
  if (s.timeline.empty()) {
    out += "  (no times)\n";
  } else {
    std::vector<uint64_t> bytes;
    uint64_t max = 0;
    for (const auto& t : s.timeline) {
      bytes.push_back(t.bytes);
      max = std::max(max, t.bytes);
    }
    out += fmt::format("  {}  max {}\n", spark(bytes, o.unicode), human(max, "B"));
    out += fmt::format("  {} .. {}\n", format_time(s.timeline.front().start), timeline_end(s));
  }

  head(fmt::format("Rejected: {} records ({})", s.rejected, percent(s.rejected, s.records)));
  for (const auto& l : s.rejected_tops) table(l, l.id == "rejected_sources");
  return out;
}

std::string render_markdown(const Stats& s) {
  std::string out = "# Flow log report\n\n";
  out += fmt::format(
      "| records | packets | bytes | interfaces | time |\n|---:|---:|---:|---:|---|\n| {} | {} | {} | {} | {} |\n\n",
      s.records, s.packets, s.bytes, s.interfaces, span_text(s));
  out += "| log-status | records |\n|---|---:|\n";
  for (const auto& [k, n] : s.log_status) out += fmt::format("| {} | {} |\n", k, n);
  out += "\n| action | records | share | packets | bytes |\n|---|---:|---:|---:|---:|\n";
  for (const auto& a : s.actions)
    out += fmt::format("| {} | {} | {} | {} | {} |\n", a.keys[0], a.records, percent(a.records, s.records), a.packets,
                       a.bytes);
  auto table = [&](const TopList& l, bool ports) {
    if (l.id == "rejected_ports") {
      out += fmt::format("\n## {}\n\n| {} | records |\n|---|---:|\n", l.title, key_header(l));
      for (const auto& r : l.rows) out += fmt::format("| {} | {} |\n", row_key(l, r), r.records);
      return;
    }
    out += fmt::format("\n## {}\n\n| {} | records | {} |\n|---|---:|---:|\n", l.title, key_header(l),
                       ports ? "ports" : "bytes");
    for (const auto& r : l.rows)
      out += fmt::format("| {} | {} | {} |\n", row_key(l, r), r.records, ports ? r.ports : r.bytes);
  };
  for (const auto& l : s.tops) table(l, false);
  for (const auto* d : {&s.sizes, &s.durations}) {
    out += fmt::format("\n## Distribution of {}\n\np50 {}, p90 {}, p99 {}, max {} {}\n\n| {} | records |\n|---|---:|\n",
                       d->unit == "bytes" ? "bytes per record" : "window duration", d->p50, d->p90, d->p99, d->max,
                       d->unit, d->unit);
    for (const auto& [b, n] : d->histogram) out += fmt::format("| {} | {} |\n", bound_text(b, d->unit), n);
  }
  out += fmt::format("\n## Traffic over time ({} s bins)\n\n", s.bin);
  if (!s.timeline.empty()) {
    std::vector<uint64_t> bytes;
    for (const auto& t : s.timeline) bytes.push_back(t.bytes);
    out += fmt::format("```\n{}\n{} .. {}\n```\n", spark(bytes, true), format_time(s.timeline.front().start),
                       timeline_end(s));
  }
  out += fmt::format("\n## Rejected: {} records ({})\n", s.rejected, percent(s.rejected, s.records));
  for (const auto& l : s.rejected_tops) table(l, l.id == "rejected_sources");
  return out;
}

}  // namespace flow
