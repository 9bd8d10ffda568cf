#include "agg/sort.hpp"

#include <unistd.h>

#include <algorithm>

#include "agg/bytes.hpp"
#include "agg/runs.hpp"

namespace flow::agg {

ValueSorter::~ValueSorter() {
  for (int fd : runs_) close(fd);
}

void ValueSorter::add(const Record& r) {
  std::string& sort_key = key_;  // reused: most groups of a --top are turned away
  sort_key.clear();
  const Value& v = r.values[spec_.keys.size() + static_cast<size_t>(order_.value)];
  sort_key.push_back(v.null() ? 1 : 0);  // groups without the value last, either way
  uint64_t x = v.null() ? 0
               : spec_.values[static_cast<size_t>(order_.value)].column.type == Type::Time
                   ? static_cast<uint64_t>(v.t) ^ (uint64_t{1} << 63)
                   : v.u;
  if (order_.descending) x = ~x;
  for (int i = 7; i >= 0; --i) sort_key.push_back(static_cast<char>(x >> (8 * i)));
  for (size_t k = 0; k < spec_.keys.size(); ++k) encode_ordered(sort_key, r.values[k], spec_.keys[k].column.type);
  // Keys differ, so a group that sorts after the last of a full top never gets in.
  if (order_.top && items_.size() == order_.top && sort_key > items_.front().first) return;
  std::string payload;
  for (size_t c = 0; c < r.values.size(); ++c) encode_ordered(payload, r.values[c], schema_->column(c).type);
  bytes_ += sort_key.size() + payload.size() + 64;
  items_.emplace_back(sort_key, std::move(payload));
  if (order_.top) {
    std::push_heap(items_.begin(), items_.end());
    if (items_.size() > order_.top) {
      std::pop_heap(items_.begin(), items_.end());
      items_.pop_back();
    }
  } else if (bytes_ > limits_.memory) {
    spill();
  }
}

void ValueSorter::emit(const std::function<void(const Record&)>& f) {
  Record r;
  r.reset(schema_);
  static const std::string name = "sort run";
  auto out = [&](std::string_view payload) {
    r.arena.clear();
    ByteReader br{payload, &name};
    for (size_t c = 0; c < r.values.size(); ++c) r.values[c] = decode_ordered(br, schema_->column(c).type, r.arena);
    f(r);
  };
  if (runs_.empty()) {
    std::sort(items_.begin(), items_.end());
    for (const auto& [k, p] : items_) out(p);
    return;
  }
  spill();
  std::vector<std::unique_ptr<InputStream>> in;
  for (int fd : runs_) in.push_back(open_run(fd));
  runs_.clear();
  Merger m(std::move(in));
  std::string key;
  std::vector<std::string> states;
  while (m.next(key, states))
    for (const auto& s : states) out(s);
}

void ValueSorter::spill() {
  if (items_.empty()) return;
  std::sort(items_.begin(), items_.end());
  FrameWriter w(limits_.tmpdir);
  for (const auto& [k, p] : items_) w.add(k, p);
  runs_.push_back(w.finish());
  items_.clear();
  bytes_ = 0;
}

}  // namespace flow::agg
