// The credential endpoints of the machine: the ECS (and EKS Pod Identity) container endpoint and
// EC2 instance metadata (IMDSv2).
#include <simdjson.h>

#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "aws/providers.hpp"
#include "flow/error.hpp"
#include "flow/net.hpp"
#include "flow/time.hpp"
#include "net/url.hpp"

namespace flow::aws {

namespace {

// Over plain HTTP the SDKs send the container token only to the machine itself or to the
// addresses of ECS and EKS: anything else could be a man in the middle collecting it.
bool trusted_http_origin(const std::string& origin) {
  std::string_view host = std::string_view(origin).substr(7);  // after "http://"
  if (host.starts_with("[")) host = host.substr(0, host.find(']') + 1);
  else host = host.substr(0, host.find(':'));
  return host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "169.254.170.2" ||
         host == "169.254.170.23" || host == "[fd00:ec2::23]";
}

std::string read_token_file(const std::string& path, const std::string& source) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) throw DataError(fmt::format("AWS credentials from {}: cannot read the token file {}", source, path));
  auto t = ss.str();
  while (!t.empty() && (t.back() == '\n' || t.back() == '\r' || t.back() == ' ')) t.pop_back();
  return t;
}

}  // namespace

Credentials parse_credentials_json(const std::string& body, const std::string& source) {
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  std::string_view id, secret, token, expiration, code = "Success";
  if (parser.parse(body).get(doc) || doc["AccessKeyId"].get(id) || doc["SecretAccessKey"].get(secret) ||
      (doc["Code"].error() == simdjson::SUCCESS && doc["Code"].get(code)))
    throw DataError(fmt::format("AWS credentials from {}: an answer without AccessKeyId and SecretAccessKey", source));
  if (code != "Success") throw DataError(printable(fmt::format("AWS credentials from {}: Code {}", source, code)));
  if (doc["Token"].get(token)) token = "";  // long-term keys have none
  Credentials c{std::string(id), std::string(secret), std::string(token), source, 0};
  if (doc["Expiration"].get(expiration) == simdjson::SUCCESS && !parse_iso_time(expiration, c.expires))
    throw DataError(
        printable(fmt::format("AWS credentials from {}: Expiration '{}' is not a time", source, expiration)));
  return c;
}

Provided from_container(const ProviderContext& c, std::string& why_not) {
  const std::string source = "ECS container endpoint";
  auto relative = env_get(c.env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  auto full = env_get(c.env, "AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (relative.empty() && full.empty()) {
    why_not = "ECS container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set)";
    return std::nullopt;
  }
  auto url = net::split_url(!relative.empty() ? "http://169.254.170.2" + relative : full);
  if (relative.empty() && url.origin.starts_with("http://") && !trusted_http_origin(url.origin))
    throw DataError(fmt::format(
        "AWS credentials from the {}: AWS_CONTAINER_CREDENTIALS_FULL_URI over http must name the local host or "
        "the ECS/EKS address, not {}",
        source, redact_url(url.origin)));
  httplib::Headers headers;
  auto token_file = env_get(c.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  auto token = token_file.empty() ? env_get(c.env, "AWS_CONTAINER_AUTHORIZATION_TOKEN")
                                  : read_token_file(token_file, "the " + source);
  if (token.find_first_of("\r\n") != std::string::npos)
    throw DataError(fmt::format("AWS credentials from the {}: the authorization token has a line break", source));
  if (!token.empty()) headers.emplace("Authorization", token);
  auto where = fmt::format("AWS credentials from the {} {}", source, redact_url(url.origin + url.target));
  auto res = net::make_client(url.origin, c.net)->Get(url.target.c_str(), headers);
  if (!res) throw DataError(fmt::format("{}: {}", where, net::error_text(res.error())));
  if (res->status != 200) throw DataError(fmt::format("{}: HTTP {}", where, res->status));
  return parse_credentials_json(res->body, source);
}

Provided from_instance_metadata(const ProviderContext& c, std::string& why_not) {
  const std::string source = "EC2 instance metadata (IMDSv2)";
  auto disabled = env_get(c.env, "AWS_EC2_METADATA_DISABLED");
  if (disabled == "true" || disabled == "TRUE" || disabled == "True") {
    why_not = "EC2 instance metadata (AWS_EC2_METADATA_DISABLED=true)";
    return std::nullopt;
  }
  auto base = env_get(c.env, "AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) base = "http://169.254.169.254";
  while (base.ends_with('/')) base.pop_back();
  auto url = net::split_url(base);
  // Off EC2 nothing answers: one second each way, so that a laptop fails fast.
  auto client = net::make_client(url.origin, NetTimeouts{1, 1});
  auto prefix = url.target == "/" ? std::string() : url.target;
  auto failed = [&](const std::string& what) {
    why_not = fmt::format("EC2 instance metadata ({}: {})", redact_url(base), what);
    return std::nullopt;
  };
  auto tok = client->Put((prefix + "/latest/api/token").c_str(), {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}},
                         "", "text/plain");
  if (!tok) return failed(net::error_text(tok.error()));
  if (tok->status != 200) return failed(fmt::format("token request: HTTP {}", tok->status));
  httplib::Headers headers{{"X-aws-ec2-metadata-token", tok->body}};
  auto path = prefix + "/latest/meta-data/iam/security-credentials/";
  auto roles = client->Get(path.c_str(), headers);
  if (!roles) return failed(net::error_text(roles.error()));
  if (roles->status == 404) return failed("no IAM role attached to the instance");
  if (roles->status != 200) return failed(fmt::format("role request: HTTP {}", roles->status));
  auto role = roles->body.substr(0, roles->body.find_first_of("\r\n"));
  if (role.empty()) return failed("no IAM role attached to the instance");
  auto creds = client->Get((path + role).c_str(), headers);
  if (!creds) return failed(net::error_text(creds.error()));
  if (creds->status != 200) return failed(fmt::format("credentials request: HTTP {}", creds->status));
  return parse_credentials_json(creds->body, fmt::format("{}, role {}", source, printable(role)));
}

}  // namespace flow::aws
