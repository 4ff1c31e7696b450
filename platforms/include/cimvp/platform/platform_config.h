// The platform configuration: the schema of cimvp::PlatformConfig and how a platform
// YAML file becomes one (docs/configuration.md).
//
// Adding a section for a new block (e.g. the CIM accelerator): write
// `void add_cim_keys(ConfigSchema&)` in the block's own platforms/src file, registering
// its keys ("cim.*") and checks, and call it from platform_schema().  A new bus target
// also appends its name to the choices of "address_map[].target".
#pragma once

#include "cimvp/config.h"
#include "cimvp/platform/config_schema.h"

#include <string>
#include <vector>

namespace cimvp {

using ConfigSchema = Schema<PlatformConfig>;

/// PlatformConfig{} plus the default address map (memory at 0x0, dma at 0x4000_0000):
/// what an empty platform file gives.
PlatformConfig default_platform_config();

/// Top level, memory, router, address_map, dma, host keys and their cross-field checks.
void add_core_keys(ConfigSchema& schema);

/// The full platform schema (every section).
ConfigSchema platform_schema();

/// A platform source: its name in messages and its YAML text.
struct PlatformSource {
  std::string source;  ///< "default.yaml" or the path the user gave
  std::string text;
};

/// Reads a whole text file; ConfigError "cannot read '<path>': <reason>" when it fails.
std::string read_text_file(const std::string& path, const std::string& what = "file");

/// `spec` is a path to a YAML file, or the name of a built-in platform ("default",
/// "default.yaml"); a file that exists wins.  ConfigError when it is neither.
PlatformSource resolve_platform(const std::string& spec);

/// schema.load(source) with `overrides` ("key.path=value") applied in order.
PlatformConfig load_platform(const PlatformSource& src, const std::vector<std::string>& overrides = {},
                             ConfigOrigin* origin = nullptr);

}  // namespace cimvp
