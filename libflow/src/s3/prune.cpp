// A listing cut to a time window: in AWS's key layouts only the folders of the days (and hours)
// in the window are listed, and objects are kept by the time in their names.
#include <fmt/format.h>

#include <algorithm>

#include "flow/s3.hpp"
#include "flow/time.hpp"

namespace flow::s3 {
namespace {

constexpr size_t kDateLevel = 3;    // components after AWSLogs/ before the year
constexpr int64_t kMaxDays = 3700;  // more days than this in a window: walk the folders instead

int64_t sat_add(int64_t a, int64_t b) {
  if (b > 0 && a > INT64_MAX - b) return INT64_MAX;
  if (b < 0 && a < INT64_MIN - b) return INT64_MIN;
  return a + b;
}

/// The window widened by the slack: names' times in [lo, hi) are kept.
struct Span {
  int64_t lo, hi;
  explicit Span(const Window& w) : lo(sat_add(w.since, -kSlackBefore)), hi(sat_add(w.until, kSlackAfter)) {}
  bool overlaps(int64_t a, int64_t b) const { return a < hi && b > lo; }
  bool covers(int64_t a, int64_t b) const { return lo <= a && b <= hi; }
};

/// Where a prefix stands in AWS's layouts: the complete folder names after its last AWSLogs/.
struct Position {
  bool found = false;
  std::vector<std::string_view> parts;
  bool hive() const { return !parts.empty() && parts[0].starts_with("aws-account-id="); }
};

Position locate(std::string_view prefix) {
  Position pos;
  size_t at = std::string_view::npos;
  for (size_t i = prefix.find("AWSLogs/"); i != std::string_view::npos; i = prefix.find("AWSLogs/", i + 1))
    if (i == 0 || prefix[i - 1] == '/') at = i;
  if (at == std::string_view::npos) return pos;
  pos.found = true;
  std::string_view rest = prefix.substr(at + 8);
  for (size_t slash; (slash = rest.find('/')) != std::string_view::npos; rest.remove_prefix(slash + 1))
    pos.parts.push_back(rest.substr(0, slash));
  return pos;
}

/// The number in a date folder ("2024", "06"; Hive's "year=2024"), or -1.
int date_part(std::string_view part, size_t level, bool hive) {
  static const char* const kHive[] = {"year=", "month=", "day=", "hour="};
  if (hive) {
    if (!part.starts_with(kHive[level - kDateLevel])) return -1;
    part.remove_prefix(std::string_view(kHive[level - kDateLevel]).size());
  }
  const size_t digits = level == kDateLevel ? 4 : 2;
  if (part.size() != digits || part.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  int v = 0;
  for (char c : part) v = v * 10 + (c - '0');
  return v;
}

/// The times [a, b) a date folder (year, month, day or hour: parts[kDateLevel..]) covers; false
/// when a part is not a date.
bool folder_range(const std::vector<std::string_view>& parts, bool hive, int64_t& a, int64_t& b) {
  int v[4] = {0, 1, 1, 0};
  const size_t n = parts.size() - kDateLevel;
  for (size_t i = 0; i < n; ++i)
    if ((v[i] = date_part(parts[kDateLevel + i], kDateLevel + i, hive)) < 0) return false;
  if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23) return false;
  auto at = [](int y, int m, int d, int h) {
    int64_t t = 0;
    parse_iso_time(fmt::format("{:04}-{:02}-{:02}T{:02}:00:00Z", y, m, d, h), t);
    return t;
  };
  a = at(v[0], v[1], v[2], v[3]);
  switch (n) {
    case 1: b = at(v[0] + 1, 1, 1, 0); break;
    case 2: b = v[1] == 12 ? at(v[0] + 1, 1, 1, 0) : at(v[0], v[1] + 1, 1, 0); break;
    case 3: b = a + 86400; break;
    default: b = a + 3600; break;
  }
  return true;
}

class Walk {
 public:
  Walk(const Window& w, const Lister& list) : w_(w), span_(w), list_(list) {}

  void prefix(const std::string& p) {
    if (!p.empty() && p.back() != '/') return flat(p);
    Position pos = locate(p);
    if (!pos.found) {
      // Above the layout: one level down, to find an AWSLogs/ folder; the rest is listed whole.
      for (const auto& q : delimited(p)) (q.ends_with("/AWSLogs/") || q == "AWSLogs/") ? prefix(q) : flat(q);
      return;
    }
    const size_t n = pos.parts.size();
    if (n < kDateLevel) {  // accounts, services, Regions: one level at a time
      for (const auto& q : delimited(p)) prefix(q);
      return;
    }
    int64_t a = 0, b = 0;
    if (n == kDateLevel) {
      a = INT64_MIN;
      b = INT64_MAX;
    } else if (!folder_range(pos.parts, pos.hive(), a, b)) {
      return flat(p);  // not a date folder: not pruned
    }
    if (!span_.overlaps(a, b)) return;
    if (n == kDateLevel && span_.lo != INT64_MIN && span_.hi != INT64_MAX && (span_.hi - span_.lo) / 86400 < kMaxDays) {
      for (int64_t day = floor_day(span_.lo); day < span_.hi; day += 86400) {
        const std::string d = format_time(day);  // 2024-06-03T00:00:00Z
        prefix(pos.hive() ? fmt::format("{}year={}/month={}/day={}/", p, d.substr(0, 4), d.substr(5, 2), d.substr(8, 2))
                          : fmt::format("{}{}/{}/{}/", p, d.substr(0, 4), d.substr(5, 2), d.substr(8, 2)));
      }
      return;
    }
    if (n > kDateLevel + 3 || span_.covers(a, b)) return flat(p);  // an hour, or wholly in the window
    for (const auto& q : delimited(p)) prefix(q);
  }

  std::vector<ObjectInfo> take() {
    std::sort(out_.begin(), out_.end(), [](const auto& x, const auto& y) { return x.key < y.key; });
    out_.erase(std::unique(out_.begin(), out_.end(), [](const auto& x, const auto& y) { return x.key == y.key; }),
               out_.end());
    return std::move(out_);
  }

 private:
  static int64_t floor_day(int64_t t) { return t >= 0 ? t / 86400 * 86400 : (t - 86399) / 86400 * 86400; }

  void keep(std::vector<ObjectInfo>& objects) {
    for (auto& o : objects)
      if (keep_object(o.key, w_)) out_.push_back(std::move(o));
  }
  void flat(const std::string& p) {
    std::vector<ObjectInfo> objects;
    std::vector<std::string> prefixes;
    list_(p, false, objects, prefixes);
    keep(objects);
  }
  /// Lists one level of `p`: its objects are kept, its folders returned.
  std::vector<std::string> delimited(const std::string& p) {
    std::vector<ObjectInfo> objects;
    std::vector<std::string> prefixes;
    list_(p, true, objects, prefixes);
    keep(objects);
    return prefixes;
  }

  Window w_;
  Span span_;
  const Lister& list_;
  std::vector<ObjectInfo> out_;
};

}  // namespace

int64_t name_time(std::string_view key) {
  std::string_view name = key.substr(key.rfind('/') + 1);  // npos + 1 = 0
  auto digits = [&](size_t at, size_t n) {
    for (size_t i = at; i < at + n; ++i)
      if (name[i] < '0' || name[i] > '9') return false;
    return true;
  };
  for (size_t i = 0; i + 15 <= name.size(); ++i) {
    if (name[i] != '_' || !digits(i + 1, 8) || name[i + 9] != 'T' || !digits(i + 10, 4) || name[i + 14] != 'Z')
      continue;
    if (i + 15 < name.size() && name[i + 15] != '_' && name[i + 15] != '.') continue;
    const std::string_view t = name.substr(i + 1, 14);
    int64_t s = 0;
    if (parse_iso_time(fmt::format("{}-{}-{}T{}:{}:00Z", t.substr(0, 4), t.substr(4, 2), t.substr(6, 2), t.substr(9, 2),
                                   t.substr(11, 2)),
                       s))
      return s;
  }
  return INT64_MIN;
}

bool keep_object(std::string_view key, const Window& w) {
  if (!w.active()) return true;
  const int64_t t = name_time(key);
  if (t == INT64_MIN) return true;
  const Span s(w);
  return t >= s.lo && t < s.hi;
}

std::vector<ObjectInfo> pruned_listing(const std::string& prefix, const Window& w, const Lister& list) {
  Walk walk(w, list);
  if (w.active()) {
    walk.prefix(prefix);
  } else {
    std::vector<ObjectInfo> objects;
    std::vector<std::string> prefixes;
    list(prefix, false, objects, prefixes);
    return objects;
  }
  return walk.take();
}

}  // namespace flow::s3
