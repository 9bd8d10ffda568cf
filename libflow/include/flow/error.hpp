// The errors libflow raises; tools turn them into messages and exit codes in run_tool().
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace flow {

/// Exit codes shared by every tool.
enum ExitCode : int { kExitOk = 0, kExitData = 1, kExitUsage = 2 };

/// Bad data or failed I/O: exit 1. Where the input is known it names file, line and field.
/// The text of every error is printable() already: what() is a C string, which a NUL byte
/// quoted from the input would cut short.
class DataError : public std::runtime_error {
 public:
  explicit DataError(const std::string& what);
  DataError(std::string file, uint64_t line, std::string field, const std::string& what);

  std::string file;   ///< empty when not tied to an input
  uint64_t line = 0;  ///< 1-based; 0 when not line-based
  std::string field;  ///< empty when not tied to a field
  /// True when the input cannot go on after this error (truncated or unsynchronised stream).
  bool fatal = false;
  /// How many records the error stands for (a damaged binary block may hold many); 0 = unknown.
  uint64_t records = 1;

  /// "FILE:LINE: what (field NAME)", with control characters and bytes that are not UTF-8
  /// shown as \xNN (a message may quote binary garbage; it must not reach the terminal raw).
  std::string message() const;
};

/// `s` with control characters (also tab, and newline unless `lines`), DEL and bytes outside
/// valid UTF-8 written as \xNN; valid UTF-8 text is kept as it is.
std::string printable(std::string_view s, bool lines = false);

/// Receives a message for a person ("FILE:LINE: ..."); may be empty (then nothing is said).
using WarnFn = std::function<void(const std::string&)>;

/// Where an engine's words for a person go. libflow never prints: a tool passes its own
/// warning and note functions (which know its name, --quiet and the progress bar).
struct Messages {
  WarnFn warn;  ///< something went wrong but the run goes on
  WarnFn note;  ///< what was done ("delivered 100 records to ...")
  void warning(const std::string& m) const {
    if (warn) warn(m);
  }
  void notice(const std::string& m) const {
    if (note) note(m);
  }
};

/// A bad command line: exit 2. Its text is printable() (of several lines, as an expression's
/// caret diagnostic).
class UsageError : public std::runtime_error {
 public:
  explicit UsageError(std::string_view what) : std::runtime_error(printable(what, true)) {}
};

/// The reader of our stdout went away: exit 0 quietly.
class BrokenPipe : public std::exception {
 public:
  const char* what() const noexcept override { return "broken pipe"; }
};

}  // namespace flow
