// JSON Lines output: one object per record, keys in schema order, written without a library.
#include <string>
#include <vector>

#include "flow/format.hpp"
#include "formats/write_util.hpp"

namespace flow {

namespace fast {

namespace {
/// Length of the UTF-8 sequence at s (at most e), or 0 when it is not valid UTF-8 (RFC 3629:
/// no overlong forms, no surrogates, nothing above U+10FFFF).
size_t utf8_length(const uint8_t* s, const uint8_t* e) {
  const uint8_t c = s[0];
  size_t n;
  uint8_t lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<size_t>(e - s) < n || s[1] < lo || s[1] > hi) return 0;
  for (size_t i = 2; i < n; ++i)
    if ((s[i] & 0xC0) != 0x80) return 0;
  return n;
}
}  // namespace

char* escape_json_slow(char* p, const char* s, const char* e) {
  static constexpr char kHex[] = "0123456789abcdef";
  while (s < e) {
    const auto c = static_cast<uint8_t>(*s);
    if (c >= 0x80) {
      size_t n = utf8_length(reinterpret_cast<const uint8_t*>(s), reinterpret_cast<const uint8_t*>(e));
      if (n == 0) {
        std::memcpy(p, "\xEF\xBF\xBD", 3);  // U+FFFD REPLACEMENT CHARACTER
        p += 3;
        ++s;
      } else {
        std::memcpy(p, s, n);
        p += n;
        s += n;
      }
      continue;
    }
    ++s;
    if (c >= 0x20 && c != '"' && c != '\\') {
      *p++ = static_cast<char>(c);
      continue;
    }
    *p++ = '\\';
    switch (c) {
      case '"': *p++ = '"'; break;
      case '\\': *p++ = '\\'; break;
      case '\n': *p++ = 'n'; break;
      case '\r': *p++ = 'r'; break;
      case '\t': *p++ = 't'; break;
      default:
        std::memcpy(p, "u00", 3);
        p[3] = kHex[c >> 4];
        p[4] = kHex[c & 15];
        p += 5;
    }
  }
  return p;
}

}  // namespace fast

std::string json_quote(std::string_view s) {
  std::string out(fast::max_escaped_size(s.size()) + 2, '\0');
  char* p = out.data();
  *p++ = '"';
  p = fast::escape_json(p, s);
  *p++ = '"';
  out.resize(static_cast<size_t>(p - out.data()));
  return out;
}

namespace {

constexpr size_t kSlack = 64;      // bytes reserved beyond the exact bound (block copies)
constexpr size_t kKeyCopy = 32;    // keys up to this length are copied as one fixed block
constexpr size_t kMaxScalar = 48;  // a number, an address in quotes, or null

class JsonWriter : public Writer {
 public:
  explicit JsonWriter(Output& out) : out_(out) {}

  void write(const Record& r) override {
    if (r.schema != schema_) prepare(r.schema);
    const size_t n = keys_.size();
    const Value* vals = r.values.data();
    size_t need = fixed_;
    for (size_t i : string_cols_) need += fast::max_escaped_size(vals[i].s.size);
    char* p = out_.space(need);
    const char* key_text = key_text_.data();
    for (size_t i = 0; i < n; ++i) {
      const Key k = keys_[i];
      if (k.len <= kKeyCopy) {
        std::memcpy(p, key_text + k.off, kKeyCopy);  // the text is padded; the rest is overwritten
      } else {
        std::memcpy(p, key_text + k.off, k.len);
      }
      p += k.len;
      const Value& v = vals[i];
      if (v.null()) {
        std::memcpy(p, "null", 4);
        p += 4;
        continue;
      }
      switch (k.type) {
        case Type::UInt: p = fast::put_u64(p, v.u); break;
        case Type::Time: p = fast::put_i64(p, v.t); break;
        case Type::Float: p = fast::put_f64(p, v.f); break;
        case Type::Ip:
          *p++ = '"';
          p = fast::put_ip(p, v);
          *p++ = '"';
          break;
        case Type::String:
          *p++ = '"';
          p = fast::escape_json(p, v.str());
          *p++ = '"';
          break;
      }
    }
    if (n == 0) *p++ = '{';
    p[0] = '}';
    p[1] = '\n';
    out_.advance(p + 2);
  }

 private:
  struct Key {
    uint32_t off, len;  // of `{"name":` or `,"name":` in key_text_
    Type type;
  };

  // Builds the key prefixes of a schema once; records of the same schema object reuse them.
  void prepare(const SchemaPtr& s) {
    schema_ = s;
    keys_.clear();
    string_cols_.clear();
    key_text_.clear();
    fixed_ = 2 + kSlack;
    for (size_t i = 0; i < s->size(); ++i) {
      const Column& c = s->column(i);
      std::string k = i == 0 ? "{\"" : ",\"";
      k.resize(k.size() + fast::max_escaped_size(c.name.size()));
      char* e = fast::escape_json(k.data() + 2, c.name);
      k.resize(static_cast<size_t>(e - k.data()));
      k += "\":";
      keys_.push_back(Key{static_cast<uint32_t>(key_text_.size()), static_cast<uint32_t>(k.size()), c.type});
      key_text_ += k;
      fixed_ += k.size() + (c.type == Type::String ? 2 : kMaxScalar);
      if (c.type == Type::String) string_cols_.push_back(i);
    }
    key_text_.append(kKeyCopy, ' ');  // so that the last key can be block-copied too
  }

  Output& out_;
  SchemaPtr schema_;
  std::vector<Key> keys_;
  std::vector<size_t> string_cols_;
  std::string key_text_;
  size_t fixed_ = 0;
};

}  // namespace

std::unique_ptr<Writer> json_writer(Output& out, const WriteOptions&) { return std::make_unique<JsonWriter>(out); }

}  // namespace flow
