// The AWS config and credentials files, the environment, and the settings read from them.
#include "aws/config.hpp"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "flow/error.hpp"

namespace flow::aws {

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

// "[ profile   x ]" -> "profile x": the CLI splits the name on white space.
std::string section_name(std::string_view s) {
  std::string out;
  for (char c : trim(s)) {
    if (blank(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

const std::map<std::string, std::string>* IniFile::section(const std::string& name) const {
  auto it = sections.find(name);
  return it == sections.end() ? nullptr : &it->second;
}

IniFile parse_ini(std::string_view text, const std::string& path) {
  IniFile f;
  f.path = path;
  f.found = true;
  std::map<std::string, std::string>* current = nullptr;
  std::string parent;  // a "name =" line with no value, which indented lines may continue
  uint64_t line_no = 0;
  // The whole text in what(): callers that add the bucket to a message keep the line.
  auto fail = [&](const char* why) {
    throw DataError(fmt::format("{}:{}: {}", path.empty() ? "AWS config" : path, line_no, why));
  };
  for (size_t pos = 0; pos < text.size();) {
    auto nl = text.find('\n', pos);
    auto raw = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    ++line_no;
    auto line = trim(raw);
    if (line.empty() || line[0] == '#' || line[0] == ';') continue;
    bool indented = blank(raw[0]);
    if (line[0] == '[') {
      if (line.back() != ']') fail("a section line must end with ']'");
      current = &f.sections[section_name(line.substr(1, line.size() - 2))];
      parent.clear();
      continue;
    }
    auto eq = line.find('=');
    if (eq == std::string_view::npos) fail("not a [section] or a 'name = value' line");
    if (!current) fail("a 'name = value' line before the first [section]");
    auto name = ascii_lower(trim(line.substr(0, eq)));
    auto value = std::string(trim(line.substr(eq + 1)));
    if (name.empty()) fail("a line with no name before '='");
    if (indented && !parent.empty()) {
      (*current)[parent + "." + name] = value;
      continue;
    }
    parent = value.empty() ? name : "";
    (*current)[name] = value;
  }
  return f;
}

IniFile load_ini(const std::string& path) {
  IniFile none;
  none.path = path;
  if (path.empty()) return none;
  std::ifstream in(path, std::ios::binary);
  if (!in) return none;
  std::stringstream ss;
  ss << in.rdbuf();
  if (in.bad()) throw DataError(fmt::format("{}: cannot read", path));
  return parse_ini(ss.str(), path);
}

std::string env_get(const Environment* env, const std::string& name) {
  if (env) {
    auto it = env->find(name);
    return it == env->end() ? "" : it->second;
  }
  const char* v = std::getenv(name.c_str());
  return v ? v : "";
}

std::string env_path(const Environment* env, const std::string& var, const std::string& home_rel) {
  auto p = env_get(env, var);
  if (p.starts_with("~/")) {
    auto home = env_get(env, "HOME");
    return home.empty() ? "" : home + p.substr(1);
  }
  if (!p.empty()) return p;
  auto home = env_get(env, "HOME");
  return home.empty() ? "" : home + "/" + home_rel;
}

const std::map<std::string, std::string>* ProfileFiles::credentials_section(const std::string& profile) const {
  return credentials.section(profile);
}

const std::map<std::string, std::string>* ProfileFiles::config_section(const std::string& profile) const {
  if (auto s = config.section("profile " + profile)) return s;
  return profile == "default" ? config.section("default") : nullptr;
}

ProfileFiles load_profile_files(const Environment* env) {
  ProfileFiles f;
  f.credentials = load_ini(env_path(env, "AWS_SHARED_CREDENTIALS_FILE", ".aws/credentials"));
  f.config = load_ini(env_path(env, "AWS_CONFIG_FILE", ".aws/config"));
  return f;
}

std::string entry(const std::map<std::string, std::string>* section, const std::string& key) {
  if (!section) return "";
  auto it = section->find(key);
  return it == section->end() ? "" : it->second;
}

Settings load_settings(const std::string& profile, const Environment* env) {
  Settings s;
  s.explicit_profile = !profile.empty();
  s.profile = !profile.empty() ? profile : env_get(env, "AWS_PROFILE");
  if (s.profile.empty()) s.profile = env_get(env, "AWS_DEFAULT_PROFILE");
  if (s.profile.empty()) s.profile = "default";
  auto files = load_profile_files(env);
  auto conf = files.config_section(s.profile);
  s.region = env_get(env, "AWS_REGION");
  if (s.region.empty()) s.region = env_get(env, "AWS_DEFAULT_REGION");
  if (s.region.empty()) s.region = entry(conf, "region");
  // AWS's order: AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, the s3 entry of the profile's
  // [services NAME] section, the profile's endpoint_url.
  if (ascii_lower(env_get(env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) == "true") return s;
  s.endpoint_url = env_get(env, "AWS_ENDPOINT_URL_S3");
  if (s.endpoint_url.empty()) s.endpoint_url = env_get(env, "AWS_ENDPOINT_URL");
  if (auto services = entry(conf, "services"); s.endpoint_url.empty() && !services.empty())
    s.endpoint_url = entry(files.config.section("services " + services), "s3.endpoint_url");
  if (s.endpoint_url.empty()) s.endpoint_url = entry(conf, "endpoint_url");
  return s;
}

Settings load_settings(const Environment* env) { return load_settings(std::string(), env); }

}  // namespace flow::aws
