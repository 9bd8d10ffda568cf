// flowcat --listen's output: one stream, or hourly files named by the hour they were received in.
#include "listen_output.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <ctime>

#include <fmt/format.h>

#include "flow/error.hpp"

namespace flow {

namespace {

class StreamOutput : public ListenOutput {
 public:
  explicit StreamOutput(const CommonOptions& o) : out_(output_config(o)) {}
  void write(const Record& r) override { out_.write(r); }
  void flush() override { out_.flush(); }
  void rotate(int64_t) override {}
  void close() override { out_.close(); }

 private:
  RecordOutput out_;
};

class HourlyOutput : public ListenOutput {
 public:
  HourlyOutput(const CommonOptions& o, Tool& tool, std::string dir) : o_(o), tool_(tool), dir_(std::move(dir)) {
    if (o.output_format.empty()) o_.output_format = "aws";
  }
  void write(const Record& r) override {
    int64_t now = std::time(nullptr);
    rotate(now);
    if (!out_) open(now);
    out_->write(r);
  }
  void flush() override {
    if (out_) out_->flush();
  }
  void rotate(int64_t now) override {
    if (out_ && now / 3600 != hour_) close();
  }
  void close() override {
    if (!out_) return;
    auto out = std::move(out_);
    out->close();
    tool_.note(fmt::format("wrote {}", o_.output));
  }

 private:
  void open(int64_t now) {
    hour_ = now / 3600;
    // A file of this hour from an earlier run is kept: the next free serial number instead.
    struct stat st;
    for (unsigned serial = 0;; ++serial) {
      o_.output = dir_ + hourly_name(now, o_.output_format, serial);
      if (stat(o_.output.c_str(), &st) != 0) break;
    }
    out_ = std::make_unique<RecordOutput>(output_config(o_));
  }

  CommonOptions o_;
  Tool& tool_;
  std::string dir_;
  std::unique_ptr<RecordOutput> out_;
  int64_t hour_ = 0;
};

}  // namespace

std::string hourly_name(int64_t t, std::string_view format, unsigned serial) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  std::string_view ext = format == "json" ? "jsonl" : format == "csv" ? "csv" : format == "bin" ? "flows" : "log";
  std::string suffix = serial ? fmt::format("-{}", serial) : "";
  return fmt::format("flows-{:04}{:02}{:02}T{:02}Z{}.{}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     suffix, ext);
}

std::unique_ptr<ListenOutput> listen_output(const CommonOptions& o, Tool& tool) {
  if (o.output_format == "table") throw UsageError("--listen: -O table cannot be written as records arrive");
  struct stat st;
  bool dir = !o.output.empty() && (o.output.back() == '/' || (stat(o.output.c_str(), &st) == 0 && S_ISDIR(st.st_mode)));
  if (!dir) return std::make_unique<StreamOutput>(o);
  std::string d = o.output.back() == '/' ? o.output : o.output + "/";
  if (mkdir(d.c_str(), 0777) != 0 && errno != EEXIST)
    throw DataError(fmt::format("{}: cannot create the directory: {}", d, std::strerror(errno)));
  return std::make_unique<HourlyOutput>(o, tool, d);
}

}  // namespace flow
