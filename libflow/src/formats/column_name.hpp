// The field a column of a table format names: CSV headers (Athena's query results) and Parquet.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace flow {

/// The field a column name stands for: the name with '_' read as '-' and leading ones dropped
/// (Athena's and AWS's Parquet account_id is account-id, an unnamed _col1 is col1); nullopt when
/// that is no field name (lower-case letters, digits, dashes).
std::optional<std::string> column_field_name(std::string_view name);

}  // namespace flow
