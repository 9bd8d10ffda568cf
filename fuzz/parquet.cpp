// libFuzzer target: the Parquet reader (Thrift metadata, page headers, codecs, encodings), whole
// records and projected, read record by record and again as columns, which must agree.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flow::ReadOptions opts;
  opts.format = flow::Format::Parquet;
  opts.warn = [](const std::string&) {};
  // The input's length picks the projection (as the binary target): every column, a few, or none.
  switch (size % 3) {
    case 1: opts.fields = std::vector<std::string>{"srcaddr", "dstport", "bytes", "action", "start", "x"}; break;
    case 2: opts.fields = std::vector<std::string>{}; break;
    default: break;
  }
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  if (flow::fuzz::trace(bytes, opts, false) != flow::fuzz::trace(bytes, opts, true)) {
    std::fprintf(stderr, "records and columns read differently\n");
    std::abort();
  }
  return 0;
}
