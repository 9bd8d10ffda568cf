// S3 listings: the XML of ListObjectsV2, the time in AWS's object names, and the prefixes a
// --since/--until window lists in both key layouts (against a fake bucket that counts requests).
#include <catch2/catch.hpp>
#include <fmt/format.h>

#include <map>
#include <set>

#include "flow/s3.hpp"
#include "flow/time.hpp"

using namespace flow;
using namespace flow::s3;

namespace {

int64_t at(const char* iso) {
  int64_t t = 0;
  REQUIRE(parse_iso_time(iso, t));
  return t;
}

/// A bucket in memory: lists as S3 does (CommonPrefixes with a delimiter), and logs each listing.
struct FakeBucket {
  std::set<std::string> keys;
  std::vector<std::string> log;  // "PREFIX" or "PREFIX/d" (delimited)
  Lister lister() {
    return [this](const std::string& prefix, bool delimited, std::vector<ObjectInfo>& objects,
                  std::vector<std::string>& prefixes) {
      log.push_back(prefix + (delimited ? " d" : ""));
      for (const auto& k : keys) {
        if (!k.starts_with(prefix)) continue;
        size_t slash = delimited ? k.find('/', prefix.size()) : std::string::npos;
        if (slash == std::string::npos) objects.push_back({k, 1, ""});
        else if (prefixes.empty() || prefixes.back() != k.substr(0, slash + 1))
          prefixes.push_back(k.substr(0, slash + 1));
      }
    };
  }
};

/// A day of hourly objects for two accounts, in the plain layout with hour folders, or Hive's
/// without.
FakeBucket day_of_objects(bool hive) {
  FakeBucket b;
  for (const char* acct : {"111111111111", "222222222222"})
    for (int h = 0; h < 24; ++h) {
      const std::string hh = fmt::format("{:02}", h);
      const std::string name = std::string(acct) + "_vpcflowlogs_eu-west-1_fl-1_20240603T" + hh + "00Z_ab.log.gz";
      b.keys.insert(hive ? "AWSLogs/aws-account-id=" + std::string(acct) +
                               "/aws-service=vpcflowlogs/aws-region=eu-west-1/year=2024/month=06/day=03/" + name
                         : "AWSLogs/" + std::string(acct) + "/vpcflowlogs/eu-west-1/2024/06/03/" + hh + "/" + name);
    }
  b.keys.insert("README.txt");
  return b;
}

std::vector<std::string> keys_of(const std::vector<ObjectInfo>& objects) {
  std::vector<std::string> k;
  for (const auto& o : objects) k.push_back(o.key.substr(o.key.rfind('/') + 1));
  return k;
}

}  // namespace

TEST_CASE("S3 listing XML: objects, prefixes, pagination, entities") {
  const ListPage p = parse_list(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><Prefix/>"
      "<KeyCount>2</KeyCount><IsTruncated>true</IsTruncated>"
      "<Contents><Key>a&amp;b &lt;1&gt;&#233;&#x41;</Key><LastModified>2024-06-03T10:00:00.000Z</LastModified>"
      "<ETag>&quot;x&quot;</ETag><Size>12345678901</Size></Contents>"
      "<Contents><Size>0</Size><Key><![CDATA[c<d]]></Key></Contents>"
      "<CommonPrefixes><Prefix>AWSLogs/</Prefix></CommonPrefixes>"
      "<NextContinuationToken>tok/en==</NextContinuationToken></ListBucketResult>");
  REQUIRE(p.objects.size() == 2);
  CHECK(p.objects[0].key ==
        "a&b <1>\xC3\xA9"
        "A");
  CHECK(p.objects[0].size == 12345678901u);
  CHECK(p.objects[0].last_modified == "2024-06-03T10:00:00.000Z");
  CHECK(p.objects[1].key == "c<d");
  CHECK(p.prefixes == std::vector<std::string>{"AWSLogs/"});
  CHECK(p.truncated);
  CHECK(p.next_token == "tok/en==");
}

TEST_CASE("S3 listing XML: errors and what is not a listing") {
  CHECK(parse_error("<Error><Code>NoSuchBucket</Code><Message>gone</Message></Error>").code == "NoSuchBucket");
  CHECK(parse_error("<html>bad gateway").code.empty());
  CHECK_THROWS_WITH(parse_list("<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"),
                    "S3 listing: AccessDenied: Access Denied");
  for (const char* bad : {"", "<ListBucketResult>", "<ListBucketResult></Other>",
                          "<ListBucketResult><Contents><Size>1</Size></Contents></ListBucketResult>",
                          "<ListBucketResult><Contents><Key>k</Key><Size>x</Size></Contents></ListBucketResult>",
                          "<ListBucketResult><IsTruncated>true</IsTruncated></ListBucketResult>",
                          "<ListBucketResult><Contents><Key>&bogus;</Key></Contents></ListBucketResult>",
                          "<!DOCTYPE x><ListBucketResult/>", "<a/><b/>"})
    CHECK_THROWS_AS(parse_list(bad), DataError);
  CHECK(parse_list("<ListBucketResult/>").objects.empty());
}

TEST_CASE("S3 object names: the time AWS writes in them, and the window's slack") {
  CHECK(name_time("AWSLogs/1/vpcflowlogs/r/2024/06/03/10/1_vpcflowlogs_r_fl-1_20240603T1005Z_ab.log.gz") ==
        at("2024-06-03T10:05:00Z"));
  CHECK(name_time("x_20240603T1005Z.log.parquet") == at("2024-06-03T10:05:00Z"));
  CHECK(name_time("flows.log.gz") == INT64_MIN);
  CHECK(name_time("x_20241303T1005Z_a") == INT64_MIN);   // month 13
  CHECK(name_time("x_20240603T1005Zz_a") == INT64_MIN);  // not followed by _ or .
  const Window w{at("2024-06-03T10:00:00Z"), at("2024-06-03T11:00:00Z")};
  CHECK_FALSE(keep_object("a_20240603T0950Z_x", w));
  CHECK(keep_object("a_20240603T0955Z_x", w));  // 5 minutes before
  CHECK(keep_object("a_20240603T1115Z_x", w));  // up to 20 minutes after
  CHECK_FALSE(keep_object("a_20240603T1120Z_x", w));
  CHECK(keep_object("no-time.log", w));
  CHECK(keep_object("a_20200101T0000Z_x", Window{}));
}

TEST_CASE("S3 pruning: one hour of a day in the plain layout lists that hour's folders") {
  FakeBucket b = day_of_objects(false);
  const Window w{at("2024-06-03T10:00:00Z"), at("2024-06-03T11:00:00Z")};
  auto got = pruned_listing("AWSLogs/", w, b.lister());
  // Hours 09 (for its 5-minute slack: the 09:00 object is out), 10 and 11 (the 11:00 object is in the 20-minute slack).
  CHECK(keys_of(got) == std::vector<std::string>{"111111111111_vpcflowlogs_eu-west-1_fl-1_20240603T1000Z_ab.log.gz",
                                                 "111111111111_vpcflowlogs_eu-west-1_fl-1_20240603T1100Z_ab.log.gz",
                                                 "222222222222_vpcflowlogs_eu-west-1_fl-1_20240603T1000Z_ab.log.gz",
                                                 "222222222222_vpcflowlogs_eu-west-1_fl-1_20240603T1100Z_ab.log.gz"});
  const std::string r1 = "AWSLogs/111111111111/vpcflowlogs/eu-west-1/";
  CHECK(std::count(b.log.begin(), b.log.end(), r1 + "2024/06/03/ d") == 1);
  CHECK(std::count(b.log.begin(), b.log.end(), r1 + "2024/06/03/10/") == 1);
  CHECK(std::count(b.log.begin(), b.log.end(), r1 + "2024/06/03/12/") == 0);
  // Per account: account, service and Region levels, the day, and hours 09, 10, 11.
  CHECK(b.log.size() == 1 + 2 * (2 + 1 + 3));
}

TEST_CASE("S3 pruning: Hive's layout, a prefix above AWSLogs/, and one deep in it") {
  FakeBucket b = day_of_objects(true);
  const Window w{at("2024-06-03T10:00:00Z"), at("2024-06-03T11:00:00Z")};
  auto got = pruned_listing("", w, b.lister());
  CHECK(got.size() == 5);                                             // README.txt too: a name without a time is kept
  CHECK(std::find(b.log.begin(), b.log.end(), " d") != b.log.end());  // the bucket's top level
  b.log.clear();
  got = pruned_listing("AWSLogs/aws-account-id=111111111111/aws-service=vpcflowlogs/aws-region=eu-west-1/", w,
                       b.lister());
  CHECK(got.size() == 2);
  CHECK(b.log == std::vector<std::string>{"AWSLogs/aws-account-id=111111111111/aws-service=vpcflowlogs/"
                                          "aws-region=eu-west-1/year=2024/month=06/day=03/ d"});
  // A window of other days lists those days only, and finds nothing.
  b.log.clear();
  CHECK(pruned_listing("AWSLogs/", Window{at("2024-06-05T10:00:00Z"), at("2024-06-05T11:00:00Z")}, b.lister()).empty());
  CHECK(b.log.size() == 1 + 2 * (2 + 1));
}

TEST_CASE("S3 pruning: a window open on one side walks the date folders") {
  FakeBucket b = day_of_objects(false);
  b.keys.insert("AWSLogs/111111111111/vpcflowlogs/eu-west-1/2023/12/31/23/x_20231231T2300Z_a.log.gz");
  auto got = pruned_listing("AWSLogs/", Window{at("2024-06-03T22:00:00Z"), INT64_MAX}, b.lister());
  CHECK(got.size() == 4);  // hours 22 and 23 of both accounts
  got = pruned_listing("AWSLogs/", Window{INT64_MIN, at("2024-01-01T00:00:00Z")}, b.lister());
  CHECK(keys_of(got) == std::vector<std::string>{"x_20231231T2300Z_a.log.gz"});
  // Without a window everything is listed at once.
  b.log.clear();
  CHECK(pruned_listing("", Window{}, b.lister()).size() == b.keys.size());
  CHECK(b.log == std::vector<std::string>{""});
}

TEST_CASE("S3 names: bucket and key") {
  CHECK(parse_url("s3://b/a/b.log").key == "a/b.log");
  CHECK(parse_url("s3://b").key.empty());
  CHECK(parse_url("s3://b/").bucket == "b");
  CHECK_THROWS_AS(parse_url("s3:///k"), UsageError);
}
