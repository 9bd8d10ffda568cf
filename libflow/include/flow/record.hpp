// A flow record: a schema (which fields, in which order) and one value per field.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/field.hpp"
#include "flow/ip.hpp"

namespace flow {

/// One field of a schema. Known fields carry their FieldId; fields we do not know (newer AWS
/// versions) and fields tools add (enrichment) have id == std::nullopt and any Type.
struct Column {
  std::string name;
  Type type = Type::String;
  std::optional<FieldId> id;
  friend bool operator==(const Column&, const Column&) = default;
};

/// The largest number any reader delivers in column c: a known UInt field's max (a port 65535,
/// a protocol 255), INT64_MAX for a time (times are never negative: the text readers take digits
/// only), else UINT64_MAX. Every reader holds numbers to it, so the engines see one range.
uint64_t value_max(const Column& c);
/// A reader's message for a number out of that range: "TEXT is out of range (at most MAX)".
std::string out_of_range(std::string_view text, uint64_t max);

/// The ordered fields of a stream of records. Immutable and shared between records.
class Schema {
 public:
  explicit Schema(std::vector<Column> columns);

  /// Columns for a list of names: known names get their type, others become String fields.
  static std::shared_ptr<const Schema> from_names(const std::vector<std::string>& names);
  /// The schema of AWS text in a log format (AWS's word for the field list of a flow log):
  /// "version account-id ..." or "${version} ${account-id} ..." (spaces between). In our code
  /// "format" is the encoding (Format: AWS text, JSON, CSV, binary); AWS's field lists are schemas.
  static std::shared_ptr<const Schema> parse_aws(std::string_view log_format);

  size_t size() const { return columns_.size(); }
  const Column& column(size_t i) const { return columns_[i]; }
  const std::vector<Column>& columns() const { return columns_; }
  /// Slot of a known field, or -1 when the field is not in this schema.
  int slot(FieldId id) const { return slot_of_[static_cast<size_t>(id)]; }
  /// Slot of a field by name (known or not), or -1.
  int slot(std::string_view name) const;
  /// The field names separated by single spaces (the S3 header line).
  std::string header() const;

  friend bool operator==(const Schema& a, const Schema& b) { return a.columns_ == b.columns_; }

 private:
  std::vector<Column> columns_;
  int16_t slot_of_[kFieldCount];
};
using SchemaPtr = std::shared_ptr<const Schema>;

/// Checks a field name the user typed for `option`: UsageError "OPTION: unknown field 'NAME'
/// (did you mean 'N'?)" when it cannot be a field name (is_field_name_syntax).
void check_field_name(std::string_view name, std::string_view option);
/// UsageError "OPTION: field 'NAME' is not in WHERE (did you mean 'N'?)" when `name` is neither a
/// column of `s` nor a known field (a known field a schema lacks is null in its records).
void check_field_in(const Schema& s, std::string_view name, std::string_view option,
                    std::string_view where = "the input");

/// True when both point at equal schemas (cheap when they are the same object).
inline bool same_schema(const SchemaPtr& a, const SchemaPtr& b) { return a == b || (a && b && *a == *b); }

/// One field's value. Which union member is live follows the column's Type; strings point into
/// storage owned by the reader (or the record's arena) and stay valid until the next read.
struct Value {
  enum State : uint8_t { Null = 0, Set = 1 };
  union {
    uint64_t u;  // Type::UInt
    int64_t t;   // Type::Time
    double f;    // Type::Float: always finite (NaN and infinities are stored as null)
    struct {     // Type::String
      const char* data;
      uint32_t size;
    } s;
    uint8_t ip[16];  // Type::Ip
  };
  State state = Null;
  bool v6 = false;  // Type::Ip only

  Value() : ip{} {}  // all 16 bytes: a null string must have size 0 (writers add sizes up)
  bool null() const { return state == Null; }
  std::string_view str() const { return {s.data, s.size}; }
  Ip addr() const {
    Ip a;
    std::memcpy(a.bytes.data(), ip, 16);
    a.v6 = v6;
    return a;
  }

  void set_null() {
    std::memset(ip, 0, sizeof ip);
    state = Null;
  }
  void set_uint(uint64_t v) {
    u = v;
    state = Set;
  }
  void set_time(int64_t v) {
    t = v;
    state = Set;
  }
  /// A value that is not finite (x / 0, log(0)) becomes null; -0 becomes 0 (printed "0").
  void set_float(double v) {
    if (!std::isfinite(v)) return set_null();
    f = v == 0 ? 0.0 : v;
    state = Set;
  }
  void set_str(std::string_view v) {
    s.data = v.data();
    s.size = static_cast<uint32_t>(v.size());
    state = Set;
  }
  void set_ip(const Ip& a) {
    std::memcpy(ip, a.bytes.data(), 16);
    v6 = a.v6;
    state = Set;
  }
};

/// Small bump allocator for string bytes a record must own (unescaped JSON, decoded text).
/// Pointers stay valid until clear().
class Arena {
 public:
  std::string_view copy(std::string_view s);
  void clear();

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  size_t used_ = 0;  // bytes used in blocks_.back()
  size_t cap_ = 0;   // capacity of blocks_.back()
};

/// A record: values in the order of its schema. Readers reuse one Record for every read.
struct Record {
  SchemaPtr schema;
  std::vector<Value> values;
  Arena arena;
  uint64_t line = 0;  ///< input line (or record number) for messages

  /// Points the record at a schema and sizes its values (all null).
  void reset(SchemaPtr s) {
    values.assign(s->size(), Value{});
    schema = std::move(s);
  }
  const Value* get(FieldId id) const {
    int i = schema->slot(id);
    return i < 0 ? nullptr : &values[static_cast<size_t>(i)];
  }
};

/// A Float column's text ("0.25", "8000", "1e+20"), as the readers take it: nullopt when it is
/// not a number or not finite.
std::optional<double> parse_float(std::string_view text);

/// Makes `to` an independent copy of `from`: same schema and values, string bytes copied into
/// to's arena (so it outlives the reader's buffer).
void copy_record(const Record& from, Record& to);

/// Start time of a record in Unix seconds (13-digit millisecond values scaled), or nullopt.
std::optional<int64_t> start_seconds(const Record& r);
/// Normalises a Time value that may be written in milliseconds.
inline int64_t time_seconds(int64_t t) { return t >= 100'000'000'000 ? t / 1000 : t; }
/// Seconds from start to end (Time values), 0 when end is not later. Without overflow for any
/// two values (readers deliver times from 0 up, but a --partial file or a library user may not).
inline uint64_t duration_seconds(int64_t start, int64_t end) {
  const int64_t s = time_seconds(start), e = time_seconds(end);
  return e > s ? static_cast<uint64_t>(e) - static_cast<uint64_t>(s) : 0;
}

}  // namespace flow
