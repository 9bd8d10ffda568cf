// flowjoin: enrichment from tables, conversation stitching, dedup and joins of two flow streams.
#pragma once

#include <string>
#include <vector>

#include "flow/cli.hpp"

namespace flow {

struct JoinCmdOptions {
  CommonOptions common;
  std::vector<std::string> tables, cidrs, ip_ranges, mmdbs;  ///< FIELD=FILE each
  std::string with, on, within, with_prefix = "with.";
  std::string join = "left";
  bool stitch = false, dedup = false;
  std::string idle = "15m";
};

const ToolSpec& join_spec();
void define_join_options(CLI::App& app, JoinCmdOptions& o);
void run_join(const JoinCmdOptions& o, Context& ctx);

}  // namespace flow
