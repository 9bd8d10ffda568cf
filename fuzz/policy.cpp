// libFuzzer target: policy files (flow-policy(5)), then a check of fixed records against the
// loaded policy, with its reports. The bytes are rewritten into one temporary file per process,
// in a directory that also holds base.policy so that `include "base.policy"` (and include
// cycles: `include "input.policy"`) are exercised. The directory is removed at exit.
#include <fcntl.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "flow/policy.hpp"
#include "records.hpp"

namespace {

class PolicyDir {
 public:
  PolicyDir() {
    char tmpl[] = "/tmp/flow-fuzz-policy-XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    dir_ = tmpl;
    std::ofstream(dir_ + "/base.policy") << "# shared groups\n"
                                            "group vpc = 10.0.0.0/16 2001:db8::/32\n"
                                            "group web = 10.0.1.0/24\n"
                                            "group internet = 0.0.0.0/0 ::/0\n"
                                            "default deny\n";
    path_ = dir_ + "/input.policy";
    fd_ = ::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd_ < 0) std::abort();
  }
  ~PolicyDir() {
    ::close(fd_);
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  void set(const uint8_t* data, size_t size) {
    if (ftruncate(fd_, 0) != 0) std::abort();
    for (size_t done = 0; done < size;) {
      ssize_t w = pwrite(fd_, data + done, size - done, static_cast<off_t>(done));
      if (w <= 0) std::abort();
      done += static_cast<size_t>(w);
    }
  }
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
  int fd_ = -1;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static auto records = flow::fuzz::make_fixed_records();
  static PolicyDir file;
  file.set(data, size);
  try {
    flow::Policy policy = flow::load_policy(file.path());
    flow::PolicyCheck check(std::move(policy), std::nullopt, {});
    for (const auto& r : records) check.add(r->record, "fixed");
    check.finish();
    volatile size_t sink = flow::policy_summary(check).size() + flow::junit_report(check).size() +
                           flow::sarif_report(check).size() + flow::github_report(check).size();
    (void)sink;
  } catch (const flow::UsageError&) {
  } catch (const flow::DataError&) {
  }
  return 0;
}
