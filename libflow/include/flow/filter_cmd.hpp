// flowfilter: select records with an expression, or check them against a network policy.
#pragma once

#include <string>
#include <vector>

#include "flow/cli.hpp"

namespace flow {

struct FilterCmdOptions {
  CommonOptions common;
  std::string expr;       ///< -e
  bool expr_given = false;  ///< -e was given (even empty: then every argument is an input)
  std::string expr_file;  ///< -f
  bool invert = false;
  bool count = false;
  bool check = false;
  std::string rest;  ///< --rest FILE: the records that do not match
  std::string policy;
  std::vector<std::string> reports;  ///< --report junit=FILE, sarif=FILE, github, text
};

const ToolSpec& filter_spec();
void define_filter_options(CLI::App& app, FilterCmdOptions& o);
void run_filter(FilterCmdOptions o, Context& ctx);

}  // namespace flow
