// flowgen's command line: options, the estate and its policy, the record output (stream or S3
// layout) and the side outputs (ground truth, connections).
#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <memory>

#include "common/tool.hpp"
#include "flow/error.hpp"
#include "flow/gen_output.hpp"
#include "flow/gen_sim.hpp"
#include "flow/time.hpp"

namespace flow {

struct GenOptions {
  CommonOptions common;
  uint64_t seed = 1;
  std::string start = "2024-06-03T00:00:00Z";
  std::string duration = "1h";
  uint64_t flows = 0;
  double rate = 10;
  std::vector<std::string> scenarios;
  int log_version = 2;
  std::string aws_format;
  std::string topology;
  int vpcs = 1, accounts = 1, azs = 2, hosts = 12, clients = 2000;
  std::string region = "us-east-1";
  double skipdata = 0.0005;
  std::string truth, connections, estate, policy, s3;
  std::string s3_layout = "plain", s3_every = "1h";
};

const ToolSpec& gen_spec() {
  static const ToolSpec spec{
      "flowgen",
      "Generate realistic synthetic VPC flow logs with ground truth",
      "flowgen simulates an AWS estate (accounts, VPCs, subnets, a load balancer, web, app, database and "
      "cache tiers, a bastion, a NAT gateway, internet clients and AWS service endpoints) and writes the "
      "flow records AWS would write for its traffic. The same seed and options give the same bytes.\n\n"
      "Traffic is simulated as connections. Each is recorded at every interface it crosses, in both "
      "directions: four records for a connection inside the VPC, two at a load balancer for a client, "
      "six for a connection out through the NAT gateway (whose records carry pkt-srcaddr and "
      "pkt-dstaddr). Every interface has its own capture window (60 s, or 600 s for load balancer, NAT "
      "and some older instances), not aligned with the others; long connections are split over "
      "windows; tcp-flags are OR-ed per window (SYN 2, SYN-ACK 18, FIN 1, RST 4); clients use "
      "ephemeral ports; packet and byte counts are heavy-tailed. Security groups decide ACCEPT and "
      "REJECT: a refused connection is a REJECT with SYN only at the receiving interface. Idle windows "
      "give NODATA, and a few windows are lost as SKIPDATA.\n\n"
      "Records come out ordered by their end time (as they close), in constant memory, so long runs "
      "stream. The default output is AWS text version 2 with its header line; --log-version or "
      "--aws-format choose the fields, -O any output format.\n\n"
      "Scenarios (--scenario) lay attacks and mistakes over the normal traffic: port-scan, "
      "ssh-brute-force, exfiltration, ddos, lateral-movement and misconfigured-sg (the cache's group "
      "stops admitting the app tier). --truth writes what each did (JSON Lines), --connections every "
      "simulated connection, --estate the interfaces as CSV (for joins) and --policy the intended "
      "network policy in the syntax flowfilter --policy reads: normal traffic has no violations, each "
      "scenario the ones it should.",
      {
          {"flowgen --duration 1d --seed 7 | flowcat -O table | head", "A day of traffic, as a table."},
          {"flowgen --flows 10000000 -O bin -o day.flows", "Ten million records in the binary format."},
          {"flowgen --log-version 5 --scenario all --truth truth.jsonl --policy estate.policy -o flows.log",
           "Version 5 fields, every scenario, with ground truth and the intended policy."},
          {"flowgen --aws-format '${interface-id} ${srcaddr} ${dstaddr} ${action}' --flows 20",
           "Twenty records in a custom format."},
          {"flowgen --duration 1d --estate estate.csv --connections conns.jsonl -O json -o flows.jsonl",
           "Records with the estate table and every simulated connection."},
          {"flowgen --duration 6h --s3 bucket/", "Hourly S3 objects (.log.gz with headers), named as AWS names them."},
      },
      {{"TOPOLOGY FILE",
        "Lines of 'KEY VALUE' ('#' starts a comment): vpcs, accounts, azs, web, app, db, cache, spare "
        "(idle instances), clients and region. Options given on the command line win over the file."},
       {"EXIT STATUS",
        "0 success; 1 an I/O error; 2 a usage error. A closed pipe downstream (e.g. | head) "
        "ends flowgen quietly with 0."},
       {"SEE ALSO", "flowcat(1), flowfilter(1), flow-policy(5), flow-formats(5)"}},
  };
  return spec;
}

void define_gen_options(CLI::App& app, GenOptions& o) {
  add_output_options(app, o.common);
  app.add_option("--seed", o.seed, "Random seed: the same seed and options give the same bytes")
      ->type_name("N")
      ->capture_default_str()
      ->group("Simulation");
  app.add_option("--start", o.start, "Start of the time range (epoch, ISO 8601, now-1d)")
      ->type_name("TIME")
      ->capture_default_str()
      ->group("Simulation");
  app.add_option("--duration", o.duration, "Length of the time range (90s, 15m, 6h, 30d, 2w)")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group("Simulation");
  auto* flows = app.add_option("--flows", o.flows, "Write N records (connection rate chosen to fill the time range)")
                    ->type_name("N")
                    ->group("Simulation");
  app.add_option("--rate", o.rate, "New connections per second, daily mean (traffic follows the day)")
      ->type_name("R")
      ->capture_default_str()
      ->excludes(flows)
      ->group("Simulation");
  std::vector<std::string> names = gen::scenario_names();
  names.push_back("all");
  app.add_option("--scenario", o.scenarios, "Scenarios to add (comma-separated, or all)")
      ->delimiter(',')
      ->allow_extra_args(false)
      ->check(one_of(names))
      ->type_name("LIST")
      ->group("Simulation");
  app.add_option("--skipdata-rate", o.skipdata, "Share of interface windows whose records are lost (SKIPDATA)")
      ->type_name("P")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0))
      ->group("Simulation");
  auto* version =
      app.add_option("--log-version", o.log_version,
                     "Fields of AWS version N: 2 (the default format), 3, 4, 5, 7 or 8 (every VPC field up to N)")
          ->type_name("N")
          ->capture_default_str()
          ->check(CLI::IsMember({2, 3, 4, 5, 7, 8}))
          ->group("Output");
  app.add_option("--aws-format", o.aws_format, "Custom field list, e.g. '${version} ${vpc-id} ${srcaddr} ...'")
      ->type_name("FORMAT")
      ->excludes(version)
      ->group("Output");
  app.add_option("--s3", o.s3, "Write hourly S3 objects (.log.gz, header first) under DIR/AWSLogs/...")
      ->type_name("FILE")
      ->group("Output");
  app.add_option("--s3-layout", o.s3_layout,
                 "--s3: AWS's folders (plain: ACCOUNT/vpcflowlogs/REGION/YYYY/MM/DD/HH/) or Hive's "
                 "(hive: aws-account-id=ACCOUNT/.../year=YYYY/month=MM/day=DD/)")
      ->type_name("LAYOUT")
      ->check(one_of({"plain", "hive"}))
      ->capture_default_str()
      ->group("Output");
  app.add_option("--s3-every", o.s3_every, "--s3: one object per flow log every DURATION (5m, 1h; AWS: 5 or 60 min)")
      ->type_name("DURATION")
      ->capture_default_str()
      ->group("Output");
  app.add_option("--truth", o.truth, "Write the scenarios' ground truth (JSON Lines) to FILE")
      ->type_name("FILE")
      ->group("Side outputs");
  app.add_option("--connections", o.connections, "Write every simulated connection (JSON Lines) to FILE")
      ->type_name("FILE")
      ->group("Side outputs");
  app.add_option("--estate", o.estate,
                 "Write the interfaces (CSV: interface, instance, subnet, VPC, tier, owner...) to FILE")
      ->type_name("FILE")
      ->group("Side outputs");
  app.add_option("--policy", o.policy, "Write the intended network policy (flowfilter --policy syntax) to FILE")
      ->type_name("FILE")
      ->group("Side outputs");
  app.add_option("--topology", o.topology, "Read the estate's sizes from FILE (see TOPOLOGY FILE)")
      ->type_name("FILE")
      ->group("Estate");
  app.add_option("--vpcs", o.vpcs, "VPCs (each with every tier)")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 200))
      ->group("Estate");
  app.add_option("--accounts", o.accounts, "Accounts the VPCs are spread over")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 200))
      ->group("Estate");
  app.add_option("--azs", o.azs, "Availability zones")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 6))
      ->group("Estate");
  app.add_option("--hosts", o.hosts, "Instances per VPC in the web, app, db and cache tiers (at least 4)")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(4, 5000))
      ->group("Estate");
  app.add_option("--clients", o.clients, "Internet client addresses")
      ->type_name("N")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000))
      ->group("Estate");
  app.add_option("--region", o.region, "AWS Region")->type_name("REGION")->capture_default_str()->group("Estate");
}

namespace {

gen::GenConfig make_config(const GenOptions& o, CLI::App& app) {
  gen::GenConfig cfg;
  cfg.seed = o.seed;
  cfg.start = parse_time(o.start, "--start", std::time(nullptr));
  cfg.duration = parse_duration(o.duration, "--duration");
  cfg.flows = o.flows;
  cfg.rate = o.rate;
  // --flows with --duration: the rate that fills the range; alone: the range that the rate needs.
  if (o.flows > 0 && app.get_option("--duration")->count() > 0) cfg.fit_rate = true;
  // The run stops at N records, so a range too long costs nothing; one too short gives fewer
  // (night traffic is half the mean, and connections average fewer records than 4.5).
  else if (o.flows > 0)
    cfg.duration = std::max<int64_t>(3600, static_cast<int64_t>(double(o.flows) / (4.5 * o.rate) * 4));
  if (!(o.rate > 0)) throw UsageError("--rate: must be more than 0");
  cfg.skipdata = o.skipdata;
  for (const auto& s : o.scenarios) {
    if (s == "all") cfg.scenarios = gen::scenario_names();
    else if (std::find(cfg.scenarios.begin(), cfg.scenarios.end(), s) == cfg.scenarios.end())
      cfg.scenarios.push_back(s);
  }
  gen::EstateSize& z = cfg.size;
  if (!o.topology.empty()) gen::read_topology(o.topology, z);
  auto given = [&](const char* name) { return o.topology.empty() || app.get_option(name)->count() > 0; };
  if (given("--vpcs")) z.vpcs = o.vpcs;
  if (given("--accounts")) z.accounts = o.accounts;
  if (given("--azs")) z.azs = o.azs;
  if (given("--clients")) z.clients = o.clients;
  if (given("--region")) z.region = o.region;
  if (given("--hosts")) {
    z.web = std::max(1, o.hosts * 3 / 10);
    z.db = std::max(1, o.hosts * 15 / 100);
    z.cache = std::max(1, o.hosts * 15 / 100);
    z.app = o.hosts - z.web - z.db - z.cache;
  }
  if (z.vpcs < 1 || z.accounts < 1 || z.azs < 1 || z.clients < 1)
    throw UsageError("--topology: vpcs, accounts, azs and clients must be at least 1");
  if (z.app < 2 && std::find(cfg.scenarios.begin(), cfg.scenarios.end(), "lateral-movement") != cfg.scenarios.end())
    throw UsageError("--scenario lateral-movement needs at least two app hosts");
  if ((z.app < 1 || z.cache < 1) && !cfg.scenarios.empty())
    throw UsageError("--scenario needs at least one app and one cache host");

  if (!o.aws_format.empty()) {
    try {
      cfg.schema = Schema::parse_aws(o.aws_format);
    } catch (const DataError& e) {
      throw UsageError(std::string("--aws-format: ") + e.what());
    }
    for (const Column& c : cfg.schema->columns()) {
      if (!c.id) {
        std::string_view near = nearest_field(c.name);
        throw UsageError(fmt::format("--aws-format: unknown field '{}'{}", c.name,
                                     near.empty() ? "" : fmt::format(" (did you mean '{}'?)", near)));
      }
      if (field_info(*c.id).family == Family::Tgw)
        throw UsageError(
            fmt::format("--aws-format: '{}' is a Transit Gateway field; flowgen writes VPC flow logs", c.name));
    }
  } else {
    cfg.schema = gen::version_schema(o.log_version);
  }
  return cfg;
}

}  // namespace

void run_gen(const GenOptions& o, CLI::App& app, Tool& tool) {
  if (!o.s3.empty() && (o.common.output_format != "aws" || o.common.output != "-"))
    throw UsageError("--s3 writes AWS text objects itself: it takes neither -o nor -O");
  gen::GenConfig cfg = make_config(o, app);
  gen::Generator g(cfg);
  if (!o.estate.empty()) write_file(o.estate, gen::estate_csv(g.estate()));
  if (!o.policy.empty()) write_file(o.policy, gen::estate_policy(g.estate(), cfg.seed));

  std::unique_ptr<FinishingSink> sink;
  if (o.s3.empty()) sink = stream_sink(output_config(o.common), g, o.connections);
  else {
    S3Layout layout{o.s3_layout == "hive", parse_duration(o.s3_every, "--s3-every")};
    if (layout.every < 60 || 3600 % layout.every != 0)
      throw UsageError("--s3-every: give whole minutes that divide an hour (5m, 10m, 1h)");
    sink = s3_sink(o.s3, output_config(o.common), g, cfg.seed, o.connections, layout);
  }
  g.run(*sink);
  finish_sink(*sink);
  if (o.flows > 0 && g.records_written() < o.flows)
    tool.warn(fmt::format("--flows {}: only {} records fit in the time range (raise --rate or --duration)", o.flows,
                          g.records_written()));
  if (!o.truth.empty()) write_file(o.truth, truth_json(g.scenarios()));
}

}  // namespace flow

int main(int argc, char** argv) {
  flow::GenOptions opts;
  CLI::App* app = nullptr;
  return flow::run_tool(
      argc, argv, flow::gen_spec(),
      [&](CLI::App& a) {
        app = &a;
        flow::define_gen_options(a, opts);
      },
      [&](flow::Tool& tool) { flow::run_gen(opts, *app, tool); });
}
