// AWS requests: credentials from the standard provider chain, the Region, and Signature Version 4.
// Written against AWS's specification (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html);
// used by the S3 client (flow/s3.hpp).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "flow/io.hpp"

namespace flow::aws {

/// One set of credentials and where it came from.
struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  ///< "" when none (long-term keys)
  /// Where they were found, for messages (never the secret): "environment",
  /// "shared credentials file ~/.aws/credentials, profile 'default'", "web identity (role ARN)",
  /// "ECS container endpoint", "EC2 instance metadata (IMDSv2)".
  std::string source;
  int64_t expires = 0;  ///< Unix seconds; 0 = does not expire
  bool anonymous() const { return access_key_id.empty(); }
};

/// What the chain reads instead of the process environment (tests); empty = the real one.
using Environment = std::map<std::string, std::string>;

/// The settings of the process (or of `env`): AWS_PROFILE, AWS_REGION / AWS_DEFAULT_REGION,
/// AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE, AWS_ENDPOINT_URL(_S3), and the profile's
/// entries in the config file (region, endpoint_url, services). Region: AWS_REGION,
/// AWS_DEFAULT_REGION, the profile's `region`. Endpoint: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL,
/// the s3 endpoint_url of the profile's [services NAME] section, the profile's endpoint_url
/// (none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true). A config file that cannot be parsed is a
/// DataError naming it and the line.
struct Settings {
  std::string profile = "default";
  std::string region;        ///< "" when neither the environment nor the config file has one
  std::string endpoint_url;  ///< S3-compatible store ("" = AWS)
  /// Chosen on the command line (--profile): then, as with the aws CLI, the chain skips the
  /// environment's keys and takes the profile's. (AWS_PROFILE does not set it.)
  bool explicit_profile = false;
};
Settings load_settings(const Environment* env = nullptr);
/// The same for `profile` given on the command line ("" = as load_settings(env)).
Settings load_settings(const std::string& profile, const Environment* env = nullptr);

/// The standard chain, in the AWS SDKs' order (botocore, Java v2, Go v2): the environment's keys
/// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN; skipped when explicit_profile);
/// web identity named in the environment (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN
/// [+ AWS_ROLE_SESSION_NAME], STS AssumeRoleWithWebIdentity: EKS); the profile (AWS_PROFILE) in
/// the shared credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials) and the config
/// file (AWS_CONFIG_FILE, ~/.aws/config): its keys, or its role_arn + web_identity_token_file;
/// the ECS container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI, with
/// AWS_CONTAINER_AUTHORIZATION_TOKEN(_FILE)); EC2 instance metadata (IMDSv2; base
/// AWS_EC2_METADATA_SERVICE_ENDPOINT, off with AWS_EC2_METADATA_DISABLED=true; 1 s timeouts).
/// STS is https://sts.REGION.amazonaws.com unless AWS_ENDPOINT_URL_STS. Not supported, and an
/// error when a profile uses them: credential_process, SSO, role_arn with source_profile.
/// Thread-safe; temporary credentials are fetched again 5 minutes before they expire. Throws
/// DataError naming the source that failed (never a secret) when a configured source is broken,
/// and when none has credentials ("no AWS credentials: ..." listing what was tried).
class CredentialChain {
 public:
  explicit CredentialChain(const Settings& s, const NetTimeouts& net = {}, const Environment* env = nullptr);
  ~CredentialChain();
  Credentials get();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// An HTTP request to be signed: method, path (already URI-encoded as sent), query parameters
/// (raw, encoded by the signer), headers (names in any case; "host" must be present).
struct Request {
  std::string method = "GET";
  std::string path = "/";
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_sha256;  ///< hex; "" = SHA-256 of the empty body; or "UNSIGNED-PAYLOAD"
};

/// Adds the Signature Version 4 headers to `r` (x-amz-date, x-amz-content-sha256 for s3,
/// x-amz-security-token when there is a session token, Authorization) for `service` in
/// `region` at Unix time `now`. Anonymous credentials leave the request unsigned.
void sign_v4(Request& r, const Credentials& c, const std::string& region, const std::string& service, int64_t now);

/// The pieces of a signature, for tests against AWS's published test suite.
struct SigningSteps {
  std::string canonical_request, string_to_sign, signature, authorization;
};
SigningSteps signing_steps(const Request& r, const Credentials& c, const std::string& region,
                           const std::string& service, int64_t now);

/// Lower-case hex SHA-256 of `data`; HMAC-SHA256 (raw bytes). (OpenSSL's libcrypto.)
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);
/// RFC 3986 encoding as SigV4 wants it (unreserved kept; '/' kept unless encode_slash).
std::string uri_encode(std::string_view s, bool encode_slash = true);

}  // namespace flow::aws
