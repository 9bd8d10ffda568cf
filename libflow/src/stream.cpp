// Record streams over many inputs: the error policy, the start-time merge, and --fields.
#include "flow/stream.hpp"

#include <fmt/format.h>

#include <queue>

#include "flow/error.hpp"

namespace flow {

ErrorPolicy parse_error_policy(std::string_view name) {
  if (name == "fail") return ErrorPolicy::Fail;
  if (name == "skip") return ErrorPolicy::Skip;
  if (name == "warn") return ErrorPolicy::Warn;
  throw UsageError(fmt::format("unknown --on-error policy '{}' (expected fail, skip or warn)", name));
}

namespace {

/// One input with the error policy applied: malformed records are counted and passed over.
class PolicyReader {
 public:
  PolicyReader(const std::string& file, const InputConfig& cfg, SkipReport& report)
      : cfg_(cfg), report_(report) {
    auto in = open_input(file);
    total_ = in->source().raw_size();
    in_ = in.get();
    reader_ = open_reader(std::move(in), cfg.read);
  }

  const std::string& name() const { return in_->name(); }

  bool next(Record& r) {
    for (;;) {
      try {
        if (!reader_->next(r)) return false;
        if (cfg_.progress && (++count_ & 0xFFFF) == 0)
          cfg_.progress->update(in_->name(), in_->source().raw_position(), total_);
        return true;
      } catch (const DataError& e) {
        if (cfg_.on_error == ErrorPolicy::Fail) throw;
        report_.errors++;
        report_.records += e.records;
        if (report_.first.empty()) report_.first = e.message();
        if (cfg_.on_error == ErrorPolicy::Warn && cfg_.read.warn) cfg_.read.warn("skipped: " + e.message());
        if (e.fatal) return false;
      }
    }
  }

 private:
  const InputConfig& cfg_;
  SkipReport& report_;
  InputStream* in_;  // owned by reader_
  std::unique_ptr<Reader> reader_;
  uint64_t total_ = 0, count_ = 0;
};

class SequentialStream : public RecordStream {
 public:
  explicit SequentialStream(InputConfig cfg) : cfg_(std::move(cfg)) {
    if (cfg_.files.empty()) cfg_.files.push_back("-");
  }
  bool next(Record& r) override {
    for (;;) {
      if (!cur_) {
        if (index_ == cfg_.files.size()) {
          if (cfg_.progress) cfg_.progress->done();
          return false;
        }
        cur_ = std::make_unique<PolicyReader>(cfg_.files[index_++], cfg_, report_);
        file_ = cur_->name();
      }
      if (cur_->next(r)) return true;
      cur_.reset();
    }
  }
  const SkipReport& skipped() const override { return report_; }
  const std::string& file() const override { return file_; }

 private:
  InputConfig cfg_;
  SkipReport report_;
  size_t index_ = 0;
  std::unique_ptr<PolicyReader> cur_;
  std::string file_;
};

class MergedStream : public RecordStream {
 public:
  explicit MergedStream(InputConfig cfg) : cfg_(std::move(cfg)) {
    if (cfg_.files.empty()) cfg_.files.push_back("-");
    size_t stdin_count = 0;
    for (const auto& f : cfg_.files) stdin_count += f == "-";
    if (stdin_count > 1) throw UsageError("--merge: stdin ('-') can be given only once");
    inputs_.resize(cfg_.files.size());
    for (size_t i = 0; i < inputs_.size(); ++i) {
      inputs_[i].reader = std::make_unique<PolicyReader>(cfg_.files[i], cfg_, report_);
      names_.push_back(inputs_[i].reader->name());
      advance(i);
    }
  }

  bool next(Record& r) override {
    if (pending_ != SIZE_MAX) advance(pending_);  // the record handed out last time is done
    pending_ = SIZE_MAX;
    if (heap_.empty()) return false;
    size_t i = heap_.top().second;
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
  const SkipReport& skipped() const override { return report_; }
  const std::string& file() const override { return last_ < names_.size() ? names_[last_] : none_; }

 private:
  struct Input {
    std::unique_ptr<PolicyReader> reader;
    Record rec;
  };
  const std::string none_;
  using Key = std::pair<int64_t, size_t>;  // (start, input): ties keep input order

  void advance(size_t i) {
    auto& in = inputs_[i];
    if (!in.reader->next(in.rec)) {
      in.reader.reset();
      return;
    }
    // Records without a start time sort first: they cannot be placed in time.
    int64_t s = start_seconds(in.rec).value_or(INT64_MIN);
    heap_.push({s, i});
  }

  InputConfig cfg_;
  SkipReport report_;
  std::vector<Input> inputs_;
  std::priority_queue<Key, std::vector<Key>, std::greater<Key>> heap_;
  size_t pending_ = SIZE_MAX;
  size_t last_ = SIZE_MAX;  // input of the last record handed out
  std::vector<std::string> names_;
};

}  // namespace

std::unique_ptr<RecordStream> sequential_stream(InputConfig cfg) {
  return std::make_unique<SequentialStream>(std::move(cfg));
}

std::unique_ptr<RecordStream> merged_stream(InputConfig cfg) {
  return std::make_unique<MergedStream>(std::move(cfg));
}

Projection::Projection(std::vector<std::string> names) : names_(std::move(names)) {
  for (const auto& n : names_)
    if (!is_field_name_syntax(n)) {
      auto near = nearest_field(n);
      throw UsageError(near.empty() ? fmt::format("--fields: '{}' is not a field name", n)
                                    : fmt::format("--fields: unknown field '{}' (did you mean '{}'?)", n, near));
    }
}

const Record& Projection::project(const Record& in) {
  if (!same_schema(in_schema_, in.schema)) {
    std::vector<Column> cols;
    map_.clear();
    for (const auto& n : names_) {
      int slot = in.schema->slot(n);
      auto id = find_field(n);
      if (slot < 0 && !id) {
        auto near = nearest_field(n);
        throw UsageError(near.empty()
                             ? fmt::format("--fields: field '{}' is not in the input", n)
                             : fmt::format("--fields: field '{}' is not in the input (did you mean '{}'?)", n, near));
      }
      cols.push_back(slot >= 0 ? in.schema->column(static_cast<size_t>(slot)) : Column{n, Type::String, id});
      map_.push_back(slot);
    }
    in_schema_ = in.schema;
    out_schema_ = std::make_shared<const Schema>(std::move(cols));
    out_.reset(out_schema_);
  }
  for (size_t i = 0; i < map_.size(); ++i)
    out_.values[i] = map_[i] < 0 ? Value{} : in.values[static_cast<size_t>(map_[i])];
  out_.line = in.line;
  return out_;
}

}  // namespace flow
