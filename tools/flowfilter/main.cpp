// flowfilter: select flow records with an expression, or check them against a network policy.
// All the work is in libflow (filter_cmd.cpp, filter/, policy/).
#include "flow/filter_cmd.hpp"

int main(int argc, char** argv) {
  flow::FilterCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::filter_spec(), [&](CLI::App& app) { flow::define_filter_options(app, opts); },
      [&](flow::Context& ctx) { flow::run_filter(opts, ctx); });
}
