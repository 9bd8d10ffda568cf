// Policy check results as text, JUnit XML, SARIF 2.1.0 and GitHub workflow annotations.
#include <fmt/format.h>

#include <cctype>
#include <map>
#include <tuple>

#include "flow/field.hpp"
#include "flow/format.hpp"
#include "flow/policy.hpp"

#ifndef FLOW_VERSION
#define FLOW_VERSION "0"
#endif

namespace flow {
namespace {

std::string proto_name(uint8_t p) {
  auto name = protocol_name(p);
  return name.empty() ? fmt::format("proto {}", p) : std::string(name);
}

/// Violations between the same two hosts on the same service under the same rule: one line in
/// the reports, however many connections (a misconfigured group breaks thousands).
struct Group {
  Violation::Kind kind;
  int rule;
  Ip from, to;
  uint16_t port;
  uint8_t protocol;
  uint64_t connections = 0, records = 0;
  std::string file;  // the first connection's first record
  uint64_t line = 0;
};

std::vector<Group> groups(const PolicyCheck& c) {
  std::vector<Group> out;
  std::map<std::tuple<int, int, Ip, Ip, uint16_t, uint8_t>, size_t> index;
  for (const auto& v : c.violations()) {
    auto key = std::make_tuple(static_cast<int>(v.kind), v.rule, v.conn.initiator, v.conn.responder,
                               v.conn.responder_port, v.conn.protocol);
    auto [it, fresh] = index.emplace(key, out.size());
    if (fresh)
      out.push_back(Group{v.kind, v.rule, v.conn.initiator, v.conn.responder, v.conn.responder_port, v.conn.protocol, 0,
                          0, v.file, v.line});
    Group& g = out[it->second];
    g.connections++;
    g.records += v.records;
  }
  return out;
}

std::string describe(const Group& g) {
  std::string to =
      g.to.v6 ? fmt::format("[{}]:{}", to_string(g.to), g.port) : fmt::format("{}:{}", to_string(g.to), g.port);
  bool one = g.connections == 1;
  return fmt::format("{} -> {} {}: {} connection{} {}, but {}", to_string(g.from), to, proto_name(g.protocol),
                     g.connections, one ? "" : "s", g.kind == Violation::TooOpen ? "accepted" : "rejected",
                     g.kind == Violation::TooOpen ? (one ? "no rule allows it" : "no rule allows them")
                                                  : (one ? "the policy requires it" : "the policy requires them"));
}

std::string_view kind_label(Violation::Kind k) { return k == Violation::TooOpen ? "too open" : "broken"; }

std::string where(const Group& g) { return fmt::format("{}:{}", g.file, g.line); }

/// The length of the valid UTF-8 sequence at s[i], or 0.
size_t utf8_length(std::string_view s, size_t i) {
  auto b = static_cast<unsigned char>(s[i]);
  size_t n = b < 0x80 ? 1 : (b >> 5) == 6 ? 2 : (b >> 4) == 14 ? 3 : (b >> 3) == 30 ? 4 : 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return 0;
  return n;
}

std::string xml(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (static_cast<unsigned char>(c) >= 0x80) {
      // XML must be valid UTF-8: a file name in another encoding keeps a '?' per bad byte.
      size_t n = utf8_length(s, i);
      if (n == 0) out += '?';
      else out.append(s.substr(i, n)), i += n - 1;
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default:
        // XML 1.0 cannot carry most control characters, even escaped.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += '?';
        else out += c;
    }
  }
  return out;
}

/// A file name as a relative URI reference (RFC 3986): unreserved characters and '/' as they
/// are, every other byte percent-encoded. Standard input has no file: "stdin".
std::string uri(std::string_view path) {
  if (path == "(stdin)" || path == "-") return "stdin";
  std::string out;
  for (char c : path) {
    bool plain =
        std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    out += plain ? std::string(1, c) : fmt::format("%{:02X}", static_cast<unsigned char>(c));
  }
  return out;
}

/// GitHub workflow command values: % \r \n escaped; properties also : and ,.
std::string gh(std::string_view s, bool property) {
  std::string out;
  for (char c : s) {
    if (c == '%') out += "%25";
    else if (c == '\r') out += "%0D";
    else if (c == '\n') out += "%0A";
    else if (property && c == ':') out += "%3A";
    else if (property && c == ',') out += "%2C";
    else out += c;
  }
  return out;
}

/// Rules in report order: the policy's, then the default.
std::vector<int> rule_order(const PolicyCheck& c) {
  std::vector<int> v;
  for (size_t i = 0; i < c.policy().rules.size(); ++i) v.push_back(static_cast<int>(i));
  v.push_back(-1);
  return v;
}

const PolicyCheck::RuleCount& count_of(const PolicyCheck& c, int rule) {
  return c.counts()[rule < 0 ? c.counts().size() - 1 : static_cast<size_t>(rule)];
}

std::string rule_text(const PolicyCheck& c, int rule) {
  if (rule < 0) return c.policy().default_allow ? "default allow" : "default deny: traffic no rule allows";
  return c.policy().rules[static_cast<size_t>(rule)].text;
}

}  // namespace

std::string policy_summary(const PolicyCheck& c) {
  size_t too_open = 0, broken = 0;
  for (const auto& v : c.violations()) (v.kind == Violation::TooOpen ? too_open : broken)++;
  std::string s =
      fmt::format("policy {}: {} records checked, {} violation{} ({} too open, {} broken)\n", c.policy().path,
                  c.checked(), c.violations().size(), c.violations().size() == 1 ? "" : "s", too_open, broken);
  if (c.unjudged())
    s += fmt::format("  {} record{} without addresses, protocol or action {} not judged\n", c.unjudged(),
                     c.unjudged() == 1 ? "" : "s", c.unjudged() == 1 ? "was" : "were");
  size_t width = 14;
  for (int r : rule_order(c)) width = std::max(width, c.rule_name(r).size());
  s += fmt::format("  {:<{}}  {:<7}  {:>9}  {:>9}  {:>8}  {:>6}\n", "RULE", width, "KIND", "ACCEPTED", "REJECTED",
                   "TOO-OPEN", "BROKEN");
  for (int r : rule_order(c)) {
    const auto& n = count_of(c, r);
    std::string kind = r < 0 ? (c.policy().default_allow ? "allow" : "deny")
                             : std::string(kind_name(c.policy().rules[static_cast<size_t>(r)].kind));
    s += fmt::format("  {:<{}}  {:<7}  {:>9}  {:>9}  {:>8}  {:>6}\n", c.rule_name(r), width, kind, n.accepted,
                     n.rejected, n.too_open, n.broken);
  }
  const size_t kShown = 20;
  auto gs = groups(c);
  for (size_t i = 0; i < gs.size() && i < kShown; ++i) {
    const auto& g = gs[i];
    s += fmt::format("  {:<8}  {}: {} ({} {}record{}, first at {})\n", kind_label(g.kind), c.rule_name(g.rule),
                     describe(g), g.records, g.kind == Violation::Broken ? "rejected " : "", g.records == 1 ? "" : "s",
                     where(g));
  }
  if (gs.size() > kShown) s += fmt::format("  ... and {} more\n", gs.size() - kShown);
  return s;
}

std::string junit_report(const PolicyCheck& c) {
  auto rules = rule_order(c);
  size_t failures = 0;
  for (int r : rules) failures += count_of(c, r).too_open + count_of(c, r).broken > 0;
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  s += fmt::format("<testsuites name=\"flowfilter --policy\" tests=\"{}\" failures=\"{}\">\n", rules.size(), failures);
  s += fmt::format("  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\">\n", xml(c.policy().path), rules.size(),
                   failures);
  for (int r : rules) {
    const auto& n = count_of(c, r);
    std::string attrs = fmt::format("classname=\"{}\" name=\"{}\"", xml(c.policy().path), xml(c.rule_name(r)));
    if (r >= 0) {
      const auto& rule = c.policy().rules[static_cast<size_t>(r)];
      attrs += fmt::format(" file=\"{}\" line=\"{}\"", xml(rule.file), rule.line);
    }
    if (n.too_open + n.broken == 0) {
      s += fmt::format("    <testcase {}/>\n", attrs);
      continue;
    }
    std::string detail;
    for (const auto& g : groups(c))
      if (g.rule == r) detail += fmt::format("{}: {} ({})\n", kind_label(g.kind), describe(g), where(g));
    s +=
        fmt::format("    <testcase {}>\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>\n",
                    attrs, n.broken ? "broken" : "too-open",
                    xml(fmt::format("{} connection(s) too open, {} broken: {}", n.too_open, n.broken, rule_text(c, r))),
                    xml(detail));
  }
  s += "  </testsuite>\n</testsuites>\n";
  return s;
}

std::string sarif_report(const PolicyCheck& c) {
  auto rules = rule_order(c);
  // Rule names cannot hold ':', so the default's id never collides with a rule's.
  auto rule_id = [&](int r) {
    return r < 0 ? std::string(c.policy().default_allow ? "default:allow" : "default:deny") : c.rule_name(r);
  };
  std::string s = "{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n";
  s += "  \"runs\": [\n    {\n      \"tool\": {\n        \"driver\": {\n";
  s += fmt::format("          \"name\": \"flowfilter\",\n          \"version\": {},\n", json_quote(FLOW_VERSION));
  s += "          \"rules\": [\n";
  for (size_t i = 0; i < rules.size(); ++i) {
    s +=
        fmt::format("            {{\"id\": {}, \"shortDescription\": {{\"text\": {}}}}}{}\n",
                    json_quote(rule_id(rules[i])), json_quote(rule_text(c, rules[i])), i + 1 < rules.size() ? "," : "");
  }
  s += "          ]\n        }\n      },\n      \"results\": [\n";
  auto gs = groups(c);
  for (size_t i = 0; i < gs.size(); ++i) {
    const auto& g = gs[i];
    size_t index = g.rule < 0 ? rules.size() - 1 : static_cast<size_t>(g.rule);
    s += fmt::format(
        "        {{\"ruleId\": {}, \"ruleIndex\": {}, \"level\": \"error\", \"kind\": \"fail\", \"message\": "
        "{{\"text\": {}}},\n"
        "         \"locations\": [{{\"physicalLocation\": {{\"artifactLocation\": {{\"uri\": {}}}, \"region\": "
        "{{\"startLine\": {}}}}}}}],\n"
        "         \"properties\": {{\"violation\": {}, \"connections\": {}, \"records\": {}}}}}{}\n",
        json_quote(rule_id(g.rule)), index, json_quote(fmt::format("{} ({})", describe(g), kind_label(g.kind))),
        json_quote(uri(g.file)), std::max<uint64_t>(g.line, 1),
        json_quote(g.kind == Violation::TooOpen ? "too-open" : "broken"), g.connections, g.records,
        i + 1 < gs.size() ? "," : "");
  }
  s += "      ]\n    }\n  ]\n}\n";
  return s;
}

std::string github_report(const PolicyCheck& c) {
  std::string s;
  for (const auto& g : groups(c)) {
    s += fmt::format("::error file={},line={},title={}::{}\n", gh(g.file, true), std::max<uint64_t>(g.line, 1),
                     gh(fmt::format("Policy {}: {}", kind_label(g.kind), c.rule_name(g.rule)), true),
                     gh(describe(g), false));
  }
  return s;
}

}  // namespace flow
