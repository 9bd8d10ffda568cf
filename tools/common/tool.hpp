// What every tool shares: common options, --help/--version/--generate, messages and exit codes.
// The command-line layer: only tools/ include this (libflow never sees CLI11).
#pragma once

#include <CLI/CLI.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "flow/format.hpp"
#include "flow/stream.hpp"

namespace flow {

/// The prose of a tool: it fills --help, the man page and the completions' descriptions.
struct ToolSpec {
  std::string name;
  std::string summary;                                        ///< one line, for NAME and --help
  std::string description;                                    ///< paragraphs separated by blank lines
  std::vector<std::pair<std::string, std::string>> examples;  ///< command, what it does
  std::vector<std::pair<std::string, std::string>> sections;  ///< extra man sections: title, text
  /// Exit status for a data or I/O error: 1, or 2 for tools whose 1 means "no match" (grep).
  int data_error_exit = 1;
};

/// Options every tool that reads and writes records shares.
struct CommonOptions {
  std::vector<std::string> inputs;
  std::string input_format = "auto";
  std::vector<std::string> aws_format;  ///< one or more: a line is read with the one of its field count
  std::string on_error = "fail";
  bool gcp_both_ends = false;
  NetTimeouts net;           ///< http(s) inputs (and flowcat --post)
  std::string since, until;  ///< --since/--until: records starting in [since, until)
  /// s3:// inputs: --endpoint-url, --region, --profile, --no-sign-request, --s3-jobs.
  std::string endpoint_url, region, profile;
  bool no_sign_request = false;
  unsigned s3_jobs = 8;
  std::string output = "-";
  std::string output_format = "aws";  ///< "" = table on a terminal, else aws
  std::vector<std::string> fields;
  std::vector<std::string> set;  ///< --set NAME=EXPR (add_set_option)
  bool no_header = false;
  bool force = false;
  std::string parquet_codec = "gzip";
  uint64_t parquet_row_group = kParquetRowGroup;
};

void add_input_options(CLI::App& app, CommonOptions& o);
/// The S3 options (add_input_options adds them).
void add_s3_options(CLI::App& app, CommonOptions& o);
void add_output_options(CLI::App& app, CommonOptions& o);
/// --set NAME=EXPR (repeatable), a computed column; `what` says when it is computed.
void add_set_option(CLI::App& app, CommonOptions& o, const std::string& what = "");
/// --memory SIZE (help: `what`) and --tmpdir DIR, of the tools whose groups spill to disk.
/// A check that a value is one of `names`, as CLI::IsMember ("x not in {a,b}", and the same
/// "{a,b}" for the man pages and completions), with a suggestion for a typo.
CLI::Validator one_of(std::vector<std::string> names);
void add_spill_options(CLI::App& app, std::string& memory, std::string& tmpdir, const std::string& what);

/// A running tool: its name, where its diagnostics go, and its settings from the command line.
class Tool {
 public:
  explicit Tool(std::string name);
  const std::string& name() const { return name_; }
  /// "tool: warning: msg" on stderr (unless --quiet).
  void warn(const std::string& msg);
  void note(const std::string& msg);
  /// "tool: msg" on stderr even with --quiet: for what must never go unsaid.
  void tell(const std::string& msg);
  /// Text as it is on stderr (a report's summary), even with --quiet.
  void print_err(std::string_view text);
  bool quiet = false;
  bool progress = false;  ///< stderr is a terminal and --no-progress was not given
  /// The exit status of a run that ends without an error (1 = "no match" for filters).
  int status = 0;

  /// The InputConfig for the common options (reads the files, the format, the error policy).
  InputConfig input_config(const CommonOptions& o);
  /// Sets up the S3 client when an input is s3://, and returns the inputs with every s3:// prefix
  /// replaced by its objects (pruned by --since/--until), for the progress bar too.
  std::vector<std::string> expand_inputs(const CommonOptions& o, int64_t since, int64_t until);
  /// Reports what a stream skipped ("skipped N malformed records ...").
  void report_skips(const SkipReport& s);
  /// Reports the counts and sums that went past 2^64 - 1 (Aggregator::saturated(): column, and
  /// how many groups, or other things the sums were of), once a column, even with --quiet, and
  /// makes the exit status 1: the answer is not exact.
  void report_saturated(const std::vector<std::pair<std::string, uint64_t>>& columns, const char* group = "group");
  /// The progress bar, when progress is on; else null.
  ProgressSink* progress_sink();
  /// warn() and note() for libflow's engines, which never print themselves.
  Messages messages();

 private:
  std::string name_;
  std::unique_ptr<ProgressSink> progress_sink_;
  uint64_t s3_objects_ = 0, s3_bytes_ = 0;  // what expand_inputs() listed
};

/// The OutputConfig for the common options (-o, -O, --fields, --no-header, --force).
OutputConfig output_config(const CommonOptions& o);

/// Parses the command line, runs the tool and maps errors to exit codes and messages:
/// usage 2, data/I-O 1, broken pipe 0 (quiet). Handles --help, --version and the hidden
/// --generate man|bash|zsh|fish.
int run_tool(int argc, char** argv, const ToolSpec& spec, const std::function<void(CLI::App&)>& define,
             const std::function<void(Tool&)>& run);

/// Writes a man page, or a bash/zsh/fish completion script, for a tool from its CLI::App.
std::string generate_man(const CLI::App& app, const ToolSpec& spec);
std::string generate_completion(const CLI::App& app, const ToolSpec& spec, std::string_view shell);
/// The field table as roff .TP entries (name, type, version, VPC/Transit Gateway, help), for the
/// generated region of man/flow-formats.5.
std::string generate_field_list();

}  // namespace flow
