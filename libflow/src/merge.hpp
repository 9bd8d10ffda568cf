// The merge of sorted inputs, in passes through scratch files when there are many: what
// merged_stream() (by start time) and the Sorter (by its keys, over its spilled runs) share.
#pragma once

#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include "flow/format.hpp"
#include "flow/record.hpp"
#include "flow/sort.hpp"

namespace flow {

/// One input of a merge, in order.
class MergeInput {
 public:
  virtual ~MergeInput() = default;
  virtual bool next(Record& r) = 0;
  virtual const std::string& name() const = 0;
};

/// The merge of a few inputs, each opened by open(i): by start time (records without one
/// first), or by `order` when given; ties keep input order.
class Merge {
 public:
  Merge(size_t n, const std::function<std::unique_ptr<MergeInput>(size_t)>& open, const RecordOrder* order = nullptr);
  /// The next record: its values are copied, its strings stay valid until the next call.
  bool next(Record& r);
  const std::string& file() const { return last_ < names_.size() ? names_[last_] : none_; }

 private:
  struct Input {
    std::unique_ptr<MergeInput> reader;
    Record rec;
    int64_t start = 0;
  };
  void advance(size_t i);

  std::vector<Input> inputs_;
  const RecordOrder* order_;
  // Input indices; the order: true when input a's record goes after input b's.
  std::priority_queue<size_t, std::vector<size_t>, std::function<bool(size_t, size_t)>> heap_;
  size_t pending_ = SIZE_MAX;
  size_t last_ = SIZE_MAX;  // input of the last record handed out
  std::vector<std::string> names_;
  const std::string none_;
};

/// Records of a merge pass or a sort: runs in the binary format one after the other in a
/// scratch file (removed from its directory at once).
class RunFile {
 public:
  explicit RunFile(const std::string& tmpdir);
  ~RunFile();
  RunFile(const RunFile&) = delete;
  RunFile& operator=(const RunFile&) = delete;

  /// Writes what `next` delivers (false at the end) as the next run; its number.
  size_t add(const std::function<bool(Record&)>& next);
  /// The bytes of run `run`.
  std::unique_ptr<InputStream> open(size_t run);
  size_t runs() const { return runs_.size(); }

 private:
  std::string name_;
  int fd_;
  std::unique_ptr<Output> out_;
  std::vector<std::pair<uint64_t, uint64_t>> runs_;  // [begin, end) of each
};

/// Run `run` of `f` read back (our own binary data: any error in it is an error).
std::unique_ptr<MergeInput> run_input(RunFile& f, size_t run);

/// An input given, or a run of a RunFile.
struct MergeSource {
  std::string file;
  RunFile* runs = nullptr;
  size_t run = 0;
};

/// The merge of any number of sources: more than `fan_in` are merged in passes, groups of
/// consecutive sources into runs (consecutive, so that ties still keep source order), until the
/// fan-in is left. The order is that of one merge of every source.
class MultiMerge {
 public:
  using Open = std::function<std::unique_ptr<MergeInput>(const MergeSource&)>;
  MultiMerge(std::vector<MergeSource> sources, size_t fan_in, const std::string& tmpdir, const Open& open,
             const RecordOrder* order = nullptr);
  bool next(Record& r) { return merge_->next(r); }
  const std::string& file() const { return merge_->file(); }

 private:
  std::vector<std::unique_ptr<RunFile>> files_;  // before merge_: its runs are read from them
  std::unique_ptr<Merge> merge_;
};

}  // namespace flow
