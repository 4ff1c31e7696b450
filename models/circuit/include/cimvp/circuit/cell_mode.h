// Bitcell modes of the SRAM BNN macro (Liu et al., DAC 2018).
#pragma once
#include <cstdint>

namespace cimvp {

/// How binary weights and activations map onto bitcells.
enum class CellMode : std::uint8_t {
  hbnn_6t = 0,  ///< weights ±1, activations {0,1}: AND + bit count (6T SRAM)
  xnor_8t = 1,  ///< weights ±1, activations ±1: XNOR + bit count (custom 8T SRAM)
};

}  // namespace cimvp
