// Man pages, shell completions and the field list, generated from a tool's CLI::App and the field table.
#include <fmt/format.h>

#include <algorithm>
#include <string_view>
#include <vector>

#include "common/tool.hpp"
#include "flow/error.hpp"
#include "flow/field.hpp"

#ifndef FLOW_VERSION
#define FLOW_VERSION "0"
#endif

namespace flow {
namespace {

/// What an option's argument is, as far as completing it goes.
enum class ArgKind { None, Choice, File, Fields, Text };

/// One visible option or positional argument, as the generators see it.
struct OptionDoc {
  std::vector<std::string> shorts;  ///< "-I"
  std::vector<std::string> longs;   ///< "--input-format"
  std::string positional;           ///< the positional's display name ("FILE"); empty for options
  std::string type;                 ///< the argument's type name without the validators ("TEXT")
  std::vector<std::string> choices;
  std::string description;
  std::string default_value;
  std::string group;
  ArgKind kind = ArgKind::None;
  bool repeatable = false;  ///< takes several values (a vector)
  bool required = false;
  bool exits = false;  ///< --help, --version: nothing else on the line matters
};

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.emplace_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& v, std::string_view sep) {
  std::string out;
  for (const auto& s : v) {
    if (!out.empty()) out += sep;
    out += s;
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

// CLI11 2.1.2 has no accessor for an IsMember set; its description is appended to the type
// name instead: "TEXT:{auto,aws,json}" (a transform map: "{a->b,...}").
void parse_type_name(const std::string& full, OptionDoc& d) {
  auto parts = split(full, ':');
  d.type = parts.empty() ? std::string() : parts[0];
  for (size_t i = 1; i < parts.size(); ++i) {
    const std::string& p = parts[i];
    if (p.size() < 2 || p.front() != '{' || p.back() != '}') continue;
    for (auto& v : split(std::string_view(p).substr(1, p.size() - 2), ',')) {
      if (auto arrow = v.find("->"); arrow != std::string::npos) v.resize(arrow);
      if (!v.empty()) d.choices.push_back(v);
    }
  }
}

std::vector<OptionDoc> collect(const CLI::App& app) {
  std::vector<OptionDoc> out;
  for (const CLI::Option* opt : app.get_options()) {
    if (opt->get_group().empty()) continue;  // hidden
    OptionDoc d;
    for (const auto& s : opt->get_snames()) d.shorts.push_back("-" + s);
    for (const auto& l : opt->get_lnames()) d.longs.push_back("--" + l);
    d.description = opt->get_description();
    d.default_value = opt->get_default_str();
    d.group = opt->get_group();
    d.required = opt->get_required();
    d.exits = opt == app.get_help_ptr() || opt == app.get_help_all_ptr() || opt == app.get_version_ptr();
    if (opt->get_items_expected_max() > 0) {  // not a flag
      parse_type_name(opt->get_type_name(), d);
      d.repeatable = opt->get_expected_max() > 1;
      if (!d.choices.empty()) d.kind = ArgKind::Choice;
      else if (d.type == "FILE") d.kind = ArgKind::File;
      else if (std::ranges::find(opt->get_lnames(), "fields") != opt->get_lnames().end()) d.kind = ArgKind::Fields;
      else d.kind = ArgKind::Text;
    }
    // An operand is shown by its type name when one was given ("FILE"), else by its own name.
    if (!opt->nonpositional()) d.positional = d.type.empty() || d.type == "TEXT" ? upper(opt->get_name(true)) : d.type;
    out.push_back(std::move(d));
  }
  return out;
}

std::vector<std::string> option_names(const OptionDoc& d) {
  std::vector<std::string> names = d.shorts;
  names.insert(names.end(), d.longs.begin(), d.longs.end());
  return names;
}

// ---- roff ------------------------------------------------------------------------------------

bool is_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

/// Appends one character to roff text: backslashes, hyphens (as minus signs when `minus`) and
/// UTF-8 sequences (as \[uXXXX]) escaped. Returns how many bytes of `s` from `i` it used.
size_t put_roff_char(std::string& out, std::string_view s, size_t i, bool minus) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == '\\') {
    out += "\\e";
  } else if (c == '-') {
    out += minus ? "\\-" : "-";
  } else if (c < 0x80) {
    out += static_cast<char>(c);
  } else {
    size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
    if (i + n > s.size()) n = 1;
    uint32_t cp = n == 1 ? 0xFFFD : c & (0x7F >> n);
    for (size_t k = 1; k < n; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out += fmt::format("\\[u{:04X}]", cp);
    return n;
  }
  return 1;
}

/// Escapes a literal (an option name, a command, a value): every hyphen is a minus sign.
std::string roff_literal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size();) i += put_roff_char(out, s, i, true);
  return out;
}

/// A man page reference at the start of `w` ("flow-formats(5)"): the length of the name, or 0.
size_t man_ref(std::string_view w) {
  size_t n = 0;
  while (n < w.size() && (is_alnum(w[n]) || w[n] == '-' || w[n] == '_' || w[n] == '.')) ++n;
  if (n == 0 || n + 3 > w.size() || w[n] != '(' || w[n + 1] < '1' || w[n + 1] > '9' || w[n + 2] != ')') return 0;
  return n;
}

/// Escapes prose, one source line per input line: a leading '.' or '\'' is neutralised, words
/// that look like options ("--since", "-o") get minus signs, "name(N)" becomes a bold reference.
std::string roff_text(std::string_view s) {
  std::string out;
  for (const auto& raw : split(s, '\n')) {
    std::string_view line = raw;
    while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.remove_prefix(1);
    if (line.empty()) continue;  // a blank line would be a paragraph break in roff
    if (line.front() == '.' || line.front() == '\'') out += "\\&";
    bool word_start = true, option_word = false;
    for (size_t i = 0; i < line.size();) {
      char c = line[i];
      if (c == ' ' || c == '\t') {
        word_start = true;
        option_word = false;
        out += c;
        ++i;
        continue;
      }
      if (word_start) {
        word_start = false;
        // "--since", "-o", and a lone "-" (standard input) are typed as they are: minus signs.
        option_word = c == '-' && (i + 1 == line.size() || line[i + 1] == '-' || is_alnum(line[i + 1]) ||
                                   std::string_view(" \t'\")),.;").find(line[i + 1]) != std::string_view::npos);
        if (size_t n = man_ref(line.substr(i))) {
          out += "\\fB" + roff_literal(line.substr(i, n)) + "\\fR";
          i += n;
          continue;
        }
      }
      if (c == '(' || c == '[' || c == '\'' || c == '"') word_start = true;  // "(--force)" too
      i += put_roff_char(out, line, i, option_word);
    }
    out += '\n';
  }
  return out;
}

/// The paragraphs of `text` (separated by blank lines) as roff, .PP between them.
std::string roff_paragraphs(std::string_view text) {
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string_view::npos) end = text.size();
    std::string para = roff_text(text.substr(pos, end - pos));
    if (!para.empty()) {
      if (!out.empty()) out += ".PP\n";
      out += para;
    }
    pos = end + 2;
  }
  return out;
}

std::string man_option_tag(const OptionDoc& d) {
  std::vector<std::string> names;
  for (const auto& n : option_names(d)) names.push_back("\\fB" + roff_literal(n) + "\\fR");
  std::string tag = join(names, ", ");
  if (d.kind != ArgKind::None) tag += " \\fI" + roff_literal(d.type) + "\\fR";
  return tag;
}

std::string man_option_body(const OptionDoc& d) {
  std::string out = roff_text(d.description);
  if (!d.default_value.empty()) out += ".br\nDefault: \\fB" + roff_literal(d.default_value) + "\\fR.\n";
  if (!d.choices.empty()) {
    std::vector<std::string> vs;
    for (const auto& c : d.choices) vs.push_back("\\fB" + roff_literal(c) + "\\fR");
    out += ".br\nValues: " + join(vs, ", ") + ".\n";
  }
  return out;
}

// ---- shells ----------------------------------------------------------------------------------

/// Single-quoted for sh, bash and zsh.
std::string sh_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

/// Single-quoted for fish, where backslash escapes inside quotes too.
std::string fish_quote(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

/// An identifier fragment for shell function names ("flow-cat" -> "flow_cat").
std::string ident(std::string_view tool) {
  std::string out;
  for (char c : tool) out += is_alnum(c) ? c : '_';
  return out;
}

const OptionDoc* first_positional(const std::vector<OptionDoc>& opts) {
  for (const auto& d : opts)
    if (!d.positional.empty()) return &d;
  return nullptr;
}

/// The bash statements that complete the word in $cur for an argument of kind `d` ($pre: a
/// "--opt=" the reply must keep).
std::string bash_action(const OptionDoc& d, std::string_view indent) {
  switch (d.kind) {
    case ArgKind::Choice:
      return fmt::format("{}mapfile -t COMPREPLY < <(compgen -P \"$pre\" -W {} -- \"$cur\")\n", indent,
                         sh_quote(join(d.choices, " ")));
    case ArgKind::File:
      return fmt::format(
          "{0}compopt -o filenames 2>/dev/null\n{0}mapfile -t COMPREPLY < <(compgen -P \"$pre\" -f -- \"$cur\")\n",
          indent);
    case ArgKind::Fields: {
      std::vector<std::string> names;
      for (const auto& f : all_fields()) names.emplace_back(f.name);
      // A comma-separated list: complete the part after the last comma, keep what is before it.
      return fmt::format(
          "{0}compopt -o nospace 2>/dev/null\n"
          "{0}local fields={1} head=\n"
          "{0}[[ $cur == *,* ]] && head=${{cur%,*}},\n"
          "{0}mapfile -t COMPREPLY < <(compgen -P \"$pre$head\" -W \"$fields\" -- \"${{cur##*,}}\")\n",
          indent, sh_quote(join(names, " ")));
    }
    case ArgKind::Text:
    case ArgKind::None: break;
  }
  return fmt::format("{}:  # free text\n", indent);
}

std::string bash_completion(const std::vector<OptionDoc>& opts, const ToolSpec& spec) {
  const std::string fn = "_" + ident(spec.name);
  std::string cases, all_names;
  std::vector<std::string> free_text;
  for (const auto& d : opts) {
    if (!d.positional.empty()) continue;
    for (const auto& n : option_names(d)) all_names += (all_names.empty() ? "" : " ") + n;
    if (d.kind == ArgKind::Text) {
      for (const auto& n : option_names(d)) free_text.push_back(n);
    } else if (d.kind != ArgKind::None) {
      cases += fmt::format("      {})\n{}        return ;;\n", join(option_names(d), "|"), bash_action(d, "        "));
    }
  }
  if (!free_text.empty()) cases += fmt::format("      {})  # free text\n        return ;;\n", join(free_text, "|"));
  const OptionDoc* pos = first_positional(opts);
  std::string operands = pos ? bash_action(*pos, "  ") : "  :  # no operands\n";
  return fmt::format(
      R"(# bash completion for {0}. Generated by `{0} --generate bash`: do not edit.

{1}() {{
  local cur=${{COMP_WORDS[COMP_CWORD]}} prev= pre= i
  COMPREPLY=()
  for (( i = 1; i < COMP_CWORD; i++ )); do
    [[ ${{COMP_WORDS[i]}} == -- ]] && break
  done
  if (( i == COMP_CWORD )); then  # no "--" before the word: options are still possible
    prev=${{COMP_WORDS[COMP_CWORD-1]}}
    # --opt=value is one word, or three ("--opt" "=" "value") when '=' is in COMP_WORDBREAKS.
    if [[ $cur == --*=* ]]; then
      prev=${{cur%%=*}} pre=${{cur%%=*}}= cur=${{cur#*=}}
    elif [[ $cur == = ]]; then
      cur=
    elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
      prev=${{COMP_WORDS[COMP_CWORD-2]}}
    fi
    case $prev in
{2}    esac
    if [[ $cur == -* ]]; then
      mapfile -t COMPREPLY < <(compgen -W {3} -- "$cur")
      return
    fi
  fi
{4}}}

complete -F {1} {0}
)",
      spec.name, fn, cases, sh_quote(all_names), operands);
}

/// Text inside a zsh _arguments/_values description: brackets, colons and backslashes quoted.
std::string zsh_desc(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '[' || c == ']' || c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

std::string zsh_action(const OptionDoc& d, const std::string& fn) {
  std::string msg = zsh_desc(d.type.empty() ? std::string("value") : d.type);
  switch (d.kind) {
    case ArgKind::Choice: return ":" + msg + ":(" + join(d.choices, " ") + ")";
    case ArgKind::File: return ":" + msg + ":_files";
    case ArgKind::Fields: return ":" + msg + ":" + fn + "_fields";
    case ArgKind::Text: return ":" + msg + ": ";
    case ArgKind::None: break;
  }
  return "";
}

std::string zsh_completion(const std::vector<OptionDoc>& opts, const ToolSpec& spec) {
  const std::string fn = "_" + ident(spec.name);
  std::string specs, operands;
  bool any_fields = false;
  for (const auto& d : opts) {
    std::string action = zsh_action(d, fn);
    any_fields = any_fields || d.kind == ArgKind::Fields;
    if (!d.positional.empty()) {
      operands += fmt::format("    {} \\\n", sh_quote((d.repeatable ? "*" : "") + action));
      continue;
    }
    std::vector<std::string> names = option_names(d), forms;
    for (const auto& n : names) {
      // -I+ and --input-format=: the value may also be attached ("-Ijson", "--input-format=json").
      std::string suffix = d.kind == ArgKind::None ? "" : n.size() == 2 ? "+" : "=";
      forms.push_back(n + suffix);
    }
    std::string excl = d.exits ? "(- *)" : d.repeatable ? "*" : names.size() > 1 ? "(" + join(names, " ") + ")" : "";
    std::string rest = "[" + zsh_desc(d.description) + "]" + action;
    if (forms.size() == 1) specs += fmt::format("    {} \\\n", sh_quote(excl + forms[0] + rest));
    else
      specs += fmt::format("    {}{{{}}}{} \\\n", excl.empty() ? "" : sh_quote(excl), join(forms, ","), sh_quote(rest));
  }
  specs += operands;
  specs.resize(specs.size() - 3);  // the last " \\\n"
  std::string fields_fn;
  if (any_fields) {
    fields_fn = fn + "_fields() {\n  _values -s , field \\\n";
    for (const auto& f : all_fields())
      fields_fn += fmt::format("    {} \\\n", sh_quote(std::string(f.name) + "[" + zsh_desc(f.help) + "]"));
    fields_fn.resize(fields_fn.size() - 3);
    fields_fn += "\n}\n\n";
  }
  return fmt::format(
      R"(#compdef {0}
# zsh completion for {0}. Generated by `{0} --generate zsh`: do not edit.

{1}{2}() {{
  _arguments -s -S \
{3}
}}

# Autoloaded from $fpath, or sourced after compinit.
if [[ $funcstack[1] == {2} ]]; then
  {2} "$@"
else
  compdef {2} {0}
fi
)",
      spec.name, fields_fn, fn, specs);
}

std::string fish_completion(const std::vector<OptionDoc>& opts, const ToolSpec& spec) {
  const std::string head = fmt::format("complete -c {}", spec.name);
  const std::string fields_fn = "__" + ident(spec.name) + "_fields";
  std::string lines, fields_def;
  const OptionDoc* pos = first_positional(opts);
  if (!pos || pos->kind != ArgKind::File) {
    // Files are fish's default for operands: turn them off when the operands are something else.
    lines += head + " -f";
    if (pos && pos->kind == ArgKind::Choice) lines += " -a " + fish_quote(join(pos->choices, " "));
    lines += "\n";
  }
  for (const auto& d : opts) {
    if (!d.positional.empty()) continue;
    std::string line = head;
    for (const auto& s : d.shorts) line += " -s " + s.substr(1);
    for (const auto& l : d.longs) line += " -l " + l.substr(2);
    switch (d.kind) {
      case ArgKind::Choice: line += " -x -a " + fish_quote(join(d.choices, " ")); break;
      case ArgKind::File: line += " -r -F"; break;
      case ArgKind::Fields: line += " -x -a " + fish_quote("(" + fields_fn + ")"); break;
      case ArgKind::Text: line += " -x"; break;
      case ArgKind::None: break;
    }
    lines += line + " -d " + fish_quote(d.description) + "\n";
    if (d.kind == ArgKind::Fields && fields_def.empty()) {
      // Complete the part after the last comma; "--fields=" may be part of the token.
      fields_def = "function " + fields_fn +
                   "\n    set -l token (commandline -ct)\n"
                   "    set -l head (string replace -r -- '^--[^=]*=' '' \"$token\" | string replace -r -- "
                   "'[^,]*$' '')\n";
      for (const auto& f : all_fields())
        fields_def += fmt::format("    printf '%s\\t%s\\n' \"$head\"{} {}\n", f.name, fish_quote(f.help));
      fields_def += "end\n\n";
    }
  }
  return fmt::format("# fish completion for {0}. Generated by `{0} --generate fish`: do not edit.\n\n{1}{2}", spec.name,
                     fields_def, lines);
}

}  // namespace

std::string generate_man(const CLI::App& app, const ToolSpec& spec) {
  const auto opts = collect(app);
  std::string summary = roff_text(spec.summary);
  if (!summary.empty()) summary.pop_back();  // the NAME line goes on after it
  std::string out = fmt::format(
      ".\\\" Man page of {0}. Generated by `{0} --generate man`: do not edit.\n"
      ".TH {1} 1 \"\" \"flowlogs {2}\" \"User Commands\"\n"
      ".nh\n"  // no hyphenation: it would split option names and field names in prose
      ".SH NAME\n{3} \\- {4}\n"
      ".SH SYNOPSIS\n.B {3}\n[\\fIOPTION\\fR]...\n",
      spec.name, roff_literal(upper(spec.name)), FLOW_VERSION, roff_literal(spec.name), summary);
  for (const auto& d : opts) {
    if (d.positional.empty()) continue;
    std::string arg = "\\fI" + roff_literal(d.positional) + "\\fR" + (d.repeatable ? "..." : "");
    out += d.required ? arg + "\n" : "[" + arg + "]\n";
  }
  if (!spec.description.empty()) out += ".SH DESCRIPTION\n" + roff_paragraphs(spec.description);

  out += ".SH OPTIONS\n";
  for (const auto& d : opts) {
    if (!d.positional.empty())
      out +=
          ".TP\n\\fI" + roff_literal(d.positional) + "\\fR" + (d.repeatable ? "..." : "") + "\n" + man_option_body(d);
  }
  std::vector<std::string> groups;
  for (const auto& d : opts)
    if (d.positional.empty() && std::find(groups.begin(), groups.end(), d.group) == groups.end())
      groups.push_back(d.group);
  for (const auto& g : groups) {
    // CLI11's default group is "Options": under OPTIONS it reads better as "General".
    out += ".SS " + roff_text(g == "Options" ? "General" : g);
    for (const auto& d : opts)
      if (d.positional.empty() && d.group == g) out += ".TP\n" + man_option_tag(d) + "\n" + man_option_body(d);
  }

  if (!spec.examples.empty()) {
    out += ".SH EXAMPLES\n";
    bool first = true;
    for (const auto& [cmd, what] : spec.examples) {
      if (!first) out += ".PP\n";
      first = false;
      // No-fill: a command is not justified, and a long word in it (a file name) is no warning.
      out += ".nf\n\\fB" + roff_literal(cmd) + "\\fR\n.fi\n.RS 4\n" + roff_text(what) + ".RE\n";
    }
  }
  for (const auto& [title, text] : spec.sections)
    out += ".SH " + roff_literal(upper(title)) + "\n" + roff_paragraphs(text);
  return out;
}

std::string generate_completion(const CLI::App& app, const ToolSpec& spec, std::string_view shell) {
  const auto opts = collect(app);
  if (shell == "bash") return bash_completion(opts, spec);
  if (shell == "zsh") return zsh_completion(opts, spec);
  if (shell == "fish") return fish_completion(opts, spec);
  throw UsageError(fmt::format("--generate: no completion for shell '{}'", shell));
}

std::string generate_field_list() {
  std::string out;
  for (const auto& f : all_fields()) {
    std::string where = f.family == Family::Tgw   ? ", Transit Gateway only"
                        : f.family == Family::Vpc ? ", VPC only"
                                                  : "";
    out += fmt::format(".TP\n\\fB{}\\fR \\fI{}\\fR, version {}{}\n", roff_literal(f.name), type_name(f.type), f.version,
                       where);
    std::string help = std::string(f.help);
    if (f.type == Type::UInt && f.max != UINT64_MAX) help += fmt::format("; 0 to {}", f.max);
    out += roff_text(help);
  }
  return out;
}

}  // namespace flow
