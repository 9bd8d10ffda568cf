// libFuzzer target: the binary format reader, whole records and projected (skipping columns),
// read record by record and again as columns (Reader::next_columns), which must agree; and
// complete_length, which walks the frames of a file a receiver appends to.
#include <sys/mman.h>
#include <unistd.h>

#include <map>
#include <tuple>

#include "fuzz_util.hpp"

namespace {

/// What a reader makes of the bytes, one line per record or error (read on after non-fatal
/// errors, as --on-error=skip does), by records or by columns.
std::vector<std::string> trace(const std::string& bytes, const flow::ReadOptions& opts, bool columns) {
  std::vector<std::string> out;
  std::unique_ptr<flow::Reader> reader;
  try {
    reader = flow::open_reader(std::make_unique<flow::InputStream>(flow::memory_source(bytes), "mem"), opts);
  } catch (const flow::DataError& e) {
    return {"open: " + e.message()};
  }
  auto say = [&out](const flow::Record& r) {
    std::string s = std::to_string(r.line) + ":";
    flow::fuzz::consume_record(r);
    for (size_t i = 0; i < r.values.size(); ++i)
      s += " " + r.schema->column(i).name + "=" +
           (r.values[i].null() ? "null" : flow::value_text(r.values[i], r.schema->column(i).type));
    out.push_back(std::move(s));
  };
  flow::Record r;
  flow::ColumnBatch c;
  std::map<std::tuple<uint64_t, size_t, uint64_t>, std::string> meaning;  // a code means one value
  for (;;) {
    try {
      if (!columns) {
        if (!reader->next(r)) break;
        say(r);
        continue;
      }
      if (!reader->next_columns(c)) break;
      if (c.rows == 0) std::abort();
      for (size_t i = 0; i < c.rows; ++i) {
        c.row(i, r);
        say(r);
        for (size_t f = 0; f < c.values.size(); ++f) {
          if (!c.codes[f] || c.values[f][i].null()) continue;
          if (c.codes[f][i] >= c.codes_size[f]) std::abort();
          auto [it, fresh] = meaning.emplace(std::tuple(c.dictionary, f, c.codes[f][i]),
                                             flow::value_text(c.values[f][i], c.schema->column(f).type));
          if (!fresh && it->second != flow::value_text(c.values[f][i], c.schema->column(f).type)) std::abort();
        }
      }
    } catch (const flow::DataError& e) {
      out.push_back("error: " + e.message());
      if (e.fatal) break;
    }
  }
  return out;
}

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
  if (trace(bytes, opts, false) != trace(bytes, opts, true)) {
    std::fprintf(stderr, "records and columns read differently\n");
    std::abort();
  }
  return 0;
}
