// flowcat: read, convert, concatenate and merge flow records.
#pragma once

#include <string>

#include "flow/cli.hpp"
#include "flow/net.hpp"

namespace flow {

struct CatOptions {
  CommonOptions common;
  std::string since, until;
  bool merge = false;
  bool count = false;
  PostOptions post;
  ListenOptions listen;
};

const ToolSpec& cat_spec();
void define_cat_options(CLI::App& app, CatOptions& o);
void run_cat(const CatOptions& o, Context& ctx);

}  // namespace flow
