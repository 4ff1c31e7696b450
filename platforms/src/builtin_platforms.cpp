#include "cimvp/platform/builtin_platforms.h"

#include "cimvp_embedded_platforms.h"  // generated from platforms/*.yaml

#include <algorithm>

namespace cimvp {

std::vector<BuiltinPlatform> builtin_platforms() {
  std::vector<BuiltinPlatform> v;
  for (const auto& p : generated::platform_yaml) v.push_back(p);
  std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return v;
}

const BuiltinPlatform* find_builtin_platform(std::string_view name) {
  constexpr std::string_view ext = ".yaml";
  if (name.size() > ext.size() && name.substr(name.size() - ext.size()) == ext)
    name.remove_suffix(ext.size());
  for (const auto& p : generated::platform_yaml)
    if (p.name == name) return &p;
  return nullptr;
}

}  // namespace cimvp
