// Parquet metadata from the compact protocol (see metadata.hpp). Field ids are parquet.thrift's;
// a field of an unexpected type is passed over like an unknown one.
#include "parquet/metadata.hpp"

#include "parquet/thrift_read.hpp"

namespace flow::parquet {
namespace {

/// Reads a struct: `field(id, type)` reads the fields it knows and returns false for the others,
/// which are skipped.
template <class F>
void read_struct(CompactReader& r, F&& field) {
  r.begin_struct();
  int16_t id;
  TType t;
  while (r.next_field(id, t))
    if (!field(id, t)) r.skip(t);
}

bool get_i32(CompactReader& r, TType t, int32_t& v) {
  if (t != TType::I32) return false;
  v = r.i32();
  return true;
}
bool get_i64(CompactReader& r, TType t, int64_t& v) {
  if (t != TType::I64) return false;
  v = r.i64();
  return true;
}
template <class E>
bool get_enum(CompactReader& r, TType t, E& v) {
  if (t != TType::I32) return false;
  v = static_cast<E>(r.i32());
  return true;
}
bool get_string(CompactReader& r, TType t, std::string& v) {
  if (t != TType::Binary) return false;
  v = std::string(r.binary());
  return true;
}
/// A list of structs, each read by `elem`.
template <class F>
bool get_list(CompactReader& r, TType t, F&& elem) {
  if (t != TType::List) return false;
  TType et;
  const size_t n = r.list(et);
  for (size_t i = 0; i < n; ++i) {
    if (et != TType::Struct) r.skip(et);
    else elem();
  }
  return true;
}

void read_logical_type(CompactReader& r, SchemaElement& e) {
  read_struct(r, [&](int16_t id, TType t) {
    if (t != TType::Struct) return false;
    switch (id) {
      case 1:                                     // STRING
      case 4:                                     // ENUM
      case 12: e.is_string = true; return false;  // JSON; the empty struct is skipped
      case 8:                                     // TIMESTAMP
        read_struct(r, [&](int16_t tid, TType tt) {
          if (tid != 2 || tt != TType::Struct) return false;
          read_struct(r, [&](int16_t uid, TType) {  // the TimeUnit union
            e.timestamp = uid == 1 ? TimeUnit::Millis : uid == 2 ? TimeUnit::Micros : TimeUnit::Nanos;
            return false;
          });
          return true;
        });
        return true;
      case 10:  // INTEGER
        read_struct(r, [&](int16_t iid, TType it) {
          if (iid == 2 && (it == TType::True || it == TType::False)) e.is_unsigned = !r.boolean(it);
          return iid == 2 && (it == TType::True || it == TType::False);
        });
        return true;
      default: return false;
    }
  });
}

SchemaElement read_schema_element(CompactReader& r) {
  SchemaElement e;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: {
        PhysicalType p;
        if (!get_enum(r, t, p)) return false;
        e.type = p;
        return true;
      }
      case 2: return get_i32(r, t, e.type_length);
      case 3: return get_enum(r, t, e.repetition);
      case 4: return get_string(r, t, e.name);
      case 5: return get_i32(r, t, e.num_children);
      case 6: {
        ConvertedType c;
        if (!get_enum(r, t, c)) return false;
        e.converted = c;
        return true;
      }
      case 10:
        if (t != TType::Struct) return false;
        read_logical_type(r, e);
        return true;
      default: return false;
    }
  });
  if (e.converted == ConvertedType::Utf8 || e.converted == ConvertedType::Enum || e.converted == ConvertedType::Json)
    e.is_string = true;
  if (e.converted == ConvertedType::TimestampMillis) e.timestamp = TimeUnit::Millis;
  if (e.converted == ConvertedType::TimestampMicros) e.timestamp = TimeUnit::Micros;
  if (e.converted >= ConvertedType::Uint8 && e.converted <= ConvertedType::Uint64) e.is_unsigned = true;
  return e;
}

Statistics read_statistics(CompactReader& r) {
  Statistics s;
  std::optional<std::string> old_min;
  read_struct(r, [&](int16_t id, TType t) {
    if ((id != 2 && id != 6) || t != TType::Binary) return false;
    (id == 6 ? s.min : old_min) = std::string(r.binary());
    return true;
  });
  if (!s.min) s.min = std::move(old_min);
  return s;
}

ColumnMetaData read_column_meta(CompactReader& r) {
  ColumnMetaData m;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: return get_enum(r, t, m.type);
      case 3:
        if (t != TType::List) return false;
        m.path = r.string_list();
        return true;
      case 4: return get_enum(r, t, m.codec);
      case 5: return get_i64(r, t, m.num_values);
      case 7: return get_i64(r, t, m.total_compressed_size);
      case 9: return get_i64(r, t, m.data_page_offset);
      case 11: {
        int64_t v;
        if (!get_i64(r, t, v)) return false;
        m.dictionary_page_offset = v;
        return true;
      }
      case 12:
        if (t != TType::Struct) return false;
        m.stats = read_statistics(r);
        return true;
      default: return false;
    }
  });
  return m;
}

ColumnChunk read_column_chunk(CompactReader& r) {
  ColumnChunk c;
  read_struct(r, [&](int16_t id, TType t) {
    if (id == 1 && t == TType::Binary) {
      c.has_file_path = !r.binary().empty();
      return true;
    }
    if (id != 3 || t != TType::Struct) return false;
    c.meta = read_column_meta(r);
    return true;
  });
  return c;
}

RowGroup read_row_group(CompactReader& r) {
  RowGroup g;
  read_struct(r, [&](int16_t id, TType t) {
    if (id == 1) return get_list(r, t, [&] { g.columns.push_back(read_column_chunk(r)); });
    if (id == 3) return get_i64(r, t, g.num_rows);
    return false;
  });
  return g;
}

}  // namespace

FileMetaData parse_file_metadata(const char* data, size_t size) {
  CompactReader r(data, size);
  FileMetaData m;
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 2: return get_list(r, t, [&] { m.schema.push_back(read_schema_element(r)); });
      case 3: return get_i64(r, t, m.num_rows);
      case 4: return get_list(r, t, [&] { m.row_groups.push_back(read_row_group(r)); });
      case 6: return get_string(r, t, m.created_by);
      default: return false;
    }
  });
  return m;
}

size_t parse_page_header(const char* data, size_t size, PageHeader& h) {
  CompactReader r(data, size);
  h = PageHeader{};
  read_struct(r, [&](int16_t id, TType t) {
    switch (id) {
      case 1: return get_enum(r, t, h.type);
      case 2: return get_i32(r, t, h.uncompressed_page_size);
      case 3: return get_i32(r, t, h.compressed_page_size);
      case 5:
        if (t != TType::Struct) return false;
        h.data.emplace();
        read_struct(r, [&](int16_t f, TType ft) {
          if (f == 1) return get_i32(r, ft, h.data->num_values);
          if (f == 2) return get_enum(r, ft, h.data->encoding);
          if (f == 3) return get_enum(r, ft, h.data->definition_level_encoding);
          return false;
        });
        return true;
      case 7:
        if (t != TType::Struct) return false;
        h.dictionary.emplace();
        read_struct(r, [&](int16_t f, TType ft) {
          if (f == 1) return get_i32(r, ft, h.dictionary->num_values);
          if (f == 2) return get_enum(r, ft, h.dictionary->encoding);
          return false;
        });
        return true;
      case 8: {
        if (t != TType::Struct) return false;
        h.data_v2.emplace();
        DataPageHeaderV2& v = *h.data_v2;
        read_struct(r, [&](int16_t f, TType ft) {
          switch (f) {
            case 1: return get_i32(r, ft, v.num_values);
            case 2: return get_i32(r, ft, v.num_nulls);
            case 3: return get_i32(r, ft, v.num_rows);
            case 4: return get_enum(r, ft, v.encoding);
            case 5: return get_i32(r, ft, v.definition_levels_byte_length);
            case 6: return get_i32(r, ft, v.repetition_levels_byte_length);
            case 7:
              if (ft != TType::True && ft != TType::False) return false;
              v.is_compressed = r.boolean(ft);
              return true;
            default: return false;
          }
        });
        return true;
      }
      default: return false;
    }
  });
  return r.position();
}

}  // namespace flow::parquet
