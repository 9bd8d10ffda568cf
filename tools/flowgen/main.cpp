// flowgen: realistic synthetic VPC flow logs with ground truth. All the work is in libflow (gen/).
#include "flow/gen.hpp"

int main(int argc, char** argv) {
  flow::GenOptions opts;
  CLI::App* app = nullptr;
  return flow::run_tool(
      argc, argv, flow::gen_spec(),
      [&](CLI::App& a) {
        app = &a;
        flow::define_gen_options(a, opts);
      },
      [&](flow::Context& ctx) { flow::run_gen(opts, *app, ctx); });
}
