// libFuzzer target: the CSV reader (RFC 4180 quoting, headers, Athena names, columns typed from
// a sample and widened to strings), through format detection as well.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flow::ReadOptions opts;
  // Odd lengths go through detection (which may take them for another format): the CSV header
  // test runs on every input, and CSV that detection takes reads the same.
  opts.format = size % 2 == 1 ? flow::Format::Auto : flow::Format::Csv;
  opts.warn = [](const std::string&) {};
  flow::fuzz::read_all(std::string(reinterpret_cast<const char*>(data), size), opts);
  return 0;
}
