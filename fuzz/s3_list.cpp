// libFuzzer target: the S3 ListObjectsV2 answer parser (flow/s3.hpp): parse_list, parse_error,
// and the time in object names of what it lists. DataError is the expected failure.
#include <string_view>

#include "flow/s3.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view xml(reinterpret_cast<const char*>(data), size);
  flow::s3::parse_error(xml);  // never throws
  try {
    flow::s3::ListPage page = flow::s3::parse_list(xml);
    for (const auto& o : page.objects) {
      flow::s3::name_time(o.key);
      flow::s3::keep_object(o.key, {0, 86400});
    }
  } catch (const flow::DataError&) {
  }
  return 0;
}
