// Joining two flow streams on fields (flowjoin --with): NAT gateway records with the instances'
// records through pkt-srcaddr, one log with another.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "flow/record.hpp"
#include "flow/stream.hpp"

namespace flow {

struct StreamJoinOptions {
  /// Pairs of (field of the main input, field of the --with input) that must be equal.
  std::vector<std::pair<std::string, std::string>> on;
  /// The --with input's columns are added under this prefix.
  std::string prefix = "with.";
  /// When >= 0: the two records' capture windows must overlap, or lie within this many seconds.
  int64_t within = -1;
};

/// "A=B,C" (one or more LEFT[=RIGHT] pairs) into pairs; throws UsageError naming `option`.
std::vector<std::pair<std::string, std::string>> parse_join_keys(const std::string& text, const std::string& option);

/// The --with input, loaded into memory and indexed by its key fields.
class StreamJoin {
 public:
  /// Reads every record of `with` (which must fit in memory: give the smaller stream).
  StreamJoin(RecordStream& with, StreamJoinOptions opts);
  ~StreamJoin();
  StreamJoin(const StreamJoin&) = delete;
  StreamJoin& operator=(const StreamJoin&) = delete;

  /// Emits `left` joined with each matching record (its columns added), in the order they were
  /// read; returns how many matched. With `unmatched` and no match, emits `left` with the added
  /// columns null (a left join).
  size_t join(const Record& left, bool unmatched, const std::function<void(const Record&)>& emit);
  /// Records loaded, and how many of them had a null or missing key field (never matched).
  uint64_t loaded() const;
  uint64_t without_key() const;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace flow
