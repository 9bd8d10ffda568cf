// The sources of the credential chain, each on its own: the chain (chain.cpp) tries them in
// AWS's order.
#pragma once

#include <optional>
#include <string>

#include "aws/config.hpp"
#include "flow/aws.hpp"

namespace flow::aws {

/// What every source may read.
struct ProviderContext {
  Settings settings;
  NetTimeouts net;
  const Environment* env = nullptr;
  int64_t now = 0;  ///< Unix seconds (the STS session name)
};

/// A source's answer: credentials, or none with the reason for the "no AWS credentials" message
/// ("AWS_ACCESS_KEY_ID not set"). A source that is configured but broken throws DataError
/// naming itself (never a secret).
using Provided = std::optional<Credentials>;

Provided from_environment(const ProviderContext& c, std::string& why_not);
Provided from_env_web_identity(const ProviderContext& c, std::string& why_not);
Provided from_profile(const ProviderContext& c, std::string& why_not);
Provided from_container(const ProviderContext& c, std::string& why_not);
Provided from_instance_metadata(const ProviderContext& c, std::string& why_not);

/// STS AssumeRoleWithWebIdentity with the token in `token_file` (web_identity.cpp).
Credentials assume_role_with_web_identity(const ProviderContext& c, const std::string& token_file,
                                          const std::string& role_arn, const std::string& session_name,
                                          const std::string& source);

/// The credentials of the JSON the ECS and EC2 endpoints answer (AccessKeyId, SecretAccessKey,
/// Token, Expiration); DataError naming `source` when they are not there.
Credentials parse_credentials_json(const std::string& body, const std::string& source);
/// The text of the first <tag>...</tag> in `xml`, entities undone ("" when absent).
std::string xml_text(const std::string& xml, const std::string& tag);

}  // namespace flow::aws
