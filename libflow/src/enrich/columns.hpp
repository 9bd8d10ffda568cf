// The added columns of a text table: each column's type, and every cell parsed as that type.
#pragma once

#include <string_view>
#include <vector>

#include "enrich/text_table.hpp"

namespace flow::enrich {

/// The columns of `t` other than `skip` (the key or prefix column), named `prefix` + name:
/// a column named like a known field takes that field's type and each cell must parse as one
/// (DataError naming file, line and column otherwise); another column is UInt when every
/// non-null cell is a whole number fitting 64 bits without a leading zero (so that "0123" keeps
/// its zero), String otherwise. Appends to `columns`, and the cells row by row to `values`
/// (strings point into t.arena).
void type_columns(const TextTable& t, int skip, std::string_view prefix, std::vector<Column>& columns,
                  std::vector<Value>& values);

}  // namespace flow::enrich
