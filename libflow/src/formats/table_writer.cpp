// Aligned table output for people: column widths from the first records, then streamed.
#include <string>
#include <vector>

#include "flow/format.hpp"
#include "flow/time.hpp"
#include "formats/text_util.hpp"

namespace flow {
namespace {

constexpr size_t kSizingRows = 1000;  // records buffered to size the columns
constexpr std::string_view kGap = "  ";

/// Columns a terminal gives to UTF-8 text: one per code point (wide characters are rare here).
size_t display_width(std::string_view s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<uint8_t>(c) & 0xC0) != 0x80;
  return n;
}

/// Appends the text of a value as shown in the table: '-' for null, times in ISO 8601 UTC, control bytes escaped so
/// that a value can neither break the line nor drive the terminal.
void append_cell(std::string& out, const Value& v, Type t) {
  if (v.null()) {
    out += '-';
    return;
  }
  if (t == Type::Time) {  // for people: UTC date and time rather than epoch seconds
    out += format_time(time_seconds(v.t));
    return;
  }
  if (t != Type::String) {
    char buf[64];
    out.append(buf, text::put_value(buf, v, t));
    return;
  }
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : v.str()) {
    auto u = static_cast<uint8_t>(c);
    if (u >= 0x20 && u != 0x7F) {
      out += c;
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
}

class TableWriter : public Writer {
 public:
  TableWriter(Output& out, const WriteOptions& opts) : out_(out), header_(opts.header) {}

  void write(const Record& r) override {
    if (!same_schema(schema_, r.schema)) {
      if (schema_) {
        finish();
        out_.put('\n');
      }
      start(r.schema);
    }
    const size_t n = schema_->size();
    if (sizing_) {
      // Copies: the reader's storage moves on with the next record.
      for (size_t i = 0; i < n; ++i) {
        std::string cell;
        append_cell(cell, r.values[i], schema_->column(i).type);
        cells_.push_back(std::move(cell));
      }
      if (++rows_ == kSizingRows) finish();
      return;
    }
    line_.clear();
    for (size_t i = 0; i < n; ++i) {
      cell_.clear();
      append_cell(cell_, r.values[i], schema_->column(i).type);
      put(i, cell_);
    }
    end_line();
  }

  /// Prints the buffered records (sizing the columns from them) and goes on streaming.
  void finish() override {
    if (!schema_ || !sizing_) return;
    sizing_ = false;
    const size_t n = schema_->size();
    for (size_t i = 0; i < n; ++i) {
      widths_[i] = header_ ? display_width(schema_->column(i).name) : 0;
      for (size_t j = i; j < cells_.size(); j += n) widths_[i] = std::max(widths_[i], display_width(cells_[j]));
    }
    line_.clear();
    if (header_) {
      for (size_t i = 0; i < n; ++i) put(i, schema_->column(i).name);
      end_line();
    }
    for (size_t row = 0; row < rows_; ++row) {
      for (size_t i = 0; i < n; ++i) put(i, cells_[row * n + i]);
      end_line();
    }
    rows_ = 0;
    cells_.clear();
    cells_.shrink_to_fit();
  }

 private:
  void start(const SchemaPtr& s) {
    schema_ = s;
    sizing_ = true;
    widths_.assign(s->size(), 0);
    right_.assign(s->size(), false);
    for (size_t i = 0; i < s->size(); ++i) {
      Type t = s->column(i).type;
      right_[i] = t == Type::UInt || t == Type::Time || t == Type::Float;
    }
  }

  // Numbers go to the right edge of their column, text to the left; a wider value pushes the
  // rest of its line. The last column gets no trailing padding.
  void put(size_t i, std::string_view text) {
    if (i) line_ += kGap;
    const size_t w = display_width(text);
    const size_t pad = widths_[i] > w ? widths_[i] - w : 0;
    if (right_[i]) line_.append(pad, ' ');
    line_ += text;
    if (!right_[i] && i + 1 < widths_.size()) line_.append(pad, ' ');
  }

  void end_line() {
    line_ += '\n';
    out_.write(line_);
    line_.clear();
  }

  Output& out_;
  bool header_;
  SchemaPtr schema_;
  bool sizing_ = false;
  std::vector<std::string> cells_;  // buffered rows, row-major
  size_t rows_ = 0;
  std::vector<size_t> widths_;
  std::vector<bool> right_;
  std::string line_, cell_;
};

}  // namespace

std::unique_ptr<Writer> table_writer(Output& out, const WriteOptions& opts) {
  return std::make_unique<TableWriter>(out, opts);
}

}  // namespace flow
