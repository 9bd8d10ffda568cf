// The AWS shared config and credentials files (~/.aws/config, ~/.aws/credentials) and the
// process environment, as the credential chain and load_settings read them.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "flow/aws.hpp"

namespace flow::aws {

/// An INI file as the AWS CLI reads it: [section] lines, "name = value" lines (names
/// lower-cased, values trimmed; the last of a repeated name wins), comment lines starting with
/// '#' or ';', and indented "name = value" lines under a "name =" line with no value (the
/// nested form of `s3 =\n  endpoint_url = ...`), kept as "parent.name".
struct IniFile {
  std::string path;  ///< for messages ("" = text given in memory)
  bool found = false;
  std::map<std::string, std::map<std::string, std::string>> sections;
  /// The section's entries, or null when it has none.
  const std::map<std::string, std::string>* section(const std::string& name) const;
};

/// Parses `text`; a line that is neither is a DataError naming `path` and the line (never its
/// text, which may hold a secret).
IniFile parse_ini(std::string_view text, const std::string& path = "");
/// The file at `path`; a missing file is an empty IniFile with found = false.
IniFile load_ini(const std::string& path);

/// `s` with A-Z in lower case (header and entry names).
std::string ascii_lower(std::string_view s);

/// The variable `name` of `env`, or of the process when `env` is null ("" when unset).
std::string env_get(const Environment* env, const std::string& name);
/// A file path from variable `var`, else $HOME/`home_rel` ("" when neither is known).
std::string env_path(const Environment* env, const std::string& var, const std::string& home_rel);

/// The two files of a profile: the credentials file's [NAME] and the config file's
/// [profile NAME] ([default] for the default profile).
struct ProfileFiles {
  IniFile credentials, config;
  const std::map<std::string, std::string>* credentials_section(const std::string& profile) const;
  const std::map<std::string, std::string>* config_section(const std::string& profile) const;
};
ProfileFiles load_profile_files(const Environment* env);

/// The value of `key` in `section` ("" when it or the section is absent).
std::string entry(const std::map<std::string, std::string>* section, const std::string& key);

}  // namespace flow::aws
