// libFuzzer target: JSON input through format detection (Format::Auto, as the tools read by
// default), so every JSON-based reader open_reader() picks (JSON Lines, arrays, CloudWatch Logs
// envelopes, and any reader added behind detection later) is fuzzed by this target.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flow::ReadOptions opts;
  opts.format = flow::Format::Auto;
  opts.warn = [](const std::string&) {};
  flow::fuzz::read_all(std::string(reinterpret_cast<const char*>(data), size), opts);
  return 0;
}
