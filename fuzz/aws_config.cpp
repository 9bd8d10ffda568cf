// libFuzzer target: the AWS config and credentials file parser (libflow/src/aws/config.hpp), its
// profile lookups, and the answers of the credential endpoints read from the same bytes (the
// JSON of the ECS and EC2 endpoints, the XML of STS).
#include <cstdlib>
#include <string>

#include "aws/config.hpp"
#include "aws/providers.hpp"
#include "flow/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    auto f = flow::aws::parse_ini(text, "config");
    flow::aws::ProfileFiles files{f, f};
    for (const char* p : {"default", "dev"}) {
      (void)flow::aws::entry(files.config_section(p), "region");
      (void)flow::aws::entry(files.credentials_section(p), "aws_access_key_id");
    }
    // Names are never empty, and lower case.
    for (const auto& [name, section] : f.sections)
      for (const auto& [key, value] : section)
        if (key.empty() || key.find_first_of("ABCDEFGHIJKLMNOPQRSTUVWXYZ") != std::string::npos) std::abort();
  } catch (const flow::DataError&) {
  }
  try {
    (void)flow::aws::parse_credentials_json(text, "fuzz");
  } catch (const flow::DataError&) {
  }
  (void)flow::aws::xml_text(text, "AccessKeyId");
  return 0;
}
