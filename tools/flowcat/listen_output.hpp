// Where flowcat --listen writes: standard output or a file (one stream), or hourly files in a
// directory, each renamed into place when its hour is over.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "common/tool.hpp"

namespace flow {

class ListenOutput {
 public:
  virtual ~ListenOutput() = default;
  virtual void write(const Record& r) = 0;
  /// Everything written reaches the file or pipe: after this, records may be acknowledged.
  virtual void flush() = 0;
  /// Hourly files: closes (commits) the file of an hour that is over. `now`: Unix seconds.
  virtual void rotate(int64_t now) = 0;
  /// Finishes and commits what is open.
  virtual void close() = 0;
};

/// -o DIR/ (a trailing slash, or an existing directory): hourly files; else one RecordOutput.
std::unique_ptr<ListenOutput> listen_output(const CommonOptions& o, Tool& tool);

/// "flows-20240301T10Z.log": the file of the hour holding `t`, with the format's extension.
std::string hourly_name(int64_t t, std::string_view format, unsigned serial);

}  // namespace flow
