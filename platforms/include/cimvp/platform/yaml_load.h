// Parsing a YAML document with cimvp's error style (file:line:col: invalid YAML: …).
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

namespace cimvp {

/// Parses `text`; a syntax error throws ConfigError located at `source`:line:column.
YAML::Node load_yaml_document(std::string_view text, const std::string& source);

}  // namespace cimvp
