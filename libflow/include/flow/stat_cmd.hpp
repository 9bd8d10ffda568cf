// flowstat: the summary report of flow records (the tool around flow/stats.hpp).
#pragma once

#include <string>

#include "flow/cli.hpp"

namespace flow {

struct StatCmdOptions {
  CommonOptions common;
  std::string format = "text";  ///< text, json, markdown, html
  std::string report;           ///< --report FILE (.html or .md)
  size_t top = 10;
  bool ascii = false;
  std::string memory = "1Gi";
  std::string tmpdir;
};

const ToolSpec& stat_spec();
void define_stat_options(CLI::App& app, StatCmdOptions& o);
void run_stat(StatCmdOptions o, Context& ctx);

}  // namespace flow
