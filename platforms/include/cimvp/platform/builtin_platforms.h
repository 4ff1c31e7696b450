// Platform YAML files embedded into the executable at build time (every
// platforms/*.yaml; CMake generates the data), so `cimvp` needs no file at run time.
#pragma once

#include <string_view>
#include <vector>

namespace cimvp {

struct BuiltinPlatform {
  std::string_view name;  ///< file name without ".yaml" ("default")
  std::string_view text;  ///< the YAML text
};

/// The embedded platforms, sorted by name ("default" is always present).
std::vector<BuiltinPlatform> builtin_platforms();

/// The embedded platform `name` (with or without ".yaml"), or nullptr.
const BuiltinPlatform* find_builtin_platform(std::string_view name);

}  // namespace cimvp
