// Placeholder until the binary format lands (delete with it).
#include "flow/error.hpp"
#include "flow/format.hpp"

namespace flow {
std::unique_ptr<Reader> binary_reader(std::unique_ptr<InputStream>, const ReadOptions&) {
  throw DataError("binary input is not supported yet");
}
std::unique_ptr<Writer> binary_writer(Output&, const WriteOptions&) { throw UsageError("-O bin is not supported yet"); }
}  // namespace flow
