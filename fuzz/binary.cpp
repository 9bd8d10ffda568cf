// libFuzzer target: the binary format reader, whole records and projected (skipping columns).
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flow::ReadOptions opts;
  opts.format = flow::Format::Binary;
  opts.warn = [](const std::string&) {};
  // The input's length picks the projection, so every input keeps its bytes intact:
  // every field, a few fields (skipping the other columns), or none (counting).
  switch (size % 3) {
    case 1: opts.fields = std::vector<std::string>{"srcaddr", "dstport", "bytes", "action", "tcp-flags", "no-such"}; break;
    case 2: opts.fields = std::vector<std::string>{}; break;
    default: break;
  }
  flow::fuzz::read_all(std::string(reinterpret_cast<const char*>(data), size), opts);
  return 0;
}
