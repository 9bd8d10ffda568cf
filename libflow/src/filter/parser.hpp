// Recursive-descent parser that compiles an expression straight into predicate nodes.
#pragma once

#include <string_view>
#include <vector>

#include "filter/arith.hpp"
#include "filter/lexer.hpp"
#include "filter/nodes.hpp"
#include "flow/filter.hpp"

namespace flow::filter {

struct Compiled {
  NodePtr root;  // a condition
  std::vector<Filter::Key> keys;
  ArithPtr value;  // or a value (Filter::compile_value)
};

/// A condition, or with `value` a number (an arithmetic term). Throws ExprError.
Compiled parse(std::string_view text, const FilterSettings& settings, bool value = false);

}  // namespace flow::filter
