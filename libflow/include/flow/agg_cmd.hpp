// flowagg: group-by aggregation over flow records (the tool around flow/agg.hpp).
#pragma once

#include <string>
#include <vector>

#include "flow/cli.hpp"

namespace flow {

struct AggCmdOptions {
  CommonOptions common;
  std::vector<std::string> keys, values;
  bool bidir = false;
  uint64_t top = 0;
  std::string by;
  bool ascending = false;
  bool unsorted = false;
  std::string having, where;
  std::string memory = "1Gi";
  std::string tmpdir;
  unsigned threads = 0;  ///< 0: one per core (at most 8)
  bool partial = false;
  bool merge = false;
};

const ToolSpec& agg_spec();
void define_agg_options(CLI::App& app, AggCmdOptions& o);
void run_agg(AggCmdOptions o, Context& ctx);

}  // namespace flow
