// Signed requests to S3: the address (path style at an endpoint URL, virtual-hosted at AWS), the
// bucket's Region (configured, or as the bucket's answer names it), credentials, retries.
#include "s3/client.hpp"

#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <random>
#include <thread>

#include "net/url.hpp"

extern char** environ;

namespace flow::s3 {
namespace {

constexpr size_t kMaxErrorBody = 64 << 10;
constexpr size_t kMaxAnswer = 64 << 20;  // a page of 1,000 keys is ~300 KB

aws::Settings settings_for(const Options& o) {
  aws::Environment env;
  if (!o.profile.empty()) {  // the process's environment, with AWS_PROFILE set
    for (char** e = environ; *e; ++e) {
      std::string_view kv(*e);
      auto eq = kv.find('=');
      if (eq != std::string_view::npos) env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
    env["AWS_PROFILE"] = o.profile;
  }
  aws::Settings s = aws::load_settings(o.profile.empty() ? nullptr : &env);
  if (!o.region.empty()) s.region = o.region;
  if (!o.endpoint_url.empty()) s.endpoint_url = o.endpoint_url;
  return s;
}

/// Host and port as the Host header says them.
std::string host_of(const std::string& origin) { return origin.substr(origin.find("://") + 3); }

}  // namespace

std::string Reply::header(const char* name) const {
  auto it = headers.find(name);
  return it == headers.end() ? "" : it->second;
}

bool retryable(const Reply& r) {
  if (r.status == 0) return r.error != httplib::Error::Canceled;
  if (r.status >= 500 || r.status == 429) return true;
  const ErrorReply e = parse_error(r.body);
  return e.code == "SlowDown" || e.code == "RequestTimeout";
}

Client::Impl::Impl(Options o) : opts(std::move(o)), settings(settings_for(opts)) {
  if (!settings.endpoint_url.empty()) {
    net::UrlParts p = net::split_url(settings.endpoint_url);
    endpoint = p.origin;
  }
}

aws::Credentials Client::Impl::credentials() {
  if (opts.no_sign) {
    aws::Credentials none;
    none.source = "none (--no-sign-request)";
    return none;
  }
  std::unique_lock lock(mu);
  if (!chain) chain = std::make_unique<aws::CredentialChain>(settings, opts.net);
  lock.unlock();
  aws::Credentials c = chain->get();
  lock.lock();
  cred_source = c.source;
  return c;
}

std::string Client::Impl::region_of(const std::string& bucket) {
  std::lock_guard lock(mu);
  auto it = regions.find(bucket);
  if (it != regions.end()) return it->second;
  return settings.region.empty() ? "us-east-1" : settings.region;
}

Reply Client::Impl::send(const Location& loc, const std::vector<std::pair<std::string, std::string>>& query,
                         const std::vector<std::pair<std::string, std::string>>& headers,
                         const std::function<bool(const char*, size_t)>& on_data, httplib::Client** live,
                         const std::function<void(const Reply&)>& on_head) {
  for (int hop = 0;; ++hop) {
    const std::string region = region_of(loc.bucket);
    std::string origin = endpoint, path;
    if (!endpoint.empty() || loc.bucket.find('.') != std::string::npos) {
      if (origin.empty()) origin = fmt::format("https://s3.{}.amazonaws.com", region);
      path = "/" + aws::uri_encode(loc.bucket) + "/" + aws::uri_encode(loc.key, false);
    } else {
      origin = fmt::format("https://{}.s3.{}.amazonaws.com", loc.bucket, region);
      path = "/" + aws::uri_encode(loc.key, false);
    }
    aws::Request req;
    req.path = path;
    req.query = query;
    req.headers = headers;
    req.headers.emplace_back("host", host_of(origin));
    aws::sign_v4(req, credentials(), region, "s3", std::time(nullptr));

    std::string target = path;
    for (size_t i = 0; i < query.size(); ++i)
      target +=
          fmt::format("{}{}={}", i ? '&' : '?', aws::uri_encode(query[i].first), aws::uri_encode(query[i].second));
    httplib::Headers h;
    for (const auto& [k, v] : req.headers) h.emplace(k == "host" ? "Host" : k, v);

    auto client = net::make_client(origin, opts.net);
    client->set_url_encode(false);  // the path is encoded as it was signed
    client->set_keep_alive(false);
    if (live) {
      std::lock_guard lock(mu);
      *live = client.get();
    }
    Reply r;
    auto res = client->Get(
        target, h,
        [&](const httplib::Response& head) {
          r.status = head.status;
          r.reason = head.reason;
          r.headers = head.headers;
          if (r.ok() && on_head) on_head(r);
          return true;
        },
        [&](const char* p, size_t n) {
          if (r.ok() && on_data) return on_data(p, n);
          const size_t max = r.ok() ? kMaxAnswer : kMaxErrorBody;  // a listing page, or an error's XML
          if (r.body.size() < max) r.body.append(p, std::min(n, max - r.body.size()));
          return true;
        });
    if (live) {
      std::lock_guard lock(mu);
      *live = nullptr;
    }
    if (!res) {
      r.error = res.error();
      if (r.status == 0 || r.ok()) {
        r.status = r.ok() ? r.status : 0;
        return r;  // a GET cut short keeps its 2xx status: the caller resumes it
      }
    }
    // The bucket is elsewhere: AWS says where (301 PermanentRedirect, 400 with the wrong Region).
    const std::string there = r.header("x-amz-bucket-region");
    if (!r.ok() && hop == 0 && !there.empty() && there != region) {
      std::lock_guard lock(mu);
      regions[loc.bucket] = there;
      continue;
    }
    return r;
  }
}

std::string Client::Impl::describe(const Reply& r) {
  if (r.status == 0) return net::error_text(r.error);
  const ErrorReply e = parse_error(r.body);
  std::string s = fmt::format("HTTP {}", r.status);
  if (!e.code.empty()) s += " " + e.code;
  s += e.message.empty() ? (e.code.empty() ? " " + printable(r.reason) : "") : ": " + e.message;
  if (r.status == 401 || r.status == 403 || e.code.find("Signature") != std::string::npos ||
      e.code.find("AccessKey") != std::string::npos || e.code.find("Token") != std::string::npos) {
    std::lock_guard lock(mu);
    s += fmt::format(" (credentials: {})", cred_source.empty() ? "none" : cred_source);
  }
  return s;
}

std::chrono::duration<double> Client::Impl::delay(unsigned attempt) {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return std::chrono::duration<double>(opts.backoff * double(uint64_t{1} << std::min(attempt, 10u)) *
                                       std::uniform_real_distribution<double>(0.5, 1.0)(rng));
}

void Client::Impl::list(const std::string& bucket, const std::string& prefix, bool delimited,
                        std::vector<ObjectInfo>& objects, std::vector<std::string>& prefixes) {
  std::string token;
  do {
    std::vector<std::pair<std::string, std::string>> q{{"list-type", "2"}, {"prefix", prefix}};
    if (delimited) q.emplace_back("delimiter", "/");
    if (!token.empty()) q.emplace_back("continuation-token", token);
    Reply r;
    for (unsigned attempt = 0;; ++attempt) {
      ++lists;
      r = send({bucket, ""}, q, {});
      if (r.ok() && r.error == httplib::Error::Success) break;
      if (!retryable(r) || attempt == opts.retries)
        throw DataError(fmt::format("s3://{}/{}: cannot list: {}", bucket, printable(prefix), describe(r)));
      ++retries;
      pause(attempt);
    }
    ListPage page;
    try {
      page = parse_list(r.body);
    } catch (const DataError& e) {
      throw DataError(fmt::format("s3://{}/{}: {}", bucket, printable(prefix), e.what()));
    }
    for (auto& o : page.objects) objects.push_back(std::move(o));
    for (auto& p : page.prefixes) prefixes.push_back(std::move(p));
    token = page.truncated ? page.next_token : "";
  } while (!token.empty());
}

Client::Client(Options o) : impl_(std::make_shared<Impl>(std::move(o))) {}
Client::~Client() {
  // The objects fetched ahead hold the client's insides: they go first, outside its lock.
  std::map<std::string, std::unique_ptr<ByteSource>> ahead;
  {
    std::lock_guard lock(impl_->mu);
    ahead.swap(impl_->ahead);
  }
}

std::vector<std::string> Client::expand(const std::string& url) {
  const Location loc = parse_url(url);
  if (!loc.key.empty() && loc.key.back() != '/') return {url};
  Lister lister = [&](const std::string& prefix, bool delimited, std::vector<ObjectInfo>& objects,
                      std::vector<std::string>& prefixes) {
    impl_->list(loc.bucket, prefix, delimited, objects, prefixes);
  };
  std::vector<std::string> out;
  for (const auto& o : pruned_listing(loc.key, impl_->opts.window, lister)) {
    if (o.key.ends_with("/") && o.size == 0) continue;  // a "folder" made by the console
    out.push_back(fmt::format("s3://{}/{}", loc.bucket, o.key));
    std::lock_guard lock(impl_->mu);
    impl_->sizes[out.back()] = o.size;
    impl_->plan_index.emplace(out.back(), impl_->plan.size());
    impl_->plan.push_back(out.back());
  }
  if (out.empty())
    throw DataError(fmt::format("{}: no objects{}", printable(url),
                                impl_->opts.window.active() ? " in the --since/--until window" : ""));
  return out;
}

uint64_t Client::listed_size(const std::string& url) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->sizes.find(url);
  return it == impl_->sizes.end() ? 0 : it->second;
}

Stats Client::stats() const {
  return {impl_->lists, impl_->gets, impl_->retries, impl_->resumes, impl_->opened, impl_->bytes};
}

}  // namespace flow::s3
