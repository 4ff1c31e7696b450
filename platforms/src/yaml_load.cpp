#include "cimvp/platform/yaml_load.h"

#include "cimvp/platform/config_schema.h"

namespace cimvp {

YAML::Node load_yaml_document(std::string_view text, const std::string& source) {
  try {
    return YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    const std::string loc = e.mark.line >= 0 ? source + ":" + std::to_string(e.mark.line + 1) + ":" +
                                                   std::to_string(e.mark.column + 1)
                                             : source;
    throw ConfigError(loc, "", "invalid YAML: " + e.msg);
  }
}

}  // namespace cimvp
