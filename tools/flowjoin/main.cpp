// flowjoin: enrichment, conversation stitching, dedup and stream joins. The work is in libflow
// (join_cmd.cpp, join/, enrich/).
#include "flow/join_cmd.hpp"

int main(int argc, char** argv) {
  flow::JoinCmdOptions opts;
  return flow::run_tool(
      argc, argv, flow::join_spec(), [&](CLI::App& app) { flow::define_join_options(app, opts); },
      [&](flow::Context& ctx) { flow::run_join(opts, ctx); });
}
