// flowcat: every input to one output, optionally merged by start time and cut to a time window.
#include "flow/cat.hpp"

#include <fmt/format.h>

#include <ctime>

#include "flow/time.hpp"

namespace flow {

const ToolSpec& cat_spec() {
  static const ToolSpec spec{
      "flowcat",
      "Read, convert and concatenate flow logs",
      "flowcat reads flow records from each FILE in turn (or standard input) and writes them to "
      "standard output in one format. The input format is recognised from the content: AWS VPC Flow "
      "Logs text (with or without the S3 header line, custom formats included), JSON Lines or a JSON "
      "array, and the binary format of these tools; gzip (also multi-member, as Firehose writes it) and "
      "zstd compression are undone transparently.\n\n"
      "AWS text read and written back gives the same bytes, header included. A header line seen in the "
      "middle of the input (concatenated S3 objects) switches the format; an output header is written "
      "at the start and whenever the fields change.\n\n"
      "With --since and --until only records whose start lies in [SINCE, UNTIL) are kept, so "
      "consecutive windows split a stream without overlap. With --merge the inputs, each sorted by "
      "start time, are interleaved into one stream sorted by start time.",
      {
          {"flowcat 123456789012_vpcflowlogs_us-east-1_fl-1234abcd_20180620T1620Z_fe123456.log.gz",
           "Print an S3 flow-log object as text, header included."},
          {"flowcat -O json flows.log", "Convert AWS text to JSON Lines."},
          {"flowcat -O bin *.log.gz -o day.flows", "Pack many S3 objects into one binary file."},
          {"flowcat -O table --fields srcaddr,dstaddr,dstport,action flows.log",
           "Show four fields as an aligned table."},
          {"flowcat --aws-format '${version} ${vpc-id} ${srcaddr} ${dstaddr}' cw-export.txt",
           "Read header-less text in a custom format."},
          {"flowcat --merge --since 2024-03-01T10:00Z --until 2024-03-01T11:00Z a.flows b.flows",
           "Interleave two sorted inputs and keep one hour."},
          {"flowcat --count day.flows", "Count the records."},
      },
      {{"EXIT STATUS", "0 success; 1 a data or I/O error; 2 a usage error. A closed pipe downstream "
                       "(e.g. | head) ends flowcat quietly with 0."},
       {"SEE ALSO", "flow-formats(5)"}},
  };
  return spec;
}

void define_cat_options(CLI::App& app, CatOptions& o) {
  add_input_options(app, o.common);
  add_output_options(app, o.common);
  app.add_option("--since", o.since, "Keep records starting at or after TIME (epoch, ISO 8601, now-1h)")
      ->type_name("TIME")
      ->group("Selection");
  app.add_option("--until", o.until, "Keep records starting before TIME")->type_name("TIME")->group("Selection");
  app.add_flag("--merge", o.merge, "Interleave the inputs in start-time order (each input sorted)")
      ->group("Selection");
  app.add_flag("-c,--count", o.count, "Print only the number of records")->group("Output");
}

void run_cat(const CatOptions& o, Context& ctx) {
  const int64_t now = std::time(nullptr);
  const bool windowed = !o.since.empty() || !o.until.empty();
  const int64_t since = o.since.empty() ? INT64_MIN : parse_time(o.since, "--since", now);
  const int64_t until = o.until.empty() ? INT64_MAX : parse_time(o.until, "--until", now);

  InputConfig cfg = ctx.input_config(o.common);
  // Tell the readers which fields are used (the binary reader then decodes only those).
  if (o.count || !o.common.fields.empty()) {
    cfg.read.fields.emplace(o.count ? std::vector<std::string>{} : o.common.fields);
    if (windowed || o.merge) cfg.read.fields->push_back("start");
  }
  auto in = o.merge ? merged_stream(std::move(cfg)) : sequential_stream(std::move(cfg));
  std::unique_ptr<RecordOutput> out;
  if (!o.count) out = std::make_unique<RecordOutput>(o.common, ctx);

  Record r;
  uint64_t n = 0;
  while (in->next(r)) {
    if (windowed) {
      auto s = start_seconds(r);
      if (!s || *s < since || *s >= until) continue;
    }
    ++n;
    if (out) out->write(r);
  }
  if (out) out->close();
  if (o.count) fmt::print("{}\n", n);
  ctx.report_skips(in->skipped());
}

}  // namespace flow
