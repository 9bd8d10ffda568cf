// The bodies the HTTP sink sends (NDJSON, Elasticsearch _bulk, Splunk HEC) and what it reads back.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "flow/format.hpp"

namespace flow::net {

enum class Shape { Ndjson, Elasticsearch, Splunk };
Shape parse_shape(std::string_view name);  // throws UsageError

/// Turns records into the documents of a batch: one JSON line each, wrapped for the shape.
class DocFormatter {
 public:
  DocFormatter(Shape shape, std::string_view es_index);
  /// The document for r, ending in '\n' (Elasticsearch: the action line and the source line).
  std::string doc(const Record& r);
  std::string_view content_type() const;

 private:
  Shape shape_;
  std::string action_;
  std::unique_ptr<Output> mem_;
  std::unique_ptr<Writer> json_;
};

/// One item of an Elasticsearch _bulk response.
struct BulkItem {
  int status = 0;
  std::string error;  ///< "type: reason" when the item failed
};
/// The items of a _bulk response body with "errors": true, in request order. Throws DataError
/// when the body is not a _bulk response.
std::vector<BulkItem> bulk_items(std::string_view body);
/// True when a _bulk response says "errors": false (no item failed); reading stops there.
bool bulk_all_ok(std::string_view body);

}  // namespace flow::net
