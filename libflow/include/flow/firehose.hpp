// Amazon Kinesis Data Firehose HTTP-endpoint delivery: the request body and the responses.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace flow::net {

struct FirehoseRequest {
  std::string request_id;
  std::vector<std::string> records;  ///< the decoded data of each record
};
/// Reads {"requestId": ..., "timestamp": ..., "records": [{"data": BASE64}, ...]}; throws
/// DataError saying what is wrong (bad JSON, no records array, bad base64 in record N).
FirehoseRequest parse_firehose(std::string_view body);

/// {"requestId":..., "timestamp":...} and, for an error, "errorMessage".
std::string firehose_response(std::string_view request_id, int64_t timestamp_ms, std::string_view error = {});

}  // namespace flow::net
