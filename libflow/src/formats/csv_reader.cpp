// CSV input (RFC 4180): a header line of column names, then records; quoted cells may hold
// commas, doubled quotes and line breaks. What our CSV writer writes reads back, and so do
// Athena's query results (every value quoted, account_id-style names).
#include "formats/csv_reader.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include <fmt/format.h>

#include "flow/error.hpp"
#include "formats/column_name.hpp"
#include "formats/sampled.hpp"

namespace flow {
namespace {

constexpr size_t kMaxRecord = 16 << 20;
// The records after a header that type its unknown columns (see sampled.hpp).
constexpr size_t kSampleBytes = 1 << 20;
constexpr size_t kSampleRecords = 1000;

std::string shorten(std::string_view s) {
  return s.size() <= 40 ? std::string(s) : std::string(s.substr(0, 37)) + "...";
}

/// One cell as it stands in the input: its text inside the quotes (doubled quotes still doubled).
struct Cell {
  std::string_view raw;
  bool quoted = false;
  bool doubled = false;  // holds "" (one quote, once unescaped)
};

enum class Scan { Record, More, Bad };

/// Splits the record at the start of `v` into cells. Record: `len` is its length through its
/// line end; More: the window ends inside it (unless `eof`); Bad: `why` says what is wrong.
Scan scan_record(std::string_view v, bool eof, std::vector<Cell>& cells, size_t& len, std::string& why) {
  cells.clear();
  size_t i = 0;
  const size_t n = v.size();
  for (;;) {
    Cell c;
    if (i < n && v[i] == '"') {
      c.quoted = true;
      size_t j = i + 1;
      for (;;) {
        const size_t q = v.find('"', j);
        if (q == std::string_view::npos) {
          if (!eof) return Scan::More;
          why = "unterminated quoted value: the input ends inside it";
          return Scan::Bad;
        }
        if (q + 1 < n && v[q + 1] == '"') {
          c.doubled = true;
          j = q + 2;
          continue;
        }
        if (q + 1 == n && !eof) return Scan::More;  // a doubled quote may follow
        c.raw = v.substr(i + 1, q - i - 1);
        i = q + 1;
        break;
      }
      if (i < n && v[i] == '\r' && (i + 1 == n || v[i + 1] == '\n')) {
        if (i + 1 == n && !eof) return Scan::More;
        ++i;
      } else if (i < n && v[i] != ',' && v[i] != '\n') {
        why = fmt::format(
            "unexpected '{}' after the closing quote of a value (a quote inside a quoted value is "
            "written twice)",
            v[i]);
        return Scan::Bad;
      }
    } else {
      size_t k = i;
      while (k < n && v[k] != ',' && v[k] != '\n') ++k;
      if (k == n && !eof) return Scan::More;
      c.raw = v.substr(i, k - i);
      if (k < n && v[k] == '\n' && c.raw.ends_with('\r')) c.raw.remove_suffix(1);
      if (k == n && c.raw.ends_with('\r')) c.raw.remove_suffix(1);
      i = k;
    }
    cells.push_back(c);
    if (i < n && v[i] == ',') {
      ++i;
      continue;
    }
    len = i < n ? i + 1 : i;  // through the '\n'
    return Scan::Record;
  }
}

/// A cell's text, its doubled quotes made single (in `arena`).
std::string_view unescape(const Cell& c, Arena& arena, std::string& scratch) {
  if (!c.doubled) return c.raw;
  scratch.clear();
  for (size_t i = 0; i < c.raw.size(); ++i) {
    scratch += c.raw[i];
    if (c.raw[i] == '"') ++i;
  }
  return arena.copy(scratch);
}

bool all_names(const std::vector<Cell>& cells) {
  for (const Cell& c : cells)
    if (c.doubled || !column_field_name(c.raw)) return false;
  return true;
}

class CsvReader : public Reader {
 public:
  CsvReader(std::unique_ptr<InputStream> in, const ReadOptions& opts)
      : in_(std::move(in)), opts_(opts), line_no_(opts.first_line) {}

  bool next(Record& r) override {
    for (;;) {
      if (!read_cells()) return false;
      // A line of names is a header: the first; one where at least half are known fields or
      // that repeats the header (the writer's when the columns change, files concatenated); or
      // one that does not read as data.
      if (schema_ && all_names(cells_) && !mostly_known() && !same_names() && cells_.size() == schema_->size()) {
        r.reset(schema_);
        r.arena.clear();
        r.line = record_line_;
        try {
          if (parse_values(r) < 0) return true;
        } catch (const DataError&) {
        }
      }
      if (!schema_ || all_names(cells_)) {
        use_header();
        continue;
      }
      parse(r);
      return true;
    }
  }

 private:
  /// The next record's cells (blank lines passed over where they cannot be a record); false at
  /// the end of the input.
  bool read_cells() {
    for (;;) {
      size_t len = 0;
      Scan s;
      for (;;) {
        s = scan_record(in_->view(), eof_, cells_, len, why_);
        if (s != Scan::More) break;
        if (in_->size() > kMaxRecord)
          fatal(line_no_ + 1,
                fmt::format("record longer than {} MiB; the rest of the input is not read", kMaxRecord >> 20));
        if (!in_->fill(in_->size() + 1)) eof_ = true;
      }
      if (s == Scan::Bad) fatal(line_no_ + 1, why_);
      if (len == 0) return false;  // the end of the input
      const std::string_view text = in_->view().substr(0, len);
      record_line_ = line_no_ + 1;
      line_no_ += static_cast<uint64_t>(std::count(text.begin(), text.end(), '\n'));
      if (!text.ends_with('\n')) ++line_no_;  // the last line, without its newline
      in_->consume(len);
      // A blank line is a record only of a single column (its value null, as the writer writes it).
      const bool blank = cells_.size() == 1 && !cells_[0].quoted && cells_[0].raw.empty();
      if (blank && (!schema_ || schema_->size() != 1)) continue;
      return true;
    }
  }

  bool mostly_known() const {
    size_t known = 0;
    for (const Cell& c : cells_) known += find_field(*column_field_name(c.raw)).has_value();
    return known * 2 >= cells_.size();
  }

  bool same_names() const {
    for (size_t i = 0; i < cells_.size(); ++i)
      if (i >= schema_->size() || schema_->column(i).name != *column_field_name(cells_[i].raw)) return false;
    return cells_.size() == schema_->size();
  }

  void use_header() {
    std::vector<Column> cols;
    for (const Cell& c : cells_) {
      auto name = c.doubled ? std::nullopt : column_field_name(c.raw);
      if (!name)
        fatal(record_line_, fmt::format("'{}' in the header is not a column name (lower-case letters, digits, dashes; "
                                        "CSV input needs a header line)",
                                        shorten(c.raw)));
      for (const Column& other : cols)
        if (other.name == *name) fatal(record_line_, fmt::format("column '{}' appears twice in the header", *name));
      cols.push_back(Column{*name, Type::String, std::nullopt});
    }
    try {
      schema_ = std::make_shared<const Schema>(std::move(cols));
    } catch (const DataError& e) {
      fatal(record_line_, e.what());
    }
    sample();
  }

  /// Types the header's unknown columns from the records ahead: those in the window and what can
  /// be read without waiting, up to kSampleBytes and kSampleRecords.
  void sample() {
    ColumnSampler sampler(schema_);
    if (!sampler.wanted()) return;
    while (!eof_ && in_->size() < kSampleBytes && in_->source().ready()) eof_ = !in_->fill(in_->size() + 1);
    std::string_view v = in_->view();
    std::vector<Cell> cells;
    std::string why, scratch;
    Arena arena;
    for (size_t k = 0; k < kSampleRecords && !v.empty(); ++k) {
      size_t len = 0;
      if (scan_record(v, eof_, cells, len, why) != Scan::Record || len == 0) break;
      v.remove_prefix(len);
      if (cells.size() != schema_->size()) continue;
      if (all_names(cells)) break;  // a header: what follows has other columns
      for (size_t i = 0; i < cells.size(); ++i) {
        const std::string_view s = unescape(cells[i], arena, scratch);
        if (!s.empty() && s != "-") sampler.add(i, s);
      }
    }
    schema_ = sampler.typed();
  }

  void parse(Record& r) {
    const size_t n = schema_->size();
    if (cells_.size() != n)
      throw DataError(in_->name(), record_line_, cells_.size() < n ? schema_->column(cells_.size()).name : "",
                      fmt::format("expected {} fields, found {}", n, cells_.size()));
    for (;;) {
      if (!same_schema(r.schema, schema_)) r.reset(schema_);
      r.arena.clear();
      r.line = record_line_;
      const int slot = parse_values(r);
      if (slot < 0) return;
      schema_ = widen_column(*schema_, static_cast<size_t>(slot));  // a value its sample's type does not take
    }
  }

  /// The values of cells_ into r; the slot of a sampled column a value does not fit, else -1.
  int parse_values(Record& r) {
    for (size_t i = 0; i < cells_.size(); ++i) {
      const Column& c = schema_->column(i);
      const Cell& cell = cells_[i];
      Value& v = r.values[i];
      const std::string_view s = unescape(cell, r.arena, scratch_);
      // Empty is null (a quoted "" is an empty string where one can be); "-" is null as in AWS
      // text, except in a column of any strings, where the writer wrote it as it was.
      if ((s.empty() && (!cell.quoted || c.type != Type::String)) || (s == "-" && (c.id || c.type != Type::String))) {
        v.set_null();
        continue;
      }
      if (!c.id) {
        if (!parse_sampled(c.type, s, v)) return static_cast<int>(i);
        if (c.type == Type::String) check_control(c, s);
        continue;
      }
      switch (c.type) {
        case Type::UInt: v.set_uint(number(c, s, value_max(c))); break;
        case Type::Time: v.set_time(static_cast<int64_t>(number(c, s, INT64_MAX))); break;
        case Type::Ip: {
          auto ip = parse_ip(s);
          if (!ip) fail(c, fmt::format("'{}' is not an IP address", shorten(s)));
          v.set_ip(*ip);
          break;
        }
        case Type::String: {
          check_control(c, s);
          if (auto why = field_value_error(*c.id, s); !why.empty()) fail(c, why);
          v.set_str(s);
          break;
        }
        case Type::Float: break;  // no known field is one
      }
    }
    return -1;
  }

  uint64_t number(const Column& c, std::string_view s, uint64_t max) {
    uint64_t x = 0;
    for (char ch : s) {
      const unsigned d = static_cast<unsigned>(ch - '0');
      if (d > 9) fail(c, fmt::format("'{}' is not a number", shorten(s)));
      if (x > (UINT64_MAX - d) / 10) fail(c, out_of_range(shorten(s), max));
      x = x * 10 + d;
    }
    if (x > max) fail(c, out_of_range(shorten(s), max));
    return x;
  }

  void check_control(const Column& c, std::string_view s) {
    for (char ch : s)
      if (static_cast<unsigned char>(ch) < 0x20 && ch != '\t' && ch != '\n' && ch != '\r')
        fail(c,
             fmt::format("'{}' holds a control character (byte 0x{:02x})", shorten(s), static_cast<unsigned char>(ch)));
  }

  [[noreturn]] void fail(const Column& c, const std::string& what) {
    throw DataError(in_->name(), record_line_, c.name, what);
  }

  [[noreturn]] void fatal(uint64_t line, const std::string& what) {
    DataError e(in_->name(), line, "", what);
    e.fatal = true;
    throw e;
  }

  std::unique_ptr<InputStream> in_;
  ReadOptions opts_;
  SchemaPtr schema_;  // of the last header; null before the first
  std::vector<Cell> cells_;
  std::string why_, scratch_;
  uint64_t line_no_ = 0;      // lines consumed
  uint64_t record_line_ = 0;  // the line the current record starts on
  bool eof_ = false;
};

}  // namespace

bool is_csv_header(std::string_view line) {
  std::vector<Cell> cells;
  size_t len = 0;
  std::string why;
  if (scan_record(line, true, cells, len, why) != Scan::Record || !all_names(cells)) return false;
  return cells.size() >= 2 || cells[0].quoted;
}

std::unique_ptr<Reader> csv_reader(std::unique_ptr<InputStream> in, const ReadOptions& opts) {
  return std::make_unique<CsvReader>(std::move(in), opts);
}

}  // namespace flow
