// The credential chain, each source against files and fake endpoints on loopback (STS, the ECS
// container endpoint, EC2 instance metadata), through an Environment map.
#include <httplib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "flow/aws.hpp"
#include "flow/error.hpp"
#include "flow/time.hpp"
#include "test_util.hpp"

namespace aws = flow::aws;

using flow::test::TempDir;

namespace {

// An HTTP server on a free loopback port; the test sets its handlers before start().
struct FakeEndpoint {
  httplib::Server svr;
  int port = 0;
  std::thread thread;
  std::atomic<int> requests{0};
  void start() {
    svr.set_pre_routing_handler([this](const httplib::Request&, httplib::Response&) {
      ++requests;
      return httplib::Server::HandlerResponse::Unhandled;
    });
    port = svr.bind_to_any_port("127.0.0.1");
    thread = std::thread([this] { svr.listen_after_bind(); });
    while (!svr.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~FakeEndpoint() {
    svr.stop();
    if (thread.joinable()) thread.join();
  }
  std::string url(const std::string& path = "") const { return "http://127.0.0.1:" + std::to_string(port) + path; }
};

std::string iso(int64_t t) { return flow::format_time(t); }

std::string creds_json(int64_t expires) {
  return R"({"Code":"Success","AccessKeyId":"ASIAMETA","SecretAccessKey":"metasecret","Token":"metatoken",)"
         R"("Expiration":")" +
         iso(expires) + "\"}";
}

// An EC2 instance metadata service (IMDSv2) with role "web-role".
void serve_imds(FakeEndpoint& ep, int64_t expires) {
  ep.svr.Put("/latest/api/token", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-aws-ec2-metadata-token-ttl-seconds").empty()) res.status = 400;
    else res.set_content("imds-token", "text/plain");
  });
  auto authorized = [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("X-aws-ec2-metadata-token") == "imds-token") return true;
    res.status = 401;
    return false;
  };
  ep.svr.Get("/latest/meta-data/iam/security-credentials/", [=](const httplib::Request& req, httplib::Response& res) {
    if (authorized(req, res)) res.set_content("web-role\n", "text/plain");
  });
  ep.svr.Get("/latest/meta-data/iam/security-credentials/web-role",
             [=](const httplib::Request& req, httplib::Response& res) {
               if (authorized(req, res)) res.set_content(creds_json(expires), "application/json");
             });
  ep.start();
}

std::string error_of(aws::CredentialChain& chain) {
  try {
    chain.get();
  } catch (const flow::DataError& e) {
    return e.what();
  }
  return "";
}

int64_t now() { return static_cast<int64_t>(std::time(nullptr)); }

// No files, no metadata service: only what the test adds.
aws::Environment bare_env(const TempDir& dir) {
  return {{"HOME", dir.path.string()}, {"AWS_EC2_METADATA_DISABLED", "true"}};
}

}  // namespace

TEST_CASE("AWS chain: the environment's keys, first") {
  TempDir dir;
  dir.write(".aws/credentials", "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = filesecret\n");
  auto env = bare_env(dir);
  env["AWS_ACCESS_KEY_ID"] = "AKIDENV";
  env["AWS_SECRET_ACCESS_KEY"] = "envsecret";
  env["AWS_SESSION_TOKEN"] = "envtoken";
  aws::CredentialChain chain(aws::load_settings(&env), {}, &env);
  auto c = chain.get();
  CHECK(c.access_key_id == "AKIDENV");
  CHECK(c.secret_access_key == "envsecret");
  CHECK(c.session_token == "envtoken");
  CHECK(c.source == "environment");

  // --profile skips the environment, as the aws CLI does.
  aws::CredentialChain profile_chain(aws::load_settings("default", &env), {}, &env);
  CHECK(profile_chain.get().access_key_id == "AKIDFILE");

  env.erase("AWS_SECRET_ACCESS_KEY");
  aws::CredentialChain half(aws::load_settings(&env), {}, &env);
  CHECK(error_of(half) ==
        "AWS credentials from the environment: AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not");
}

TEST_CASE("AWS chain: profiles in the credentials and config files") {
  TempDir dir;
  auto cred_path =
      dir.write(".aws/credentials",
                "[default]\naws_access_key_id = AKIDDEF\naws_secret_access_key = defsecret\n"
                "[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key=devsecret\naws_session_token=t\n");
  auto conf_path = dir.write(".aws/config",
                             "[profile conf]\naws_access_key_id = AKIDCONF\naws_secret_access_key = confsecret\n"
                             "[profile sso]\nsso_session = corp\n[profile proc]\ncredential_process = /bin/creds\n"
                             "[profile chained]\nrole_arn = arn:aws:iam::1:role/r\nsource_profile = default\n"
                             "[profile half]\naws_access_key_id = AKIDHALF\n[profile empty]\nregion = eu-west-1\n");
  auto env = bare_env(dir);
  auto get = [&](const std::string& profile) {
    env["AWS_PROFILE"] = profile;
    aws::CredentialChain chain(aws::load_settings(&env), {}, &env);
    return chain.get();
  };
  auto err = [&](const std::string& profile) {
    env["AWS_PROFILE"] = profile;
    aws::CredentialChain chain(aws::load_settings(&env), {}, &env);
    return error_of(chain);
  };
  CHECK(get("default").access_key_id == "AKIDDEF");
  CHECK(get("default").source == "shared credentials file " + cred_path + ", profile 'default'");
  CHECK(get("dev").session_token == "t");
  CHECK(get("conf").access_key_id == "AKIDCONF");
  CHECK(get("conf").source == "config file " + conf_path + ", profile 'conf'");
  CHECK_THAT(err("sso"),
             Catch::Contains("profile 'sso' uses SSO (sso_session / sso_start_url), which is not supported"));
  CHECK_THAT(err("sso"), Catch::Contains("aws configure export-credentials --profile sso"));
  CHECK_THAT(err("proc"), Catch::Contains("profile 'proc' uses credential_process"));
  CHECK_THAT(err("chained"), Catch::Contains("uses role_arn with source_profile"));
  CHECK(err("half") ==
        "config file " + conf_path + ", profile 'half': aws_access_key_id without aws_secret_access_key");
  CHECK(err("ghost") == "AWS profile 'ghost' not found in " + cred_path + " or " + conf_path);
  CHECK(err("empty") ==
        "no AWS credentials: tried environment (AWS_ACCESS_KEY_ID not set); web identity "
        "(AWS_WEB_IDENTITY_TOKEN_FILE not set); profile 'empty' in " +
            cred_path + " and " + conf_path +
            "; ECS container endpoint (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI not set); "
            "EC2 instance metadata (AWS_EC2_METADATA_DISABLED=true); for a public bucket, use "
            "--no-sign-request");
}

TEST_CASE("AWS chain: web identity through STS, from the environment and from a profile") {
  TempDir dir;
  auto token_file = dir.write("token", "eyJ.web.token");
  FakeEndpoint sts;
  std::string session, role;  // of the last request (the form is parsed after pre-routing)
  sts.svr.Post("/", [&](const httplib::Request& req, httplib::Response& res) {
    session = req.get_param_value("RoleSessionName");
    role = req.get_param_value("RoleArn");
    if (req.get_param_value("WebIdentityToken") != "eyJ.web.token" ||
        req.get_param_value("Action") != "AssumeRoleWithWebIdentity") {
      res.status = 400;
      res.set_content(
          "<ErrorResponse><Error><Code>InvalidIdentityToken</Code><Message>bad &amp; wrong</Message></Error>"
          "</ErrorResponse>",
          "text/xml");
      return;
    }
    res.set_content(
        "<AssumeRoleWithWebIdentityResponse><AssumeRoleWithWebIdentityResult><Credentials>"
        "<AccessKeyId>ASIASTS</AccessKeyId><SecretAccessKey>sts/secret+&amp;</SecretAccessKey>"
        "<SessionToken>ststoken</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration>"
        "</Credentials></AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>",
        "text/xml");
  });
  sts.start();
  auto env = bare_env(dir);
  env["AWS_ENDPOINT_URL_STS"] = sts.url();
  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
  env["AWS_ROLE_ARN"] = "arn:aws:iam::123456789012:role/web";
  env["AWS_ROLE_SESSION_NAME"] = "my-session";
  aws::CredentialChain chain(aws::load_settings(&env), {}, &env);
  auto c = chain.get();
  CHECK(c.access_key_id == "ASIASTS");
  CHECK(c.secret_access_key == "sts/secret+&");
  CHECK(c.session_token == "ststoken");
  CHECK(c.expires == 4070908800);
  CHECK(c.source == "web identity (role arn:aws:iam::123456789012:role/web)");
  CHECK(session == "my-session");
  CHECK(role == "arn:aws:iam::123456789012:role/web");

  // From the profile (no AWS_ROLE_ARN in the environment).
  auto conf = dir.write(
      ".aws/config", "[profile eks]\nrole_arn = arn:aws:iam::1:role/p\nweb_identity_token_file = " + token_file + "\n");
  env.erase("AWS_WEB_IDENTITY_TOKEN_FILE");
  env.erase("AWS_ROLE_ARN");
  env["AWS_PROFILE"] = "eks";
  aws::CredentialChain profile_chain(aws::load_settings(&env), {}, &env);
  CHECK(profile_chain.get().source ==
        "web identity (config file " + conf + ", profile 'eks', role arn:aws:iam::1:role/p)");
  CHECK(session.starts_with("flowlogs-"));  // none configured

  // STS refuses: its code and message, not the token.
  dir.write("token", "eyJ.other");
  aws::CredentialChain refused(aws::load_settings(&env), {}, &env);
  auto e = error_of(refused);
  CHECK(e == "AWS credentials from web identity (config file " + conf +
                 ", profile 'eks', role arn:aws:iam::1:role/p): STS " + sts.url() +
                 ": HTTP 400 InvalidIdentityToken: bad & wrong");

  env["AWS_WEB_IDENTITY_TOKEN_FILE"] = token_file;
  aws::CredentialChain no_role(aws::load_settings(&env), {}, &env);
  CHECK(error_of(no_role) ==
        "AWS credentials from web identity: AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not");
}

TEST_CASE("AWS chain: the ECS container endpoint") {
  TempDir dir;
  FakeEndpoint ecs;
  ecs.svr.Get("/creds", [](const httplib::Request& req, httplib::Response& res) {
    if (req.get_header_value("Authorization") != "ecs-auth") {
      res.status = 401;
      return;
    }
    res.set_content(creds_json(4070908800), "application/json");
  });
  ecs.start();
  auto env = bare_env(dir);
  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = ecs.url("/creds");
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"] = dir.write("auth", "ecs-auth\n");
  env["AWS_CONTAINER_AUTHORIZATION_TOKEN"] = "ignored: the file wins";
  aws::CredentialChain chain(aws::load_settings(&env), {}, &env);
  auto c = chain.get();
  CHECK(c.access_key_id == "ASIAMETA");
  CHECK(c.session_token == "metatoken");
  CHECK(c.source == "ECS container endpoint");

  env.erase("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE");
  aws::CredentialChain wrong(aws::load_settings(&env), {}, &env);
  CHECK(error_of(wrong) == "AWS credentials from the ECS container endpoint " + ecs.url("/creds") + ": HTTP 401");

  env["AWS_CONTAINER_CREDENTIALS_FULL_URI"] = "http://example.com/creds";
  aws::CredentialChain remote(aws::load_settings(&env), {}, &env);
  CHECK_THAT(error_of(remote), Catch::Contains("over http must name the local host"));
}

TEST_CASE("AWS chain: EC2 instance metadata (IMDSv2), refreshed before it expires") {
  TempDir dir;
  auto env = bare_env(dir);
  env.erase("AWS_EC2_METADATA_DISABLED");

  FakeEndpoint lasting;
  serve_imds(lasting, now() + 3600);
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = lasting.url();
  aws::CredentialChain chain(aws::load_settings(&env), {}, &env);
  auto c = chain.get();
  CHECK(c.access_key_id == "ASIAMETA");
  CHECK(c.secret_access_key == "metasecret");
  CHECK(c.source == "EC2 instance metadata (IMDSv2), role web-role");
  CHECK(lasting.requests == 3);  // token, role, credentials
  chain.get();
  CHECK(lasting.requests == 3);  // an hour left: cached

  FakeEndpoint expiring;  // four minutes left: inside the 5-minute margin, fetched each time
  serve_imds(expiring, now() + 240);
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = expiring.url() + "/";
  aws::CredentialChain refreshing(aws::load_settings(&env), {}, &env);
  refreshing.get();
  refreshing.get();
  CHECK(expiring.requests == 6);

  // Nothing listening: fails fast, and says so in the list of what was tried.
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = "http://127.0.0.1:1";
  aws::CredentialChain nothing(aws::load_settings(&env), {}, &env);
  auto t0 = std::chrono::steady_clock::now();
  CHECK_THAT(error_of(nothing), Catch::Contains("EC2 instance metadata (http://127.0.0.1:1: cannot connect)"));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(3));
}

TEST_CASE("AWS chain: a failed refresh keeps credentials that are still valid, threads share one fetch") {
  TempDir dir;
  auto env = bare_env(dir);
  env.erase("AWS_EC2_METADATA_DISABLED");
  auto ep = std::make_unique<FakeEndpoint>();
  serve_imds(*ep, now() + 240);
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = ep->url();
  aws::CredentialChain chain(aws::load_settings(&env), {}, &env);
  CHECK(chain.get().access_key_id == "ASIAMETA");
  ep.reset();  // the service goes away: the refresh fails, the old keys still have 4 minutes
  CHECK(chain.get().access_key_id == "ASIAMETA");

  FakeEndpoint lasting;
  serve_imds(lasting, now() + 3600);
  env["AWS_EC2_METADATA_SERVICE_ENDPOINT"] = lasting.url();
  aws::CredentialChain shared(aws::load_settings(&env), {}, &env);
  std::vector<std::thread> threads;
  std::atomic<int> right{0};
  for (int i = 0; i < 8; ++i) threads.emplace_back([&] { right += shared.get().access_key_id == "ASIAMETA"; });
  for (auto& t : threads) t.join();
  CHECK(right == 8);
  CHECK(lasting.requests == 3);
}
