// run_tool(): options, help, messages and exit codes shared by every tool.
#include "common/tool.hpp"

#include <unistd.h>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <iostream>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "flow/io.hpp"
#include "flow/s3.hpp"
#include "flow/time.hpp"

#ifndef FLOW_VERSION
#define FLOW_VERSION "0"
#endif
#ifndef FLOW_COMMIT
#define FLOW_COMMIT "unknown"
#endif

namespace flow {
namespace {

// True while the progress bar's line is on the terminal without its end: a message first
// clears it, so that it does not run on after the bar (the next update draws the bar again).
bool progress_shown = false;

/// Diagnostics to stderr that never throw: fmt::print throws on EPIPE, and a closed stderr
/// (`2>&1 | head -1`) must not turn a warning into an abort.
template <typename... Args>
void say(fmt::format_string<Args...> f, Args&&... args) noexcept {
  try {
    std::string text = fmt::format(f, std::forward<Args>(args)...);
    if (progress_shown) {
      text.insert(0, "\r\x1b[K");
      progress_shown = false;
    }
    std::fwrite(text.data(), 1, text.size(), stderr);
  } catch (...) {
  }
}

extern "C" void on_fatal_signal(int sig) {
  // Leave no temporary output behind, then die of the same signal so the caller sees it.
  remove_temporary_outputs();
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

std::string examples_text(const ToolSpec& spec) {
  if (spec.examples.empty()) return {};
  std::string s = "Examples:\n";
  for (const auto& [cmd, what] : spec.examples) s += fmt::format("  {}\n      {}\n", cmd, what);
  return s;
}

class ProgressBar : public ProgressSink {
 public:
  ProgressBar(std::string tool, uint64_t objects, uint64_t object_bytes)
      : tool_(std::move(tool)), objects_(objects), object_bytes_(object_bytes) {}
  void update(const std::string& file, uint64_t done, uint64_t total) override {
    auto now = std::chrono::steady_clock::now();
    if (now - last_ < std::chrono::milliseconds(250)) return;
    if (!shown_ && now - start_ < std::chrono::seconds(1)) return;  // short runs stay quiet
    last_ = now;
    shown_ = true;
    double secs = std::chrono::duration<double>(now - start_).count();
    std::string pct = total ? fmt::format("{:3}%", done * 100 / total) : "";
    if (objects_ > 0) {  // s3:// inputs: objects opened and bytes fetched, of all of them
      const s3::Stats st = s3::client() ? s3::client()->stats() : s3::Stats{};
      say("\r{}: {}/{} objects, {:.1f} of {:.1f} MB fetched, {:.0f} MB/s\x1b[K", tool_, st.opened, objects_,
          double(st.bytes) / 1e6, double(object_bytes_) / 1e6, double(st.bytes) / 1e6 / secs);
      progress_shown = true;
      return;
    }
    say("\r{}: {} {} {:.1f} MB read, {:.0f} MB/s\x1b[K", tool_, printable(file), pct, double(done) / 1e6,
        double(done) / 1e6 / secs);
    progress_shown = true;
  }
  void done() override {
    if (shown_) say("");  // clears the bar's line
    shown_ = false;
  }

 private:
  std::string tool_;
  uint64_t objects_, object_bytes_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_;
  bool shown_ = false;
};

}  // namespace

void add_input_options(CLI::App& app, CommonOptions& o) {
  app.add_option("files", o.inputs,
                 "Input files ('-' or none: standard input) or http(s) URLs (streamed); gzip and zstd are undone")
      ->type_name("FILE");
  app.add_option("-I,--input-format", o.input_format, "Input format (default: detected from the content)")
      ->type_name("FORMAT")
      ->check(one_of(input_format_names()))
      ->group("Input");
  app.add_option(
         "--aws-format", o.aws_format,
         "Field list of AWS text without a header (and of CloudWatch Logs envelopes), e.g. '${version} ${vpc-id} ...'; "
         "repeat it for streams that mix formats (a line is read with the one of its field count)")
      ->allow_extra_args(false)
      ->type_name("FORMAT")
      ->group("Input");
  app.add_option("--on-error", o.on_error,
                 "Malformed records: fail (exit 1), skip, or warn; skip and warn report counts at the end")
      ->type_name("POLICY")
      ->check(one_of({"fail", "skip", "warn"}))
      ->group("Input");
  app.add_flag("--gcp-both-ends", o.gcp_both_ends,
               "GCP: keep the second report of a flow logged by both ends (dropped by default, not to count it twice)")
      ->group("Input");
  app.add_option("--since", o.since,
                 "Keep records starting at or after TIME (epoch, ISO 8601, now-1h); s3:// prefixes list only the "
                 "objects of that time")
      ->type_name("TIME")
      ->group("Input");
  app.add_option("--until", o.until, "Keep records starting before TIME")->type_name("TIME")->group("Input");
  add_s3_options(app, o);
  app.add_option("--connect-timeout", o.net.connect, "URLs: seconds to wait for a connection")
      ->type_name("SECS")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str()
      ->group("Network");
  app.add_option("--timeout", o.net.read, "URLs: seconds to wait for the server to send (or take) data")
      ->type_name("SECS")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str()
      ->group("Network");
}

void add_output_options(CLI::App& app, CommonOptions& o) {
  app.add_option("-o,--output", o.output, "Write to FILE (atomically: temporary file, then rename)")
      ->type_name("FILE")
      ->group("Output");
  app.add_option("-O,--output-format", o.output_format, "Output format")
      ->type_name("FORMAT")
      ->check(one_of(output_format_names()))
      ->group("Output");
  app.add_option("--fields", o.fields, "Fields to write, in this order (comma-separated)")
      ->delimiter(',')
      ->allow_extra_args(false)  // one LIST argument, so that the file names after it stay inputs
      ->type_name("LIST")
      ->group("Output");
  app.add_flag("--no-header", o.no_header, "AWS text and CSV: do not write the header line")->group("Output");
  app.add_flag("--force", o.force, "Write binary output (bin, parquet) even to a terminal")->group("Output");
  app.add_option("--parquet-codec", o.parquet_codec, "-O parquet: compression of the column chunks")
      ->type_name("CODEC")
      ->check(one_of({"gzip", "zstd", "snappy", "none"}))
      ->capture_default_str()
      ->group("Output");
  app.add_option("--parquet-row-group", o.parquet_row_group,
                 "-O parquet: rows a row group holds at most (the writer buffers one, compressed)")
      ->type_name("N")
      ->check(CLI::Range(uint64_t{1}, uint64_t{1} << 31))
      ->capture_default_str()
      ->group("Output");
}

CLI::Validator one_of(std::vector<std::string> names) {
  std::string set = "{";
  for (const auto& n : names) set += (set.size() > 1 ? "," : "") + n;
  set += "}";
  return CLI::Validator(
      [names, set](std::string& v) -> std::string {
        if (std::find(names.begin(), names.end(), v) != names.end()) return "";
        auto near = nearest_word(v, names);
        return near.empty() ? fmt::format("{} not in {}", v, set)
                            : fmt::format("{} not in {} (did you mean '{}'?)", v, set, near);
      },
      set);
}

void add_set_option(CLI::App& app, CommonOptions& o, const std::string& what) {
  app.add_option(
         "--set", o.set,
         "Add (or replace) column NAME, a number computed by EXPR (flow-filter(7)), e.g. 'bpp=bytes / packets'" + what)
      ->allow_extra_args(false)
      ->type_name("NAME=EXPR")
      ->group("Output");
}

void add_spill_options(CLI::App& app, std::string& memory, std::string& tmpdir, const std::string& what) {
  app.add_option("--memory", memory, what)->type_name("SIZE")->capture_default_str()->group("Scale");
  app.add_option("--tmpdir", tmpdir, "Where spill files go (default: $TMPDIR or /tmp)")
      ->type_name("DIR")
      ->group("Scale");
}

Tool::Tool(std::string name) : name_(std::move(name)) {}

// Messages may quote input (a NUL, an escape sequence): printable() shows what is not text.
void Tool::warn(const std::string& msg) {
  if (!quiet) say("{}: warning: {}\n", name_, printable(msg, true));
}

void Tool::note(const std::string& msg) {
  if (!quiet) say("{}: {}\n", name_, printable(msg, true));
}

void Tool::tell(const std::string& msg) { say("{}: {}\n", name_, printable(msg, true)); }

void Tool::print_err(std::string_view text) { say("{}", text); }

Messages Tool::messages() {
  return {[this](const std::string& m) { warn(m); }, [this](const std::string& m) { note(m); }};
}

ProgressSink* Tool::progress_sink() {
  if (!progress) return nullptr;
  if (!progress_sink_) progress_sink_ = std::make_unique<ProgressBar>(name_, s3_objects_, s3_bytes_);
  return progress_sink_.get();
}

InputConfig Tool::input_config(const CommonOptions& o) {
  InputConfig cfg;
  const int64_t now = std::time(nullptr);
  if (!o.since.empty()) cfg.since = parse_time(o.since, "--since", now);
  if (!o.until.empty()) cfg.until = parse_time(o.until, "--until", now);
  cfg.files = expand_inputs(o, cfg.since, cfg.until);
  cfg.read.format = parse_format_name(o.input_format);
  for (const auto& f : o.aws_format) {
    SchemaPtr s;
    try {
      s = Schema::parse_aws(f);
    } catch (const DataError& e) {
      throw UsageError(std::string("--aws-format: ") + e.what());
    }
    for (const auto& other : cfg.read.aws_schemas)
      if (other->size() == s->size())
        throw UsageError(fmt::format("--aws-format: two formats of {} fields: a line could be either", s->size()));
    cfg.read.aws_schemas.push_back(s);
  }
  if (!cfg.read.aws_schemas.empty()) cfg.read.aws_schema = cfg.read.aws_schemas.front();
  cfg.read.warn = [this](const std::string& m) { warn(m); };
  cfg.read.gcp_both_ends = o.gcp_both_ends;
  cfg.on_error = parse_error_policy(o.on_error);
  cfg.progress = progress_sink();
  cfg.net = o.net;
  return cfg;
}

void Tool::report_saturated(const std::vector<std::pair<std::string, uint64_t>>& columns, const char* group) {
  for (const auto& [name, n] : columns)
    tell(fmt::format("warning: {}: the sum went past 2^64 - 1 ({} {}{}): given as {}, less than the exact sum", name, n,
                     group, n == 1 ? "" : "s", UINT64_MAX));
  if (!columns.empty()) status = kExitData;
}

void Tool::report_skips(const SkipReport& s) {
  // Always said, even with --quiet: what was not read is never silently missing.
  if (s.unread.size() == 1) tell(fmt::format("1 object not read: {}", s.unread[0]));
  if (s.unread.size() > 1) {
    tell(fmt::format("{} objects not read:", s.unread.size()));
    for (const auto& u : s.unread) print_err(fmt::format("  {}\n", printable(u)));
  }
  if (s.errors == 0) return;
  // Always said, even with --quiet: skipping is never silent.
  tell(fmt::format("skipped {} malformed record{} ({} error{}); first: {}", s.records, s.records == 1 ? "" : "s",
                   s.errors, s.errors == 1 ? "" : "s", s.first));
}

OutputConfig output_config(const CommonOptions& o) {
  OutputConfig c;
  c.path = o.output;
  // No -O: a table for a person at a terminal, AWS text for everything else (tools that say so).
  c.format = o.output_format.empty() ? Format::Auto : parse_format_name(o.output_format);
  c.fields = o.fields;
  c.set = o.set;
  c.now = std::time(nullptr);
  c.header = !o.no_header;
  c.force = o.force;
  c.parquet_codec = o.parquet_codec;
  c.parquet_row_group = o.parquet_row_group;
  return c;
}

int run_tool(int argc, char** argv, const ToolSpec& spec, const std::function<void(CLI::App&)>& define,
             const std::function<void(Tool&)>& run) {
  // EPIPE instead of death by SIGPIPE, the same with or without an HTTP server linked in.
  std::signal(SIGPIPE, SIG_IGN);
  // Interrupted, terminated, hung up or quit: no temporary output is left behind.
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) std::signal(sig, on_fatal_signal);
  // A file-size limit (ulimit -f) becomes a write error (EFBIG), reported and cleaned up like a
  // full disk, instead of a silent death that leaves the temporary file.
  std::signal(SIGXFSZ, SIG_IGN);

  CLI::App app{spec.summary, spec.name};
  app.set_version_flag("--version", fmt::format("{} {} (commit {})", spec.name, FLOW_VERSION, FLOW_COMMIT));
  app.footer(examples_text(spec));
  std::string generate;
  bool quiet = false, no_progress = false;
  app.add_flag("-q,--quiet", quiet, "No warnings (skip counts are still reported)");
  app.add_flag("--no-progress", no_progress, "No progress bar (shown only when stderr is a terminal)");
  app.add_option("--generate", generate, "Print the man page, a shell completion script or the field list")
      ->type_name("WHAT")
      ->check(one_of({"man", "bash", "zsh", "fish", "fields"}))
      ->group("");  // hidden
  define(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    std::cout << app.help();
    return kExitOk;
  } catch (const CLI::CallForAllHelp&) {
    std::cout << app.help("", CLI::AppFormatMode::All);
    return kExitOk;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << "\n";
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    say("{}: error: {}\nTry '{} --help' for more information.\n", spec.name, printable(e.what(), true), spec.name);
    return kExitUsage;
  }

  try {
    if (!generate.empty()) {
      std::string text = generate == "man"      ? generate_man(app, spec)
                         : generate == "fields" ? generate_field_list()
                                                : generate_completion(app, spec, generate);
      std::fwrite(text.data(), 1, text.size(), stdout);
      return std::fflush(stdout) == 0 ? kExitOk : kExitData;
    }
    struct DropS3 {  // objects fetched ahead and not read stop when the run does
      ~DropS3() { s3::set_client(nullptr); }
    } drop_s3;
    Tool tool(spec.name);
    tool.quiet = quiet;
    tool.progress = !no_progress && isatty(2);
    run(tool);
    if (std::fflush(stdout) != 0 && errno != EPIPE) throw DataError("(stdout): write error");
    return tool.status;
  } catch (const BrokenPipe&) {
    return kExitOk;
  } catch (const UsageError& e) {
    say("{}: error: {}\nTry '{} --help' for more information.\n", spec.name, e.what(), spec.name);
    return kExitUsage;
  } catch (const DataError& e) {
    say("{}: error: {}\n", spec.name, e.message());
    return spec.data_error_exit;
  } catch (const std::bad_alloc&) {
    say("{}: error: out of memory\n", spec.name);
    return spec.data_error_exit;
  } catch (const std::exception& e) {
    say("{}: error: {}\n", spec.name, printable(e.what(), true));
    return spec.data_error_exit;
  }
}

}  // namespace flow
