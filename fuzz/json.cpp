// libFuzzer target: the JSON Lines reader (also CloudWatch Logs envelopes).
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flow::ReadOptions opts;
  opts.format = flow::Format::Json;
  opts.warn = [](const std::string&) {};
  flow::fuzz::read_all(std::string(reinterpret_cast<const char*>(data), size), opts);
  return 0;
}
