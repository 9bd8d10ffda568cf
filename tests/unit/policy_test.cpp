// Policy files and the policy check: syntax errors with FILE:LINE, includes, stateful semantics
// (responses are not violations), one report per connection, and the report formats' shape.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/policy.hpp"
#include "test_util.hpp"

using namespace flow;

using flow::test::TempDir;

namespace {

const char* kBase =
    "group vpc = 10.0.0.0/16\n"
    "group web = 10.0.1.0/24\n"
    "group app = 10.0.2.0/24, 10.0.4.0/24\n"
    "group db = 10.0.3.0/24\n"
    "group internet = 0.0.0.0/0 ::/0\n";
const char* kRules =
    "include \"base.policy\"\n"
    "allow   web-in:     internet -> web tcp/80,443\n"
    "require web-to-app: web -> app tcp/8080\n"
    "require app-to-db:  app -> db tcp/5432\n"
    "deny    no-ssh:     internet -> vpc tcp/22\n"
    "allow   egress:     vpc -> internet tcp/https udp/53 icmp\n";

std::string load_error(const std::string& text) {
  TempDir d;
  d.write("base.policy", kBase);
  auto path = d.write("p.policy", text);
  try {
    load_policy(path);
  } catch (const UsageError& e) {
    std::string m = e.what();
    return m.substr(m.find("p.policy"));  // without the temporary directory
  }
  return "";
}

/// Runs the check over AWS text records with this header line; returns it finished.
PolicyCheck check(const std::string& rules, const std::string& flows,
                  const std::string& header = "srcaddr dstaddr srcport dstport protocol action tcp-flags log-status") {
  TempDir d;
  d.write("base.policy", kBase);
  PolicyCheck c(load_policy(d.write("p.policy", rules)), std::nullopt, {});
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(header + "\n" + flows), "flows.log"), {});
  Record r;
  while (reader->next(r)) c.add(r, "flows.log");
  c.finish();
  return c;
}

std::vector<std::string> violations(const PolicyCheck& c) {
  std::vector<std::string> out;
  for (const auto& v : c.violations())
    out.push_back(fmt::format("{} {} {}:{}->{}:{}/{} x{} line {}", v.kind == Violation::TooOpen ? "too-open" : "broken",
                              c.rule_name(v.rule), to_string(v.conn.initiator), v.conn.initiator_port,
                              to_string(v.conn.responder), v.conn.responder_port, v.conn.protocol, v.records, v.line));
  return out;
}
using S = std::vector<std::string>;

}  // namespace

TEST_CASE("policy: a file with includes, groups and every service form loads", "[policy]") {
  TempDir d;
  d.write("base.policy", kBase);
  auto p = load_policy(d.write("p.policy", kRules));
  REQUIRE(p.rules.size() == 5);
  CHECK(p.rules[0].name == "web-in");
  CHECK(p.rules[0].text == "allow   web-in:     internet -> web tcp/80,443");
  CHECK(p.rules[0].line == 2);
  CHECK(p.rules[0].services.size() == 1);
  CHECK(p.rules[0].services[0].ports == std::vector<std::pair<uint16_t, uint16_t>>{{80, 80}, {443, 443}});
  CHECK(p.rules[4].services.size() == 3);
  auto ip = [](const char* t) { return *parse_ip(t); };
  CHECK(p.match(6, ip("198.51.100.1"), ip("10.0.1.9"), 443) == 0);
  CHECK(p.match(6, ip("10.0.1.9"), ip("10.0.4.2"), 8080) == 1);  // second prefix of app
  CHECK(p.match(6, ip("203.0.113.1"), ip("10.0.3.3"), 22) == 3);
  CHECK(p.match(17, ip("10.0.3.3"), ip("8.8.8.8"), 53) == 4);
  CHECK(p.match(1, ip("10.0.3.3"), ip("8.8.8.8"), 0) == 4);
  CHECK(p.match(6, ip("10.0.3.3"), ip("8.8.8.8"), 25) == -1);
  CHECK_FALSE(p.default_allow);
}

TEST_CASE("policy: every mistake names its file and line", "[policy]") {
  CHECK(load_error("allow x: any -> any tcp/80\nfrobnicate\n") ==
        "p.policy:2: unknown statement 'frobnicate' (expected allow, require, deny, group, include or default)");
  CHECK(load_error("allow web-in internet -> web tcp/80\n") ==
        "p.policy:1: expected: allow NAME: SRC -> DST SERVICE ...");
  CHECK(load_error("allow a: web -> any tcp/80\n") ==
        "p.policy:1: unknown group 'web' (define it above with: group web = ...)");
  CHECK(load_error("allow a: 10.0.0.0/33 -> any tcp/80\n") ==
        "p.policy:1: '10.0.0.0/33' is neither a group, an address nor a prefix");
  CHECK(load_error("allow a: any any tcp/80\n") == "p.policy:1: expected 'SRC -> DST' after 'a:'");
  CHECK(load_error("allow a: any -> any\n") ==
        "p.policy:1: missing the service after 'any' (e.g. tcp/443, udp/53, icmp, any)");
  CHECK(load_error("allow a: any -> any tcpp/80\n") ==
        "p.policy:1: unknown protocol 'tcpp' in 'tcpp/80' (expected tcp, udp, icmp, icmpv6, a number, or any)");
  CHECK(load_error("allow a: any -> any tcp/90-80\n") ==
        "p.policy:1: bad port '90-80' in 'tcp/90-80' (expected N, N-M, a service name, or a list such as "
        "80,443,8000-8999)");
  CHECK(load_error("allow a: any -> any tcp/80\nallow a: any -> any tcp/81\n")
            .starts_with("p.policy:2: rule 'a' is already defined at /"));
  CHECK(load_error("group g = 10.0.0.0/8\ngroup g = 10.0.0.0/8\n") == "p.policy:2: group 'g' is defined twice");
  CHECK(load_error("group g 10.0.0.0/8\n") ==
        "p.policy:1: expected: group NAME = ITEM ... (prefixes, addresses or groups)");
  CHECK(load_error("default maybe\n") == "p.policy:1: expected: default deny | default allow");
  CHECK(load_error("# nothing\n") == "p.policy: the policy has no rules");
  CHECK(load_error("include \"p.policy\"\n").starts_with("p.policy:1: include cycle: /"));
  CHECK(load_error("include \"missing.policy\"\n").starts_with("p.policy:1: cannot include /"));
  CHECK(load_error("include \"missing.policy\"\n").ends_with("/missing.policy: No such file or directory"));
}

TEST_CASE("policy: the four records of an allowed connection are no violation, responses neither", "[policy]") {
  auto c = check(kRules,
                 // web -> app 8080, seen at both ends in both directions; then a mid-connection window
                 // without flags, judged by its ports.
                 "10.0.1.5 10.0.2.7 40000 8080 6 ACCEPT 2 OK\n"
                 "10.0.2.7 10.0.1.5 8080 40000 6 ACCEPT 18 OK\n"
                 "10.0.1.5 10.0.2.7 40000 8080 6 ACCEPT 2 OK\n"
                 "10.0.2.7 10.0.1.5 8080 40000 6 ACCEPT 18 OK\n"
                 "10.0.2.7 10.0.1.5 8080 40000 6 ACCEPT 0 OK\n"
                 // egress DNS and its answer
                 "10.0.1.5 8.8.8.8 53000 53 17 ACCEPT - OK\n"
                 "8.8.8.8 10.0.1.5 53 53000 17 ACCEPT - OK\n"
                 // NODATA: not judged, not counted
                 "- - - - - - - NODATA\n");
  CHECK(violations(c).empty());
  CHECK(c.checked() == 7);
  CHECK(c.counts()[1].accepted == 5);
  CHECK(c.counts()[4].accepted == 2);
}

TEST_CASE("policy: too open and broken, each connection once", "[policy]") {
  auto c = check(kRules,
                 // app -> db rejected at the db (twice, two windows), accepted at the app: broken
                 "10.0.2.7 10.0.3.9 41000 5432 6 REJECT 2 OK\n"
                 "10.0.2.7 10.0.3.9 41000 5432 6 ACCEPT 2 OK\n"
                 "10.0.2.7 10.0.3.9 41000 5432 6 REJECT 2 OK\n"
                 // exfiltration to an unknown port: accepted both ways, allowed by no rule: too open
                 "10.0.2.7 198.51.100.9 42000 4444 6 ACCEPT 2 OK\n"
                 "198.51.100.9 10.0.2.7 4444 42000 6 ACCEPT 18 OK\n"
                 // ssh from the internet rejected: denied and rejected, fine
                 "203.0.113.5 10.0.1.5 50000 22 6 REJECT 2 OK\n"
                 // lateral ssh between app hosts: accepted at the source, rejected at the target: not
                 // let through, so not too open
                 "10.0.2.7 10.0.2.8 43000 22 6 ACCEPT 2 OK\n"
                 "10.0.2.7 10.0.2.8 43000 22 6 REJECT 2 OK\n"
                 // ssh from the internet accepted: denied explicitly, too open
                 "203.0.113.6 10.0.1.5 50001 22 6 ACCEPT 2 OK\n");
  CHECK(violations(c) == S{"broken app-to-db 10.0.2.7:41000->10.0.3.9:5432/6 x2 line 2",
                           "too-open (default deny) 10.0.2.7:42000->198.51.100.9:4444/6 x2 line 5",
                           "too-open no-ssh 203.0.113.6:50001->10.0.1.5:22/6 x1 line 10"});
  CHECK(c.counts()[2].broken == 1);
  CHECK(c.counts()[5].too_open == 1);
  CHECK(c.records().size() == 4);  // candidates kept; the lateral one was not a violation
}

TEST_CASE("policy: a connection rejected at one end is not too open, whatever the record order", "[policy]") {
  // Lateral ssh: rejected at the target first, accepted at the source later.
  auto c = check(kRules,
                 "10.0.2.7 10.0.2.8 43000 22 6 REJECT 2 OK\n"
                 "10.0.2.7 10.0.2.8 43000 22 6 ACCEPT 2 OK\n");
  CHECK(violations(c).empty());
}

TEST_CASE("policy: named ports in lists, an ICMP or same-port answer to a permitted request", "[policy]") {
  TempDir d;
  d.write("base.policy", kBase);
  auto p = load_policy(d.write("p.policy", "allow a: any -> any tcp/ssh,rdp,http-alt,9000-9001 udp/53\n"));
  CHECK(p.rules[0].services.size() == 2);
  CHECK(p.rules[0].services[0].ports ==
        std::vector<std::pair<uint16_t, uint16_t>>{{22, 22}, {3389, 3389}, {8080, 8080}, {9000, 9001}});
  // The echo reply and the NTP answer come back from the internet: answers to permitted requests.
  auto c = check("include \"base.policy\"\nallow out: vpc -> internet icmp udp/123\n",
                 "10.0.1.5 8.8.8.8 0 0 1 ACCEPT - OK\n"
                 "8.8.8.8 10.0.1.5 0 0 1 ACCEPT - OK\n"
                 "162.159.200.1 10.0.1.5 123 123 17 ACCEPT - OK\n"
                 "203.0.113.7 10.0.1.5 0 0 6 ACCEPT - OK\n");  // TCP port 0 both sides: still judged
  CHECK(violations(c) == S{"too-open (default deny) 203.0.113.7:0->10.0.1.5:0/6 x1 line 5"});
}

TEST_CASE("policy: default allow, IPv6 and ICMP", "[policy]") {
  auto c = check("default allow\ndeny no-telnet: any -> any tcp/23\nrequire ping: any -> 2001:db8::/32 icmpv6\n",
                 "2001:db8::1 2001:db8::2 0 0 58 REJECT - OK\n"
                 "10.0.0.1 10.0.0.2 40000 23 6 ACCEPT 3 OK\n"
                 "10.0.0.1 10.0.0.2 40000 25 6 ACCEPT 3 OK\n");
  CHECK(violations(c) == S{"broken ping 2001:db8::1:0->2001:db8::2:0/58 x1 line 2",
                           "too-open no-telnet 10.0.0.1:40000->10.0.0.2:23/6 x1 line 3"});
}

TEST_CASE("policy: connection orientation from tcp-flags, then ports", "[policy]") {
  auto conn = [](const std::string& line) {
    auto reader =
        open_reader(std::make_unique<InputStream>(
                        memory_source("srcaddr dstaddr srcport dstport protocol tcp-flags\n" + line + "\n"), "m"),
                    {});
    Record r;
    REQUIRE(reader->next(r));
    auto c = connection_of(r);
    REQUIRE(c);
    return fmt::format("{}:{}->{}:{}", to_string(c->initiator), c->initiator_port, to_string(c->responder),
                       c->responder_port);
  };
  CHECK(conn("10.0.0.1 10.0.0.2 40000 80 6 2") == "10.0.0.1:40000->10.0.0.2:80");
  CHECK(conn("10.0.0.2 10.0.0.1 80 40000 6 18") == "10.0.0.1:40000->10.0.0.2:80");
  CHECK(conn("10.0.0.2 10.0.0.1 80 40000 6 19") == "10.0.0.1:40000->10.0.0.2:80");  // SYN-ACK+FIN
  CHECK(conn("10.0.0.1 10.0.0.2 1024 2049 6 3") ==
        "10.0.0.1:1024->10.0.0.2:2049");  // SYN+FIN: the opener, whatever the ports
  CHECK(conn("10.0.0.2 10.0.0.1 80 40000 6 0") == "10.0.0.1:40000->10.0.0.2:80");  // no flags: lower port serves
  CHECK(conn("10.0.0.2 10.0.0.1 80 40000 6 -") == "10.0.0.1:40000->10.0.0.2:80");
  CHECK(conn("10.0.0.1 10.0.0.2 0 0 1 -") == "10.0.0.1:0->10.0.0.2:0");
}

TEST_CASE("policy: reports carry every violation, grouped by hosts, service and rule", "[policy]") {
  auto c = check(kRules,
                 "10.0.2.7 10.0.3.9 41000 5432 6 REJECT 2 OK\n"
                 "10.0.2.7 198.51.100.9 42000 4444 6 ACCEPT 2 OK\n"
                 "10.0.2.7 10.0.3.9 41001 5432 6 REJECT 2 OK\n");
  CHECK(c.violations().size() == 3);
  auto junit = junit_report(c);
  CHECK_THAT(junit, Catch::StartsWith("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"flowfilter "
                                      "--policy\" tests=\"6\" failures=\"2\">"));
  CHECK_THAT(junit, Catch::Contains("name=\"app-to-db\""));
  CHECK_THAT(junit, Catch::Contains("broken: 10.0.2.7 -&gt; 10.0.3.9:5432 tcp: 2 connections rejected, but the policy "
                                    "requires them (flows.log:2)"));
  auto sarif = sarif_report(c);
  CHECK_THAT(sarif, Catch::Contains("\"version\": \"2.1.0\""));
  CHECK_THAT(sarif, Catch::Contains("\"ruleId\": \"default:deny\", \"ruleIndex\": 5"));
  CHECK_THAT(sarif, Catch::Contains("\"artifactLocation\": {\"uri\": \"flows.log\"}"));
  CHECK_THAT(sarif, Catch::Contains("\"properties\": {\"violation\": \"broken\", \"connections\": 2, \"records\": 2}"));
  CHECK(github_report(c) ==
        "::error file=flows.log,line=2,title=Policy broken%3A app-to-db::10.0.2.7 -> 10.0.3.9:5432 tcp: 2 connections "
        "rejected, but the policy requires them\n"
        "::error file=flows.log,line=3,title=Policy too open%3A (default deny)::10.0.2.7 -> 198.51.100.9:4444 tcp: 1 "
        "connection accepted, but no rule allows it\n");
}

TEST_CASE("policy: behind a NAT gateway, pkt-srcaddr and pkt-dstaddr name the hosts", "[policy]") {
  // The instance's record, then the NAT gateway's (10.0.0.11) two legs, as AWS documents them.
  auto c = check("include \"base.policy\"\nallow app-out: app -> internet tcp/443\n",
                 "10.0.2.7 203.0.113.5 40000 443 6 ACCEPT 2 10.0.2.7 203.0.113.5\n"
                 "10.0.2.7 10.0.0.11 40000 443 6 ACCEPT 2 10.0.2.7 203.0.113.5\n"
                 "10.0.0.11 203.0.113.5 40000 443 6 ACCEPT 2 10.0.2.7 203.0.113.5\n"
                 "10.0.0.11 203.0.113.5 40001 8443 6 ACCEPT 2 10.0.2.7 203.0.113.5\n",
                 "srcaddr dstaddr srcport dstport protocol action tcp-flags pkt-srcaddr pkt-dstaddr");
  REQUIRE(c.violations().size() == 1);
  CHECK(to_string(c.violations()[0].conn.initiator) == "10.0.2.7");
  CHECK(c.violations()[0].conn.responder_port == 8443);
  CHECK(c.counts()[0].accepted == 3);
}

TEST_CASE("policy: windows without flags follow the connection a SYN window oriented", "[policy]") {
  // gRPC on 50051: the client's port is lower. The second window has no flags; by ports alone it
  // would be 10.0.0.2:50051 -> 10.0.0.1:40000, which no rule allows.
  auto c = check("allow grpc: 10.0.0.1 -> 10.0.0.2 tcp/50051\n",
                 "10.0.0.1 10.0.0.2 40000 50051 6 ACCEPT 2 OK\n"
                 "10.0.0.2 10.0.0.1 50051 40000 6 ACCEPT 18 OK\n"
                 "10.0.0.1 10.0.0.2 40000 50051 6 ACCEPT 0 OK\n"
                 "10.0.0.2 10.0.0.1 50051 40000 6 ACCEPT 0 OK\n");
  CHECK(violations(c).empty());
  CHECK(c.counts()[0].accepted == 4);
}

TEST_CASE("policy: an answered connection got through, whatever stray REJECT follows", "[policy]") {
  // Forbidden SSH, accepted both ways, then a packet after the close rejected: too open.
  // Required app -> db, answered, then a stray REJECT: not broken.
  auto c = check(kRules,
                 "203.0.113.6 10.0.1.5 50001 22 6 ACCEPT 2 OK\n"
                 "10.0.1.5 203.0.113.6 22 50001 6 ACCEPT 18 OK\n"
                 "203.0.113.6 10.0.1.5 50001 22 6 REJECT 4 OK\n"
                 "10.0.2.7 10.0.3.9 41000 5432 6 ACCEPT 2 OK\n"
                 "10.0.3.9 10.0.2.7 5432 41000 6 ACCEPT 18 OK\n"
                 "10.0.2.7 10.0.3.9 41000 5432 6 REJECT 1 OK\n");
  CHECK(violations(c) == S{"too-open no-ssh 203.0.113.6:50001->10.0.1.5:22/6 x3 line 2"});
}

TEST_CASE("policy: services, lists and includes, the edge cases", "[policy]") {
  TempDir d;
  d.write("base.policy", kBase);
  d.write("a.policy", "include \"base.policy\"\n");
  d.write("b.policy", "include \"base.policy\"\n");
  // A diamond: both include base.policy, whose groups are defined once.
  auto p =
      load_policy(d.write("p.policy", "include \"a.policy\"\ninclude \"b.policy\"\nallow r: web -> any tcp/22 47\n"));
  REQUIRE(p.rules[0].services.size() == 2);  // a separate word is a new service: GRE, not port 47
  CHECK(p.rules[0].services[1].protocol == 47);
  CHECK(p.rules[0].services[1].ports.empty());
  CHECK(load_error("allow a: any,10.0.0.0/8 -> any tcp/80\n") ==
        "p.policy:1: 'any' stands alone, not in a list or a group");
  CHECK(load_error("allow a: any -> any tcp/\n") ==
        "p.policy:1: 'tcp/': give the ports after '/' (or write tcp for every port)");
  CHECK(load_error("allow a: any -> any ,\n") ==
        "p.policy:1: missing the service after 'any' (e.g. tcp/443, udp/53, icmp, any)");
  CHECK(load_error("include \"/dev/zero\"\n") == "p.policy:1: cannot include /dev/zero: not a regular file");
}
