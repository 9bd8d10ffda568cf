// libFuzzer target: the binary format reader, whole records and projected (skipping columns),
// read record by record and again as columns (Reader::next_columns), which must agree; and
// complete_length, which walks the frames of a file a receiver appends to.
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_util.hpp"

namespace {

/// complete_length of the bytes as a file: at most their size, and the same again once cut there.
void check_complete_length(const std::string& bytes) {
  const int fd = memfd_create("complete_length", 0);
  if (fd < 0) return;
  try {
    if (write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size())) {
      const uint64_t n = flow::complete_length(fd, flow::Format::Binary);
      if (n > bytes.size() || ftruncate(fd, static_cast<off_t>(n)) != 0 ||
          flow::complete_length(fd, flow::Format::Binary) != n)
        std::abort();
    }
  } catch (const flow::DataError&) {
  }
  close(fd);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  flow::ReadOptions opts;
  opts.format = flow::Format::Binary;
  opts.warn = [](const std::string&) {};
  // The input's length picks the projection, so every input keeps its bytes intact:
  // every field, a few fields (skipping the other columns), or none (counting).
  switch (size % 3) {
    case 1:
      opts.fields = std::vector<std::string>{"srcaddr", "dstport", "bytes", "action", "tcp-flags", "no-such"};
      break;
    case 2: opts.fields = std::vector<std::string>{}; break;
    default: break;
  }
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  check_complete_length(bytes);
  if (flow::fuzz::trace(bytes, opts, false) != flow::fuzz::trace(bytes, opts, true)) {
    std::fprintf(stderr, "records and columns read differently\n");
    std::abort();
  }
  return 0;
}
