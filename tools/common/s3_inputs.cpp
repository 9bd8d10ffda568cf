// s3:// inputs for every tool: the S3 options, and prefixes expanded to their objects before the
// inputs are read (each object is then an input of its own, named in every message).
#include <fmt/format.h>

#include "common/tool.hpp"
#include "flow/s3.hpp"

namespace flow {

void add_s3_options(CLI::App& app, CommonOptions& o) {
  app.add_option("--endpoint-url", o.endpoint_url,
                 "s3:// inputs: an S3-compatible store at URL, addressed path-style (default: $AWS_ENDPOINT_URL_S3, "
                 "$AWS_ENDPOINT_URL, the profile's endpoint_url, else AWS)")
      ->type_name("URL")
      ->group("S3");
  app.add_option("--region", o.region,
                 "s3:// inputs: the buckets' Region (default: $AWS_REGION, the profile's, else as the bucket says)")
      ->type_name("REGION")
      ->group("S3");
  app.add_option("--profile", o.profile, "s3:// inputs: the profile of ~/.aws/config and ~/.aws/credentials")
      ->type_name("NAME")
      ->group("S3");
  app.add_flag("--no-sign-request", o.no_sign_request, "s3:// inputs: send requests unsigned (public buckets)")
      ->group("S3");
  app.add_option("--s3-jobs", o.s3_jobs, "s3:// inputs: objects fetched at once (the one read and the next ones)")
      ->type_name("N")
      ->check(CLI::Range(1, 256))
      ->capture_default_str()
      ->group("S3");
}

std::vector<std::string> Tool::expand_inputs(const CommonOptions& o, int64_t since, int64_t until) {
  std::vector<std::string> files;
  std::shared_ptr<s3::Client> client = s3::client();
  for (const auto& in : o.inputs) {
    if (!s3::is_s3_url(in)) {
      files.push_back(in);
      continue;
    }
    if (!client) {  // credentials are looked up only now that an s3:// input is given
      s3::Options so;
      so.endpoint_url = o.endpoint_url;
      so.region = o.region;
      so.profile = o.profile;
      so.no_sign = o.no_sign_request;
      so.jobs = o.s3_jobs;
      so.net = o.net;
      so.window = {since, until};
      client = std::make_shared<s3::Client>(so);
      s3::set_client(client);
    }
    for (auto& key : client->expand(in)) {
      ++s3_objects_;
      s3_bytes_ += client->listed_size(key);
      files.push_back(std::move(key));
    }
  }
  return files;
}

}  // namespace flow
