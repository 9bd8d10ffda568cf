// The expression lexer. Words are deliberately wide (letters, digits and . : / - + * ? _ @) so that
// field names (tcp-flags), addresses (2001:db8::1), prefixes, times (2024-03-01T10:00Z, now-1h),
// ranges (8000..8999) and globs (eni-0a*) are single tokens; the parser classifies them.
#include "filter/lexer.hpp"

#include <fmt/format.h>

namespace flow::filter {
namespace {

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == ':' ||
         c == '/' || c == '-' || c == '+' || c == '*' || c == '?' || c == '_' || c == '@';
}

}  // namespace

std::vector<Token> lex(std::string_view s) {
  std::vector<Token> out;
  size_t i = 0;
  auto push = [&](Tok k, size_t start, size_t len, std::string text = {}) {
    out.push_back(Token{k, std::move(text), start, len});
  };
  while (i < s.size()) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '#') {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    size_t start = i;
    auto two = [&](char next) { return i + 1 < s.size() && s[i + 1] == next; };
    switch (c) {
      case '(': push(Tok::LParen, i++, 1); continue;
      case ')': push(Tok::RParen, i++, 1); continue;
      case '{': push(Tok::LBrace, i++, 1); continue;
      case '}': push(Tok::RBrace, i++, 1); continue;
      case ',': push(Tok::Comma, i++, 1); continue;
      case '%': push(Tok::Word, i++, 1, "%"); continue;  // remainder: not a word character (unlike - + * /)
      case '=':
        push(Tok::Eq, i, two('=') ? 2 : 1);
        i += two('=') ? 2 : 1;
        continue;
      case '!':
        if (two('=')) push(Tok::Ne, i, 2), i += 2;
        else push(Tok::NotOp, i++, 1);
        continue;
      case '<':
        push(two('=') ? Tok::Le : Tok::Lt, i, two('=') ? 2 : 1);
        i += two('=') ? 2 : 1;
        continue;
      case '>':
        push(two('=') ? Tok::Ge : Tok::Gt, i, two('=') ? 2 : 1);
        i += two('=') ? 2 : 1;
        continue;
      case '&':
        if (!two('&')) throw ExprError{"'&' is not an operator: use 'and' (or '&&')", i, 1};
        push(Tok::AndOp, i, 2), i += 2;
        continue;
      case '|':
        if (!two('|')) throw ExprError{"'|' is not an operator: use 'or' (or '||')", i, 1};
        push(Tok::OrOp, i, 2), i += 2;
        continue;
      case '"':
      case '\'': {
        std::string text;
        ++i;
        while (i < s.size() && s[i] != c) {
          if (s[i] == '\\' && i + 1 < s.size()) ++i;
          text += s[i++];
        }
        if (i >= s.size()) throw ExprError{fmt::format("unterminated string: add the closing {}", c), start, 1};
        ++i;
        push(Tok::String, start, i - start, std::move(text));
        continue;
      }
      case '$': {
        if (!two('{')) throw ExprError{"'$' must start a field reference such as ${my-field}", i, 1};
        size_t close = s.find('}', i);
        if (close == std::string_view::npos) throw ExprError{"unterminated field reference: add the closing }", i, 2};
        std::string name(s.substr(i + 2, close - i - 2));
        if (name.empty()) throw ExprError{"empty field reference", i, close + 1 - i};
        push(Tok::FieldRef, start, close + 1 - i, std::move(name));
        i = close + 1;
        continue;
      }
      default: break;
    }
    if (!word_char(c)) {
      if (static_cast<unsigned char>(c) >= 0x80) {
        // Show the whole UTF-8 character: typographic quotes and dashes come from copy and paste.
        size_t n = 1;
        while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
        throw ExprError{
            fmt::format("unexpected character '{}' (use ASCII quotes \" or ' and hyphens -)", s.substr(i, n)), i, n};
      }
      throw ExprError{fmt::format("unexpected character '{}'", c), i, 1};
    }
    while (i < s.size() && word_char(s[i])) ++i;
    push(Tok::Word, start, i - start, std::string(s.substr(start, i - start)));
  }
  push(Tok::End, s.size(), 0);
  return out;
}

}  // namespace flow::filter
