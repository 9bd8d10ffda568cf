// flowgen: realistic synthetic VPC flow logs with ground truth.
#pragma once

#include <string>
#include <vector>

#include "flow/cli.hpp"

namespace flow {

struct GenOptions {
  CommonOptions common;
  uint64_t seed = 1;
  std::string start = "2024-06-03T00:00:00Z";
  std::string duration = "1h";
  uint64_t flows = 0;
  double rate = 10;
  std::vector<std::string> scenarios;
  int log_version = 2;
  std::string aws_format;
  std::string topology;
  int vpcs = 1, accounts = 1, azs = 2, hosts = 12, clients = 2000;
  std::string region = "us-east-1";
  double skipdata = 0.0005;
  std::string truth, connections, estate, policy, s3;
};

const ToolSpec& gen_spec();
void define_gen_options(CLI::App& app, GenOptions& o);
void run_gen(const GenOptions& o, CLI::App& app, Context& ctx);

}  // namespace flow
