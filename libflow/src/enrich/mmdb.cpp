// MaxMind DB lookups (GeoIP2/GeoLite2 ASN, Country, City) through libmaxminddb.
#include <arpa/inet.h>
#include <fmt/format.h>
#include <maxminddb.h>
#include <netinet/in.h>

#include <cstring>
#include <string>

#include "enrich/lookup.hpp"
#include "flow/error.hpp"

namespace flow::enrich {
namespace {

/// What a database holds, told by its metadata's database_type ("GeoLite2-ASN",
/// "GeoIP2-Country", "GeoIP2-City", and their test and vendor variants).
enum class DbKind { Asn, Country, City };

class Mmdb : public Lookup {
 public:
  Mmdb(const std::string& file, std::string_view field) : file_(file) {
    int status = MMDB_open(file.c_str(), MMDB_MODE_MMAP, &db_);
    if (status != MMDB_SUCCESS)
      throw DataError(file, 0, "", fmt::format("cannot open MaxMind DB: {}", MMDB_strerror(status)));
    std::string type = db_.metadata.database_type ? db_.metadata.database_type : "";
    if (type.find("ASN") != std::string::npos) {
      kind_ = DbKind::Asn;
    } else if (type.find("City") != std::string::npos) {
      kind_ = DbKind::City;
    } else if (type.find("Country") != std::string::npos) {
      kind_ = DbKind::Country;
    } else {
      MMDB_close(&db_);
      throw DataError(file, 0, "",
                      fmt::format("MaxMind DB of type '{}': only ASN, Country and City databases are read", type));
    }
    auto pfx = column_prefix(field);
    if (kind_ == DbKind::Asn) {
      columns_.push_back(Column{pfx + "asn", Type::UInt, std::nullopt});
      columns_.push_back(Column{pfx + "as-org", Type::String, std::nullopt});
    } else {
      columns_.push_back(Column{pfx + "country", Type::String, std::nullopt});
      if (kind_ == DbKind::City) columns_.push_back(Column{pfx + "city", Type::String, std::nullopt});
    }
  }
  ~Mmdb() override { MMDB_close(&db_); }

  bool by_address() const override { return true; }

  const Value* find_ip(const Ip& ip) override {
    sockaddr_storage ss{};
    if (ip.v6) {
      auto* a = reinterpret_cast<sockaddr_in6*>(&ss);
      a->sin6_family = AF_INET6;
      std::memcpy(&a->sin6_addr, ip.bytes.data(), 16);
    } else {
      auto* a = reinterpret_cast<sockaddr_in*>(&ss);
      a->sin_family = AF_INET;
      std::memcpy(&a->sin_addr, ip.bytes.data(), 4);
    }
    int err = MMDB_SUCCESS;
    MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&db_, reinterpret_cast<const sockaddr*>(&ss), &err);
    // An IPv6 address in an IPv4-only database is simply not there.
    if (err == MMDB_IPV6_LOOKUP_IN_IPV4_DATABASE_ERROR) return nullptr;
    if (err != MMDB_SUCCESS) throw DataError(file_, 0, "", fmt::format("MaxMind DB lookup: {}", MMDB_strerror(err)));
    if (!res.found_entry) return nullptr;
    for (auto& v : out_) v.set_null();
    bool any = false;
    if (kind_ == DbKind::Asn) {
      static const char* const asn[] = {"autonomous_system_number", nullptr};
      static const char* const org[] = {"autonomous_system_organization", nullptr};
      any |= get(res.entry, asn, out_[0]);
      any |= get(res.entry, org, out_[1]);
    } else {
      static const char* const country[] = {"country", "iso_code", nullptr};
      static const char* const city[] = {"city", "names", "en", nullptr};
      any |= get(res.entry, country, out_[0]);
      if (kind_ == DbKind::City) any |= get(res.entry, city, out_[1]);
    }
    return any ? out_ : nullptr;
  }

 private:
  /// One value at `path`: strings point into the mapped file, numbers as UInt. False when the
  /// entry has nothing there.
  bool get(MMDB_entry_s entry, const char* const* path, Value& v) {
    MMDB_entry_data_s data{};
    int status = MMDB_aget_value(&entry, &data, path);
    if (status == MMDB_LOOKUP_PATH_DOES_NOT_MATCH_DATA_ERROR || (status == MMDB_SUCCESS && !data.has_data))
      return false;
    if (status != MMDB_SUCCESS)
      throw DataError(file_, 0, "", fmt::format("MaxMind DB data: {}", MMDB_strerror(status)));
    switch (data.type) {
      case MMDB_DATA_TYPE_UTF8_STRING:
        if (data.data_size == 0) return false;
        v.set_str(std::string_view(data.utf8_string, data.data_size));
        return true;
      case MMDB_DATA_TYPE_UINT16: v.set_uint(data.uint16); return true;
      case MMDB_DATA_TYPE_UINT32: v.set_uint(data.uint32); return true;
      case MMDB_DATA_TYPE_UINT64: v.set_uint(data.uint64); return true;
      default: return false;  // a type this column does not hold: left null
    }
  }

  std::string file_;
  MMDB_s db_{};
  DbKind kind_ = DbKind::Country;
  Value out_[2];
};

}  // namespace

std::unique_ptr<Lookup> open_mmdb(const std::string& file, std::string_view field) {
  return std::make_unique<Mmdb>(file, field);
}

}  // namespace flow::enrich
