// Bitcell modes of the SRAM BNN macro (Liu et al., DAC 2018) and the kinds of input
// vectors a sub-array can be driven with (docs/circuit.md).
#pragma once
#include <cstdint>

namespace cimvp {

/// How binary weights and activations map onto bitcells.
enum class CellMode : std::uint8_t {
  hbnn_6t = 0,  ///< weights ±1, activations {0,1}: AND + bit count (6T SRAM)
  xnor_8t = 1,  ///< weights ±1, activations ±1: XNOR + bit count (custom 8T SRAM)
};

/// How an input bit drives the word lines of its row.
///   unipolar: x ∈ {0,1}; bit 1 drives the (true) word line, bit 0 drives nothing.
///             The row contributes w·x (AND semantics).  Both cells support it; in the
///             XNOR 8T cell only the true word line is driven (used for bit planes).
///   bipolar:  x ∈ {±1}; bit 1 (+1) drives WL, bit 0 (−1) drives WLB of the 8T cell.
///             The row contributes w·x = +1 when w == x, else −1 (XNOR semantics).
///             Only the XNOR 8T cell supports it.
enum class InputKind : std::uint8_t {
  unipolar = 0,
  bipolar = 1,
};

/// The input kind of hidden layers in a cell mode (HBNN: {0,1}; XNOR: ±1).
constexpr InputKind native_input(CellMode m) {
  return m == CellMode::xnor_8t ? InputKind::bipolar : InputKind::unipolar;
}

/// Whether a cell can be driven with an input kind (the 6T cell cannot do XNOR).
constexpr bool supports(CellMode m, InputKind k) {
  return k == InputKind::unipolar || m == CellMode::xnor_8t;
}

inline const char* to_string(CellMode m) {
  return m == CellMode::xnor_8t ? "xnor_8t" : "hbnn_6t";
}
inline const char* to_string(InputKind k) {
  return k == InputKind::bipolar ? "bipolar" : "unipolar";
}

}  // namespace cimvp
