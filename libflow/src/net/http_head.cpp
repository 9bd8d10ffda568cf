// The request head and the chunked coding of HTTP/1.1 (RFC 9112), parsed without I/O so that
// the fuzzer drives them (fuzz/http_head.cpp). Strict where laxness lets two parties read one
// message two ways (request smuggling): both Content-Length and Transfer-Encoding, differing
// lengths, white space before a colon, and folded lines are refused.
#include <algorithm>
#include <charconv>

#include "flow/http_server.hpp"

namespace flow::http {
namespace {

constexpr size_t kMaxFields = 100;
constexpr size_t kMaxChunkLine = 4096;

bool is_tchar(char c) {
  if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}
bool is_token(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), is_tchar); }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

/// The comma-separated elements of a list field, trimmed, empty ones dropped.
std::vector<std::string_view> list_items(std::string_view v) {
  std::vector<std::string_view> out;
  while (!v.empty()) {
    size_t comma = v.find(',');
    auto item = trim(v.substr(0, comma));
    if (!item.empty()) out.push_back(item);
    if (comma == std::string_view::npos) break;
    v.remove_prefix(comma + 1);
  }
  return out;
}

bool parse_u64(std::string_view s, uint64_t& v) {
  if (s.empty() || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

HeadResult error(int status, std::string why) {
  HeadResult r;
  r.kind = HeadResult::Error;
  r.status = status;
  r.error = std::move(why);
  return r;
}

/// The line at `pos` without its CRLF (or bare LF, which RFC 9112 section 2.2 lets a recipient
/// accept); npos in `next` when it has not ended yet.
std::string_view line_at(std::string_view bytes, size_t pos, size_t& next) {
  size_t lf = bytes.find('\n', pos);
  if (lf == std::string_view::npos) {
    next = std::string_view::npos;
    return {};
  }
  next = lf + 1;
  size_t end = lf > pos && bytes[lf - 1] == '\r' ? lf - 1 : lf;
  return bytes.substr(pos, end - pos);
}

/// Content-Length, Transfer-Encoding, Connection and Expect: how the body is framed.
HeadResult frame(RequestHead& h) {
  auto te = h.field("Transfer-Encoding");
  auto cl = h.field("Content-Length");
  if (te && cl) return error(400, "both Transfer-Encoding and Content-Length");
  if (te) {
    auto codings = list_items(*te);
    if (h.minor == 0) return error(400, "Transfer-Encoding in an HTTP/1.0 request");
    if (codings.empty() || !iequals(codings.back(), "chunked"))
      return error(400, "Transfer-Encoding does not end in chunked");
    if (codings.size() > 1) return error(501, "transfer codings other than chunked are not supported");
    h.chunked = true;
  }
  if (cl) {
    // "5, 5" (a list of one value repeated, as some proxies make it) is that value.
    std::optional<uint64_t> len;
    for (auto item : list_items(*cl)) {
      uint64_t v = 0;
      if (!parse_u64(item, v)) return error(400, "bad Content-Length");
      if (len && *len != v) return error(400, "differing Content-Length values");
      len = v;
    }
    if (!len) return error(400, "bad Content-Length");
    h.length = len;
  }
  h.keep_alive = h.minor >= 1;
  if (auto c = h.field("Connection"))
    for (auto opt : list_items(*c)) {
      if (iequals(opt, "close")) h.keep_alive = false;
      if (iequals(opt, "keep-alive") && h.minor == 0) h.keep_alive = true;
    }
  if (auto e = h.field("Expect")) {
    if (!iequals(trim(*e), "100-continue")) return error(417, "unknown expectation");
    h.expect_continue = h.minor >= 1;
  }
  if (h.minor >= 1 && !h.field("Host")) return error(400, "no Host header field");
  return {};
}

}  // namespace

std::optional<std::string> RequestHead::field(std::string_view name) const {
  std::optional<std::string> v;
  for (const auto& [n, value] : fields)
    if (iequals(n, name)) v = v ? *v + ", " + value : value;
  return v;
}

std::string RequestHead::path() const {
  std::string_view t = target;
  if (auto scheme = t.find("://"); scheme != std::string_view::npos && t.front() != '/') {
    auto slash = t.find('/', scheme + 3);
    t = slash == std::string_view::npos ? std::string_view("/") : t.substr(slash);
  }
  return std::string(t.substr(0, t.find('?')));
}

HeadResult parse_request_head(std::string_view bytes, RequestHead& head) {
  head = RequestHead();
  size_t pos = 0, next = 0;
  // Empty lines before the request line are passed over (RFC 9112 section 2.2), a few of them.
  for (int i = 0; i < 8 && pos < bytes.size(); ++i) {
    if (bytes.substr(pos).starts_with("\r\n")) pos += 2;
    else if (bytes[pos] == '\n') pos += 1;
    else break;
  }
  std::string_view line = line_at(bytes, pos, next);
  if (next == std::string_view::npos)
    return bytes.size() > kMaxHeadSize ? error(431, "request head too large") : HeadResult{};
  // request-line = method SP request-target SP HTTP-version
  size_t sp1 = line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos)
    return error(400, "malformed request line");
  auto method = line.substr(0, sp1);
  auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  auto version = line.substr(sp2 + 1);
  if (!is_token(method)) return error(400, "malformed method");
  if (target.empty() || std::any_of(target.begin(), target.end(),
                                    [](char c) { return static_cast<unsigned char>(c) <= ' ' || c == 127; }))
    return error(400, "malformed request target");
  if (version.size() != 8 || !version.starts_with("HTTP/") || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9')
    return error(400, "malformed HTTP version");
  if (version[5] != '1') return error(505, "only HTTP/1.x is served");
  head.method = method;
  head.target = target;
  head.minor = version[7] - '0';
  head.minor = std::min(head.minor, 1);
  // field-line = field-name ":" OWS field-value OWS, up to an empty line.
  for (pos = next;;) {
    line = line_at(bytes, pos, next);
    if (next == std::string_view::npos)
      return bytes.size() > kMaxHeadSize ? error(431, "request head too large") : HeadResult{};
    if (next > kMaxHeadSize) return error(431, "request head too large");
    pos = next;
    if (line.empty()) break;
    if (line.front() == ' ' || line.front() == '\t') return error(400, "folded header line");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || !is_token(line.substr(0, colon))) return error(400, "malformed header line");
    auto value = trim(line.substr(colon + 1));
    if (std::any_of(value.begin(), value.end(), [](char c) { return c == '\0' || c == '\r' || c == '\n'; }))
      return error(400, "control character in a header value");
    if (head.fields.size() == kMaxFields) return error(431, "too many header fields");
    head.fields.emplace_back(line.substr(0, colon), value);
  }
  HeadResult r = frame(head);
  if (r.kind == HeadResult::Error) return r;
  r.kind = HeadResult::Done;
  r.size = pos;
  return r;
}

bool ChunkedDecoder::fail(std::string why) {
  state_ = State::Bad;
  error_ = std::move(why);
  return false;
}

size_t ChunkedDecoder::feed(std::string_view in, std::string& out) {
  size_t used = 0;
  // A line (chunk size or trailer field) is gathered in line_ until its LF.
  auto take_line = [&](std::string_view& line) {
    size_t lf = in.find('\n', used);
    size_t end = lf == std::string_view::npos ? in.size() : lf;
    line_.append(in.substr(used, end - used));
    used = lf == std::string_view::npos ? in.size() : lf + 1;
    if (line_.size() > kMaxChunkLine) return fail("chunk-size or trailer line too long");
    if (lf == std::string_view::npos) return false;
    if (!line_.empty() && line_.back() == '\r') line_.pop_back();
    line = line_;
    return true;
  };
  while (used < in.size() && state_ != State::Done && state_ != State::Bad) {
    std::string_view line;
    switch (state_) {
      case State::Size: {
        if (!take_line(line)) break;
        auto size = line.substr(0, line.find_first_of(";\t "));  // chunk extensions are ignored
        uint64_t v = 0;
        if (size.empty() || size.size() > 15 ||
            std::from_chars(size.data(), size.data() + size.size(), v, 16).ptr != size.data() + size.size())
          return fail("malformed chunk size"), used;
        line_.clear();
        left_ = v;
        state_ = v == 0 ? State::Trailer : State::Data;
        break;
      }
      case State::Data: {
        size_t n = static_cast<size_t>(std::min<uint64_t>(left_, in.size() - used));
        out.append(in.substr(used, n));
        used += n;
        left_ -= n;
        if (left_ == 0) state_ = State::DataEnd;
        break;
      }
      case State::DataEnd: {
        if (!take_line(line)) break;
        if (!line.empty()) return fail("chunk data longer than its size"), used;
        line_.clear();
        state_ = State::Size;
        break;
      }
      case State::Trailer: {
        if (!take_line(line)) break;
        trailers_ += line.size();
        if (trailers_ > kMaxHeadSize) return fail("trailer section too large"), used;
        state_ = line.empty() ? State::Done : State::Trailer;
        line_.clear();
        break;
      }
      default: break;
    }
  }
  return used;
}

}  // namespace flow::http
