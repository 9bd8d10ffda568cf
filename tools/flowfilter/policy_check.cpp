// flowfilter --policy: reads every record into the check, then writes the violating records, the
// reports asked for, and the summary on stderr.
#include <fmt/format.h>

#include <cstdio>

#include "common/tool.hpp"
#include "flow/error.hpp"
#include "flow/policy.hpp"
#include "policy_check.hpp"

namespace flow {

void run_policy_check(PolicyCheck& check, const CommonOptions& common, Tool& tool) {
  InputConfig cfg = tool.input_config(common);
  auto in = sequential_stream(std::move(cfg));
  Record r;
  while (in->next(r)) check.add(r, in->file());
  check.finish();
  tool.report_skips(in->skipped());
  if (check.checked() == 0 && check.unjudged() > 0)
    throw DataError(
        fmt::format("no record could be checked: {} record{} without addresses, protocol or action "
                    "(Transit Gateway logs carry no action)",
                    check.unjudged(), check.unjudged() == 1 ? "" : "s"));

  RecordOutput out(output_config(common));
  for (size_t idx : check.record_of()) out.write(*check.records()[idx]);
  out.close();

  for (const auto& rep : check.reports()) {
    auto eq = rep.find('=');
    std::string kind = rep.substr(0, eq), path = eq == std::string::npos ? "" : rep.substr(eq + 1);
    std::string text = kind == "junit"    ? junit_report(check)
                       : kind == "sarif"  ? sarif_report(check)
                       : kind == "github" ? github_report(check)
                                          : policy_summary(check);
    if (path.empty() || path == "-") {
      std::fwrite(text.data(), 1, text.size(), stdout);
    } else {
      auto f = Output::open(path);
      f->write(text);
      f->commit();
    }
  }
  // The summary always goes to stderr, so that a CI log shows it next to the exit status.
  if (!tool.quiet || !check.violations().empty()) tool.print_err(policy_summary(check));
  tool.status = check.violations().empty() ? 0 : 1;
}

}  // namespace flow
