// Network policies (flow-policy(5)) and checking observed flows against them.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "flow/connection.hpp"
#include "flow/filter.hpp"
#include "flow/ipset.hpp"

namespace flow {

/// Protocol and destination ports a rule covers.
struct PolicyService {
  std::optional<uint8_t> protocol;                   ///< nullopt = any protocol
  std::vector<std::pair<uint16_t, uint16_t>> ports;  ///< inclusive ranges; empty = any port
  bool matches(uint8_t proto, uint16_t port) const;
};

struct PolicyRule {
  enum Kind { Allow, Require, Deny } kind = Allow;
  std::string name;
  std::string text;  ///< the rule as written, for reports
  std::string file;
  size_t line = 0;
  std::shared_ptr<const IpSet> src, dst;  ///< null = any
  std::vector<PolicyService> services;
  bool matches(uint8_t proto, const Ip& from, const Ip& to, uint16_t port) const;
};

struct Policy {
  std::string path;
  std::vector<PolicyRule> rules;
  bool default_allow = false;
  /// Index of the first rule matching a connection, or -1 (then the default applies).
  int match(uint8_t proto, const Ip& from, const Ip& to, uint16_t port) const;
};

std::string_view kind_name(PolicyRule::Kind k);

/// Reads a policy file and its includes. A mistake throws UsageError naming FILE:LINE.
Policy load_policy(const std::string& path);

/// A set of 64-bit hashes that remembers about the last million inserted (a direct-mapped table,
/// 8 MB once used): constant memory for facts that matter only while a connection lasts.
class RecentSet {
 public:
  void insert(uint64_t h);
  bool contains(uint64_t h) const;

 private:
  static constexpr size_t kSlots = size_t{1} << 20;
  std::vector<uint64_t> slots_;  // 0 = empty; allocated on the first insert
};

/// A violation: one connection, however many records showed it.
struct Violation {
  enum Kind { TooOpen, Broken } kind;
  int rule;  ///< -1: no rule matched (the default)
  Connection conn;
  uint64_t records = 0;
  std::string file;  ///< where its first record was read
  uint64_t line = 0;
};

/// The state of a policy check: counts per rule, violations. Feed records, then finish().
class PolicyCheck {
 public:
  PolicyCheck(Policy policy, std::optional<Filter> prefilter, std::vector<std::string> reports);

  /// Judges one record (read from `file`).
  void add(const Record& r, const std::string& file);
  /// Decides the violations (a connection rejected anywhere was not let through).
  void finish();

  const Policy& policy() const { return policy_; }
  const std::vector<Violation>& violations() const { return violations_; }
  /// Per rule (and the default, last): records accepted, records rejected.
  struct RuleCount {
    uint64_t accepted = 0, rejected = 0, too_open = 0, broken = 0;
  };
  const std::vector<RuleCount>& counts() const { return counts_; }
  uint64_t checked() const { return checked_; }
  uint64_t unjudged() const { return unjudged_; }
  const std::vector<std::string>& reports() const { return reports_; }
  /// The representative records of violating connections, in the order first seen.
  const std::vector<std::unique_ptr<Record>>& records() const { return kept_; }
  /// For each violation, the index of its record in records().
  const std::vector<size_t>& record_of() const { return record_of_; }
  /// The rule's name for messages ("(default deny)" for -1).
  std::string rule_name(int rule) const;

 private:
  struct Seen {
    int rule;
    bool accepted = false, rejected = false;
    bool answered = false;  // an accepted record from the responder's side
    uint64_t records = 0;
    size_t kept;  // index in kept_
    std::string file;
    uint64_t line;
  };
  Policy policy_;
  std::optional<Filter> prefilter_;
  std::vector<std::string> reports_;
  std::vector<RuleCount> counts_;
  bool is_permitted(int rule) const;
  bool is_required(int rule) const;

  std::map<Connection, Seen> candidates_;  // connections that may violate the policy
  RecentSet refused_;                      // forbidden connections seen rejected
  RecentSet answered_;                     // required connections seen answered
  std::vector<std::unique_ptr<Record>> kept_;
  std::vector<Violation> violations_;
  std::vector<size_t> record_of_;
  uint64_t checked_ = 0, unjudged_ = 0;
};

/// The reports (--report): JUnit XML, SARIF 2.1.0, GitHub workflow annotations, text summary.
std::string policy_summary(const PolicyCheck& c);
std::string junit_report(const PolicyCheck& c);
std::string sarif_report(const PolicyCheck& c);
std::string github_report(const PolicyCheck& c);

}  // namespace flow
