// The merge of sorted inputs, in passes through scratch files when there are many.
#include "merge.hpp"

#include <unistd.h>

#include <algorithm>

#include "flow/io.hpp"
#include "formats/binary_writer.hpp"

namespace flow {

Merge::Merge(size_t n, const std::function<std::unique_ptr<MergeInput>(size_t)>& open, const RecordOrder* order)
    : inputs_(n), order_(order), heap_([this](size_t a, size_t b) {
        const Input &x = inputs_[a], &y = inputs_[b];
        if (order_) {
          if (int c = order_->compare(x.rec, y.rec)) return c > 0;
        } else if (x.start != y.start) {
          return x.start > y.start;
        }
        return a > b;  // ties keep input order
      }) {
  for (size_t i = 0; i < n; ++i) {
    inputs_[i].reader = open(i);
    names_.push_back(inputs_[i].reader->name());
    advance(i);
  }
}

bool Merge::next(Record& r) {
  if (pending_ != SIZE_MAX) advance(pending_);  // the record handed out last time is done
  pending_ = SIZE_MAX;
  if (heap_.empty()) return false;
  size_t i = heap_.top();
  heap_.pop();
  // Hand out a copy of the values; the strings stay valid because input i does not move on
  // until the next call.
  Record& src = inputs_[i].rec;
  if (!same_schema(r.schema, src.schema)) r.schema = src.schema;
  r.values = src.values;
  r.line = src.line;
  pending_ = i;
  last_ = i;
  return true;
}

void Merge::advance(size_t i) {
  auto& in = inputs_[i];
  if (!in.reader->next(in.rec)) {
    in.reader.reset();
    return;
  }
  // Records without a start time sort first: they cannot be placed in time.
  if (!order_) in.start = start_seconds(in.rec).value_or(INT64_MIN);
  heap_.push(i);
}

RunFile::RunFile(const std::string& tmpdir) : fd_(scratch_file(tmpdir, name_)), out_(Output::to_fd(fd_, name_)) {}
RunFile::~RunFile() { close(fd_); }

size_t RunFile::add(const std::function<bool(Record&)>& next) {
  // Small blocks: a run is read back beside fan_in - 1 others, each holding a block or two.
  constexpr uint32_t kBlockRecords = 4096;
  const uint64_t begin = out_->bytes_written();
  auto w = bin::binary_writer(*out_, kBlockRecords);
  Record r;
  while (next(r)) w->write(r);
  w->finish();
  runs_.emplace_back(begin, out_->bytes_written());
  return runs_.size() - 1;
}

std::unique_ptr<InputStream> RunFile::open(size_t run) {
  out_->flush();
  return open_input_range(fd_, name_, runs_[run].first, runs_[run].second);
}

namespace {
class RunInput : public MergeInput {
 public:
  explicit RunInput(std::unique_ptr<InputStream> in) : name_(in->name()) {
    ReadOptions ro;
    ro.format = Format::Binary;
    reader_ = open_reader(std::move(in), ro);
  }
  bool next(Record& r) override { return reader_->next(r); }
  const std::string& name() const override { return name_; }

 private:
  std::string name_;
  std::unique_ptr<Reader> reader_;
};
}  // namespace

std::unique_ptr<MergeInput> run_input(RunFile& f, size_t run) { return std::make_unique<RunInput>(f.open(run)); }

MultiMerge::MultiMerge(std::vector<MergeSource> sources, size_t fan_in, const std::string& tmpdir, const Open& open,
                       const RecordOrder* order) {
  while (sources.size() > fan_in) {
    // Merge groups of fan_in, but no more of them than it takes to get down to fan_in.
    files_.push_back(std::make_unique<RunFile>(tmpdir));
    std::vector<MergeSource> next;
    for (size_t i = 0; i < sources.size();) {
      const size_t left = sources.size() - i;
      if (next.size() + left <= fan_in) {
        next.insert(next.end(), sources.begin() + static_cast<ptrdiff_t>(i), sources.end());
        break;
      }
      const size_t take = std::min({fan_in, left, next.size() + left - fan_in + 1});
      Merge m(
          take, [&](size_t k) { return open(sources[i + k]); }, order);
      next.push_back({"", files_.back().get(), files_.back()->add([&](Record& r) { return m.next(r); })});
      i += take;
    }
    sources = std::move(next);
  }
  merge_ = std::make_unique<Merge>(
      sources.size(), [&](size_t k) { return open(sources[k]); }, order);
}

}  // namespace flow
