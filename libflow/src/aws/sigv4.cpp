// Signature Version 4 (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html),
// with OpenSSL's libcrypto for SHA-256 and HMAC.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <ctime>
#include <stdexcept>

#include <fmt/format.h>

#include "aws/config.hpp"

namespace flow::aws {

namespace {

std::string hex(const unsigned char* p, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = digits[p[i] >> 4];
    out[2 * i + 1] = digits[p[i] & 15];
  }
  return out;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

// A header value as SigV4 signs it: trimmed, every run of white space one space.
std::string collapse(std::string_view v) {
  std::string out;
  bool gap = false;
  for (char c : v) {
    if (is_space(c)) {
      gap = !out.empty();
      continue;
    }
    if (gap) out += ' ';
    gap = false;
    out += c;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// %XX decoded; a '%' not followed by two hex digits is kept as it is.
std::string uri_decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    int hi = 0, lo = 0;
    if (s[i] == '%' && i + 2 < s.size() && (hi = hex_value(s[i + 1])) >= 0 && (lo = hex_value(s[i + 2])) >= 0) {
      out += static_cast<char>(hi * 16 + lo);
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The canonical URI. S3 signs the path once encoded (whatever encoding the request used:
// the server decodes the key and encodes it again); the other services sign the path as sent,
// with "." and ".." segments and empty segments removed, encoded once more.
std::string canonical_uri(const std::string& path, const std::string& service) {
  if (service == "s3") return uri_encode(uri_decode(path), false);
  std::vector<std::string_view> segs;
  std::string_view p(path);
  for (size_t pos = 0; pos <= p.size();) {
    auto slash = p.find('/', pos);
    if (slash == std::string_view::npos) slash = p.size();
    auto seg = p.substr(pos, slash - pos);
    if (seg == "..") {
      if (!segs.empty()) segs.pop_back();
    } else if (!seg.empty() && seg != ".") {
      segs.push_back(seg);
    }
    pos = slash + 1;
  }
  std::string out;
  for (auto seg : segs) out += "/" + uri_encode(seg, true);
  bool trailing = p.size() > 1 && p.back() == '/' && !segs.empty();
  if (out.empty() || trailing) out += '/';
  return out;
}

std::string amz_date(int64_t now) {
  std::time_t t = static_cast<std::time_t>(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// The headers as signed and sent: the request's, without any signature of an earlier attempt,
// and those SigV4 adds.
std::vector<std::pair<std::string, std::string>> final_headers(const Request& r, const Credentials& c,
                                                               const std::string& service, const std::string& date,
                                                               const std::string& payload) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : r.headers) {
    auto n = ascii_lower(name);
    if (n == "authorization" || n == "x-amz-date" || n == "x-amz-security-token") continue;
    if (n == "x-amz-content-sha256" && service == "s3") continue;
    out.emplace_back(name, value);
  }
  out.emplace_back("x-amz-date", date);
  if (service == "s3") out.emplace_back("x-amz-content-sha256", payload);
  if (!c.session_token.empty()) out.emplace_back("x-amz-security-token", c.session_token);
  return out;
}

SigningSteps steps(const Request& r, const std::vector<std::pair<std::string, std::string>>& headers,
                   const Credentials& c, const std::string& region, const std::string& service, const std::string& date,
                   const std::string& payload) {
  std::vector<std::pair<std::string, std::string>> query;
  for (const auto& [k, v] : r.query) query.emplace_back(uri_encode(k), uri_encode(v));
  std::sort(query.begin(), query.end());
  std::string canonical_query;
  for (const auto& [k, v] : query) canonical_query += (canonical_query.empty() ? "" : "&") + k + "=" + v;

  // Names lower-cased and sorted; the values of a name repeated are joined by ',' in order.
  std::vector<std::pair<std::string, std::string>> named;
  for (const auto& [k, v] : headers) named.emplace_back(ascii_lower(k), collapse(v));
  std::stable_sort(named.begin(), named.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string canonical_headers, signed_headers;
  for (size_t i = 0; i < named.size(); ++i) {
    if (i > 0 && named[i].first == named[i - 1].first) {
      canonical_headers.back() = ',';
    } else {
      canonical_headers += named[i].first + ":";
      signed_headers += (signed_headers.empty() ? "" : ";") + named[i].first;
    }
    canonical_headers += named[i].second + "\n";
  }

  SigningSteps s;
  s.canonical_request = fmt::format("{}\n{}\n{}\n{}\n{}\n{}", r.method, canonical_uri(r.path, service), canonical_query,
                                    canonical_headers, signed_headers, payload);
  auto day = date.substr(0, 8);
  auto scope = fmt::format("{}/{}/{}/aws4_request", day, region, service);
  s.string_to_sign = fmt::format("AWS4-HMAC-SHA256\n{}\n{}\n{}", date, scope, sha256_hex(s.canonical_request));
  auto key = hmac_sha256("AWS4" + c.secret_access_key, day);
  key = hmac_sha256(key, region);
  key = hmac_sha256(key, service);
  key = hmac_sha256(key, "aws4_request");
  auto sig = hmac_sha256(key, s.string_to_sign);
  s.signature = hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
  s.authorization = fmt::format("AWS4-HMAC-SHA256 Credential={}/{}, SignedHeaders={}, Signature={}", c.access_key_id,
                                scope, signed_headers, s.signature);
  return s;
}

std::string payload_hash(const Request& r) { return r.payload_sha256.empty() ? sha256_hex("") : r.payload_sha256; }

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!EVP_Digest(data.data(), data.size(), md, &n, EVP_sha256(), nullptr))
    throw std::runtime_error("OpenSSL: SHA-256 failed");
  return hex(md, n);
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
            data.size(), md, &n))
    throw std::runtime_error("OpenSSL: HMAC-SHA256 failed");
  return std::string(reinterpret_cast<const char*>(md), n);
}

std::string uri_encode(std::string_view s, bool encode_slash) {
  static const char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    auto c = static_cast<unsigned char>(ch);
    bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                      c == '_' || c == '.' || c == '~';
    if (unreserved || (c == '/' && !encode_slash)) {
      out += ch;
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

SigningSteps signing_steps(const Request& r, const Credentials& c, const std::string& region,
                           const std::string& service, int64_t now) {
  if (c.anonymous()) return {};
  auto date = amz_date(now);
  auto payload = payload_hash(r);
  return steps(r, final_headers(r, c, service, date, payload), c, region, service, date, payload);
}

void sign_v4(Request& r, const Credentials& c, const std::string& region, const std::string& service, int64_t now) {
  if (c.anonymous()) return;
  auto date = amz_date(now);
  auto payload = payload_hash(r);
  auto headers = final_headers(r, c, service, date, payload);
  auto s = steps(r, headers, c, region, service, date, payload);
  headers.emplace_back("Authorization", s.authorization);
  r.headers = std::move(headers);
}

}  // namespace flow::aws
