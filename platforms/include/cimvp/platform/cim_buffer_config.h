// The accelerator's activation buffers in a platform file: the `cim.buffer.*` keys and the
// `cim_buffer` address-map target (cimvp::ActivationBuffer, docs/cim-macro.md).
#pragma once

#include "cimvp/platform/platform_config.h"

#include <cstdint>

namespace cimvp {

/// Registers every "cim.buffer.*" key, adds "cim_buffer" to the choices of
/// address_map[].target and its checks (a `cim` entry exists, the window is large enough).
void add_cim_buffer_keys(ConfigSchema& schema);

/// True when the address map has a "cim_buffer" entry (the platform binds the buffer window).
bool has_cim_buffer(const PlatformConfig& config);
/// Bus address of the activation buffer window (std::invalid_argument without one).
std::uint64_t cim_buffer_base(const PlatformConfig& config);

}  // namespace cimvp
