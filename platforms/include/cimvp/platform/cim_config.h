// The `cim:` section of a platform file: the parallel SRAM BNN macro (cimvp::CimMacro,
// docs/cim-macro.md) and its keys in the platform schema (docs/configuration.md).
#pragma once

#include "cimvp/platform/platform_config.h"

namespace cimvp {

/// Registers every "cim.*" key, adds "cim" to the choices of address_map[].target and the
/// cross-key checks (group rows, bus widths, the cim register window, host irq line 1).
void add_cim_keys(ConfigSchema& schema);

/// True when the address map has a "cim" entry (the platform then instantiates the macro).
bool has_cim(const PlatformConfig& config);
/// Bus address of the macro's register window (std::invalid_argument without one).
std::uint64_t cim_base(const PlatformConfig& config);

}  // namespace cimvp
