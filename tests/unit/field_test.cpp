// The field table: names, types, versions, and lookups.
#include <catch2/catch.hpp>

#include <set>

#include "flow/field.hpp"
#include "flow/record.hpp"

using namespace flow;

TEST_CASE("field table: every name is unique, valid and found by its name", "[field]") {
  std::set<std::string_view> names;
  for (const auto& f : all_fields()) {
    CHECK(names.insert(f.name).second);
    CHECK(is_field_name_syntax(f.name));
    REQUIRE(find_field(f.name) == f.id);
    CHECK(&field_info(f.id) == &f);
    CHECK(!f.help.empty());
  }
  CHECK(all_fields().size() == kFieldCount);
}

TEST_CASE("field table: covers the AWS default formats with the right types and versions", "[field]") {
  auto vpc = Schema::parse_aws(kAwsDefaultFormat);
  auto tgw = Schema::parse_aws(kTgwDefaultFormat);
  CHECK(vpc->size() == 14);
  CHECK(tgw->size() == 36);
  for (const auto* s : {vpc.get(), tgw.get()})
    for (const auto& c : s->columns()) CHECK(c.id.has_value());
  CHECK(field_info(FieldId::srcport).type == Type::UInt);
  CHECK(field_info(FieldId::srcport).max == 65535);
  CHECK(field_info(FieldId::srcaddr).type == Type::Ip);
  CHECK(field_info(FieldId::start).type == Type::Time);
  CHECK(field_info(FieldId::reject_reason).version == 8);
  CHECK(field_info(FieldId::ecs_task_id).version == 7);
  CHECK(field_info(FieldId::traffic_path).version == 5);
  CHECK(field_info(FieldId::packets_lost_blackhole).family == Family::Tgw);
}

TEST_CASE("field table: suggests the nearest name for typos only", "[field]") {
  CHECK(nearest_field("dst_port") == "dstport");
  CHECK(nearest_field("srcadr") == "srcaddr");
  CHECK(nearest_field("tcpflags") == "tcp-flags");
  CHECK(nearest_field("completely-unrelated-thing").empty());
}

TEST_CASE("field names: lower case, digits and single inner dashes", "[field]") {
  CHECK(is_field_name_syntax("next-hop-interface-id"));
  CHECK(is_field_name_syntax("instance-tag-2"));
  CHECK_FALSE(is_field_name_syntax("SrcAddr"));
  CHECK_FALSE(is_field_name_syntax("a--b"));
  CHECK_FALSE(is_field_name_syntax("-a"));
  CHECK_FALSE(is_field_name_syntax("a-"));
  CHECK_FALSE(is_field_name_syntax("2a"));
  CHECK_FALSE(is_field_name_syntax(""));
}

TEST_CASE("schema: unknown names become string columns, duplicates are refused", "[field]") {
  auto s = Schema::parse_aws("${version} ${encryption-status} srcaddr");
  REQUIRE(s->size() == 3);
  CHECK(s->column(1).name == "encryption-status");
  CHECK(s->column(1).type == Type::String);
  CHECK_FALSE(s->column(1).id.has_value());
  CHECK(s->slot(FieldId::srcaddr) == 2);
  CHECK(s->slot(FieldId::dstaddr) == -1);
  CHECK(s->slot("encryption-status") == 1);
  CHECK(s->header() == "version encryption-status srcaddr");
  CHECK_THROWS_WITH(Schema::parse_aws("srcaddr srcaddr"), "field 'srcaddr' appears twice in the format");
  CHECK_THROWS_WITH(Schema::parse_aws("srcaddr Bytes"), "'Bytes' is not a field name");
}

TEST_CASE("value: a null or new value has a zero string size (writers add sizes up)", "[field]") {
  Value v;
  CHECK(v.s.size == 0);
  v.set_str("abcdef");
  v.set_null();
  CHECK(v.s.size == 0);
  CHECK(v.null());
}

TEST_CASE("protocol names: one table beside the fields, both ways", "[field]") {
  CHECK(protocol_number("tcp") == 6);
  CHECK(protocol_number("UDP") == 17);
  CHECK(protocol_number("icmpv6") == 58);
  CHECK(protocol_number("ipv6-icmp") == 58);
  CHECK_FALSE(protocol_number("tcpx"));
  CHECK_FALSE(protocol_number(""));
  CHECK(protocol_name(1) == "icmp");
  CHECK(protocol_name(58) == "icmpv6");  // a number's first name
  CHECK(protocol_name(132) == "sctp");
  CHECK(protocol_name(99).empty());
  CHECK(protocol_name(256 + 6).empty());
  for (uint64_t n = 0; n < 256; ++n)
    if (auto name = protocol_name(n); !name.empty()) CHECK(protocol_number(name) == n);
}
