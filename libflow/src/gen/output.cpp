// flowgen's outputs: the record stream, hourly S3 objects, connections and ground truth as JSON.
#include "flow/gen_output.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

#include "flow/error.hpp"
#include "flow/format.hpp"
#include "flow/time.hpp"
#include "gen/rng.hpp"
#include "io/gzip_deflate.hpp"

namespace flow {

void write_file(const std::string& path, std::string_view text) {
  auto out = Output::open(path);
  out->write(text);
  out->commit();
}

namespace {

std::string ip_list(const std::vector<Ip>& v) {
  std::string s = "[";
  for (size_t i = 0; i < v.size(); ++i) s += fmt::format("{}\"{}\"", i ? "," : "", to_string(v[i]));
  return s + "]";
}

/// The connections side file, shared by both sinks.
class ConnectionLog {
 public:
  ConnectionLog(const std::string& path, const gen::Estate& e, const std::vector<gen::ScenarioRun>& runs)
      : estate_(e), runs_(runs) {
    if (!path.empty()) out_ = Output::open(path);
  }
  void add(const gen::Conn& c, bool complete) {
    if (out_)
      out_->write(
          connection_json(c, estate_, c.scenario < 0 ? "" : runs_[static_cast<size_t>(c.scenario)].name, complete));
  }
  void finish() {
    if (out_) out_->commit();
  }

 private:
  const gen::Estate& estate_;
  const std::vector<gen::ScenarioRun>& runs_;
  std::unique_ptr<Output> out_;
};

class StreamSink : public FinishingSink {
 public:
  StreamSink(const OutputConfig& o, const gen::Estate& e, const std::string& conns,
             const std::vector<gen::ScenarioRun>& runs)
      : out_(o), conns_(conns, e, runs) {}
  void record(const Record& r, uint32_t, int64_t) override { out_.write(r); }
  void connection(const gen::Conn& c, bool complete) override { conns_.add(c, complete); }
  void finish() override {
    out_.close();
    conns_.finish();
  }

 private:
  RecordOutput out_;
  ConnectionLog conns_;
};

/// Objects per flow log (one per VPC) and period (an hour by default), named and laid out as AWS does:
/// DIR/AWSLogs/ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/HH/ACCOUNT_vpcflowlogs_REGION_FLID_YYYYMMDDTHHmmZ_HASH.log.gz
/// or in Hive's layout DIR/AWSLogs/aws-account-id=ACCOUNT/aws-service=vpcflowlogs/aws-region=REGION/
/// year=YYYY/month=MM/day=DD/ (the same names).
/// Records arrive in end-time order, so each hour's objects are finished before the next starts.
class S3Sink : public FinishingSink {
 public:
  S3Sink(std::string dir, const OutputConfig& o, const gen::Estate& e, uint64_t seed, const std::string& conns,
         const std::vector<gen::ScenarioRun>& runs, const S3Layout& layout)
      : dir_(std::move(dir)), estate_(e), seed_(seed), layout_(layout), projection_(o.fields), conns_(conns, e, runs) {
    header_ = o.header;
    objects_.resize(e.vpcs.size());
  }
  void record(const Record& r, uint32_t eni, int64_t end) override {
    const uint32_t v = estate_.enis[eni].vpc;
    const int64_t hour = gen::Interface::floor_div(end, layout_.every);
    if (hour != hour_) {
      close_all();
      hour_ = hour;
    }
    Object& obj = objects_[v];
    if (!obj.out) open(obj, v);
    obj.writer->write(projection_.apply(r));
  }
  void connection(const gen::Conn& c, bool complete) override { conns_.add(c, complete); }
  void finish() override {
    close_all();
    conns_.finish();
  }

 private:
  struct Object {
    std::unique_ptr<Output> out;
    std::unique_ptr<Writer> writer;
    std::string path;  // the .log.gz
  };

  void open(Object& obj, uint32_t v) {
    const gen::Vpc& vpc = estate_.vpcs[v];
    const std::string t = format_time(hour_ * layout_.every);  // 2024-06-03T10:05:00Z
    const std::string y = t.substr(0, 4), m = t.substr(5, 2), d = t.substr(8, 2), h = t.substr(11, 2),
                      mi = t.substr(14, 2);
    const std::string folder =
        layout_.hive
            ? fmt::format("{}/AWSLogs/aws-account-id={}/aws-service=vpcflowlogs/aws-region={}/year={}/month={}/day={}",
                          dir_, vpc.account, estate_.region, y, m, d)
            : fmt::format("{}/AWSLogs/{}/vpcflowlogs/{}/{}/{}/{}/{}", dir_, vpc.account, estate_.region, y, m, d, h);
    std::filesystem::create_directories(folder);
    const uint32_t hash = static_cast<uint32_t>(gen::hash3(seed_, v, static_cast<uint64_t>(hour_)));
    obj.path = fmt::format("{}/{}_vpcflowlogs_{}_{}_{}{}{}T{}{}Z_{:08x}.log.gz", folder, vpc.account, estate_.region,
                           vpc.flow_log_id, y, m, d, h, mi, hash);
    obj.out = Output::open(obj.path.substr(0, obj.path.size() - 3));
    WriteOptions w;
    w.header = header_;
    obj.writer = make_writer(Format::Aws, *obj.out, w);
  }

  void close_all() {
    for (Object& obj : objects_) {
      if (!obj.out) continue;
      obj.writer->finish();
      obj.out->commit();
      const std::string text = obj.path.substr(0, obj.path.size() - 3);
      gzip_file(text, obj.path);
      std::remove(text.c_str());
      obj = Object{};
    }
  }

  std::string dir_;
  const gen::Estate& estate_;
  uint64_t seed_;
  S3Layout layout_;
  bool header_ = true;
  Projection projection_;
  ConnectionLog conns_;
  std::vector<Object> objects_;
  int64_t hour_ = INT64_MIN;
};

}  // namespace

std::unique_ptr<FinishingSink> stream_sink(const OutputConfig& o, const gen::Generator& g,
                                           const std::string& connections) {
  return std::make_unique<StreamSink>(o, g.estate(), connections, g.scenarios());
}

std::unique_ptr<FinishingSink> s3_sink(const std::string& dir, const OutputConfig& o, const gen::Generator& g,
                                       uint64_t seed, const std::string& connections, const S3Layout& layout) {
  return std::make_unique<S3Sink>(dir, o, g.estate(), seed, connections, g.scenarios(), layout);
}

void gzip_file(const std::string& from, const std::string& to) {
  std::ifstream in(from, std::ios::binary);
  if (!in) throw DataError(fmt::format("{}: cannot read", from));
  auto out = Output::open(to);
  std::vector<uint8_t> level_buf;
  isal_zstream z;
  gzip_deflate_init(z, level_buf);
  std::vector<char> ibuf(1 << 20), obuf(1 << 20);
  do {
    in.read(ibuf.data(), static_cast<std::streamsize>(ibuf.size()));
    z.next_in = reinterpret_cast<uint8_t*>(ibuf.data());
    z.avail_in = static_cast<uint32_t>(in.gcount());
    z.end_of_stream = in.eof() ? 1 : 0;
    do {
      z.next_out = reinterpret_cast<uint8_t*>(obuf.data());
      z.avail_out = static_cast<uint32_t>(obuf.size());
      if (isal_deflate(&z) != COMP_OK) throw DataError(fmt::format("{}: gzip compression failed", to));
      out->write(std::string_view(obuf.data(), obuf.size() - z.avail_out));
    } while (z.avail_out == 0);
  } while (!in.eof());
  out->commit();
}

std::string connection_json(const gen::Conn& c, const gen::Estate& e, std::string_view scenario, bool complete) {
  static const char* const kClose[] = {"fin", "rst", "open", "none"};
  std::string ifs;
  for (uint8_t i = 0; i < c.nobs; ++i) {
    const std::string& id = e.enis[c.obs[i].eni].id;
    if (ifs.find(id) == std::string::npos) ifs += fmt::format("{}\"{}\"", ifs.empty() ? "" : ",", id);
  }
  return fmt::format(
      "{{\"id\":{},\"protocol\":{},\"initiator\":\"{}\",\"initiator_port\":{},\"responder\":\"{}\",\"responder_port\":{"
      "},"
      "\"start\":{},\"end\":{},\"packets_fwd\":{},\"bytes_fwd\":{},\"packets_rev\":{},\"bytes_rev\":{},"
      "\"verdict\":\"{}\",\"close\":\"{}\",\"interfaces\":[{}],\"records\":{},\"scenario\":{},\"complete\":{}}}\n",
      c.id, c.proto, to_string(c.init), c.init_port, to_string(c.resp), c.resp_port, c.start, c.end, c.packets[0],
      c.bytes[0], c.packets[1], c.bytes[1], c.rejected ? "REJECT" : "ACCEPT", kClose[c.close], ifs, c.records,
      scenario.empty() ? "null" : json_quote(scenario), complete ? "true" : "false");
}

std::string truth_json(const std::vector<gen::ScenarioRun>& runs) {
  std::string s;
  for (const auto& r : runs)
    s += fmt::format(
        "{{\"scenario\":{},\"start\":{},\"end\":{},\"description\":{},\"sources\":{},\"targets\":{},\"protocol\":{},"
        "\"ports\":{},\"connections\":{},\"accepted\":{},\"rejected\":{},\"records\":{},\"policy\":{},\"rule\":{}}}\n",
        json_quote(r.name), r.start, r.end, json_quote(r.description), ip_list(r.sources), ip_list(r.targets), r.proto,
        json_quote(r.ports), r.connections, r.accepted, r.rejected, r.records, json_quote(r.violation),
        json_quote(r.rule));
  return s;
}

}  // namespace flow
