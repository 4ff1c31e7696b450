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
  std::string source;   ///< "default.yaml" or the path the user gave
  std::string text;
  std::string builtin;  ///< the built-in platform's name ("default"); empty for a file
};

/// Reads a whole text file; ConfigError "cannot read '<path>': <reason>" when it fails.
std::string read_text_file(const std::string& path, const std::string& what = "file");

/// `spec` is a path to a YAML file, or the name of a built-in platform ("default",
/// "default.yaml"); a file that exists wins.  ConfigError when it is neither.
PlatformSource resolve_platform(const std::string& spec);

/// Platform files extend a base (docs/configuration.md, "Bases"): the top-level key
/// `base` names a built-in platform or a file (relative paths: first next to the file
/// that names it), or `none`; absent, it is `default` (the built-in default itself has no
/// base).  Returns the chain, root first and `src` last; ConfigError for a cycle, a chain
/// deeper than 8 or an unknown base.
std::vector<PlatformSource> platform_chain(const PlatformSource& src);

/// True for an override that names a workload key ("workload.cim_inference.images=100").
bool is_workload_override(const std::string& assignment);

/// The platform: struct defaults → each base of the chain → `src` → `overrides` (those
/// that are not workload overrides), then the checks.  Maps merge key by key; a list such
/// as address_map replaces the base's list whole.  A file that sets no `name` is named
/// after its file stem.  `cim.*` keys set by `src` (a file, not a built-in platform) or an
/// override while the address map has no `cim` target are an error (they would be ignored).
PlatformConfig load_platform(const PlatformSource& src, const std::vector<std::string>& overrides = {},
                             ConfigOrigin* origin = nullptr);

}  // namespace cimvp
