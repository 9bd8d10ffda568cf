// flowagg --window: one Aggregator per open window of the records' start time; a window's groups
// go out, a "window" column in front, once the input's time has passed its end by the lateness.
#include "flow/agg_window.hpp"

#include <algorithm>
#include <optional>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/filter.hpp"

namespace flow {

namespace {

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// a + b, or INT64_MAX where that would overflow (a window near the end of time never closes).
int64_t add_capped(int64_t a, int64_t b) {
  int64_t s;
  return __builtin_add_overflow(a, b, &s) ? INT64_MAX : s;
}

}  // namespace

WindowAggregator::WindowAggregator(AggSpec spec, AggLimits limits, Options opt)
    : spec_(std::make_shared<const AggSpec>(std::move(spec))), limits_(std::move(limits)), opt_(std::move(opt)) {
  if (opt_.width <= 0) throw UsageError("--window: give a duration of at least 1s");
  if (opt_.lateness < 0) throw UsageError("--lateness: give a duration");
  std::vector<Column> cols{Column{"window", Type::Time, std::nullopt}};
  const SchemaPtr groups = spec_->output_schema();
  for (const auto& c : groups->columns()) {
    if (c.name == "window")
      throw UsageError("--window adds a column 'window' (each window's start): name the other one otherwise");
    cols.push_back(c);
  }
  schema_ = std::make_shared<const Schema>(std::move(cols));
  out_.reset(schema_);
}

WindowAggregator::~WindowAggregator() = default;

void WindowAggregator::add(const Record& r, const std::string& file) {
  const Value* start = r.get(FieldId::start);
  if (!start || start->null()) {
    ++timeless_;
    return;
  }
  const int64_t s = time_seconds(start->t);
  const int64_t w = floor_div(s, opt_.width) * opt_.width;
  const Value* end = r.get(FieldId::end);
  const int64_t e = end && !end->null() ? std::max(s, time_seconds(end->t)) : s;
  if (add_capped(add_capped(w, opt_.width), opt_.lateness) <= now_) {  // its window went out
    if (late_++ == 0) first_late_ = fmt::format("{}:{}", file, r.line);
  } else {
    auto it = open_.find(w);
    if (it == open_.end()) it = open_.emplace(w, Aggregator(*spec_, limits_)).first;
    it->second.add(r, file);
  }
  if (e > now_) {
    now_ = e;
    close(now_);
  }
}

void WindowAggregator::close(int64_t up_to) {
  while (!open_.empty()) {
    auto it = open_.begin();
    if (up_to != INT64_MAX && add_capped(add_capped(it->first, opt_.width), opt_.lateness) > up_to) return;
    emit_window(it->first, it->second);
    open_.erase(it);
  }
}

void WindowAggregator::emit_window(int64_t start, Aggregator& a) {
  const size_t n = schema_->size();
  out_.values[0].set_time(start);
  a.finish(opt_.order, opt_.keep, [&](const Record& g) {
    out_.arena.clear();
    for (size_t i = 1; i < n; ++i) out_.values[i] = g.values[i - 1];  // strings live in g's arena until it returns
    if (opt_.emit) opt_.emit(out_);
  });
  for (const auto& sat : a.saturated()) {  // (not a structured binding: clang 14 cannot capture one)
    auto it = std::find_if(saturated_.begin(), saturated_.end(), [&](const auto& s) { return s.first == sat.first; });
    if (it == saturated_.end()) saturated_.emplace_back(sat.first, sat.second);
    else it->second += sat.second;
  }
  if (opt_.window_done) opt_.window_done();
}

void WindowAggregator::finish() { close(INT64_MAX); }

SkipReport WindowAggregator::read(InputConfig cfg, const AggRead& how) {
  FilterSettings fs;
  fs.now = how.now;
  fs.source = "-w";
  std::optional<Filter> where;
  if (!how.where.empty()) where.emplace(Filter::compile(how.where, fs));
  std::vector<std::string> fields = Aggregator(*spec_, limits_).fields_read();
  fields.insert(fields.end(), {"start", "end"});
  if (where)
    for (auto& f : where->fields()) fields.push_back(f);
  cfg.read.fields.emplace(std::move(fields));
  auto in = sequential_stream(std::move(cfg));
  Batch batch;
  Record row;
  std::vector<uint8_t> keep;
  while (in->read(batch)) {
    if (where) {
      keep.resize(batch.size());
      where->match(batch, keep.data());
    }
    for (size_t i = 0; i < batch.size(); ++i)
      if (!where || keep[i]) add(batch.row(i, row), batch.file());
  }
  finish();
  return in->skipped();
}

}  // namespace flow
