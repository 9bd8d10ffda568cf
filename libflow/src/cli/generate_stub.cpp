// Placeholder until the man page and completion generators land.
#include "flow/cli.hpp"
#include "flow/error.hpp"

namespace flow {
std::string generate_man(const CLI::App&, const ToolSpec&) { throw UsageError("--generate man: not yet"); }
std::string generate_completion(const CLI::App&, const ToolSpec&, std::string_view) {
  throw UsageError("--generate: not yet");
}
}  // namespace flow
