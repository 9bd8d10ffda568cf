// flowcat: read, convert and concatenate flow logs. All the work is in libflow (cat.cpp).
#include "flow/cat.hpp"

int main(int argc, char** argv) {
  flow::CatOptions opts;
  return flow::run_tool(
      argc, argv, flow::cat_spec(), [&](CLI::App& app) { flow::define_cat_options(app, opts); },
      [&](flow::Context& ctx) { flow::run_cat(opts, ctx); });
}
