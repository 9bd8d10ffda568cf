// Helpers for unit tests: read records from bytes in memory, as text rows.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "flow/error.hpp"
#include "flow/format.hpp"

namespace flow::test {

/// A record as text: its schema's header and each value as AWS text writes it.
struct Row {
  std::string header;
  std::vector<std::string> values;
};

/// Reads every record of `bytes` with the reader for `f` (Auto = detect); warnings collected.
inline std::vector<Row> read_rows(std::string bytes, ReadOptions opts = {},
                                  std::vector<std::string>* warnings = nullptr) {
  if (warnings) opts.warn = [warnings](const std::string& w) { warnings->push_back(w); };
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(std::move(bytes)), "mem"), opts);
  std::vector<Row> rows;
  Record r;
  while (reader->next(r)) {
    Row row{r.schema->header(), {}};
    for (size_t i = 0; i < r.values.size(); ++i)
      row.values.push_back(value_text(r.values[i], r.schema->column(i).type));
    rows.push_back(std::move(row));
  }
  return rows;
}

/// The value of field `name` in a row as AWS text writes it, or "(absent)" when the row has none.
inline std::string field(const Row& row, std::string_view name) {
  size_t i = 0, b = 0;
  const std::string& h = row.header;
  while (b <= h.size()) {
    size_t e = h.find(' ', b);
    if (e == std::string::npos) e = h.size();
    if (std::string_view(h).substr(b, e - b) == name) return row.values.at(i);
    ++i;
    b = e + 1;
  }
  return "(absent)";
}

/// A temporary directory for files a test writes, removed with everything in it at the end.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    char tmpl[] = "/tmp/flow-unit-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// Writes `text` to `name` (directories made as needed); returns its path.
  std::string write(const std::string& name, const std::string& text) const {
    auto p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p.string();
  }
};

/// The bytes of a file under tests/data.
inline std::string data_file(const std::string& rel) {
  std::ifstream f(std::string(FLOW_TEST_DATA) + "/" + rel, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

/// The message of the DataError that reading `bytes` throws, or "" if none.
inline std::string read_error(std::string bytes, ReadOptions opts = {}) {
  try {
    read_rows(std::move(bytes), std::move(opts));
  } catch (const DataError& e) {
    return e.message();
  }
  return "";
}

/// Reads `bytes` (format detected) and writes every record with the writer `make` gives for an
/// output; returns the output.
template <class Make>
std::string rewrite(std::string bytes, Make&& make, ReadOptions ro = {}) {
  char path[] = "/tmp/flow-unit-XXXXXX";
  int fd = mkstemp(path);
  close(fd);
  {
    auto reader = open_reader(std::make_unique<InputStream>(memory_source(std::move(bytes)), "mem"), ro);
    auto out = Output::open(path);
    auto writer = make(*out);
    Record r;
    while (reader->next(r)) writer->write(r);
    writer->finish();
    out->commit();
  }
  std::ifstream f(path, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  unlink(path);
  return ss.str();
}

/// Reads `bytes` (format detected) and writes every record in format `out`; returns the output.
inline std::string convert(std::string bytes, Format out_format, WriteOptions wo = {}, ReadOptions ro = {}) {
  return rewrite(
      std::move(bytes), [&](Output& out) { return make_writer(out_format, out, wo); }, std::move(ro));
}

}  // namespace flow::test
