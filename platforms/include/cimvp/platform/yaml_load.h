// Parsing a YAML document with cimvp's error style (file:line:col: invalid YAML: …).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace cimvp {

/// Deepest nesting of maps and lists accepted in YAML input (files and --set values).
inline constexpr std::size_t max_yaml_nesting = 100;

/// Throws ConfigError at `source`:line:column when `text` nests block or flow
/// collections deeper than max_yaml_nesting (checked before parsing: yaml-cpp recurses).
void check_yaml_nesting(std::string_view text, const std::string& source);

/// Throws ConfigError at `source` when `text` is not UTF-8: a UTF-16 / UTF-32 byte-order
/// mark or any NUL byte (yaml-cpp would otherwise read such a file as garbled UTF-8).
void check_yaml_encoding(std::string_view text, const std::string& source);

/// Parses `text` (after check_yaml_encoding and check_yaml_nesting); a syntax error throws ConfigError located
/// at `source`:line:column.
YAML::Node load_yaml_document(std::string_view text, const std::string& source);

}  // namespace cimvp
