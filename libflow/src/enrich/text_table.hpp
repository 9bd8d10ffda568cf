// A table file as text cells: CSV with a header line, or JSON Lines objects (told by content).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "flow/record.hpp"

namespace flow::enrich {

/// Rows of text cells under named columns. Every cell's bytes live in `arena` (one arena for
/// the whole table); an empty cell, "-" and JSON null are null.
struct TextTable {
  std::string file;
  std::vector<std::string> names;
  std::vector<std::string_view> cells;  ///< row-major, names.size() a row
  std::vector<uint64_t> lines;          ///< the line each row starts on
  Arena arena;

  size_t rows() const { return lines.size(); }
  std::string_view at(size_t row, size_t col) const { return cells[row * names.size() + col]; }
  static bool is_null(std::string_view cell) { return cell.empty() || cell == "-"; }
  /// The column called `name`, or -1.
  int find(std::string_view name) const;
};

/// Parses a table (CSV: RFC 4180 quoting, CRLF and a UTF-8 BOM tolerated; JSON Lines: one object
/// a line, string/number/bool/null values). Throws DataError naming file, line and column for a
/// malformed table, an empty one (no row), a bad or repeated column name, a row of the wrong
/// width, or a nested JSON value.
TextTable parse_text_table(std::string_view content, const std::string& file);

}  // namespace flow::enrich
