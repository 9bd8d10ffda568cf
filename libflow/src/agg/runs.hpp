// Streams of written groups, sorted by key: the runs an aggregation spills to disk, and the
// body of a --partial file. A group is a frame: 01, varint key size, key (encode_ordered of each
// key value), varint state size, state (write_cell of each value). The stream ends with 00, the
// number of groups (u64) and the XXH3-64 of all frames (u64), so truncation and damage show.
#pragma once

#include <xxhash.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/io.hpp"

namespace flow::agg {

/// Writes frames to an Output, or to an anonymous temporary file (a spill run).
class FrameWriter {
 public:
  explicit FrameWriter(Output* out);  ///< out == nullptr: a temporary file in $TMPDIR or /tmp
  explicit FrameWriter(const std::string& tmpdir);
  ~FrameWriter();
  FrameWriter(const FrameWriter&) = delete;
  FrameWriter& operator=(const FrameWriter&) = delete;
  void add(std::string_view key, std::string_view state);
  /// Writes the end frame; for a temporary file, returns its descriptor (the caller owns it).
  int finish();
  uint64_t groups() const { return groups_; }

 private:
  void put(std::string_view bytes);
  void flush();
  Output* out_ = nullptr;
  int fd_ = -1;
  std::string name_, buf_;
  uint64_t groups_ = 0;
  XXH3_state_t* hash_;
};

/// A stream over a finished temporary file (closes fd).
std::unique_ptr<InputStream> open_run(int fd);

/// Reads frames back, checking the end frame.
class FrameReader {
 public:
  explicit FrameReader(std::unique_ptr<InputStream> in);
  ~FrameReader();
  FrameReader(const FrameReader&) = delete;
  FrameReader& operator=(const FrameReader&) = delete;
  /// The next group; false after the end frame. Throws DataError on damage or truncation.
  bool next();
  std::string_view key() const { return key_; }
  std::string_view state() const { return state_; }
  const std::string& name() const { return in_->name(); }
  InputStream& stream() { return *in_; }
  /// After the end frame: reads the frames of a stream that follows (concatenated files).
  void restart();

 private:
  bool ensure(size_t n);
  uint64_t varint(size_t& pos);
  [[noreturn]] void damaged(const char* what) const;
  std::unique_ptr<InputStream> in_;
  std::string key_, state_;
  uint64_t groups_ = 0;
  XXH3_state_t* hash_;
  bool done_ = false;
};

/// K-way merge of streams of frames sorted by key; equal keys come out together.
class Merger {
 public:
  explicit Merger(std::vector<std::unique_ptr<InputStream>> inputs);
  /// The next key and the states written under it, in input order. False at the end.
  bool next(std::string& key, std::vector<std::string>& states);

 private:
  void push(std::unique_ptr<FrameReader> r);
  std::vector<std::unique_ptr<FrameReader>> heap_;
};

}  // namespace flow::agg
