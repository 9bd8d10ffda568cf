// The XML of S3's answers, as much of it as a listing needs: elements, text, the five named
// entities and character references. No DTDs, namespaces are ignored (S3 sends a default one).
#include <fmt/format.h>

#include <charconv>

#include "flow/s3.hpp"

namespace flow::s3 {
namespace {

constexpr size_t kMaxDepth = 32;

[[noreturn]] void bad(std::string_view why) { throw DataError(fmt::format("S3 listing: not valid XML: {}", why)); }

void append_utf8(std::string& out, uint32_t c) {
  if (c == 0 || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) bad("character reference out of range");
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
}

/// Text with its entities undone.
void append_text(std::string& out, std::string_view s) {
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out += s[i];
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) bad("'&' without an entity");
    std::string_view e = s.substr(i + 1, semi - i - 1);
    if (e == "amp") out += '&';
    else if (e == "lt") out += '<';
    else if (e == "gt") out += '>';
    else if (e == "quot") out += '"';
    else if (e == "apos") out += '\'';
    else if (e.size() > 1 && e[0] == '#') {
      const bool hex = e[1] == 'x';
      std::string_view digits = e.substr(hex ? 2 : 1);
      uint32_t c = 0;
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), c, hex ? 16 : 10);
      if (digits.empty() || ec != std::errc() || p != digits.data() + digits.size()) bad("bad character reference");
      append_utf8(out, c);
    } else {
      bad("unknown entity");
    }
    i = semi;
  }
}

/// Calls `leaf(path, text)` for every element that holds text only, path being the names of the
/// elements from the root down to it.
template <class Leaf>
void walk(std::string_view xml, Leaf&& leaf) {
  std::vector<std::string_view> path;
  std::string text;
  bool root_seen = false;
  size_t i = 0;
  while (i < xml.size()) {
    size_t lt = xml.find('<', i);
    std::string_view chunk = xml.substr(i, lt == std::string_view::npos ? std::string_view::npos : lt - i);
    if (!path.empty()) {
      if (xml.substr(lt == std::string_view::npos ? xml.size() : lt).starts_with("<![CDATA[")) {
        append_text(text, chunk);
        size_t end = xml.find("]]>", lt);
        if (end == std::string_view::npos) bad("unterminated CDATA");
        text.append(xml.substr(lt + 9, end - lt - 9));
        i = end + 3;
        continue;
      }
      append_text(text, chunk);
    } else if (chunk.find_first_not_of(" \t\r\n") != std::string_view::npos) {
      bad("text outside the root element");
    }
    if (lt == std::string_view::npos) break;
    if (xml.substr(lt).starts_with("<?")) {
      size_t end = xml.find("?>", lt);
      if (end == std::string_view::npos) bad("unterminated declaration");
      i = end + 2;
      continue;
    }
    if (xml.substr(lt).starts_with("<!--")) {
      size_t end = xml.find("-->", lt);
      if (end == std::string_view::npos) bad("unterminated comment");
      i = end + 3;
      continue;
    }
    size_t gt = xml.find('>', lt);
    if (gt == std::string_view::npos) bad("unterminated tag");
    std::string_view tag = xml.substr(lt + 1, gt - lt - 1);
    i = gt + 1;
    if (tag.starts_with("!")) bad("DTDs are not read");
    if (tag.starts_with("/")) {
      std::string_view name = tag.substr(1);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t' || name.back() == '\r' || name.back() == '\n'))
        name.remove_suffix(1);
      if (path.empty() || path.back() != name)
        bad(fmt::format("</{}> does not close the open element", printable(name)));
      leaf(path, text);
      text.clear();
      path.pop_back();
      continue;
    }
    const bool empty = tag.ends_with("/");
    if (empty) tag.remove_suffix(1);
    std::string_view name = tag.substr(0, tag.find_first_of(" \t\r\n"));
    if (name.empty()) bad("a tag without a name");
    if (path.empty() && root_seen) bad("more than one root element");
    root_seen = true;
    if (path.size() == kMaxDepth) bad("elements nested too deep");
    path.push_back(name);
    text.clear();
    if (empty) {
      leaf(path, text);
      path.pop_back();
    }
  }
  if (!path.empty()) bad("the document ends inside an element");
  if (!root_seen) bad("no element");
}

bool is(const std::vector<std::string_view>& path, std::initializer_list<std::string_view> want) {
  return path.size() == want.size() && std::equal(want.begin(), want.end(), path.begin());
}

}  // namespace

ListPage parse_list(std::string_view xml) {
  ListPage page;
  std::string root;
  ObjectInfo cur;  // the <Contents> being read
  bool has_key = false;
  walk(xml, [&](const std::vector<std::string_view>& path, const std::string& text) {
    if (root.empty()) root = path.front();
    if (path.front() != "ListBucketResult") return;
    if (is(path, {"ListBucketResult", "Contents", "Key"})) {
      cur.key = text;
      has_key = true;
    } else if (is(path, {"ListBucketResult", "Contents", "Size"})) {
      auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), cur.size);
      if (text.empty() || ec != std::errc() || p != text.data() + text.size())
        bad(fmt::format("<Size> is not a number: '{}'", printable(text)));
    } else if (is(path, {"ListBucketResult", "Contents", "LastModified"})) {
      cur.last_modified = text;
    } else if (is(path, {"ListBucketResult", "Contents"})) {
      if (!has_key) bad("<Contents> without <Key>");
      page.objects.push_back(std::move(cur));
      cur = {};
      has_key = false;
    } else if (is(path, {"ListBucketResult", "CommonPrefixes", "Prefix"})) {
      page.prefixes.push_back(text);
    } else if (is(path, {"ListBucketResult", "IsTruncated"})) {
      if (text != "true" && text != "false") bad(fmt::format("<IsTruncated> is '{}'", printable(text)));
      page.truncated = text == "true";
    } else if (is(path, {"ListBucketResult", "NextContinuationToken"})) {
      page.next_token = text;
    }
  });
  if (root == "Error") {
    ErrorReply e = parse_error(xml);
    throw DataError(fmt::format("S3 listing: {}: {}", e.code, e.message));
  }
  if (root != "ListBucketResult") throw DataError(fmt::format("S3 listing: <{}> is not a listing", printable(root)));
  if (page.truncated && page.next_token.empty()) bad("<IsTruncated> true without <NextContinuationToken>");
  return page;
}

ErrorReply parse_error(std::string_view xml) {
  ErrorReply e;
  try {
    walk(xml, [&](const std::vector<std::string_view>& path, const std::string& text) {
      if (is(path, {"Error", "Code"})) e.code = printable(text);
      if (is(path, {"Error", "Message"})) e.message = printable(text);
    });
  } catch (const DataError&) {
    // Not XML (a proxy's page): the caller says what the status was.
  }
  return e;
}

}  // namespace flow::s3
