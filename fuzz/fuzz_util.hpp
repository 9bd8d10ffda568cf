// Shared helpers for the libFuzzer targets (fuzz/README.md). Not part of libflow.
//
// The contract every target checks: a parser may reject its input only with the documented
// errors (flow::DataError for data, flow::UsageError for expressions and policies). Anything
// else -- a crash, a sanitizer report, an allocation over -malloc_limit_mb, or any other
// exception escaping (std::bad_alloc, std::out_of_range, ...) -- surfaces as a libFuzzer crash:
// an exception leaving LLVMFuzzerTestOneInput ends in std::terminate -> abort.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"
#include "flow/record.hpp"

namespace flow::fuzz {

/// Touches every value of a record the way writers do (catches bad union members, bad sizes).
inline size_t consume_record(const Record& r) {
  size_t n = r.values.size();
  if (r.schema) {
    if (r.values.size() != r.schema->size()) {
      std::fprintf(stderr, "record has %zu values for a schema of %zu columns\n", r.values.size(), r.schema->size());
      std::abort();
    }
    for (size_t i = 0; i < r.values.size(); ++i) n += value_text(r.values[i], r.schema->column(i).type).size();
  }
  return n;
}

/// What a reader makes of the bytes, one line per record or error (read on after non-fatal
/// errors, as --on-error=skip does), by records or by columns (Reader::next_columns), where a
/// dictionary code must always stand for the same value.
inline std::vector<std::string> trace(const std::string& bytes, const ReadOptions& opts, bool columns) {
  std::vector<std::string> out;
  std::unique_ptr<Reader> reader;
  try {
    reader = open_reader(std::make_unique<InputStream>(memory_source(bytes), "mem"), opts);
  } catch (const DataError& e) {
    return {"open: " + e.message()};
  }
  auto say = [&out](const Record& r) {
    std::string s = std::to_string(r.line) + ":";
    consume_record(r);
    for (size_t i = 0; i < r.values.size(); ++i)
      s += " " + r.schema->column(i).name + "=" +
           (r.values[i].null() ? "null" : value_text(r.values[i], r.schema->column(i).type));
    out.push_back(std::move(s));
  };
  Record r;
  ColumnBatch c;
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
                                             value_text(c.values[f][i], c.schema->column(f).type));
          if (!fresh && it->second != value_text(c.values[f][i], c.schema->column(f).type)) std::abort();
        }
      }
    } catch (const DataError& e) {
      out.push_back("error: " + e.message());
      if (e.fatal) break;
    }
  }
  return out;
}

/// Drives a reader over `bytes` until the end or a fatal DataError; non-fatal DataErrors are
/// skipped as a tool with --on-error=skip would.
inline void read_all(std::string bytes, const ReadOptions& opts) {
  std::unique_ptr<Reader> reader;
  try {
    reader = open_reader(std::make_unique<InputStream>(memory_source(std::move(bytes)), "mem"), opts);
  } catch (const DataError&) {
    return;
  }
  Record r;
  volatile size_t sink = 0;
  for (;;) {
    try {
      if (!reader->next(r)) break;
      sink = sink + consume_record(r);
    } catch (const DataError& e) {
      if (e.fatal) break;
    }
  }
}

/// An anonymous in-memory file whose /proc/self/fd path is handed to APIs taking a path.
class MemFile {
 public:
  explicit MemFile(const char* name) {
    fd_ = memfd_create(name, 0);
    if (fd_ < 0) {
      std::perror("memfd_create");
      std::abort();
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemFile() { close(fd_); }
  /// Replaces the content.
  void set(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    size_t done = 0;
    while (done < size) {
      ssize_t w = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (w <= 0) std::abort();
      done += static_cast<size_t>(w);
    }
  }
  const std::string& path() const { return path_; }

 private:
  int fd_;
  std::string path_;
};

}  // namespace flow::fuzz
