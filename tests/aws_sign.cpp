// Signs requests read as JSON Lines on stdin with flow::aws::signing_steps and writes, a line
// each, {"authorization": ..., "canonical": ...}: tests/sigv4_aws4.js compares them with the
// independent signer aws4. A request: {"method", "path", "query": [[k, v], ...],
// "headers": [[name, value], ...], "payload": sha256 hex, "service", "region", "time",
// "key", "secret", "token"}.
#include <simdjson.h>

#include <iostream>
#include <string>

#include "flow/aws.hpp"

namespace {

std::string str(simdjson::dom::element e, const char* key) {
  std::string_view v;
  if (e[key].get(v)) return "";
  return std::string(v);
}

std::vector<std::pair<std::string, std::string>> pairs(simdjson::dom::element e, const char* key) {
  std::vector<std::pair<std::string, std::string>> out;
  simdjson::dom::array a;
  if (e[key].get(a)) return out;
  for (auto p : a) {
    std::string_view k, v;
    if (p.at(0).get(k) || p.at(1).get(v)) throw std::runtime_error("a pair is not two strings");
    out.emplace_back(k, v);
  }
  return out;
}

// A JSON string; the canonical requests are ASCII (every other byte is percent-encoded) save
// for header values, which the generator keeps ASCII too.
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

}  // namespace

int main() {
  simdjson::dom::parser parser;
  std::string line;
  try {
    while (std::getline(std::cin, line)) {
      simdjson::dom::element e = parser.parse(line);
      flow::aws::Request r;
      r.method = str(e, "method");
      r.path = str(e, "path");
      r.query = pairs(e, "query");
      r.headers = pairs(e, "headers");
      r.payload_sha256 = str(e, "payload");
      flow::aws::Credentials c{str(e, "key"), str(e, "secret"), str(e, "token"), "test", 0};
      int64_t when = e["time"].get_int64();
      auto s = flow::aws::signing_steps(r, c, str(e, "region"), str(e, "service"), when);
      std::cout << "{\"authorization\":" << quote(s.authorization) << ",\"canonical\":" << quote(s.canonical_request)
                << "}\n";
    }
  } catch (const std::exception& ex) {
    std::cerr << "aws_sign: " << ex.what() << "\n";
    return 1;
  }
  return 0;
}
