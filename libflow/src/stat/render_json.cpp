// flowstat -O json: one JSON object, schema "flowstat/1" (documented in flowstat(1)). Field
// names and shapes only ever gain members within a schema version.
#include <fmt/format.h>

#include "flow/format.hpp"
#include "flow/stat.hpp"

namespace flow {

namespace {

/// A key value: a number for numeric columns, null for "-", else a string.
std::string key(const std::string& text, Type t) {
  if (text == "-") return "null";
  return t == Type::UInt || t == Type::Time ? text : json_quote(text);
}

std::string rows(const TopList& l) {
  std::string out = "[";
  for (size_t i = 0; i < l.rows.size(); ++i) {
    const StatRow& r = l.rows[i];
    out += i ? ",{" : "{";
    for (size_t k = 0; k < l.key_columns.size(); ++k)
      out += fmt::format("{}:{},", json_quote(l.key_columns[k].name), key(r.keys[k], l.key_columns[k].type));
    out += fmt::format("\"records\":{}", r.records);
    if (l.id == "rejected_sources") out += fmt::format(",\"ports\":{}", r.ports);
    else if (l.id != "rejected_ports") out += fmt::format(",\"bytes\":{}", r.bytes);
    out += "}";
  }
  return out + "]";
}

std::string dist(const Distribution& d) {
  std::string h = "[";
  for (size_t i = 0; i < d.histogram.size(); ++i) {
    const auto& [b, n] = d.histogram[i];
    h += fmt::format("{}{{\"le\":{},\"records\":{}}}", i ? "," : "", b == UINT64_MAX ? "null" : std::to_string(b), n);
  }
  return fmt::format("{{\"unit\":\"{}\",\"p50\":{},\"p90\":{},\"p99\":{},\"max\":{},\"histogram\":{}]}}", d.unit, d.p50,
                     d.p90, d.p99, d.max, h);
}

std::string opt_time(const std::optional<int64_t>& t) { return t ? std::to_string(*t) : "null"; }

}  // namespace

std::string render_json(const Stats& s) {
  std::string out = "{\"schema\":\"flowstat/1\",";
  out += fmt::format(
      "\"totals\":{{\"records\":{},\"packets\":{},\"bytes\":{},\"interfaces\":{},\"first\":{},\"last\":{}}},",
      s.records, s.packets, s.bytes, s.interfaces, opt_time(s.first), opt_time(s.last));
  out += "\"log_status\":{";
  for (size_t i = 0; i < s.log_status.size(); ++i)
    out += fmt::format("{}{}:{}", i ? "," : "", json_quote(s.log_status[i].first), s.log_status[i].second);
  out += "},\"actions\":{";
  for (size_t i = 0; i < s.actions.size(); ++i)
    out +=
        fmt::format("{}{}:{{\"records\":{},\"packets\":{},\"bytes\":{}}}", i ? "," : "",
                    json_quote(s.actions[i].keys[0]), s.actions[i].records, s.actions[i].packets, s.actions[i].bytes);
  out += "},\"top\":{";
  for (size_t i = 0; i < s.tops.size(); ++i)
    out += fmt::format("{}{}:{}", i ? "," : "", json_quote(s.tops[i].id), rows(s.tops[i]));
  out += fmt::format("}},\"distributions\":{{\"bytes\":{},\"duration\":{}}},", dist(s.sizes), dist(s.durations));
  out += fmt::format("\"timeline\":{{\"bin_seconds\":{},\"bins\":[", s.bin);
  for (size_t i = 0; i < s.timeline.size(); ++i)
    out += fmt::format("{}{{\"start\":{},\"records\":{},\"bytes\":{}}}", i ? "," : "", s.timeline[i].start,
                       s.timeline[i].records, s.timeline[i].bytes);
  out += fmt::format("]}},\"rejected\":{{\"records\":{}", s.rejected);
  for (const auto& l : s.rejected_tops)
    out += fmt::format(",{}:{}", json_quote(l.id == "rejected_sources" ? "top_sources" : "top_ports"), rows(l));
  return out + "}}\n";
}

}  // namespace flow
