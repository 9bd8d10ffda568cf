// flowagg: group-by aggregation of flow records. All the work is in libflow (agg_cmd.cpp, agg/).
#include "flow/agg_cmd.hpp"

int main(int argc, char** argv) {
  flow::AggCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::agg_spec(), [&](CLI::App& app) { flow::define_agg_options(app, opts); },
      [&](flow::Context& ctx) { flow::run_agg(opts, ctx); });
}
