// Where flowgen's records and side outputs go: one stream, or S3-style hourly objects.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "flow/gen_sim.hpp"
#include "flow/stream.hpp"

namespace flow {

/// A sink that must be finished (files committed) after the run.
class FinishingSink : public gen::GenSink {
 public:
  virtual void finish() = 0;
};

std::unique_ptr<FinishingSink> stream_sink(const OutputConfig& o, const gen::Generator& g,
                                           const std::string& connections);
/// How flowgen --s3 lays out its objects: AWS's plain layout (.../YYYY/MM/DD/HH/) or Hive's
/// (aws-account-id=/aws-service=/aws-region=/year=/month=/day=/), one object per flow log and `every` seconds.
struct S3Layout {
  bool hive = false;
  int64_t every = 3600;
};
std::unique_ptr<FinishingSink> s3_sink(const std::string& dir, const OutputConfig& o, const gen::Generator& g,
                                       uint64_t seed, const std::string& connections, const S3Layout& layout = {});
inline void finish_sink(gen::GenSink& s) { static_cast<FinishingSink&>(s).finish(); }

/// Writes a whole file atomically.
void write_file(const std::string& path, std::string_view text);
std::string truth_json(const std::vector<gen::ScenarioRun>& runs);
std::string connection_json(const gen::Conn& c, const gen::Estate& e, std::string_view scenario, bool complete);
/// Compresses file `from` into gzip file `to` (ISA-L, deterministic header).
void gzip_file(const std::string& from, const std::string& to);

}  // namespace flow
