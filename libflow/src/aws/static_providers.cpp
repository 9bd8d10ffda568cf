// The sources that need no network: environment variables and the profile's files.
#include <fmt/format.h>

#include "aws/providers.hpp"
#include "flow/error.hpp"

namespace flow::aws {

namespace {

// What a profile may configure that we do not support. Failing is better than going on to
// the next source, which would silently use other credentials.
void unsupported(const std::string& profile, const std::string& what) {
  throw DataError(
      fmt::format("AWS credentials: profile '{}' uses {}, which is not supported (credential_process, SSO and roles "
                  "assumed from another profile are not); export the credentials instead, e.g. "
                  "eval \"$(aws configure export-credentials --profile {} --format env)\"",
                  profile, what, profile));
}

std::string display(const IniFile& f) { return f.path.empty() ? "(no HOME)" : f.path; }

// Keys from one section; none when it has no access key id.
Provided keys_of(const std::map<std::string, std::string>* sec, const std::string& source) {
  auto id = entry(sec, "aws_access_key_id");
  if (id.empty()) return std::nullopt;
  auto secret = entry(sec, "aws_secret_access_key");
  if (secret.empty()) throw DataError(fmt::format("{}: aws_access_key_id without aws_secret_access_key", source));
  return Credentials{id, secret, entry(sec, "aws_session_token"), source, 0};
}

}  // namespace

Provided from_environment(const ProviderContext& c, std::string& why_not) {
  if (c.settings.explicit_profile) {
    why_not = "environment (skipped: a profile was chosen)";
    return std::nullopt;
  }
  auto id = env_get(c.env, "AWS_ACCESS_KEY_ID");
  auto secret = env_get(c.env, "AWS_SECRET_ACCESS_KEY");
  if (id.empty() && secret.empty()) {
    why_not = "environment (AWS_ACCESS_KEY_ID not set)";
    return std::nullopt;
  }
  if (id.empty() || secret.empty())
    throw DataError(fmt::format("AWS credentials from the environment: {} is set but {} is not",
                                id.empty() ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID",
                                id.empty() ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY"));
  return Credentials{id, secret, env_get(c.env, "AWS_SESSION_TOKEN"), "environment", 0};
}

Provided from_profile(const ProviderContext& c, std::string& why_not) {
  const auto& profile = c.settings.profile;
  auto files = load_profile_files(c.env);
  auto cred_sec = files.credentials_section(profile);
  auto conf_sec = files.config_section(profile);
  auto cred_source = fmt::format("shared credentials file {}, profile '{}'", display(files.credentials), profile);
  auto conf_source = fmt::format("config file {}, profile '{}'", display(files.config), profile);
  // botocore's order within a profile: assumed role, web identity, SSO, the credentials file,
  // credential_process, the config file.
  auto role = entry(conf_sec, "role_arn");
  if (!role.empty() && !entry(conf_sec, "source_profile").empty()) unsupported(profile, "role_arn with source_profile");
  if (!role.empty() && !entry(conf_sec, "credential_source").empty())
    unsupported(profile, "role_arn with credential_source");
  auto token_file = entry(conf_sec, "web_identity_token_file");
  if (!role.empty() && !token_file.empty()) {
    auto session = entry(conf_sec, "role_session_name");
    return assume_role_with_web_identity(c, token_file, role, session,
                                         fmt::format("web identity ({}, role {})", conf_source, role));
  }
  if (!entry(conf_sec, "sso_session").empty() || !entry(conf_sec, "sso_start_url").empty())
    unsupported(profile, "SSO (sso_session / sso_start_url)");
  if (auto k = keys_of(cred_sec, cred_source)) return k;
  if (!entry(cred_sec, "credential_process").empty() || !entry(conf_sec, "credential_process").empty())
    unsupported(profile, "credential_process");
  if (auto k = keys_of(conf_sec, conf_source)) return k;
  if (!cred_sec && !conf_sec && profile != "default")
    throw DataError(fmt::format("AWS profile '{}' not found in {} or {}", profile, display(files.credentials),
                                display(files.config)));
  why_not = fmt::format("profile '{}' in {}{} and {}{}", profile, display(files.credentials),
                        files.credentials.found ? "" : " (absent)", display(files.config),
                        files.config.found ? "" : " (absent)");
  return std::nullopt;
}

}  // namespace flow::aws
