// Magic bytes (see io/sniff.hpp).
#include "io/sniff.hpp"

#include <algorithm>

namespace flow {

Magic sniff(std::string_view head) {
  if (head.starts_with("\x1f\x8b")) return Magic::Gzip;
  if (head.starts_with("\x28\xb5\x2f\xfd")) return Magic::Zstd;
  if (head.starts_with(std::string_view(kBinaryMagic, 7))) return Magic::Binary;
  if (head.starts_with("PAR1")) return Magic::Parquet;
  if (head.substr(std::min(head.find_first_not_of(" \t\r\n"), head.size())).starts_with("H4sI"))
    return Magic::Base64Gzip;
  return Magic::None;
}

}  // namespace flow
