// The policy file format, flow-policy(5): one statement per line.
//   include "common.policy"
//   group NAME = CIDR|ADDRESS|GROUP ...
//   allow|require|deny NAME: SRC -> DST SERVICE ...
//   default deny|allow
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <unordered_map>

#include "filter/literals.hpp"
#include "flow/error.hpp"
#include "flow/policy.hpp"

namespace flow {
namespace {

std::vector<std::string> split_words(std::string_view s) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    size_t b = i;
    while (i < s.size() && !std::isspace(static_cast<unsigned char>(s[i]))) ++i;
    if (i > b) out.emplace_back(s.substr(b, i - b));
  }
  return out;
}

std::vector<std::string> split_commas(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  for (const auto& w : words) {
    size_t b = 0;
    while (b <= w.size()) {
      size_t c = w.find(',', b);
      if (c == std::string::npos) c = w.size();
      if (c > b) out.push_back(w.substr(b, c - b));
      b = c + 1;
    }
  }
  return out;
}

bool valid_name(std::string_view n) {
  return !n.empty() && std::all_of(n.begin(), n.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
}

std::optional<uint64_t> small_number(std::string_view s, uint64_t max) {
  if (s.empty() || s.size() > 6) return std::nullopt;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + unsigned(c - '0');
  }
  return v <= max ? std::optional(v) : std::nullopt;
}

class Loader {
 public:
  Policy policy;

  void load(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw UsageError(fmt::format("{}: cannot read the policy: {}", path, std::strerror(errno)));
    // Lines are read whole: a device or FIFO (/dev/zero) would never end one.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) throw UsageError(fmt::format("{}: not a regular file", path));
    std::string line;
    for (size_t n = 1; std::getline(in, line); ++n) {
      file_ = path;
      line_ = n;
      if (auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
      auto words = split_words(line);
      if (words.empty()) continue;
      statement(words, line);
    }
    if (in.bad()) throw UsageError(fmt::format("{}: read error: {}", path, std::strerror(errno)));
  }

 public:
  std::vector<std::string> stack_;  // the files being read, outermost first (include cycles)
  std::set<std::string> included_;  // canonical paths of the files read (each once)

 private:
  std::string file_;
  size_t line_ = 0;
  std::unordered_map<std::string, std::vector<Cidr>> groups_;
  std::unordered_map<std::string, std::string> rule_at_;  // rule name -> FILE:LINE

  [[noreturn]] void fail(const std::string& msg) const {
    throw UsageError(fmt::format("{}:{}: {}", file_, line_, msg));
  }

  void statement(const std::vector<std::string>& w, const std::string& line) {
    const std::string& head = w[0];
    if (head == "include") {
      if (w.size() != 2) fail("expected: include \"FILE\"");
      std::string target = w[1];
      if (target.size() >= 2 && (target.front() == '"' || target.front() == '\'') && target.back() == target.front())
        target = target.substr(1, target.size() - 2);
      // Relative to the including file, as C does.
      std::string full = (std::filesystem::path(file_).parent_path() / target).lexically_normal().string();
      if (!std::ifstream(full)) fail(fmt::format("cannot include {}: {}", full, std::strerror(errno)));
      for (const auto& open : stack_) {
        std::error_code ec;
        if (std::filesystem::equivalent(open, full, ec)) fail(fmt::format("include cycle: {} includes itself", full));
      }
      if (!std::filesystem::is_regular_file(full)) fail(fmt::format("cannot include {}: not a regular file", full));
      // Included once: two files may both include a common one (its groups are defined once).
      auto id = std::filesystem::canonical(full).string();
      if (!included_.insert(id).second) return;
      std::string here = file_;
      size_t here_line = line_;
      stack_.push_back(full);
      load(full);
      stack_.pop_back();
      file_ = here, line_ = here_line;
    } else if (head == "group") {
      if (w.size() < 4 || w[2] != "=") fail("expected: group NAME = ITEM ... (prefixes, addresses or groups)");
      if (!valid_name(w[1]) || w[1] == "any")
        fail(fmt::format("'{}' cannot name a group (letters, digits, - _ .)", w[1]));
      if (groups_.count(w[1])) fail(fmt::format("group '{}' is defined twice", w[1]));
      std::vector<Cidr> cidrs;
      for (const auto& item : split_commas({w.begin() + 3, w.end()})) add_endpoint_items(item, cidrs);
      groups_[w[1]] = std::move(cidrs);
    } else if (head == "default") {
      if (w.size() != 2 || (w[1] != "deny" && w[1] != "allow")) fail("expected: default deny | default allow");
      policy.default_allow = w[1] == "allow";
    } else if (head == "allow" || head == "require" || head == "deny") {
      rule(w, line);
    } else {
      fail(fmt::format("unknown statement '{}' (expected allow, require, deny, group, include or default)", head));
    }
  }

  void add_endpoint_items(const std::string& item, std::vector<Cidr>& out) const {
    if (auto g = groups_.find(item); g != groups_.end()) {
      out.insert(out.end(), g->second.begin(), g->second.end());
      return;
    }
    if (auto c = parse_cidr(item)) {
      out.push_back(*c);
      return;
    }
    if (item == "any") fail("'any' stands alone, not in a list or a group");
    if (valid_name(item)) fail(fmt::format("unknown group '{}' (define it above with: group {} = ...)", item, item));
    fail(fmt::format("'{}' is neither a group, an address nor a prefix", item));
  }

  std::shared_ptr<const IpSet> endpoint(const std::string& text) const {
    if (text == "any") return nullptr;
    std::vector<Cidr> cidrs;
    for (const auto& item : split_commas({text})) add_endpoint_items(item, cidrs);
    if (cidrs.empty()) fail(fmt::format("empty endpoint '{}'", text));
    auto set = std::make_shared<IpSet>();
    for (const auto& c : cidrs) set->add(c);
    set->finish();
    return set;
  }

  PolicyService service(const std::string& text) const {
    PolicyService s;
    if (text == "any") return s;
    size_t slash = text.find('/');
    std::string proto = text.substr(0, slash);
    std::string ports = slash == std::string::npos ? "" : text.substr(slash + 1);
    if (proto == "proto") {  // proto/47
      auto n = small_number(ports, 255);
      if (!n) fail(fmt::format("'{}': expected proto/NUMBER (0-255)", text));
      s.protocol = static_cast<uint8_t>(*n);
      return s;
    }
    if (proto != "any") {
      std::optional<uint64_t> p = protocol_number(proto);
      if (!p) p = small_number(proto, 255);
      if (!p)
        fail(fmt::format("unknown protocol '{}' in '{}' (expected tcp, udp, icmp, icmpv6, a number, or any)", proto,
                         text));
      s.protocol = static_cast<uint8_t>(*p);
    }
    if (slash == std::string::npos || ports == "any") return s;
    if (ports.empty()) fail(fmt::format("'{}': give the ports after '/' (or write {} for every port)", text, proto));
    for (const auto& part : split_commas({ports})) add_ports(s, part, text);
    return s;
  }

  /// One item of a port list: a number, a range N-M, or a service name (https, http-alt).
  void add_ports(PolicyService& s, const std::string& part, const std::string& text) const {
    if (auto named = filter::named_constant(FieldId::dstport, part)) {
      s.ports.emplace_back(static_cast<uint16_t>(*named), static_cast<uint16_t>(*named));
      return;
    }
    size_t dash = part.find('-');
    auto lo = small_number(part.substr(0, dash), 65535);
    auto hi = dash == std::string::npos ? lo : small_number(part.substr(dash + 1), 65535);
    if (!lo || !hi || *hi < *lo)
      fail(fmt::format("bad port '{}' in '{}' (expected N, N-M, a service name, or a list such as 80,443,8000-8999)",
                       part, text));
    s.ports.emplace_back(static_cast<uint16_t>(*lo), static_cast<uint16_t>(*hi));
  }

  /// After "tcp/80,443" is split at its commas, "443" continues the port list of "tcp/80".
  static bool continues_ports(const std::string& item) {
    if (item.find('/') != std::string::npos || item == "any") return false;
    if (protocol_number(item)) return false;
    return small_number(item.substr(0, item.find('-')), 65535) || filter::named_constant(FieldId::dstport, item);
  }

  void rule(const std::vector<std::string>& w, const std::string& line) {
    PolicyRule r;
    r.kind = w[0] == "allow" ? PolicyRule::Allow : w[0] == "require" ? PolicyRule::Require : PolicyRule::Deny;
    r.file = file_;
    r.line = line_;
    size_t i = 1;
    // NAME: (the colon attached or on its own)
    if (w.size() > 1 && w[1].size() > 1 && w[1].back() == ':') {
      r.name = w[1].substr(0, w[1].size() - 1), i = 2;
    } else if (w.size() > 2 && w[2] == ":") {
      r.name = w[1], i = 3;
    } else {
      fail(fmt::format("expected: {} NAME: SRC -> DST SERVICE ...", w[0]));
    }
    if (!valid_name(r.name)) fail(fmt::format("'{}' cannot name a rule (letters, digits, - _ .)", r.name));
    if (auto prev = rule_at_.find(r.name); prev != rule_at_.end())
      fail(fmt::format("rule '{}' is already defined at {}", r.name, prev->second));
    rule_at_[r.name] = fmt::format("{}:{}", file_, line_);
    // SRC -> DST: the arrow may stand alone or touch its neighbours.
    std::string rest;
    for (size_t k = i; k < w.size(); ++k) rest += (rest.empty() ? "" : " ") + w[k];
    size_t arrow = rest.find("->");
    if (arrow == std::string::npos) fail(fmt::format("expected 'SRC -> DST' after '{}:'", r.name));
    auto src = split_words(rest.substr(0, arrow));
    auto after = split_words(rest.substr(arrow + 2));
    if (src.size() != 1)
      fail(src.empty() ? "missing the source before '->'"
                       : "one source before '->' (a group, prefix, address or any; list them in a group)");
    if (after.empty()) fail("missing the destination after '->'");
    if (after.size() < 2)
      fail(fmt::format("missing the service after '{}' (e.g. tcp/443, udp/53, icmp, any)", after[0]));
    r.src = endpoint(src[0]);
    r.dst = endpoint(after[0]);
    for (auto word = after.begin() + 1; word != after.end(); ++word) {
      // Within one word, "tcp/80,443" continues its port list after the comma; a separate word
      // (or a comma followed by a protocol) starts a new service: "tcp/22 47" is tcp/22 and GRE.
      bool first = true;
      for (const auto& sv : split_commas({*word})) {
        if (!first && !r.services.back().ports.empty() && continues_ports(sv)) add_ports(r.services.back(), sv, *word);
        else r.services.push_back(service(sv));
        first = false;
      }
    }
    if (r.services.empty())
      fail(fmt::format("missing the service after '{}' (e.g. tcp/443, udp/53, icmp, any)", after[0]));
    size_t b = line.find_first_not_of(" \t");
    size_t e = line.find_last_not_of(" \t\r");
    r.text = line.substr(b, e - b + 1);
    policy.rules.push_back(std::move(r));
  }
};

}  // namespace

std::string_view kind_name(PolicyRule::Kind k) {
  switch (k) {
    case PolicyRule::Allow: return "allow";
    case PolicyRule::Require: return "require";
    case PolicyRule::Deny: return "deny";
  }
  return "?";
}

bool PolicyService::matches(uint8_t proto, uint16_t port) const {
  if (protocol && *protocol != proto) return false;
  if (ports.empty()) return true;
  for (const auto& [lo, hi] : ports)
    if (port >= lo && port <= hi) return true;
  return false;
}

bool PolicyRule::matches(uint8_t proto, const Ip& from, const Ip& to, uint16_t port) const {
  if (src && !src->contains(from)) return false;
  if (dst && !dst->contains(to)) return false;
  for (const auto& s : services)
    if (s.matches(proto, port)) return true;
  return false;
}

int Policy::match(uint8_t proto, const Ip& from, const Ip& to, uint16_t port) const {
  for (size_t i = 0; i < rules.size(); ++i)
    if (rules[i].matches(proto, from, to, port)) return static_cast<int>(i);
  return -1;
}

Policy load_policy(const std::string& path) {
  Loader l;
  l.policy.path = path;
  l.stack_.push_back(path);
  std::error_code ec;
  if (auto id = std::filesystem::canonical(path, ec); !ec) l.included_.insert(id.string());
  l.load(path);
  if (l.policy.rules.empty()) throw UsageError(fmt::format("{}: the policy has no rules", path));
  return std::move(l.policy);
}

}  // namespace flow
