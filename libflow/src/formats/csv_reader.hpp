// CSV input (RFC 4180), as our CSV writer and Athena's query results write it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "flow/format.hpp"

namespace flow {

/// Whether `line`, the first line of an input, is a CSV header: cells (quoted or not) that all
/// name columns, at least two of them or one quoted (a single bare name is AWS text's header).
bool is_csv_header(std::string_view line);

std::unique_ptr<Reader> csv_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts);

}  // namespace flow
