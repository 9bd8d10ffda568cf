// CSV output (RFC 4180): a header line of field names, empty cells for null, \n line ends.
#include <string>
#include <vector>

#include "flow/format.hpp"
#include "formats/write_util.hpp"

namespace flow {
namespace {

constexpr size_t kSlack = 8;       // put_ip writes whole 4-byte octets
constexpr size_t kMaxScalar = 40;  // a number or an address

bool needs_quotes(std::string_view s) {
  for (char c : s)
    if (c == ',' || c == '"' || c == '\r' || c == '\n') return true;
  return false;
}

/// Writes a cell, in double quotes (with inner quotes doubled) when RFC 4180 requires them.
/// Needs room for 2 * s.size() + 2 bytes.
char* put_cell(char* p, std::string_view s) {
  if (!needs_quotes(s)) {
    std::memcpy(p, s.data(), s.size());
    return p + s.size();
  }
  *p++ = '"';
  for (char c : s) {
    if (c == '"') *p++ = '"';
    *p++ = c;
  }
  *p++ = '"';
  return p;
}

class CsvWriter : public Writer {
 public:
  CsvWriter(Output& out, const WriteOptions& opts) : out_(out), header_(opts.header) {}

  void write(const Record& r) override {
    const Schema& s = *r.schema;
    if (!same_schema(schema_, r.schema)) {
      schema_ = r.schema;
      if (header_) write_header(s);
    }
    const size_t n = s.size();
    size_t need = n + kSlack;
    for (size_t i = 0; i < n; ++i) need += s.column(i).type == Type::String ? 2 * r.values[i].s.size + 2 : kMaxScalar;
    char* p = out_.space(need);
    for (size_t i = 0; i < n; ++i) {
      if (i) *p++ = ',';
      const Value& v = r.values[i];
      if (v.null()) continue;
      switch (s.column(i).type) {
        case Type::UInt: p = fast::put_u64(p, v.u); break;
        case Type::Time: p = fast::put_i64(p, v.t); break;
        case Type::Float: p = fast::put_f64(p, v.f); break;
        case Type::Ip: p = fast::put_ip(p, v); break;
        case Type::String: p = put_cell(p, v.str()); break;
      }
    }
    *p++ = '\n';
    out_.advance(p);
  }

 private:
  void write_header(const Schema& s) {
    std::string line;
    for (size_t i = 0; i < s.size(); ++i) {
      if (i) line += ',';
      const std::string& name = s.column(i).name;
      std::string cell(2 * name.size() + 2, '\0');
      cell.resize(static_cast<size_t>(put_cell(cell.data(), name) - cell.data()));
      line += cell;
    }
    line += '\n';
    out_.write(line);
  }

  Output& out_;
  bool header_;
  SchemaPtr schema_;
};

}  // namespace

std::unique_ptr<Writer> csv_writer(Output& out, const WriteOptions& opts) {
  return std::make_unique<CsvWriter>(out, opts);
}

}  // namespace flow
