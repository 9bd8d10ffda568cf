// libFuzzer target: flowcat --listen's HTTP/1.1 request head parser and chunked decoder
// (flow/http_server.hpp). The head is parsed whole and again cut at every 7th byte (as it arrives
// from a socket); a chunked body after it is decoded in two pieces split where the first byte
// says. Errors are results, not exceptions: any exception escapes and aborts.
#include <cstdlib>
#include <string_view>

#include "flow/http_server.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  flow::http::RequestHead head;
  auto r = flow::http::parse_request_head(bytes, head);
  if (r.kind == flow::http::HeadResult::Done && r.size > size) std::abort();
  // A prefix parses to Incomplete, or to the same kind once the head is in it.
  for (size_t cut = 0; cut < size; cut += 7) {
    flow::http::RequestHead part;
    auto p = flow::http::parse_request_head(bytes.substr(0, cut), part);
    if (p.kind == flow::http::HeadResult::Done && r.kind == flow::http::HeadResult::Done && p.size != r.size)
      std::abort();
  }
  if (r.kind != flow::http::HeadResult::Done) return 0;
  head.field("Content-Type");
  head.path();
  auto body = bytes.substr(r.size);
  size_t split = body.empty() ? 0 : static_cast<unsigned char>(body[0]) % (body.size() + 1);
  flow::http::ChunkedDecoder dec;
  std::string out;
  size_t used = dec.feed(body.substr(0, split), out);
  if (used > split) std::abort();
  if (used == split && !dec.done() && dec.error().empty()) used += dec.feed(body.substr(split), out);
  if (used > body.size() || out.size() > body.size()) std::abort();
  return 0;
}
