// Support parameters of Supported-BinaryNet (Nasrin et al., "Supported-BinaryNet: Bitcell
// Array-based Weight Supports for Dynamic Accuracy-Latency Trade-offs in SRAM-based BNN";
// docs/supported-binarynet.md).
//
// A layer y = W·x with W ∈ {±1}^{M×K} cuts every column (neuron j) into blocks of p
// consecutive rows (a p×1 block): block b holds inputs k ∈ [b·p, min(K, b·p + p)), so a
// layer has B = ⌈K/p⌉ blocks per neuron (the last one holds K − (B−1)·p rows).  Each block
// carries a b_s-bit unsigned support code s_{j,b} ∈ [0, 2^b_s − 1]; the effective weight is
// s_{j,block(k)} · W[j][k] and the integer pre-activation
//     s_j = Σ_k s_{j, ⌊k/p⌋} · W[j][k] · x_k .
// The real support is code · step (BnnLayer::support_step); thresholds and the last layer's
// scale already include the step, so the datapath works on integer codes only.
//
// Dynamic drop-out (the seed: "drop out 52 % of the supports without losing accuracy"):
// at drop level d (per mille, 0..1000) the ⌊d · M·B / 1000⌋ lowest-ranked supports of a
// layer are replaced by the layer's default code (BnnLayer::support_default, the layer's
// per-layer scale in code units), so dropped blocks of neighbouring columns agree and need
// no DAC reprogramming.  Ranking criterion (data-free, so the driver, the golden reference
// and the macro derive the same order from the stored codes): a support matters as much as
// the L1 change of its column's effective weights when it is dropped,
//     cost_{j,b} = |s_{j,b} − default| · rows(b),
// ascending; ties by the flat index j·B + b (lower first).
// Layer 1: plain C++17, no SystemC.
#pragma once

#include <cstdint>
#include <vector>

namespace cimvp {

constexpr unsigned kMaxSupportBits = 8;
constexpr unsigned kDropLevelScale = 1000;  ///< drop levels are per mille

/// Shape of a layer's supports: K inputs, M outputs, p rows per block, b_s bits.
struct SupportShape {
  unsigned inputs = 0;      ///< K
  unsigned outputs = 0;     ///< M
  unsigned block_rows = 0;  ///< p, 1..K
  unsigned bits = 0;        ///< b_s, 1..kMaxSupportBits
  unsigned blocks() const { return block_rows ? (inputs + block_rows - 1) / block_rows : 0; }  ///< B
  /// Rows of block b (p, or what is left for the last block).
  unsigned rows(unsigned b) const;
  /// Largest code, 2^b_s − 1.
  unsigned max_code() const { return (1u << bits) - 1u; }
};

/// Throws std::invalid_argument (naming `what`) unless 1 ≤ p ≤ K, 1 ≤ b_s ≤ 8, M ≥ 1,
/// codes.size() == M·B, every code and `default_code` ≤ 2^b_s − 1.
void validate_supports(const SupportShape& shape, const std::vector<std::uint8_t>& codes,
                       std::uint8_t default_code, const char* what = "supports");

/// Flat indices j·B + b of all M·B supports, lowest cost first (criterion above).
std::vector<std::uint32_t> support_drop_order(const SupportShape& shape, const std::vector<std::uint8_t>& codes,
                                              std::uint8_t default_code);

/// Number of supports dropped at `drop_permille` (0..1000): ⌊drop · M·B / 1000⌋.
/// Throws std::invalid_argument when drop_permille > 1000.
std::uint64_t dropped_supports(const SupportShape& shape, unsigned drop_permille);

/// The codes in effect at `drop_permille`: `codes` with the first dropped_supports() entries
/// of support_drop_order() replaced by `default_code`.
std::vector<std::uint8_t> effective_supports(const SupportShape& shape, const std::vector<std::uint8_t>& codes,
                                             std::uint8_t default_code, unsigned drop_permille);

}  // namespace cimvp
