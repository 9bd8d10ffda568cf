// Tokens of the filter expression language.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace flow::filter {

enum class Tok {
  Word,      ///< field name, keyword, number, address, CIDR, time, constant, @file, + - * / %
  String,    ///< "..." or '...' (text holds the unescaped contents)
  FieldRef,  ///< ${name}: any column by name (text holds the name)
  LParen,
  RParen,
  LBrace,
  RBrace,
  Comma,
  Eq,
  Ne,
  Lt,
  Le,
  Gt,
  Ge,  ///< == (or =)  !=  <  <=  >  >=
  AndOp,
  OrOp,
  NotOp,  ///< && || !
  End,
};

struct Token {
  Tok kind;
  std::string text;
  size_t pos = 0;  ///< byte offset in the expression
  size_t len = 0;
};

/// Splits an expression into tokens; `#` starts a comment to the end of the line.
/// Throws ExprError on a stray character or an unterminated string.
std::vector<Token> lex(std::string_view text);

/// A mistake at a place in the expression; Filter::compile renders it with a caret.
struct ExprError {
  std::string message;
  size_t pos = 0, len = 1;
};

}  // namespace flow::filter
