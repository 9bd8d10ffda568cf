// libFuzzer target: open_input's compression detection and the gzip (single and multi-member)
// and zstd decoders. The bytes are put in a memfd and opened by path, as a tool opens a file.
#include "fuzz_util.hpp"

namespace {
// A decompression bomb is legitimate input (the stream is read in bounded chunks); stop
// reading after this much output so such inputs do not look like hangs.
constexpr uint64_t kMaxOutput = 64 << 20;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static flow::fuzz::MemFile file("decompress");
  file.set(data, size);
  try {
    auto in = flow::open_input(file.path());
    volatile unsigned sink = 0;
    while (in->fill() || in->size() > 0) {
      auto v = in->view();
      for (size_t i = 0; i < v.size(); i += 4096) sink = sink + static_cast<unsigned char>(v[i]);
      in->consume(v.size());
      if (in->offset() > kMaxOutput) break;
    }
  } catch (const flow::DataError&) {
  }
  return 0;
}
