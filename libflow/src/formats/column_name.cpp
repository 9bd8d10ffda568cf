// Column names of table formats as field names (see column_name.hpp).
#include "formats/column_name.hpp"

#include <algorithm>

#include "flow/field.hpp"

namespace flow {

std::optional<std::string> column_field_name(std::string_view name) {
  while (name.starts_with('_')) name.remove_prefix(1);
  std::string field(name);
  std::replace(field.begin(), field.end(), '_', '-');
  if (!is_field_name_syntax(field)) return std::nullopt;
  return field;
}

}  // namespace flow
