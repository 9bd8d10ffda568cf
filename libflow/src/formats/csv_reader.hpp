// CSV input (RFC 4180), as our CSV writer and Athena's query results write it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "flow/format.hpp"

namespace flow {

/// The column a CSV header cell names: the cell with '_' read as '-' and leading ones dropped
/// (Athena's account_id is account-id, an unnamed _col1 is col1); nullopt when that is no field
/// name (lower-case letters, digits, dashes).
std::optional<std::string> csv_column_name(std::string_view cell);

/// Whether `line`, the first line of an input, is a CSV header: cells (quoted or not) that all
/// name columns, at least two of them or one quoted (a single bare name is AWS text's header).
bool is_csv_header(std::string_view line);

std::unique_ptr<Reader> csv_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts);

}  // namespace flow
