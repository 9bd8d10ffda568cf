// Recursive-descent parser that compiles an expression straight into predicate nodes.
#pragma once

#include <string_view>
#include <vector>

#include "filter/lexer.hpp"
#include "filter/nodes.hpp"
#include "flow/filter.hpp"

namespace flow::filter {

struct Compiled {
  NodePtr root;
  std::vector<Filter::Key> keys;
};

/// Throws ExprError.
Compiled parse(std::string_view text, const FilterSettings& settings);

}  // namespace flow::filter
