// Records into groups: a record bound to the spec (its key and value columns found once per
// schema), staged as a row of bytes, then grouped a batch at a time; with threads, rows of
// partitions another lane owns are passed to it (lanes.hpp).
#include <algorithm>
#include <charconv>
#include <cstring>

#include <fmt/format.h>

#include "agg/impl.hpp"
#include "flow/connection.hpp"
#include "flow/format.hpp"
#include "flow/ip.hpp"

namespace flow {
namespace {

std::string partner_name(std::string_view name) {
  std::string p(name);
  if (auto i = p.find("src"); i != std::string::npos) return p.replace(i, 3, "dst");
  if (auto i = p.find("dst"); i != std::string::npos) return p.replace(i, 3, "src");
  return "";
}

void mask(uint8_t* ip, int bits) {
  for (int byte = 0; byte < 16; ++byte) {
    int keep = std::clamp(bits - byte * 8, 0, 8);
    ip[byte] &= static_cast<uint8_t>(0xff00 >> keep);
  }
}

int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

/// The start of the bin of `bin` seconds that holds second s (bins aligned to the epoch, so to
/// UTC). No reader makes a time before 1970, but a binary or --partial file may hold any 64 bits:
/// a time whose bin would start before INT64_MIN gets the earliest bin, not an overflow.
int64_t bin_start(int64_t s, int64_t bin) {
  int64_t x;
  return __builtin_mul_overflow(floor_div(s, bin), bin, &x) ? INT64_MIN / bin * bin : x;
}

}  // namespace

void Aggregator::Impl::no_column(const std::string& file, const std::string& name, const std::string& what) {
  auto near = nearest_field(name);
  throw DataError(fmt::format("{}: no field or column '{}' for {}{}", file, name, what,
                              near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
}

int Aggregator::Impl::slot_of(const Schema& s, const Column& c) { return c.id ? s.slot(*c.id) : s.slot(c.name); }

void Aggregator::Impl::bind(const SchemaPtr& s, const std::string& file) {
  size_t nk = spec.keys.size(), nv = spec.values.size();
  key_slot.assign(nk, -1);
  key_partner.assign(nk, -1);
  key_dst.assign(nk, -1);
  key_type.assign(nk, Type::String);
  either = either_text = false;
  for (size_t k = 0; k < nk; ++k) {
    const Column& c = spec.keys[k].column;
    int slot = slot_of(*s, c);
    if (slot < 0 && spec.keys[k].either) {
      // No addr (port) column of its own (as a regrouped output has): the source's and the
      // destination's, as two rows.
      const bool addr = c.type == Type::Ip;
      slot = s->slot(addr ? FieldId::srcaddr : FieldId::srcport);
      key_dst[k] = s->slot(addr ? FieldId::dstaddr : FieldId::dstport);
      either = true;
      key_type[k] = c.type;
      key_slot[k] = slot;
      continue;
    }
    either_text |= spec.keys[k].either && slot >= 0 && s->column(static_cast<size_t>(slot)).type == Type::String;
    if (slot < 0 && !c.id) no_column(file, c.name, "-k " + spec.keys[k].text);
    key_slot[k] = key_dst[k] = slot;
    key_type[k] = slot >= 0 ? s->column(static_cast<size_t>(slot)).type : c.type;
    if (spec.bidir) {
      auto p = partner_name(c.name);
      if (auto id = find_field(p); id && !p.empty()) key_partner[k] = s->slot(*id);
    }
  }
  val_slot.assign(nv, -1);
  val_type.assign(nv, Type::UInt);
  val_text.assign(nv, 0);
  start_slot = s->slot(FieldId::start);
  end_slot = s->slot(FieldId::end);
  for (size_t v = 0; v < nv; ++v) {
    const ValueSpec& vs = spec.values[v];
    if (vs.kind == AggKind::Count) {
      // Counting records that are themselves aggregates (flowagg's output) adds up theirs.
      int slot = s->slot("records");
      if (slot < 0) continue;
      Type t = s->column(static_cast<size_t>(slot)).type;
      if (t == Type::UInt || t == Type::String) val_slot[v] = slot;
      val_text[v] = t == Type::String;
      continue;
    }
    int slot = slot_of(*s, vs.field);
    if (slot < 0 && vs.field.name == "duration") continue;  // computed from start and end
    if (slot < 0 && !vs.field.id) no_column(file, vs.field.name, "-a " + vs.text);
    val_slot[v] = slot;
    if (slot < 0) continue;
    Type t = s->column(static_cast<size_t>(slot)).type;
    val_type[v] = t;
    bool any = vs.kind == AggKind::Distinct || vs.kind == AggKind::ApproxDistinct;
    // Columns we do not know arrive as text from AWS text input: read their numbers.
    val_text[v] = !any && !vs.field.id && t == Type::String && vs.field.type == Type::UInt;
    if (!any && t != vs.field.type && !val_text[v])
      throw DataError(fmt::format("{}: -a {}: column '{}' is a {} field here, not a {}", file, vs.text, vs.field.name,
                                  type_name(t), type_name(vs.field.type)));
  }
  val_fast.assign(nv, Fast::No);
  for (size_t v = 0; v < nv; ++v) {
    AggKind k = spec.values[v].kind;
    if (k == AggKind::Count && val_slot[v] < 0) val_fast[v] = Fast::Count;
    if (k == AggKind::Sum && val_slot[v] >= 0 && !val_text[v] && val_type[v] == Type::UInt) val_fast[v] = Fast::Sum;
  }
  bound = s;
}

[[gnu::cold, gnu::noinline]] void Aggregator::Impl::put_text_keys(const Record& r, const std::string& file,
                                                                  const int* slots, uint8_t* kb) {
  for (size_t k = 0; k < spec.keys.size(); ++k) {
    const KeySpec& ks = spec.keys[k];
    const Value& v = slots[k] >= 0 ? r.values[static_cast<size_t>(slots[k])] : kNull;
    if (!ks.either || key_type[k] != Type::String || v.null()) {
      put_key(k, v, key_type[k], kb + key_offset(k));
      continue;
    }
    // An addr (port) column of its own, as text (a grouped output read back): its value typed.
    Value x;
    uint64_t u = 0;
    auto s = v.str();
    auto ip = ks.column.type == Type::Ip ? parse_ip(s) : std::nullopt;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), u);
    if (ip) x.set_ip(*ip);
    else if (ks.column.type == Type::UInt && ec == std::errc() && end == s.data() + s.size()) x.set_uint(u);
    else
      throw DataError(fmt::format("{}:{}: '{}' is not {} (column {}, for -k {})", file, r.line, s,
                                  ks.column.type == Type::Ip ? "an address" : "a number", ks.column.name, ks.text));
    put_key(k, x, ks.column.type, kb + key_offset(k));
  }
}

/// The in-memory key part of key k for value v (of input type t).
void Aggregator::Impl::put_key(size_t k, const Value& v, Type t, uint8_t* p) {
  const KeySpec& ks = spec.keys[k];
  if (v.null()) return;  // the buffer is zeroed: tag 0
  switch (ks.column.type) {
    case Type::Ip: {
      p[0] = v.v6 ? 6 : 4;
      std::memcpy(p + 1, v.ip, 16);
      int bits = v.v6 ? ks.v6_bits : ks.v4_bits;
      if (bits < (v.v6 ? 128 : 32)) mask(p + 1, bits);
      break;
    }
    case Type::UInt:
      p[0] = 1;
      std::memcpy(p + 1, &v.u, 8);
      break;
    case Type::Float:  // not a key type (-k takes fields and text columns); its bits, if it were
      p[0] = 1;
      std::memcpy(p + 1, &v.f, 8);
      break;
    case Type::Time: {
      p[0] = 1;
      int64_t x = ks.bin ? bin_start(time_seconds(v.t), ks.bin) : v.t;
      std::memcpy(p + 1, &x, 8);
      break;
    }
    case Type::String: {
      p[0] = 1;
      Interner& in = tables[0].strings(k);  // keys with strings have one partition
      uint32_t id = t == Type::String ? in.id(v.str()) : in.id(value_text(v, t));
      std::memcpy(p + 1, &id, 4);
      break;
    }
  }
}

Value Aggregator::Impl::number_from_text(const Record& r, int slot, size_t v, const std::string& file) {
  const Value& x = r.values[static_cast<size_t>(slot)];
  Value n;
  if (x.null()) return spec.values[v].kind == AggKind::Count ? Value{} : n;
  uint64_t u = 0;
  auto s = x.str();
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), u);
  if (ec != std::errc() || p != s.data() + s.size())
    throw DataError(fmt::format("{}:{}: '{}' is not a number (field {}, for -a {})", file, r.line, s,
                                r.schema->column(static_cast<size_t>(slot)).name, spec.values[v].text));
  n.set_uint(u);
  return n;
}

Value Aggregator::Impl::duration(const Record& r) {
  Value d;
  if (start_slot < 0 || end_slot < 0) return d;
  const Value &s = r.values[static_cast<size_t>(start_slot)], &e = r.values[static_cast<size_t>(end_slot)];
  if (s.null() || e.null()) return d;
  d.set_uint(duration_seconds(s.t, e.t));
  return d;
}

void Aggregator::Impl::layout_rows() {
  const size_t nv = spec.values.size();
  row_modes_at = 8 + key_width();
  row_vals_at = (row_modes_at + nv + 7) & ~size_t{7};
  row_bytes = row_vals_at + nv * sizeof(Value);
  stage_buf.assign(kStage * row_bytes, 0);
  val_mode.assign(nv, kCountOne);
  log_modes.assign(nv, kCountOne);
  log_sums = 0;
  bool logs_ok = !spec.keys.empty();
  for (size_t v = 0; v < nv; ++v) {
    AggKind k = spec.values[v].kind;
    // (A condition makes a row's modes its own: a log keeps one set for all.)
    logs_ok &= (k == AggKind::Count || k == AggKind::Sum) && spec.values[v].where.empty();
    if (k == AggKind::Sum) log_modes[v] = kSumFast, ++log_sums;
  }
  if (!logs_ok) log_modes.clear();  // no row logs
  log_bytes = tables[0].kept_width() + (log_sums + 7) / 8 + 8 * log_sums;
  logs.resize(tables.size());
}

void Aggregator::Impl::rebind(const SchemaPtr& s, const std::string& file) {
  drain();  // staged rows were read with the old bindings
  bind(s, file);
  bool strings = false;
  coded_ok = spec.keys.empty() || (spec.keys.size() == 1 && !spec.bidir && !either && key_slot[0] >= 0);
  for (size_t v = 0; v < spec.values.size(); ++v) {
    strings |= val_slot[v] >= 0 && !val_text[v] && val_type[v] == Type::String;
    const Type t = val_slot[v] >= 0 && !val_text[v] ? val_type[v] : Type::UInt;
    val_mode[v] = val_fast[v] == Fast::Count ? uint8_t{kCountOne}
                  : val_fast[v] == Fast::Sum ? uint8_t{kSumFast}
                                             : static_cast<uint8_t>(kTyped + static_cast<uint8_t>(t));
    // Values read as they are (not numbers in text, not a duration worked out from two fields).
    coded_ok &= val_fast[v] != Fast::No || (val_slot[v] >= 0 && !val_text[v]);
  }
  coded_ok &= spread_k >= spec.keys.size();  // a spread record is a row per bin
  stage_limit = strings ? 1 : kStage;
  loggable = val_mode == log_modes;
}

void Aggregator::Impl::put_keys(const Record& r, const std::string& file, bool reply, bool dst, uint8_t* kb) {
  std::memset(kb, 0, key_width());
  const int* slots = dst ? key_dst.data() : key_slot.data();
  if (either_text) [[unlikely]] {
    put_text_keys(r, file, slots, kb);
    return;
  }
  for (size_t k = 0; k < spec.keys.size(); ++k) {
    int slot = reply && key_partner[k] >= 0 ? key_partner[k] : slots[k];
    put_key(k, slot >= 0 ? r.values[static_cast<size_t>(slot)] : kNull, key_type[k], kb + key_offset(k));
  }
}

[[gnu::always_inline]] inline void Aggregator::Impl::stage(const Record& r, const std::string& file,
                                                           const uint8_t* modes, bool reply, bool dst) {
  const size_t w = key_width(), nv = spec.values.size();
  uint8_t* row = stage_buf.data() + staged * row_bytes;
  uint8_t* kb = row + 8;
  put_keys(r, file, reply, dst, kb);
  if (either) {
    if (dst && std::memcmp(either_key.data(), kb, w) == 0) return;
    if (!dst) either_key.assign(kb, kb + w);
  }
  std::memcpy(row + row_modes_at, modes, nv);
  Value* vals = reinterpret_cast<Value*>(row + row_vals_at);
  for (size_t v = 0; v < nv; ++v) {
    int slot = val_slot[v];
    if (val_fast[v] == Fast::Count) continue;
    if (slot >= 0 && val_text[v]) vals[v] = number_from_text(r, slot, v, file);
    else if (slot >= 0) vals[v] = r.values[static_cast<size_t>(slot)];
    else if (spec.values[v].field.name == "duration" && !spec.values[v].field.id) vals[v] = duration(r);
    else vals[v] = kNull;
  }
  if (spread_k < spec.keys.size()) return stage_spread(r, file, reply, dst);
  if (++staged == stage_limit) drain();
}

void Aggregator::Impl::add(const Record& r, const std::string& file) {
  if (r.schema != bound) rebind(r.schema, file);
  bool reply = false;
  if (spec.bidir) connection_of(r, nullptr, &reply);
  const uint8_t* modes = conds.empty() ? val_mode.data() : modes_of(r);
  ++records;
  stage(r, file, modes, reply, false);
  // Either-side keys: a row with the sources' values, then one with the destinations' unless
  // that is the same key.
  if (either) stage(r, file, modes, reply, true);
}

void Aggregator::Impl::compile_conditions() {
  std::vector<std::string> texts;
  val_cond.assign(spec.values.size(), -1);
  for (size_t v = 0; v < spec.values.size(); ++v) {
    const std::string& where = spec.values[v].where;
    if (where.empty()) continue;
    auto it = std::find(texts.begin(), texts.end(), where);
    val_cond[v] = static_cast<int>(it - texts.begin());
    if (it != texts.end()) continue;
    FilterSettings fs;
    fs.source = "-a " + spec.values[v].column.name;
    fs.now = spec.now;
    conds.push_back(Filter::compile(where, fs));
    texts.push_back(where);
  }
  cond_ok.assign(conds.size(), 0);
  cond_keep.assign(conds.size(), {});
  row_mode.assign(spec.values.size(), kCountOne);
}

const uint8_t* Aggregator::Impl::modes_of(const Record& r) {
  for (size_t c = 0; c < conds.size(); ++c)
    cond_ok[c] = cond_row != SIZE_MAX ? cond_keep[c][cond_row] : conds[c].match(r);
  for (size_t v = 0; v < row_mode.size(); ++v)
    row_mode[v] = val_cond[v] >= 0 && !cond_ok[static_cast<size_t>(val_cond[v])] ? uint8_t{kSkip} : val_mode[v];
  return row_mode.data();
}

void Aggregator::Impl::match_conditions(const ColumnBatch& c) {
  for (size_t i = 0; i < conds.size(); ++i) {
    cond_keep[i].resize(c.rows);
    conds[i].match(c, cond_keep[i].data());
  }
}

void Aggregator::Impl::add(const ColumnBatch& c, const uint8_t* keep, const std::string& file) {
  // As add(Record) for each row kept: none kept, nothing bound (the schema may lack a key
  // column that only the selected records have).
  if (keep && std::find(keep, keep + c.rows, 1) == keep + c.rows) return;
  if (c.schema != bound) rebind(c.schema, file);
  // Past the routing threshold a lane's rows go by partition (group_rows): one at a time.
  const bool routing = lanes && stage_limit == kStage && groups() > kRouteAbove;
  match_conditions(c);  // a column at a time
  if (coded_ok && !routing && (spec.keys.empty() || c.codes[static_cast<size_t>(key_slot[0])])) {
    if (staged) drain_staged();  // groups are numbered in the order rows arrive
    add_coded(c, keep);
    if (lanes) take_mail(false);
    return;
  }
  for (size_t i = 0; i < c.rows; ++i) {
    if (keep && !keep[i]) continue;
    c.row(i, scratch);
    cond_row = i;
    add(scratch, file);
  }
  cond_row = SIZE_MAX;
}

void Aggregator::Impl::add_coded(const ColumnBatch& c, const uint8_t* keep) {
  // No key: every row is in the group of the null key (all zero bytes).
  const bool keyless = spec.keys.empty();
  const size_t ks = keyless ? 0 : static_cast<size_t>(key_slot[0]);
  // A code's cells hold for as long as its dictionary and the groups stay (no spill): a stamp
  // says which codes were found since, so that runs of interleaved schemas (short, each with
  // its own dictionary) cost the codes they use, not the dictionaries' sizes.
  if (c.dictionary != code_dictionary || spills != code_spills) {
    ++code_stamp;
    code_dictionary = c.dictionary;
    code_spills = spills;
  }
  if (!keyless && code_refs.size() < c.codes_size[ks]) code_refs.resize(c.codes_size[ks]);
  const size_t nv = spec.values.size(), w = key_width();
  const Value* key = keyless ? nullptr : c.values[ks];
  const uint64_t* codes = keyless ? nullptr : c.codes[ks];
  auto ref_of = [&](size_t i) -> CodeRef& { return keyless || key[i].null() ? null_ref : code_refs[codes[i]]; };
  code_vals.resize(nv);  // each value's column (nullptr: not in this input)
  for (size_t v = 0; v < nv; ++v)
    code_vals[v] = val_slot[v] >= 0 ? c.values[static_cast<size_t>(val_slot[v])] : nullptr;
  const uint64_t before = groups();
  bool sketches = false;
  const bool conditional = !conds.empty();  // some value has a condition (cond_keep: match_conditions)
  const CellLayout::Slot* slots = tables[0].layout().slots();  // every table's layout is the spec's
  constexpr size_t kSlice = 128;
  code_keys.resize(kSlice * w + 1);  // + 1: data() is not null with no key
  for (size_t from = 0; from < c.rows; from += kSlice) {
    const size_t to = std::min(c.rows, from + kSlice);
    // Codes met for the first time, in the order of their rows: keys built and hashed, slots
    // fetched together (as staged rows are), then looked up.
    std::array<CodeRef*, kSlice> fresh;
    std::array<uint64_t, kSlice> hashes;
    size_t nfresh = 0;
    for (size_t i = from; i < to; ++i) {
      if (keep && !keep[i]) continue;
      CodeRef& ref = ref_of(i);
      if (ref.stamp == code_stamp) continue;  // found, or already among the fresh
      ref.stamp = code_stamp;
      uint8_t* kb = code_keys.data() + nfresh * w;
      std::memset(kb, 0, w);
      if (!keyless) put_key(0, key[i], key_type[0], kb + key_offset(0));
      const uint64_t hash = GroupTable::hash_of(kb, w);
      ref.table = &table_for(hash);
      ref.table->prefetch(hash);
      hashes[nfresh] = hash;
      fresh[nfresh++] = &ref;
    }
    for (size_t f = 0; f < nfresh; ++f) fresh[f]->table->prefetch_entry(hashes[f]);
    for (size_t f = 0; f < nfresh; ++f) {
      CodeRef& ref = *fresh[f];
      ref.cells = ref.table->cells(ref.table->find_or_add(code_keys.data() + f * w, hashes[f]));
    }
    for (size_t i = from; i < to; ++i) {
      if (keep && !keep[i]) continue;
      ++records;
      const CodeRef& ref = ref_of(i);
      for (size_t v = 0; v < nv; ++v) {
        if (conditional && val_cond[v] >= 0 && !cond_keep[static_cast<size_t>(val_cond[v])][i]) continue;
        sketches |= add_value(v, slots[v], ref.cells, *ref.table, code_vals[v] ? code_vals[v][i] : kNull, val_mode[v]);
      }
    }
  }
  // After the rows, not among them: a spill moves every group (the next call finds them again).
  if ((groups() != before || sketches) && memory() > limits.memory) spill();
}

/// Staged rows into the table (or to the lanes that own them), then rows other lanes posted.
void Aggregator::Impl::drain() {
  drain_staged();
  if (lanes) take_mail(false);
}

void Aggregator::Impl::drain_staged() {
  const size_t n = std::exchange(staged, 0);  // first: a spill in group_rows() drains again
  if (n > 0) group_rows(stage_buf.data(), n, From::Staged);
}

void Aggregator::Impl::group_rows(uint8_t* rows, size_t n, From from) {
  const bool unhashed = from == From::Staged;  // not yet hashed
  const bool route = unhashed && lanes && stage_limit == kStage && groups() > kRouteAbove;
  const bool log = route && loggable && defer_from < tables.size();
  const size_t w = key_width(), nv = spec.values.size();
  const uint64_t before = from == From::Log ? 0 : groups();  // (Log: other tables may be read meanwhile)
  const CellLayout::Slot* slots = tables[0].layout().slots();
  // A software pipeline over the rows: row i is hashed (or passed on) and its slot fetched;
  // row i - kLag, its slot now in, has the entry there fetched; row i - 2 kLag, both in, is
  // grouped. Each cache miss of a big table so overlaps with the work on other rows.
  constexpr size_t kLag = 8;
  std::array<bool, 4 * kLag> skip{};  // passed on to another lane, or logged (by row, modulo its size)
  auto hash_at = [&](size_t i) {
    uint64_t hash;
    std::memcpy(&hash, rows + i * row_bytes, 8);
    return hash;
  };
  for (size_t i = 0; i < n + 2 * kLag; ++i) {
    if (i < n) {
      uint8_t* row = rows + i * row_bytes;
      uint64_t hash;
      if (!unhashed) {
        std::memcpy(&hash, row, 8);
      } else {
        hash = GroupTable::hash_of(row + 8, w);
        std::memcpy(row, &hash, 8);
      }
      const auto p = static_cast<uint32_t>(shift == 64 ? 0 : hash >> shift);
      const unsigned owner = route ? p % lanes->count : lane;
      // A deferred partition's row is logged here, whichever lane owns the partition.
      const bool logged = log && p >= defer_from && log_row(p, row);
      skip[i % skip.size()] = owner != lane || logged;
      if (logged) {
      } else if (owner != lane) {
        std::vector<uint8_t>& box = outbox[owner];
        if (box.empty()) box.reserve(kPost + row_bytes);  // whole: not grown (and copied) a row at a time
        box.insert(box.end(), row, row + row_bytes);
        if (box.size() >= kPost) lanes->post(owner, std::exchange(box, {}));
      } else {
        table_for(hash).prefetch(hash);
      }
    }
    if (i >= kLag && i - kLag < n && !skip[(i - kLag) % skip.size()]) {
      const uint64_t hash = hash_at(i - kLag);
      table_for(hash).prefetch_entry(hash);
    }
    if (i >= 2 * kLag && !skip[(i - 2 * kLag) % skip.size()]) {
      const uint8_t* row = rows + (i - 2 * kLag) * row_bytes;
      const uint64_t hash = hash_at(i - 2 * kLag);
      GroupTable& table = table_for(hash);
      uint8_t* cells = table.cells(table.find_or_add(row + 8, hash));
      const uint8_t* modes = row + row_modes_at;
      const Value* vals = reinterpret_cast<const Value*>(row + row_vals_at);
      for (size_t v = 0; v < nv; ++v) add_value(v, slots[v], cells, table, vals[v], modes[v]);
    }
  }
  if (from == From::Log) return;
  // The logged rows' groups must fit the budget, beside the groups that rows of this lane and
  // others' mail make; past it, they are grouped now, and no more rows log.
  if (defer_from < tables.size() && memory() + settle_growth() > limits.memory && logged() > 0) {
    settle_all();
    defer_from = ~0u;
  }
  // Memory grows with new groups, and with sketches (checked now and then). Not in the loop
  // above: a spill empties the interners that staged keys refer to.
  if ((groups() != before || (records & 255) < kStage) && memory() > limits.memory) spill();
}

bool Aggregator::Impl::log_row(uint32_t p, const uint8_t* row) {
  RowLog& l = logs[p];
  uint8_t* out = l.room(log_bytes);
  if (!tables[p].to_kept(row + 8, out)) return false;
  uint8_t* nulls = out + tables[p].kept_width();
  uint8_t* sums = nulls + (log_sums + 7) / 8;
  std::memset(nulls, 0, (log_sums + 7) / 8);
  const Value* vals = reinterpret_cast<const Value*>(row + row_vals_at);
  for (size_t v = 0, s = 0; v < spec.values.size(); ++v) {
    if (log_modes[v] != kSumFast) continue;
    if (vals[v].null()) nulls[s / 8] |= static_cast<uint8_t>(1u << (s % 8));
    std::memcpy(sums + 8 * s, &vals[v].u, 8);  // (any bits when null: not read)
    ++s;
  }
  l.commit(log_bytes);
  return true;
}

void Aggregator::Impl::defer(uint32_t n) {
  if (log_modes.empty() || tables.size() < 2) return;
  defer_from = static_cast<uint32_t>(tables.size()) - std::min<uint32_t>(n, static_cast<uint32_t>(tables.size()));
}

void Aggregator::Impl::settle(uint32_t p) {
  RowLog& l = logs[p];
  if (l.rows == 0) return;
  // Back into rows (whole key, hash, modes, values) a batch at a time, grouped as mail is.
  constexpr size_t kBatch = 256;
  const size_t nv = spec.values.size(), w = key_width(), kept = tables[p].kept_width();
  std::vector<uint8_t> batch(kBatch * row_bytes);
  size_t n = 0;
  auto flush = [&] {
    group_rows(batch.data(), n, From::Log);
    n = 0;
  };
  for (auto& c : l.chunks) {
    for (size_t at = 0; at < c.used; at += log_bytes) {
      const uint8_t* in = c.data.get() + at;
      uint8_t* row = batch.data() + n * row_bytes;
      tables[p].to_whole(in, row + 8);
      const uint64_t hash = GroupTable::hash_of(row + 8, w);
      std::memcpy(row, &hash, 8);
      std::memcpy(row + row_modes_at, log_modes.data(), nv);
      Value* vals = reinterpret_cast<Value*>(row + row_vals_at);
      const uint8_t* nulls = in + kept;
      const uint8_t* sums = nulls + (log_sums + 7) / 8;
      for (size_t v = 0, s = 0; v < nv; ++v) {
        if (log_modes[v] != kSumFast) continue;
        vals[v] = Value{};
        if (!(nulls[s / 8] >> (s % 8) & 1)) {
          uint64_t u;
          std::memcpy(&u, sums + 8 * s, 8);
          vals[v].set_uint(u);
        }
        ++s;
      }
      if (++n == kBatch) flush();
    }
    if (n) flush();
    l.rows -= c.used / log_bytes;
    c.data.reset();  // for the groups' entries to take
    c.used = 0;
  }
  l.chunks.clear();
}

/// Groups the rows other lanes posted here; with `wait`, until every lane has left.
void Aggregator::Impl::take_mail(bool wait) {
  for (;;) {
    bool over = false;
    auto batches = lanes->take(lane, wait, over);
    for (auto& b : batches) group_rows(b.data(), b.size() / row_bytes, From::Mail);
    if (!wait || over) return;
  }
}

void Aggregator::Impl::join_lanes(std::shared_ptr<AggLanes> l, unsigned me) {
  if (tables.size() == 1 || l->count < 2) return;  // string keys: their ids are this table's own
  lanes = std::move(l);
  lane = me;
  outbox.assign(lanes->count, {});
}

void Aggregator::Impl::leave_lanes() {
  if (!lanes) return;
  {
    // Left even when passing on the rest fails: the other lanes wait until every lane has.
    struct Leave {
      AggLanes& all;
      unsigned me;
      ~Leave() { all.leave(me); }
    } leave{*lanes, lane};
    drain_staged();
    for (unsigned l = 0; l < outbox.size(); ++l)
      if (!outbox[l].empty()) lanes->post(l, std::exchange(outbox[l], {}));
  }
  take_mail(true);
  lanes.reset();
}

}  // namespace flow
