// Placeholder until the JSON reader/writer, CSV and table writers land (delete with them).
#include "flow/error.hpp"
#include "flow/format.hpp"

namespace flow {
std::unique_ptr<Reader> json_reader(std::unique_ptr<InputStream>, const ReadOptions&) {
  throw DataError("JSON input is not supported yet");
}
std::unique_ptr<Writer> json_writer(Output&, const WriteOptions&) { throw UsageError("-O json is not supported yet"); }
std::unique_ptr<Writer> csv_writer(Output&, const WriteOptions&) { throw UsageError("-O csv is not supported yet"); }
std::unique_ptr<Writer> table_writer(Output&, const WriteOptions&) { throw UsageError("-O table is not supported yet"); }
}  // namespace flow
