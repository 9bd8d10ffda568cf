// Signature Version 4 against AWS's published test suite (tests/data/sigv4, see SOURCES there):
// the canonical request, the string to sign and the Authorization header must equal theirs.
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "flow/aws.hpp"

namespace aws = flow::aws;

namespace {

std::string read(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The string value of "key" in the suite's context.json ("" when absent).
std::string json_string(const std::string& json, const std::string& key) {
  auto k = json.find("\"" + key + "\": \"");
  if (k == std::string::npos) return "";
  auto b = k + key.size() + 5;
  return json.substr(b, json.find('"', b) - b);
}

std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// request.txt: "METHOD PATH?QUERY HTTP/1.1", header lines (a line starting with white space
// continues the one before), an empty line, the body.
aws::Request parse_request(const std::string& text, std::string& body) {
  aws::Request r;
  std::istringstream in(text);
  std::string line;
  std::getline(in, line);
  auto sp = line.find(' ');
  r.method = line.substr(0, sp);
  auto target = line.substr(sp + 1, line.rfind(" HTTP/") - sp - 1);
  auto q = target.find('?');
  r.path = target.substr(0, q);
  if (q != std::string::npos) {
    std::string_view qs = std::string_view(target).substr(q + 1);
    while (!qs.empty()) {
      auto amp = qs.find('&');
      auto pair = qs.substr(0, amp);
      auto eq = pair.find('=');
      r.query.emplace_back(decode(pair.substr(0, eq)), eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
      qs = amp == std::string_view::npos ? "" : qs.substr(amp + 1);
    }
  }
  while (std::getline(in, line) && !line.empty()) {
    if (line[0] == ' ' || line[0] == '\t') {
      r.headers.back().second += "\n" + line;
    } else {
      auto colon = line.find(':');
      r.headers.emplace_back(line.substr(0, colon), line.substr(colon + 1));
    }
  }
  std::stringstream rest;
  rest << in.rdbuf();
  body = rest.str();
  return r;
}

std::string authorization_of(const std::string& signed_request) {
  auto a = signed_request.find("\nAuthorization:");
  if (a == std::string::npos) return "";
  a += 15;
  return signed_request.substr(a, signed_request.find('\n', a) - a);
}

}  // namespace

TEST_CASE("SigV4: AWS's test suite, header signing") {
  const int64_t when = 1440938160;  // 2015-08-30T12:36:00Z, the suite's time
  int cases = 0;
  for (const auto& dir : std::filesystem::directory_iterator(std::string(FLOW_TEST_DATA) + "/sigv4")) {
    if (!dir.is_directory()) continue;
    auto name = dir.path().filename().string();
    INFO(name);
    auto context = read(dir.path() / "context.json");
    aws::Credentials c{json_string(context, "access_key_id"), json_string(context, "secret_access_key"),
                       json_string(context, "token"), "test", 0};
    std::string body;
    auto r = parse_request(read(dir.path() / "request.txt"), body);
    r.payload_sha256 = aws::sha256_hex(body);
    // "sign_body": the suite's signers then send (and sign) the payload's hash as a header.
    if (context.find("\"sign_body\": true") != std::string::npos)
      r.headers.emplace_back("x-amz-content-sha256", r.payload_sha256);
    auto s = aws::signing_steps(r, c, json_string(context, "region"), json_string(context, "service"), when);
    CHECK(s.canonical_request == read(dir.path() / "header-canonical-request.txt"));
    CHECK(s.string_to_sign == read(dir.path() / "header-string-to-sign.txt"));
    CHECK(s.authorization == authorization_of(read(dir.path() / "header-signed-request.txt")));

    // sign_v4 adds the same Authorization, and the date and token it signed.
    aws::sign_v4(r, c, "us-east-1", "service", when);
    auto has = [&](const std::string& n, const std::string& v) {
      return std::find(r.headers.begin(), r.headers.end(), std::pair{n, v}) != r.headers.end();
    };
    CHECK(has("Authorization", s.authorization));
    CHECK(has("x-amz-date", "20150830T123600Z"));
    CHECK(has("x-amz-security-token", c.session_token) == !c.session_token.empty());
    ++cases;
  }
  CHECK(cases == 30);
}

TEST_CASE("SigV4: S3 signs the payload hash and re-signing replaces the old signature") {
  aws::Credentials c{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "test", 0};
  aws::Request r;
  r.path = "/my%20key/a+b";
  r.headers = {{"Host", "bucket.s3.amazonaws.com"}, {"Range", "bytes=0-9"}};
  r.payload_sha256 = "UNSIGNED-PAYLOAD";
  aws::sign_v4(r, c, "eu-west-1", "s3", 1440938160);
  auto first = r.headers;
  aws::sign_v4(r, c, "eu-west-1", "s3", 1440938160);
  CHECK(r.headers == first);  // nothing doubled
  auto s = aws::signing_steps(r, c, "eu-west-1", "s3", 1440938160);
  CHECK(s.canonical_request ==
        "GET\n/my%20key/a%2Bb\n\nhost:bucket.s3.amazonaws.com\nrange:bytes=0-9\n"
        "x-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:20150830T123600Z\n\n"
        "host;range;x-amz-content-sha256;x-amz-date\nUNSIGNED-PAYLOAD");
  aws::Request anonymous;
  aws::sign_v4(anonymous, aws::Credentials{}, "eu-west-1", "s3", 0);
  CHECK(anonymous.headers.empty());
}

TEST_CASE("SigV4: encoding and hashes") {
  CHECK(aws::uri_encode("a b/c~d_e.f-g+h%") == "a%20b%2Fc~d_e.f-g%2Bh%25");
  CHECK(aws::uri_encode("a b/c", false) == "a%20b/c");
  CHECK(aws::uri_encode("\xe1\x88\xb4") == "%E1%88%B4");
  CHECK(aws::sha256_hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // RFC 4231, test case 2.
  auto mac = aws::hmac_sha256("Jefe", "what do ya want for nothing?");
  CHECK(aws::sha256_hex(mac).size() == 64);
  std::string hex;
  for (unsigned char ch : mac) hex += fmt::format("{:02x}", ch);
  CHECK(hex == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}
