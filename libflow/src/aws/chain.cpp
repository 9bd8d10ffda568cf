// The credential chain: the sources in AWS's order, the first with credentials wins; temporary
// credentials are fetched again from the same source before they expire.
#include <ctime>
#include <mutex>

#include <fmt/format.h>

#include "aws/providers.hpp"
#include "flow/error.hpp"

namespace flow::aws {

namespace {

using Provider = Provided (*)(const ProviderContext&, std::string&);
// The order of the AWS SDKs (botocore, Java v2, Go v2): keys in the environment, web identity
// named in the environment (EKS), the profile's files, the ECS container endpoint, EC2 instance
// metadata.
constexpr Provider kChain[] = {from_environment, from_env_web_identity, from_profile, from_container,
                               from_instance_metadata};
// Temporary credentials are replaced this long before they expire, as the SDKs do, so that a
// request signed with them does not reach AWS after they expired.
constexpr int64_t kRefreshBefore = 5 * 60;

}  // namespace

struct CredentialChain::Impl {
  std::optional<Environment> env_copy;
  ProviderContext ctx;
  std::mutex mu;
  std::optional<Credentials> cached;
  int source = -1;  ///< the index in kChain of the source of `cached`

  Credentials resolve() {
    if (source >= 0) {
      std::string why_not;
      if (auto c = kChain[source](ctx, why_not)) return *c;
    }
    std::string tried;
    for (size_t i = 0; i < std::size(kChain); ++i) {
      std::string why_not;
      if (auto c = kChain[i](ctx, why_not)) {
        source = static_cast<int>(i);
        return *c;
      }
      tried += (tried.empty() ? "" : "; ") + why_not;
    }
    throw DataError(fmt::format("no AWS credentials: tried {}; for a public bucket, use --no-sign-request", tried));
  }
};

CredentialChain::CredentialChain(const Settings& s, const NetTimeouts& net, const Environment* env)
    : impl_(std::make_unique<Impl>()) {
  if (env) impl_->env_copy = *env;
  impl_->ctx.settings = s;
  impl_->ctx.net = net;
  impl_->ctx.env = impl_->env_copy ? &*impl_->env_copy : nullptr;
}

CredentialChain::~CredentialChain() = default;

Credentials CredentialChain::get() {
  std::lock_guard lock(impl_->mu);
  auto now = static_cast<int64_t>(std::time(nullptr));
  auto& cached = impl_->cached;
  if (cached && (cached->expires == 0 || now < cached->expires - kRefreshBefore)) return *cached;
  impl_->ctx.now = now;
  try {
    cached = impl_->resolve();
  } catch (const DataError&) {
    // A refresh that fails while the old credentials are still good: use them, try next time.
    if (cached && now < cached->expires) return *cached;
    throw;
  }
  return *cached;
}

}  // namespace flow::aws
