// flowfilter --policy's run (policy_check.cpp).
#pragma once

#include "common/tool.hpp"
#include "flow/policy.hpp"

namespace flow {

/// Reads the inputs, checks them, writes the violating records, the summary and the reports;
/// sets tool.status to 1 when there are violations.
void run_policy_check(PolicyCheck& check, const CommonOptions& common, Tool& tool);

}  // namespace flow
