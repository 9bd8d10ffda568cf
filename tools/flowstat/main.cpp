// flowstat: the report a person runs first. All the work is in libflow (stat_cmd.cpp, stat/).
#include "flow/stat_cmd.hpp"

int main(int argc, char** argv) {
  flow::StatCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::stat_spec(), [&](CLI::App& app) { flow::define_stat_options(app, opts); },
      [&](flow::Context& ctx) { flow::run_stat(opts, ctx); });
}
