// libFuzzer target: the AWS VPC Flow Logs text reader (headers, versions, custom formats,
// fields passed over unparsed).
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const flow::SchemaPtr explicit_format = flow::Schema::parse_aws(
      "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
      "${packets} ${bytes} ${start} ${end} ${action} ${log-status} ${tcp-flags} ${pkt-srcaddr} ${flow-direction}");
  flow::ReadOptions opts;
  opts.format = flow::Format::Aws;
  opts.warn = [](const std::string&) {};
  // Inputs of odd length also run with an explicit --aws-format (header lines then ignored).
  if (size % 2 == 1) opts.aws_schema = explicit_format;
  // Inputs whose length is a multiple of 3 are read as flowagg reads them: only some fields
  // parsed, the others passed over.
  if (size % 3 == 0) opts.fields = std::vector<std::string>{"srcaddr", "bytes", "pkt-srcaddr", "action"};
  flow::fuzz::read_all(std::string(reinterpret_cast<const char*>(data), size), opts);
  return 0;
}
