// Web identity (EKS's IAM roles for service accounts): a token file exchanged for temporary
// credentials by STS AssumeRoleWithWebIdentity, a call that needs no signature.
#include <cstring>
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

std::string sts_endpoint(const ProviderContext& c) {
  auto url = env_get(c.env, "AWS_ENDPOINT_URL_STS");
  if (!url.empty()) return url;
  const auto& region = c.settings.region;
  if (region.empty()) return "https://sts.amazonaws.com";
  return fmt::format("https://sts.{}.amazonaws.com{}", region, region.starts_with("cn-") ? ".cn" : "");
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [k, v] : fields) out += (out.empty() ? "" : "&") + uri_encode(k) + "=" + uri_encode(v);
  return out;
}

}  // namespace

std::string xml_text(const std::string& xml, const std::string& tag) {
  auto open = xml.find("<" + tag + ">");
  if (open == std::string::npos) return "";
  auto b = open + tag.size() + 2;
  auto e = xml.find("</" + tag + ">", b);
  if (e == std::string::npos) return "";
  std::string out;
  for (size_t i = b; i < e; ++i) {
    static const std::pair<const char*, char> entities[] = {
        {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
    bool done = false;
    for (const auto& [name, ch] : entities) {
      if (xml.compare(i, std::strlen(name), name) == 0) {
        out += ch;
        i += std::strlen(name) - 1;
        done = true;
        break;
      }
    }
    if (!done) out += xml[i];
  }
  return out;
}

Credentials assume_role_with_web_identity(const ProviderContext& c, const std::string& token_file,
                                          const std::string& role_arn, const std::string& session_name,
                                          const std::string& source) {
  std::ifstream in(token_file, std::ios::binary);
  std::stringstream token;
  token << in.rdbuf();
  if (!in || token.str().empty())
    throw DataError(fmt::format("AWS credentials from {}: cannot read the token file {}", source, token_file));
  auto endpoint = sts_endpoint(c);
  auto url = net::split_url(endpoint);
  auto client = net::make_client(url.origin, c.net);
  auto body = form_encode({{"Action", "AssumeRoleWithWebIdentity"},
                           {"Version", "2011-06-15"},
                           {"RoleArn", role_arn},
                           {"RoleSessionName", session_name.empty() ? fmt::format("flowlogs-{}", c.now) : session_name},
                           {"WebIdentityToken", token.str()}});
  auto where = fmt::format("AWS credentials from {}: STS {}", source, redact_url(endpoint));
  auto res = client->Post(url.target.c_str(), body, "application/x-www-form-urlencoded");
  if (!res) throw DataError(fmt::format("{}: {}", where, net::error_text(res.error())));
  if (res->status != 200) {
    auto code = xml_text(res->body, "Code"), message = xml_text(res->body, "Message");
    throw DataError(printable(fmt::format("{}: HTTP {}{}{}", where, res->status, code.empty() ? "" : " " + code,
                                          message.empty() ? "" : ": " + message)));
  }
  Credentials creds{xml_text(res->body, "AccessKeyId"), xml_text(res->body, "SecretAccessKey"),
                    xml_text(res->body, "SessionToken"), source, 0};
  auto expiration = xml_text(res->body, "Expiration");
  if (creds.access_key_id.empty() || creds.secret_access_key.empty() || !parse_iso_time(expiration, creds.expires))
    throw DataError(fmt::format("{}: an answer without AccessKeyId, SecretAccessKey and Expiration", where));
  return creds;
}

Provided from_env_web_identity(const ProviderContext& c, std::string& why_not) {
  auto token_file = env_get(c.env, "AWS_WEB_IDENTITY_TOKEN_FILE");
  if (token_file.empty()) {
    why_not = "web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)";
    return std::nullopt;
  }
  auto role = env_get(c.env, "AWS_ROLE_ARN");
  if (role.empty())
    throw DataError("AWS credentials from web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
  return assume_role_with_web_identity(c, token_file, role, env_get(c.env, "AWS_ROLE_SESSION_NAME"),
                                       fmt::format("web identity (role {})", role));
}

}  // namespace flow::aws
