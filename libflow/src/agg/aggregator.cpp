// The aggregator: records into the group table; beyond the memory budget the table is written
// to disk as a run sorted by key and emptied; at the end the runs are merged (equal keys
// combined), which gives the same groups as one table would. --partial files are such runs
// with a header naming the spec, so merging states from many runs is the same operation.
// (runs.hpp: the frames and their merge; sort.hpp: the order by a value.)
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cstring>
#include <stdexcept>
#include <utility>

#include <fmt/format.h>

#include "agg/lanes.hpp"
#include "agg/runs.hpp"
#include "agg/sort.hpp"
#include "agg/table.hpp"
#include "flow/agg.hpp"
#include "flow/connection.hpp"
#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/io.hpp"

namespace flow {

using namespace agg;

namespace {

const Value kNull{};
constexpr size_t kFanIn = 16;  // runs merged at once (each reads through a 1 MiB buffer)
constexpr std::string_view kMagic = "flowagg-partial 1\n";

/// One group read back from runs: its cells, combined from every run that had its key.
struct Acc {
  std::vector<Cell> cells;
  Store store;
  void reset(const AggSpec& spec) {
    store.sets.clear();
    store.hlls.clear();
    store.quants.clear();
    store.bytes = 0;
    cells.assign(spec.values.size(), Cell{});
    for (size_t v = 0; v < spec.values.size(); ++v) init_cell(spec.values[v], cells[v], store);
  }
};

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

}  // namespace

struct Aggregator::Impl {
  const AggSpec& spec;
  AggLimits limits;
  // The groups, in partitions by key hash (several only for keys without strings, whose bytes
  // mean the same in every table): threads then merge their partitions side by side.
  std::vector<GroupTable> tables;
  unsigned shift = 64;  // partition = hash >> shift
  std::vector<uint8_t> keybuf;
  SchemaPtr out_schema;

  SchemaPtr bound;
  std::vector<int> key_slot, key_partner, val_slot;
  std::vector<Type> key_type, val_type;
  std::vector<char> val_text;  // a number read from a text column (AWS text or CSV of our own output)
  enum class Fast : uint8_t { No, Count, Sum };
  std::vector<Fast> val_fast;
  int start_slot = -1, end_slot = -1;

  std::vector<int> runs;  // descriptors of spilled runs (unlinked temporary files)
  uint64_t records = 0, spills = 0;

  Impl(const AggSpec& s, AggLimits l) : spec(s), limits(std::move(l)), out_schema(s.output_schema()) {
    unsigned p = 1;
    bool strings = false;
    for (const auto& k : spec.keys) strings |= k.column.type == Type::String;
    while (!strings && p < limits.partitions && p < 256) p *= 2;
    tables.reserve(p);
    for (unsigned i = 0; i < p; ++i) tables.emplace_back(s);
    shift = p == 1 ? 64 : 64 - static_cast<unsigned>(std::countr_zero(p));
    keybuf.assign(tables[0].key_width() + 1, 0);
    layout();
  }
  GroupTable& part(uint64_t hash) { return tables[shift == 64 ? 0 : hash >> shift]; }
  uint64_t groups() const {
    uint64_t n = 0;
    for (const auto& t : tables) n += t.size();
    return n;
  }
  size_t memory() const {
    size_t m = 0;
    for (const auto& t : tables) m += t.memory();
    return m;
  }
  size_t key_width() const { return tables[0].key_width(); }
  size_t key_offset(size_t k) const { return tables[0].key_offset(k); }
  ~Impl() {
    for (int fd : runs) close(fd);
  }

  [[noreturn]] void no_column(const std::string& file, const std::string& name, const std::string& what) {
    auto near = nearest_field(name);
    throw DataError(fmt::format("{}: no field or column '{}' for {}{}", file, name, what,
                                near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
  }

  int slot_of(const Schema& s, const Column& c) { return c.id ? s.slot(*c.id) : s.slot(c.name); }

  void bind(const SchemaPtr& s, const std::string& file) {
    size_t nk = spec.keys.size(), nv = spec.values.size();
    key_slot.assign(nk, -1);
    key_partner.assign(nk, -1);
    key_type.assign(nk, Type::String);
    for (size_t k = 0; k < nk; ++k) {
      const Column& c = spec.keys[k].column;
      int slot = slot_of(*s, c);
      if (slot < 0 && !c.id) no_column(file, c.name, "-k " + spec.keys[k].text);
      key_slot[k] = slot;
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
        throw DataError(fmt::format("{}: -a {}: column '{}' is a {} field here, not a {}", file, vs.text,
                                    vs.field.name, type_name(t), type_name(vs.field.type)));
    }
    val_fast.assign(nv, Fast::No);
    for (size_t v = 0; v < nv; ++v) {
      AggKind k = spec.values[v].kind;
      if (k == AggKind::Count && val_slot[v] < 0) val_fast[v] = Fast::Count;
      if (k == AggKind::Sum && val_slot[v] >= 0 && !val_text[v] && val_type[v] == Type::UInt) val_fast[v] = Fast::Sum;
    }
    bound = s;
  }

  /// The in-memory key part of key k for value v (of input type t).
  void put_key(size_t k, const Value& v, Type t, uint8_t* p) {
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
      case Type::Time: {
        p[0] = 1;
        int64_t x = ks.bin ? floor_div(time_seconds(v.t), ks.bin) * ks.bin : v.t;
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

  Value number(const Record& r, int slot, size_t v, const std::string& file) {
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

  Value duration(const Record& r) {
    Value d;
    if (start_slot < 0 || end_slot < 0) return d;
    const Value &s = r.values[static_cast<size_t>(start_slot)], &e = r.values[static_cast<size_t>(end_slot)];
    if (s.null() || e.null()) return d;
    d.set_uint(static_cast<uint64_t>(std::max<int64_t>(0, time_seconds(e.t) - time_seconds(s.t))));
    return d;
  }

  // Rows are staged before they reach the table, then go in a batch: the keys hashed in one
  // loop and the slots they probe fetched together, so that the table's cache misses (millions
  // of groups) overlap instead of stalling each row in turn. (Hashing a key just written also
  // stalls: its words are read across the narrower stores that wrote them.) Strings are interned
  // when staged, since a record's text lives only until the next is read; values of string
  // columns cannot be kept, so such specs stage one row at a time.
  //
  // A row is bytes: its hash, its key, how each value goes into its cell (a Mode, from the
  // bindings of the input it came from), then the values. So rows can be passed to another lane
  // (agg/lanes.hpp) that owns their partition, and grouped there as here.
  enum Mode : uint8_t { kCountOne, kSumFast, kTyped };  // kTyped + Type: add_to_cell of that type
  static constexpr size_t kStage = 32;
  static constexpr size_t kPost = size_t{1} << 16;  // bytes of rows posted to a lane at a time
  // Rows are passed on only once the groups outgrow the caches: below that, grouping them here
  // and merging the few groups at the end costs less than passing every other row.
  static constexpr uint64_t kRouteAbove = uint64_t{1} << 16;
  size_t row_modes = 0, row_vals = 0, row_bytes = 0;
  std::vector<uint8_t> stage_buf, val_mode;
  size_t staged = 0, stage_limit = kStage;
  std::shared_ptr<AggLanes> lanes;
  unsigned lane = 0;
  std::vector<std::vector<uint8_t>> outbox;  // rows for each lane

  void layout() {
    const size_t nv = spec.values.size();
    row_modes = 8 + key_width();
    row_vals = (row_modes + nv + 7) & ~size_t{7};
    row_bytes = row_vals + nv * sizeof(Value);
    stage_buf.assign(kStage * row_bytes, 0);
    val_mode.assign(nv, kCountOne);
  }

  void add(const Record& r, const std::string& file) {
    if (r.schema != bound) {
      drain();  // staged rows were read with the old bindings
      bind(r.schema, file);
      bool strings = false;
      for (size_t v = 0; v < spec.values.size(); ++v) {
        strings |= val_slot[v] >= 0 && !val_text[v] && val_type[v] == Type::String;
        const Type t = val_slot[v] >= 0 && !val_text[v] ? val_type[v] : Type::UInt;
        val_mode[v] = val_fast[v] == Fast::Count ? uint8_t{kCountOne}
                      : val_fast[v] == Fast::Sum ? uint8_t{kSumFast}
                                                 : static_cast<uint8_t>(kTyped + static_cast<uint8_t>(t));
      }
      stage_limit = strings ? 1 : kStage;
    }
    bool reply = false;
    if (spec.bidir) connection_of(r, nullptr, &reply);
    const size_t w = key_width(), nv = spec.values.size();
    uint8_t* row = stage_buf.data() + staged * row_bytes;
    uint8_t* kb = row + 8;
    std::memset(kb, 0, w);
    for (size_t k = 0; k < spec.keys.size(); ++k) {
      int slot = reply && key_partner[k] >= 0 ? key_partner[k] : key_slot[k];
      put_key(k, slot >= 0 ? r.values[static_cast<size_t>(slot)] : kNull, key_type[k], kb + key_offset(k));
    }
    std::memcpy(row + row_modes, val_mode.data(), nv);
    Value* vals = reinterpret_cast<Value*>(row + row_vals);
    for (size_t v = 0; v < nv; ++v) {
      int slot = val_slot[v];
      if (val_fast[v] == Fast::Count) continue;
      if (slot >= 0 && val_text[v]) vals[v] = number(r, slot, v, file);
      else if (slot >= 0) vals[v] = r.values[static_cast<size_t>(slot)];
      else if (spec.values[v].field.name == "duration" && !spec.values[v].field.id) vals[v] = duration(r);
      else vals[v] = kNull;
    }
    ++records;
    if (++staged == stage_limit) drain();
  }

  /// Staged rows into the table (or to the lanes that own them), then rows other lanes posted.
  void drain() {
    drain_staged();
    if (lanes) take_mail(false);
  }
  void drain_staged() {
    const size_t n = std::exchange(staged, 0);  // first: a spill in group_rows() drains again
    if (n > 0) group_rows(stage_buf.data(), n, false);
  }

  /// Groups n rows: staged ones (hashed here; the rows of partitions another lane owns go to
  /// its outbox instead), or rows another lane posted (`mail`: hashed, and all this lane's).
  void group_rows(uint8_t* rows, size_t n, bool mail) {
    const bool route = !mail && lanes && stage_limit == kStage && groups() > kRouteAbove;
    const size_t w = key_width(), nv = spec.values.size();
    const uint64_t before = groups();
    for (size_t at = 0; at < n; at += kStage) {
      const size_t m = std::min(kStage, n - at);
      uint8_t* first = rows + at * row_bytes;
      std::array<bool, kStage> skip{};
      for (size_t i = 0; i < m; ++i) {
        uint8_t* row = first + i * row_bytes;
        uint64_t hash;
        if (route) {
          hash = GroupTable::hash_of(row + 8, w);
          std::memcpy(row, &hash, 8);
          const unsigned owner = static_cast<unsigned>((shift == 64 ? 0 : hash >> shift) % lanes->lanes);
          if (owner != lane) {
            std::vector<uint8_t>& box = outbox[owner];
            box.insert(box.end(), row, row + row_bytes);
            if (box.size() >= kPost) lanes->post(owner, std::exchange(box, {}));
            skip[i] = true;
            continue;
          }
        } else if (mail) {
          std::memcpy(&hash, row, 8);
        } else {
          hash = GroupTable::hash_of(row + 8, w);
          std::memcpy(row, &hash, 8);
        }
        part(hash).prefetch(hash);
      }
      for (size_t i = 0; i < m; ++i) {
        if (skip[i]) continue;
        const uint8_t* row = first + i * row_bytes;
        uint64_t hash;
        std::memcpy(&hash, row, 8);
        GroupTable& table = part(hash);
        Cell* cells = table.cells(table.find_or_add(row + 8, hash));
        const uint8_t* modes = row + row_modes;
        const Value* vals = reinterpret_cast<const Value*>(row + row_vals);
        for (size_t v = 0; v < nv; ++v) {
          // The common values inline: a plain count, a sum of a number field.
          if (modes[v] == kCountOne) {
            ++cells[v].a;
          } else if (modes[v] == kSumFast) {
            if (!vals[v].null()) {
              cells[v].a += vals[v].u;
              cells[v].b = 1;
            }
          } else {
            add_to_cell(spec.values[v], cells[v], table.store(), vals[v], static_cast<Type>(modes[v] - kTyped));
          }
        }
      }
    }
    // Memory grows with new groups, and with sketches (checked now and then). Not in the loop
    // above: a spill empties the interners that staged keys refer to.
    if ((groups() != before || (records & 255) < kStage) && memory() > limits.memory) spill();
  }

  /// Groups the rows other lanes posted here; with `wait`, until every lane has left.
  void take_mail(bool wait) {
    for (;;) {
      bool over = false;
      auto batches = lanes->take(lane, wait, over);
      for (auto& b : batches) group_rows(b.data(), b.size() / row_bytes, true);
      if (!wait || over) return;
    }
  }

  void join_lanes(std::shared_ptr<AggLanes> l, unsigned me) {
    if (tables.size() == 1 || l->lanes < 2) return;  // string keys: their ids are this table's own
    lanes = std::move(l);
    lane = me;
    outbox.assign(lanes->lanes, {});
  }

  void leave_lanes() {
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

  // ---- groups as bytes ----

  /// A group: its partition and its number there.
  using Ref = std::pair<uint32_t, uint32_t>;

  /// Every group, in the order of first appearance within each partition.
  std::vector<Ref> all_groups() const {
    std::vector<Ref> idx;
    idx.reserve(groups());
    for (uint32_t p = 0; p < tables.size(); ++p)
      for (uint32_t g = 0; g < tables[p].size(); ++g) idx.emplace_back(p, g);
    return idx;
  }

  std::vector<Ref> sorted_groups() const {
    std::vector<Ref> idx = all_groups();
    std::sort(idx.begin(), idx.end(), [this](Ref a, Ref b) {
      return tables[0].compare_keys(tables[a.first].key(a.second), tables[b.first].key(b.second)) < 0;
    });
    return idx;
  }

  void encode_key(const Value* kv, std::string& key) {
    key.clear();
    for (size_t k = 0; k < spec.keys.size(); ++k) encode_ordered(key, kv[k], spec.keys[k].column.type);
  }

  void encode_group(Ref ref, std::string& key, ByteWriter& state) {
    const GroupTable& table = tables[ref.first];
    std::vector<Value> kv(spec.keys.size());
    table.key_values(ref.second, kv.data());
    encode_key(kv.data(), key);
    state.out.clear();
    const Cell* cells = table.cells(ref.second);
    for (size_t v = 0; v < spec.values.size(); ++v) write_cell(spec.values[v], cells[v], table.store(), state);
  }

  /// Writes the table as a run sorted by key and empties it.
  void spill() {
    drain_staged();
    if (groups() == 0) return;
    FrameWriter w(limits.tmpdir);
    std::string key;
    ByteWriter state;
    for (Ref g : sorted_groups()) {
      encode_group(g, key, state);
      w.add(key, state.out);
    }
    runs.push_back(w.finish());
    for (auto& t : tables) t.clear();
    ++spills;
    if (runs.size() >= 4 * kFanIn) merge_down();  // a descriptor per run: keep them few
  }

  /// Key values from their encode_ordered() bytes (read from `name`, for messages).
  void decode_key(std::string_view key, Value* kv, Arena& arena, const std::string& name) {
    ByteReader r{key, &name};
    for (size_t k = 0; k < spec.keys.size(); ++k) kv[k] = decode_ordered(r, spec.keys[k].column.type, arena);
    if (!r.in.empty()) r.bad();
  }

  /// The in-memory key (in keybuf) of key values: what add() builds from a record.
  const uint8_t* key_of(const Value* kv) {
    uint8_t* kb = keybuf.data();
    std::memset(kb, 0, key_width());
    for (size_t k = 0; k < spec.keys.size(); ++k) put_key(k, kv[k], spec.keys[k].column.type, kb + key_offset(k));
    return kb;
  }

  void merge_states(Acc& acc, const std::vector<std::string>& states) {
    static const std::string name = "spill file";
    acc.reset(spec);
    for (const auto& s : states) {
      ByteReader r{s, &name};
      for (size_t v = 0; v < spec.values.size(); ++v) merge_cell(spec.values[v], acc.cells[v], acc.store, r);
      if (!r.in.empty()) r.bad();
    }
  }

  std::vector<std::unique_ptr<InputStream>> open_runs(std::vector<int> fds) {
    std::vector<std::unique_ptr<InputStream>> in;
    for (int fd : fds) in.push_back(open_run(fd));
    return in;
  }

  /// Merges runs (combining equal keys) until at most kFanIn are left.
  void merge_down() {
    while (runs.size() > kFanIn) {
      std::vector<int> batch(runs.begin(), runs.begin() + kFanIn);
      runs.erase(runs.begin(), runs.begin() + kFanIn);
      Merger m(open_runs(batch));
      FrameWriter w(limits.tmpdir);
      Acc acc;
      std::string key;
      std::vector<std::string> states;
      ByteWriter out;
      while (m.next(key, states)) {
        merge_states(acc, states);
        out.out.clear();
        for (size_t v = 0; v < spec.values.size(); ++v) write_cell(spec.values[v], acc.cells[v], acc.store, out);
        w.add(key, out.out);
      }
      runs.push_back(w.finish());
    }
  }

  /// Every group in key order, through the runs: f(key bytes, combined cells).
  template <class F>
  void each_merged(F&& f) {
    spill();
    merge_down();
    std::vector<int> fds;
    fds.swap(runs);
    Merger m(open_runs(fds));
    Acc acc;
    std::string key;
    std::vector<std::string> states;
    while (m.next(key, states)) {
      merge_states(acc, states);
      f(key, acc);
    }
  }
};

// ---- the public face ----

Aggregator::Aggregator(AggSpec spec, AggLimits limits)
    : spec_(std::make_shared<const AggSpec>(std::move(spec))), impl_(std::make_unique<Impl>(*spec_, std::move(limits))) {}
Aggregator::~Aggregator() = default;
Aggregator::Aggregator(Aggregator&&) noexcept = default;
Aggregator& Aggregator::operator=(Aggregator&&) noexcept = default;

void Aggregator::add(const Record& r, const std::string& file) { impl_->add(r, file); }
uint64_t Aggregator::groups() const {
  impl_->drain();
  return impl_->groups();
}
void Aggregator::flush() { impl_->drain(); }
uint64_t Aggregator::spills() const { return impl_->spills; }
uint64_t Aggregator::records() const { return impl_->records; }

namespace {

/// Reads the header of a partial file: the -k/-a/--bidir it was made with.
AggSpec read_header(InputStream& in) {
  std::vector<std::string> keys, values;
  bool bidir = false;
  auto line = [&in]() -> std::string {
    for (;;) {
      auto v = in.view();
      if (auto nl = v.find('\n'); nl != std::string_view::npos) {
        std::string s(v.substr(0, nl));
        in.consume(nl + 1);
        return s;
      }
      if (v.size() > 65536 || !in.fill()) throw DataError(in.name() + ": not a flowagg --partial file (bad header)");
    }
  };
  if (line() + "\n" != kMagic) throw DataError(in.name() + ": not a flowagg --partial file");
  for (;;) {
    std::string l = line();
    if (l == ".") break;
    if (l.starts_with("k ")) keys.push_back(l.substr(2));
    else if (l.starts_with("v ")) values.push_back(l.substr(2));
    else if (l == "b") bidir = true;
    else throw DataError(in.name() + ": not a flowagg --partial file (bad header)");
  }
  try {
    return AggSpec::parse(keys, values, bidir);
  } catch (const UsageError& e) {
    throw DataError(fmt::format("{}: bad header: {}", in.name(), e.what()));
  }
}

}  // namespace

AggSpec Aggregator::partial_spec(const std::string& path) { return open_partial(path).spec; }

Aggregator::PartialInput Aggregator::open_partial(const std::string& path) {
  auto in = open_input(path);
  AggSpec spec = read_header(*in);
  return PartialInput{std::move(spec), std::move(in)};
}

void Aggregator::add_partial(const std::string& path) { add_partial(open_partial(path)); }

void Aggregator::add_partial(PartialInput p) {
  const std::string path = p.in->name();
  auto check = [&](const AggSpec& theirs) {
    if (theirs.canonical() != spec_->canonical())
      throw UsageError(fmt::format("{}: made with {}, not {}: only states of the same keys and values merge", path,
                                   theirs.describe(), spec_->describe()));
  };
  check(p.spec);
  Impl& m = *impl_;
  m.drain();  // a spill below empties the interners that staged keys refer to
  FrameReader fr(std::move(p.in));
  Arena arena;
  std::vector<Value> kv(spec_->keys.size());
  for (;;) {
    while (fr.next()) {
      arena.clear();
      m.decode_key(fr.key(), kv.data(), arena, path);
      const uint8_t* kb = m.key_of(kv.data());
      uint64_t hash = GroupTable::hash_of(kb, m.key_width());
      GroupTable& table = m.part(hash);
      uint32_t g = table.find_or_add(kb, hash);
      ByteReader sr{fr.state(), &path};
      Cell* cells = table.cells(g);
      for (size_t v = 0; v < spec_->values.size(); ++v) merge_cell(spec_->values[v], cells[v], table.store(), sr);
      if (!sr.in.empty()) sr.bad();
      if (m.memory() > m.limits.memory) m.spill();
    }
    // Partial files concatenated (cat *.part | flowagg --merge): the next one's header follows.
    InputStream& in = fr.stream();
    if (in.size() == 0 && !in.fill()) break;
    check(read_header(in));
    fr.restart();
  }
}

void Aggregator::absorb(Aggregator& other) {
  flush();
  other.flush();
  for (uint32_t p = 0; p < impl_->tables.size(); ++p) absorb(other, p, true);
  absorb_rest(other);
}

void Aggregator::absorb(Aggregator& other, uint32_t p, bool may_spill) {
  Impl &m = *impl_, &o = *other.impl_;
  const size_t nk = spec_->keys.size(), nv = spec_->values.size();
  const bool same_layout = m.tables.size() > 1;  // no strings: key bytes mean the same in both
  if (o.tables.size() != m.tables.size()) throw std::logic_error("absorb: partition counts differ");
  GroupTable& from_table = o.tables[p];
  // The smaller table goes into the bigger: a partition another lane owned (agg/lanes.hpp)
  // holds most of its groups, and moves whole.
  if (same_layout && m.tables[p].size() < from_table.size()) m.tables[p].swap(from_table);
  std::vector<Value> kv(nk);
  ByteWriter w;
  static const std::string name = "aggregator";
  GroupTable& table = m.tables[p];
  // Same layout: the keys are hashed kAhead groups ahead and their slots fetched, so that the
  // cache misses of a big table overlap.
  constexpr uint32_t kAhead = 16;
  std::array<uint64_t, kAhead> ahead{};
  const size_t width = m.key_width();
  auto fetch = [&](uint32_t g) {
    if (!same_layout || g >= from_table.size()) return;
    ahead[g % kAhead] = GroupTable::hash_of(from_table.key(g), width);
    table.prefetch(ahead[g % kAhead]);
  };
  for (uint32_t g = 0; g < kAhead; ++g) fetch(g);
  for (uint32_t g = 0; g < from_table.size(); ++g) {
    const uint8_t* kb = from_table.key(g);
    uint64_t hash;
    if (same_layout) {
      hash = ahead[g % kAhead];
      fetch(g + kAhead);
    } else {
      from_table.key_values(g, kv.data());
      kb = m.key_of(kv.data());
      hash = GroupTable::hash_of(kb, m.key_width());
    }
    uint32_t before = table.size();
    Cell* into = table.cells(table.find_or_add(kb, hash));
    const Cell* from = from_table.cells(g);
    for (size_t v = 0; v < nv; ++v) {
      if (!has_sketch(spec_->values[v].kind)) {
        combine_cell(spec_->values[v], into[v], from[v]);
        continue;
      }
      w.out.clear();
      write_cell(spec_->values[v], from[v], from_table.store(), w);
      ByteReader r{w.out, &name};
      merge_cell(spec_->values[v], into[v], table.store(), r);
    }
    if (may_spill && (table.size() != before || (g & 255) == 0) && m.memory() > m.limits.memory) m.spill();
  }
  from_table.clear();
}

void Aggregator::absorb_rest(Aggregator& other) {
  Impl &m = *impl_, &o = *other.impl_;
  m.runs.insert(m.runs.end(), o.runs.begin(), o.runs.end());
  o.runs.clear();
  m.records += o.records;
  m.spills += o.spills;
  if (m.memory() > m.limits.memory) m.spill();
}

uint32_t Aggregator::partitions() const { return static_cast<uint32_t>(impl_->tables.size()); }

std::shared_ptr<AggLanes> Aggregator::make_lanes(unsigned n) { return std::make_shared<AggLanes>(n); }
void Aggregator::join_lanes(std::shared_ptr<AggLanes> lanes, unsigned lane) { impl_->join_lanes(std::move(lanes), lane); }
void Aggregator::leave_lanes() { impl_->leave_lanes(); }

void Aggregator::write_partial(Output& out) {
  Impl& m = *impl_;
  m.drain();
  std::string header(kMagic);
  for (const auto& k : spec_->keys) header += "k " + k.text + "\n";
  for (const auto& v : spec_->values) header += "v " + v.text + "\n";
  if (spec_->bidir) header += "b\n";
  header += ".\n";
  out.write(header);
  FrameWriter w(&out);
  ByteWriter state;
  if (m.runs.empty()) {
    std::string key;
    for (auto g : m.sorted_groups()) {
      m.encode_group(g, key, state);
      w.add(key, state.out);
    }
  } else {
    m.each_merged([&](const std::string& key, Acc& acc) {
      state.out.clear();
      for (size_t v = 0; v < spec_->values.size(); ++v) write_cell(spec_->values[v], acc.cells[v], acc.store, state);
      w.add(key, state.out);
    });
  }
  w.finish();
}

void Aggregator::finish(const AggOrder& order, const std::function<bool(const Record&)>& keep,
                        const std::function<void(const Record&)>& emit) {
  Impl& m = *impl_;
  m.drain();
  const size_t nk = spec_->keys.size(), nv = spec_->values.size();
  Record rec;
  rec.reset(m.out_schema);
  std::optional<ValueSorter> sorter;
  if (order.by == AggOrder::Value) sorter.emplace(*spec_, order, m.limits);
  uint64_t emitted = 0;
  // No keys: one group of everything, also of nothing (count 0), as SQL's aggregates without
  // GROUP BY.
  if (nk == 0 && m.groups() == 0 && m.runs.empty()) {
    m.tables[0].find_or_add(m.key_of(nullptr));
  }
  // Returns false once --top groups are out (key or first-seen order).
  auto take = [&]() {
    if (keep && !keep(rec)) return true;
    if (sorter) {
      sorter->add(rec);
      return true;
    }
    emit(rec);
    return !(order.top && ++emitted >= order.top);
  };
  if (m.runs.empty()) {
    for (auto [p, g] : order.by == AggOrder::Keys ? m.sorted_groups() : m.all_groups()) {
      const GroupTable& table = m.tables[p];
      table.key_values(g, rec.values.data());
      const Cell* cells = table.cells(g);
      for (size_t v = 0; v < nv; ++v) rec.values[nk + v] = final_value(spec_->values[v], cells[v], table.store());
      if (!take()) break;
    }
  } else {
    bool more = true;
    m.each_merged([&](const std::string& key, Acc& acc) {
      if (!more) return;
      rec.arena.clear();
      m.decode_key(key, rec.values.data(), rec.arena, "spill file");
      for (size_t v = 0; v < nv; ++v) rec.values[nk + v] = final_value(spec_->values[v], acc.cells[v], acc.store);
      more = take();
    });
  }
  if (sorter) sorter->emit(emit);
}

}  // namespace flow
