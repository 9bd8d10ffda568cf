// flowagg --window: windows go out once the input's time passes their end by the lateness, in
// order, each with its start in front; late records are counted, not grouped.
#include <catch2/catch.hpp>

#include "flow/agg_window.hpp"
#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"

using namespace flow;

namespace {

struct Run {
  std::vector<std::string> out;  // groups as text, and "|" after each window
  std::vector<size_t> after;     // out.size() after each record added
  uint64_t late = 0, timeless = 0;
  std::string first_late;
};

Run run(const std::string& data, int64_t width, int64_t lateness, AggOrder order = {}) {
  Run res;
  WindowAggregator::Options o;
  o.width = width;
  o.lateness = lateness;
  o.order = order;
  o.emit = [&](const Record& g) {
    std::string line;
    for (size_t i = 0; i < g.values.size(); ++i) {
      if (i) line += ' ';  // (not " " + text: g++ 12 -O3 warns a false -Wrestrict)
      line += value_text(g.values[i], g.schema->column(i).type);
    }
    res.out.push_back(line);
  };
  o.window_done = [&] { res.out.push_back("|"); };
  WindowAggregator w(AggSpec::parse({"srcaddr"}, {"count", "bytes"}, false), AggLimits{}, o);
  CHECK(w.output_schema()->column(0).name == "window");
  auto reader = open_reader(std::make_unique<InputStream>(memory_source(data), "mem"), {});
  Record r;
  const std::string name = "mem";
  while (reader->next(r)) {
    w.add(r, name);
    res.after.push_back(res.out.size());
  }
  w.finish();
  res.late = w.late();
  res.timeless = w.timeless();
  res.first_late = w.first_late();
  return res;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("window: out once the input's time passes the end plus the lateness", "[agg][window]") {
  const std::string flows =
      "version srcaddr bytes start end\n"
      "2 10.0.0.1 10 120 150\n"  // window 120
      "2 10.0.0.2 20 170 185\n"  // window 120; the time 185 < 180 + 10
      "2 10.0.0.1 5 181 190\n"   // window 180; the time 190 >= 190: window 120 goes out
      "2 10.0.0.9 99 130 140\n"  // late
      "2 10.0.0.1 1 - -\n"       // no start: in no window
      "2 10.0.0.1 7 200 200\n";  // window 180, still open
  Run r = run(flows, 60, 10);
  CHECK(r.out == V{"120 10.0.0.1 1 10", "120 10.0.0.2 1 20", "|", "180 10.0.0.1 2 12", "|"});
  CHECK(r.after == std::vector<size_t>{0, 0, 3, 3, 3, 3});
  CHECK(r.late == 1);
  CHECK(r.first_late == "mem:5");
  CHECK(r.timeless == 1);
  // Lateness 0: each window goes out when a record ends at or past its end; --top per window.
  AggOrder top;
  top.by = AggOrder::Value;
  top.value = 1;
  top.top = 1;
  Run t = run(flows, 60, 0, top);
  CHECK(t.out == V{"120 10.0.0.2 1 20", "|", "180 10.0.0.1 2 12", "|"});
  CHECK(t.late == 1);
  // A long lateness: nothing goes out before the end.
  Run l = run(flows, 60, 3600);
  CHECK(l.after == std::vector<size_t>{0, 0, 0, 0, 0, 0});
  CHECK(l.late == 0);
  CHECK(l.out.size() == 6);  // 10.0.0.9 in window 120 too
}

TEST_CASE("window: usage errors", "[agg][window]") {
  WindowAggregator::Options o;
  CHECK_THROWS_AS(WindowAggregator(AggSpec::parse({"srcaddr"}, {"window=count"}, false), AggLimits{}, o), UsageError);
  o.width = 0;
  CHECK_THROWS_AS(WindowAggregator(AggSpec::parse({"srcaddr"}, {}, false), AggLimits{}, o), UsageError);
}
