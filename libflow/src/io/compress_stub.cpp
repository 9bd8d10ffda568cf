// Placeholder until the gzip (ISA-L) and zstd decoders land; see io.hpp.
#include "flow/error.hpp"
#include "flow/io.hpp"

namespace flow {
std::unique_ptr<ByteSource> gzip_source(std::unique_ptr<InputStream> in) {
  throw DataError(in->name() + ": gzip input is not supported yet");
}
std::unique_ptr<ByteSource> zstd_source(std::unique_ptr<InputStream> in) {
  throw DataError(in->name() + ": zstd input is not supported yet");
}
}  // namespace flow
