// The field table: every flow-record field we know, the single source of truth.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace flow {

/// How a field's value is stored and printed.
enum class Type : uint8_t {
  UInt,    ///< unsigned decimal integer, bounded by FieldInfo::max
  Time,    ///< Unix time in seconds (13-digit millisecond values are kept as written)
  Ip,      ///< IPv4 or IPv6 address
  String,  ///< any text without spaces; also every field we do not know
  Float,   ///< a finite double: computed columns (--set, arithmetic); printed shortest round-trip
};

std::string_view type_name(Type t);

/// Where a field comes from: the VPC flow-log field set, the Transit Gateway set, or both.
enum class Family : uint8_t { Both, Vpc, Tgw };

// X(id, "aws-name", Type, version, max, Family, "help")
// Order is the order of the AWS field tables (VPC v2..v8, then Transit Gateway v6).
#define FLOW_FIELDS(X)                                                                                                 \
  X(version, "version", UInt, 2, 255, Both, "highest version among the fields of the log's format")                    \
  X(account_id, "account-id", String, 2, 0, Both, "AWS account owning the source interface (or 'unknown')")            \
  X(interface_id, "interface-id", String, 2, 0, Vpc, "network interface (ENI) the traffic was recorded on")            \
  X(srcaddr, "srcaddr", Ip, 2, 0, Both, "source address as seen by the interface")                                     \
  X(dstaddr, "dstaddr", Ip, 2, 0, Both, "destination address as seen by the interface")                                \
  X(srcport, "srcport", UInt, 2, 65535, Both, "source port (0 for ICMP)")                                              \
  X(dstport, "dstport", UInt, 2, 65535, Both, "destination port (0 for ICMP)")                                         \
  X(protocol, "protocol", UInt, 2, 255, Both, "IANA protocol number (6 TCP, 17 UDP, 1 ICMP)")                          \
  X(packets, "packets", UInt, 2, UINT64_MAX, Both, "packets in the capture window")                                    \
  X(bytes, "bytes", UInt, 2, UINT64_MAX, Both, "bytes in the capture window")                                          \
  X(start, "start", Time, 2, 0, Both, "first packet of the capture window (Unix seconds)")                             \
  X(end, "end", Time, 2, 0, Both, "last packet of the capture window (Unix seconds)")                                  \
  X(action, "action", String, 2, 0, Vpc, "ACCEPT or REJECT")                                                           \
  X(log_status, "log-status", String, 2, 0, Both, "OK, NODATA (no traffic) or SKIPDATA (records skipped)")             \
  X(vpc_id, "vpc-id", String, 3, 0, Vpc, "VPC of the interface")                                                       \
  X(subnet_id, "subnet-id", String, 3, 0, Vpc, "subnet of the interface")                                              \
  X(instance_id, "instance-id", String, 3, 0, Vpc, "instance owning the interface, if yours")                          \
  X(tcp_flags, "tcp-flags", UInt, 3, 255, Both, "TCP flags OR-ed over the window (1 FIN, 2 SYN, 4 RST, 18 SYN-ACK)")   \
  X(type, "type", String, 3, 0, Both, "IPv4, IPv6 or EFA")                                                             \
  X(pkt_srcaddr, "pkt-srcaddr", Ip, 3, 0, Vpc, "original packet source (behind NAT)")                                  \
  X(pkt_dstaddr, "pkt-dstaddr", Ip, 3, 0, Vpc, "original packet destination (behind NAT)")                             \
  X(region, "region", String, 4, 0, Both, "Region of the interface")                                                   \
  X(az_id, "az-id", String, 4, 0, Vpc, "Availability Zone ID of the interface")                                        \
  X(sublocation_type, "sublocation-type", String, 4, 0, Vpc, "wavelength, outpost or localzone")                       \
  X(sublocation_id, "sublocation-id", String, 4, 0, Vpc, "ID of the sublocation")                                      \
  X(pkt_src_aws_service, "pkt-src-aws-service", String, 5, 0, Both, "AWS service owning pkt-srcaddr (S3, EC2, ...)")   \
  X(pkt_dst_aws_service, "pkt-dst-aws-service", String, 5, 0, Both, "AWS service owning pkt-dstaddr")                  \
  X(flow_direction, "flow-direction", String, 5, 0, Both, "ingress or egress, relative to the interface")              \
  X(traffic_path, "traffic-path", UInt, 5, 255, Vpc, "egress path 1-8 (2 internet gateway, 4 peering, ...)")           \
  X(ecs_cluster_arn, "ecs-cluster-arn", String, 7, 0, Vpc, "ECS cluster ARN")                                          \
  X(ecs_cluster_name, "ecs-cluster-name", String, 7, 0, Vpc, "ECS cluster name")                                       \
  X(ecs_container_instance_arn, "ecs-container-instance-arn", String, 7, 0, Vpc, "ECS container instance ARN")         \
  X(ecs_container_instance_id, "ecs-container-instance-id", String, 7, 0, Vpc, "ECS container instance ID")            \
  X(ecs_container_id, "ecs-container-id", String, 7, 0, Vpc, "runtime ID of the task's first container")               \
  X(ecs_second_container_id, "ecs-second-container-id", String, 7, 0, Vpc,                                             \
    "runtime ID of the task's second container")                                                                       \
  X(ecs_service_name, "ecs-service-name", String, 7, 0, Vpc, "ECS service that started the task")                      \
  X(ecs_task_definition_arn, "ecs-task-definition-arn", String, 7, 0, Vpc, "ECS task definition ARN")                  \
  X(ecs_task_arn, "ecs-task-arn", String, 7, 0, Vpc, "ECS task ARN")                                                   \
  X(ecs_task_id, "ecs-task-id", String, 7, 0, Vpc, "ECS task ID")                                                      \
  X(reject_reason, "reject-reason", String, 8, 0, Vpc, "why traffic was rejected (BPA: VPC Block Public Access)")      \
  X(resource_type, "resource-type", String, 6, 0, Tgw, "TransitGateway or TransitGatewayAttachment")                   \
  X(tgw_id, "tgw-id", String, 6, 0, Tgw, "transit gateway")                                                            \
  X(tgw_attachment_id, "tgw-attachment-id", String, 6, 0, Tgw, "transit gateway attachment")                           \
  X(tgw_src_vpc_account_id, "tgw-src-vpc-account-id", String, 6, 0, Tgw, "account of the source VPC")                  \
  X(tgw_dst_vpc_account_id, "tgw-dst-vpc-account-id", String, 6, 0, Tgw, "account of the destination VPC")             \
  X(tgw_src_vpc_id, "tgw-src-vpc-id", String, 6, 0, Tgw, "source VPC")                                                 \
  X(tgw_dst_vpc_id, "tgw-dst-vpc-id", String, 6, 0, Tgw, "destination VPC")                                            \
  X(tgw_src_subnet_id, "tgw-src-subnet-id", String, 6, 0, Tgw, "source subnet")                                        \
  X(tgw_dst_subnet_id, "tgw-dst-subnet-id", String, 6, 0, Tgw, "destination subnet")                                   \
  X(tgw_src_eni, "tgw-src-eni", String, 6, 0, Tgw, "source attachment interface")                                      \
  X(tgw_dst_eni, "tgw-dst-eni", String, 6, 0, Tgw, "destination attachment interface")                                 \
  X(tgw_src_az_id, "tgw-src-az-id", String, 6, 0, Tgw, "Availability Zone ID of the source")                           \
  X(tgw_dst_az_id, "tgw-dst-az-id", String, 6, 0, Tgw, "Availability Zone ID of the destination")                      \
  X(tgw_pair_attachment_id, "tgw-pair-attachment-id", String, 6, 0, Tgw, "the other attachment of the path")           \
  X(packets_lost_no_route, "packets-lost-no-route", UInt, 6, UINT64_MAX, Tgw, "packets dropped: no route")             \
  X(packets_lost_blackhole, "packets-lost-blackhole", UInt, 6, UINT64_MAX, Tgw, "packets dropped: blackhole route")    \
  X(packets_lost_mtu_exceeded, "packets-lost-mtu-exceeded", UInt, 6, UINT64_MAX, Tgw, "packets dropped: MTU exceeded") \
  X(packets_lost_ttl_expired, "packets-lost-ttl-expired", UInt, 6, UINT64_MAX, Tgw, "packets dropped: TTL expired")

enum class FieldId : uint16_t {
#define FLOW_X(id, name, type, ver, max, fam, help) id,
  FLOW_FIELDS(FLOW_X)
#undef FLOW_X
};

/// Number of known fields; FieldId values are 0 .. kFieldCount-1.
inline constexpr size_t kFieldCount = 0
#define FLOW_X(id, name, type, ver, max, fam, help) +1
    FLOW_FIELDS(FLOW_X)
#undef FLOW_X
    ;

struct FieldInfo {
  FieldId id;
  std::string_view name;  ///< as AWS spells it
  Type type;
  uint8_t version;  ///< the AWS version that introduced it (6 = Transit Gateway)
  uint64_t max;     ///< largest value for UInt fields
  Family family;
  std::string_view help;
};

/// Every known field, in table order.
std::span<const FieldInfo> all_fields();
const FieldInfo& field_info(FieldId id);
/// The values of a string field AWS documents as a closed set (action: ACCEPT, REJECT; log-status,
/// flow-direction, type): the text and JSON readers refuse any other, expressions take them in
/// any case. Empty for every other field.
std::span<const std::string_view> field_values(FieldId id);
/// Why `s` is not a value of field `id` ("'accept' is not a value of action (expected ACCEPT,
/// REJECT)"), or empty when it is one (any string is, where field_values(id) is empty).
std::string field_value_error(FieldId id, std::string_view s);
/// The known field with this AWS name, if any.
std::optional<FieldId> find_field(std::string_view name);
/// The known field name nearest to `name` (for "did you mean"), or empty.
std::string_view nearest_field(std::string_view name);
/// The known field name or extra name nearest to `name`, or empty when none is a plausible typo.
std::string_view nearest_name(std::string_view name, std::span<const std::string_view> extra);
/// The word of `words` nearest to `name` (an option's values), or empty when none is a plausible typo.
std::string_view nearest_word(std::string_view name, std::span<const std::string> words);
/// The one of `names` nearest to `name`, or empty when none is a plausible typo.
std::string_view nearest_of(std::string_view name, std::span<const std::string_view> names);
/// True when `name` could name a field: lower-case letters, digits and single dashes, in parts
/// separated by single dots.
bool is_field_name_syntax(std::string_view name);

/// Fields that only one cloud's logs have are named "<cloud>.<name>": the name as the source
/// spells it, lower case, with '-' for '_' and between camelCase words (gcp.src-instance.vm-name).
inline constexpr std::string_view kSourcePrefixes[] = {"gcp.", "azure."};
/// True for a well-formed name with one of kSourcePrefixes (a header line may consist of them).
bool is_source_field_name(std::string_view name);

/// The IANA number of a protocol by its usual name (tcp 6, udp 17, icmp 1, icmpv6 58, ...; any
/// case), as expressions and policies take it; nullopt for a name not in the table.
std::optional<uint8_t> protocol_number(std::string_view name);
/// The usual name of an IANA protocol number (6: "tcp"), as protocol_number() takes it and the
/// reports show it; empty if it has none in the table.
std::string_view protocol_name(uint64_t number);

/// The formats AWS writes by default.
inline constexpr std::string_view kAwsDefaultFormat =
    "version account-id interface-id srcaddr dstaddr srcport dstport protocol packets bytes start "
    "end action log-status";
inline constexpr std::string_view kTgwDefaultFormat =
    "version resource-type account-id tgw-id tgw-attachment-id tgw-src-vpc-account-id "
    "tgw-dst-vpc-account-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id "
    "tgw-src-eni tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr "
    "srcport dstport protocol packets bytes start end log-status type packets-lost-no-route "
    "packets-lost-blackhole packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags region "
    "flow-direction pkt-src-aws-service pkt-dst-aws-service";

}  // namespace flow
