// count: how many flow records each FILE holds (any input flowcat reads: AWS text, JSON, the
// cloud envelopes, binary; gzip or zstd), read with libflow. A program of one's own against the
// installed library: see CMakeLists.txt beside it (find_package) or README.md (pkg-config).
#include <cstdint>
#include <cstdio>
#include <string>

#include "flow/error.hpp"
#include "flow/stream.hpp"

int main(int argc, char** argv) {
  flow::InputConfig cfg;
  for (int i = 1; i < argc; ++i) cfg.files.emplace_back(argv[i]);
  if (cfg.files.empty()) cfg.files.emplace_back("-");
  cfg.read.fields.emplace();  // counting reads no field's value
  try {
    auto in = flow::sequential_stream(cfg);
    flow::Batch batch;
    uint64_t records = 0;
    while (in->read(batch)) records += batch.size();
    std::printf("%llu\n", static_cast<unsigned long long>(records));
  } catch (const flow::DataError& e) {
    std::fprintf(stderr, "count: %s\n", e.message().c_str());
    return 1;
  }
  return 0;
}
