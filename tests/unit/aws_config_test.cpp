// The AWS config and credentials files, and the settings (profile, Region, endpoint) read from
// them and from the environment (an Environment map: the process's is never touched).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "aws/config.hpp"
#include "aws/providers.hpp"
#include "flow/error.hpp"
#include "test_util.hpp"

namespace aws = flow::aws;

using flow::test::TempDir;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string error_of(std::string_view text) {
  try {
    aws::parse_ini(text, "/home/u/.aws/config");
  } catch (const flow::DataError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("AWS ini: sections, comments, spaces, nested entries") {
  auto f = aws::parse_ini(
      "# comment\n; another\n[default]\nregion=eu-west-1\n  Output  =   json  \r\n\n"
      "[ profile   dev ]\nAWS_Access_Key_ID = AKID\naws_secret_access_key = s/e+c=ret\n"
      "s3 =\n  endpoint_url = http://localhost:9000\n  addressing_style = path\nregion = us-east-2\n"
      "region = ap-south-1\n");
  REQUIRE(f.section("default"));
  CHECK(aws::entry(f.section("default"), "region") == "eu-west-1");
  CHECK(aws::entry(f.section("default"), "output") == "json");
  auto dev = f.section("profile dev");
  REQUIRE(dev);
  CHECK(aws::entry(dev, "aws_access_key_id") == "AKID");
  CHECK(aws::entry(dev, "aws_secret_access_key") == "s/e+c=ret");  // '=' in the value kept
  CHECK(aws::entry(dev, "s3.endpoint_url") == "http://localhost:9000");
  CHECK(aws::entry(dev, "s3.addressing_style") == "path");
  CHECK(aws::entry(dev, "region") == "ap-south-1");  // the last one wins
  CHECK(aws::entry(dev, "missing").empty());
  CHECK(aws::entry(f.section("nope"), "region").empty());
}

TEST_CASE("AWS ini: bad lines name the file and line, never the text") {
  CHECK(error_of("[default]\naws_secret_access_key wJalrXUtnFEMI\n") ==
        "/home/u/.aws/config:2: not a [section] or a 'name = value' line");
  CHECK(error_of("region = us-east-1\n") == "/home/u/.aws/config:1: a 'name = value' line before the first [section]");
  CHECK(error_of("[default\n") == "/home/u/.aws/config:1: a section line must end with ']'");
  CHECK(error_of("[default]\n= x\n") == "/home/u/.aws/config:2: a line with no name before '='");
  CHECK(error_of("").empty());
}

TEST_CASE("AWS ini: a missing file is empty") {
  auto f = aws::load_ini("/nonexistent/flow-test/credentials");
  CHECK_FALSE(f.found);
  CHECK(f.sections.empty());
  CHECK_FALSE(aws::load_ini("").found);
}

TEST_CASE("AWS settings: profile, Region and endpoint in AWS's order") {
  TempDir dir;
  dir.write(".aws/config",
            "[default]\nregion = eu-west-1\n[profile dev]\nregion = us-west-2\nendpoint_url = http://dev:9000\n"
            "[profile svc]\nservices = mine\nendpoint_url = http://general:1\n"
            "[services mine]\ns3 =\n  endpoint_url = http://s3-only:2\n");
  aws::Environment env{{"HOME", dir.path.string()}};

  auto s = aws::load_settings(&env);
  CHECK(s.profile == "default");
  CHECK_FALSE(s.explicit_profile);
  CHECK(s.region == "eu-west-1");
  CHECK(s.endpoint_url.empty());

  env["AWS_PROFILE"] = "dev";
  s = aws::load_settings(&env);
  CHECK(s.profile == "dev");
  CHECK_FALSE(s.explicit_profile);
  CHECK(s.region == "us-west-2");
  CHECK(s.endpoint_url == "http://dev:9000");

  s = aws::load_settings("svc", &env);  // --profile beats AWS_PROFILE
  CHECK(s.profile == "svc");
  CHECK(s.explicit_profile);
  CHECK(s.region.empty());
  CHECK(s.endpoint_url == "http://s3-only:2");

  env["AWS_DEFAULT_REGION"] = "ca-central-1";
  CHECK(aws::load_settings(&env).region == "ca-central-1");
  env["AWS_REGION"] = "sa-east-1";
  CHECK(aws::load_settings(&env).region == "sa-east-1");
  env["AWS_ENDPOINT_URL"] = "http://all:3";
  CHECK(aws::load_settings(&env).endpoint_url == "http://all:3");
  env["AWS_ENDPOINT_URL_S3"] = "http://s3:4";
  CHECK(aws::load_settings(&env).endpoint_url == "http://s3:4");
  env["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true";
  CHECK(aws::load_settings(&env).endpoint_url.empty());

  // AWS_CONFIG_FILE instead of ~/.aws/config; "~/" is the home directory.
  dir.write("elsewhere/conf", "[default]\nregion = me-south-1\n");
  aws::Environment env2{{"HOME", dir.path.string()}, {"AWS_CONFIG_FILE", "~/elsewhere/conf"}};
  CHECK(aws::load_settings(&env2).region == "me-south-1");
  aws::Environment nothing;
  CHECK(aws::load_settings(&nothing).region.empty());
}

TEST_CASE("AWS settings: a broken config file is an error naming it") {
  TempDir dir;
  auto path = dir.write(".aws/config", "[default]\nregion\n");
  aws::Environment env{{"HOME", dir.path.string()}};
  CHECK_THROWS_WITH(aws::load_settings(&env), path + ":2: not a [section] or a 'name = value' line");
}

TEST_CASE("AWS sample files: config, credentials, and the endpoints' answers") {
  std::string dir = std::string(FLOW_TEST_DATA) + "/aws/";
  aws::Environment env{{"AWS_CONFIG_FILE", dir + "config"}, {"AWS_SHARED_CREDENTIALS_FILE", dir + "credentials"}};
  auto files = aws::load_profile_files(&env);
  CHECK(files.config.found);
  CHECK(aws::entry(files.config_section("eks"), "role_session_name") == "flowcat");
  CHECK(aws::entry(files.credentials_section("dev"), "aws_session_token") ==
        "IQoJb3JpZ2luX2VjEA8aCXVzLWVhc3QtMSJHMEUCIQ+/=");
  env["AWS_PROFILE"] = "dev";
  auto s = aws::load_settings(&env);
  CHECK(s.region == "us-west-2");
  CHECK(s.endpoint_url == "http://127.0.0.1:4569");  // [services local] before the profile's endpoint_url

  auto c = aws::parse_credentials_json(read_file(dir + "imds-credentials.json"), "EC2");
  CHECK(c.access_key_id == "ASIAIOSFODNN7EXAMPLE");
  CHECK(c.expires == 1796680800);  // 2026-12-07T22:00:00Z
  auto xml = read_file(dir + "sts-answer.xml");
  CHECK(aws::xml_text(xml, "AccessKeyId") == "ASgeIAIOSFODNN7EXAMPLE");
  CHECK(aws::xml_text(xml, "Expiration") == "2026-12-07T23:00:00Z");
  CHECK(aws::xml_text(xml, "Missing").empty());
  CHECK_THROWS_WITH(aws::parse_credentials_json("{\"AccessKeyId\":\"A\"}", "EC2"),
                    "AWS credentials from EC2: an answer without AccessKeyId and SecretAccessKey");
  CHECK_THROWS_WITH(aws::parse_credentials_json(R"({"Code":"Failed","AccessKeyId":"A","SecretAccessKey":"s"})", "EC2"),
                    "AWS credentials from EC2: Code Failed");
}
