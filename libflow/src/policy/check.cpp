// Checking observed flows against a policy. Every record is first turned into the connection it
// belongs to, oriented from the side that opened it, so that a response (the other direction)
// is judged as the connection it answers: security groups are stateful. A connection becomes a
// violation once, however many records (both directions, both ends, many windows) show it.
#include <fmt/format.h>
#include <xxhash.h>

#include <cstring>

#include "flow/error.hpp"
#include "flow/policy.hpp"

namespace flow {

PolicyCheck::PolicyCheck(Policy policy, std::optional<Filter> prefilter, std::vector<std::string> reports)
    : policy_(std::move(policy)), prefilter_(std::move(prefilter)), reports_(std::move(reports)) {
  counts_.resize(policy_.rules.size() + 1);
  for (const auto& rep : reports_) {
    auto kind = rep.substr(0, rep.find('='));
    bool has_file = rep.find('=') != std::string::npos && rep.size() > kind.size() + 1;
    if (kind != "junit" && kind != "sarif" && kind != "github" && kind != "text")
      throw UsageError(fmt::format(
          "--report {}: unknown kind '{}' (expected junit=FILE, sarif=FILE, github or text=FILE)", rep, kind));
    if ((kind == "junit" || kind == "sarif") && !has_file)
      throw UsageError(fmt::format("--report {}: give a file, e.g. --report {}=policy.{}", rep, kind,
                                   kind == "junit" ? "xml" : "sarif"));
  }
}

std::string PolicyCheck::rule_name(int rule) const {
  if (rule < 0) return policy_.default_allow ? "(default allow)" : "(default deny)";
  return policy_.rules[static_cast<size_t>(rule)].name;
}

namespace {

/// The same connection seen the other way round.
Connection reversed(const Connection& c) {
  return Connection{c.protocol, c.responder, c.initiator, c.responder_port, c.initiator_port};
}

uint64_t hash_of(const Connection& c) {
  // Field by field: the struct has a padding byte whose value is not defined.
  uint8_t buf[40];
  buf[0] = c.protocol;
  std::memcpy(buf + 1, c.initiator.bytes.data(), 16);
  std::memcpy(buf + 17, c.responder.bytes.data(), 16);
  buf[33] = static_cast<uint8_t>(c.initiator.v6);
  std::memcpy(buf + 34, &c.initiator_port, 2);
  std::memcpy(buf + 36, &c.responder_port, 2);
  return XXH3_64bits(buf, 38);
}

}  // namespace

void RecentSet::insert(uint64_t h) {
  if (slots_.empty()) slots_.assign(kSlots, 0);
  h |= 1;  // never 0, the empty mark (the lowest bit also picks no slot)
  slots_[(h >> 1) & (kSlots - 1)] = h;
}

bool RecentSet::contains(uint64_t h) const {
  h |= 1;
  return !slots_.empty() && slots_[(h >> 1) & (kSlots - 1)] == h;
}

bool PolicyCheck::is_permitted(int rule) const {
  return rule < 0 ? policy_.default_allow : policy_.rules[static_cast<size_t>(rule)].kind != PolicyRule::Deny;
}

bool PolicyCheck::is_required(int rule) const {
  return rule >= 0 && policy_.rules[static_cast<size_t>(rule)].kind == PolicyRule::Require;
}

void PolicyCheck::add(const Record& r, const std::string& file) {
  if (prefilter_ && !prefilter_->match(r)) return;
  const Value* action = r.get(FieldId::action);
  bool ambiguous = false, reply = false;
  auto conn = connection_of(r, &ambiguous, &reply);
  if (!conn || !action || action->null()) {
    // NODATA/SKIPDATA carry no flow; Transit Gateway records carry no verdict.
    const Value* status = r.get(FieldId::log_status);
    if (!(status && !status->null() && status->str() != "OK")) ++unjudged_;
    return;
  }
  ++checked_;
  bool accepted = action->str() == "ACCEPT";
  int rule = policy_.match(conn->protocol, conn->initiator, conn->responder, conn->responder_port);
  if (ambiguous && !is_permitted(rule)) {
    // Without SYN flags the direction is a guess: when only the other direction is permitted,
    // take the record as part of a permitted connection (its answer, or a later window of it
    // whose ports mislead), as a stateful security group lets it through.
    Connection back = reversed(*conn);
    int back_rule = policy_.match(back.protocol, back.initiator, back.responder, back.responder_port);
    if (is_permitted(back_rule)) *conn = back, rule = back_rule, reply = !reply;
  }
  auto& count = counts_[rule < 0 ? counts_.size() - 1 : static_cast<size_t>(rule)];
  (accepted ? count.accepted : count.rejected)++;

  bool permitted = is_permitted(rule), required = is_required(rule);
  if (permitted && !required) return;     // can never violate
  const bool answer = accepted && reply;  // the responder's side got through: the connection worked
  auto it = candidates_.find(*conn);
  if (it == candidates_.end()) {
    // What may matter later is remembered as a hash in a bounded table: a forbidden connection
    // refused somewhere (scans, floods), a required one answered. A connection's records come
    // close together, so the last million connections are enough, and memory stays constant.
    if (!permitted && !accepted) {
      refused_.insert(hash_of(*conn));
      return;
    }
    if (required && accepted) {
      if (answer) answered_.insert(hash_of(*conn));
      return;  // a broken connection is known by its REJECT
    }
    // Only connections that may violate keep a copy of their first record: that memory follows
    // the violations, not the traffic.
    auto copy = std::make_unique<Record>();
    copy_record(r, *copy);
    kept_.push_back(std::move(copy));
    Seen seen{rule,
              false,
              !permitted && refused_.contains(hash_of(*conn)),
              required && answered_.contains(hash_of(*conn)),
              0,
              kept_.size() - 1,
              file,
              r.line};
    it = candidates_.emplace(*conn, std::move(seen)).first;
  }
  Seen& s = it->second;
  (accepted ? s.accepted : s.rejected) = true;
  if (answer) s.answered = true;
  // Too open: every record counts (all were accepted, or it is no violation). Broken: the
  // rejected records are what shows it.
  if (!permitted || !accepted) s.records++;
}

void PolicyCheck::finish() {
  // In the order first seen, so that reports follow the input.
  std::vector<std::pair<size_t, const std::pair<const Connection, Seen>*>> order;
  for (const auto& entry : candidates_) order.emplace_back(entry.second.kept, &entry);
  std::sort(order.begin(), order.end());
  for (const auto& [kept, entry] : order) {
    const auto& [conn, s] = *entry;
    bool permitted = is_permitted(s.rule);
    auto& count = counts_[s.rule < 0 ? counts_.size() - 1 : static_cast<size_t>(s.rule)];
    Violation v{Violation::Broken, s.rule, conn, s.records, s.file, s.line};
    // Got through = answered (the responder's side accepted), or accepted wherever it was
    // recorded. A connection rejected at one end and never answered did not get through: not
    // "too open", but "broken" if required. A stray REJECT (a packet after the close) does not
    // undo an answered connection.
    bool through = s.answered || (s.accepted && !s.rejected);
    if (through && !permitted) {
      v.kind = Violation::TooOpen;
      count.too_open++;
    } else if (!through && s.rejected && is_required(s.rule)) {
      count.broken++;
    } else {
      continue;
    }
    violations_.push_back(v);
    record_of_.push_back(kept);
  }
}

}  // namespace flow
