// A trained binary neural network (MLP) as the trainer exports it and as the golden
// reference, the firmware-like driver and the hardware consume it.
//
// Semantics (docs/workloads.md):
//   layer l computes integer pre-activations s_j = Σ_k W[j][k] · x_k  with W ∈ {±1}.
//   Hidden layers: batch norm folded into one integer threshold per neuron:
//       fire_j = flip_j ? (s_j <= threshold_j) : (s_j >= threshold_j)
//     (flip_j is set when the batch-norm γ_j < 0).  The output of a fired neuron is
//     1 (HBNN, inputs of the next layer in {0,1}) or +1 (XNOR, inputs in {±1}); a neuron
//     that does not fire outputs 0 (HBNN) or −1 (XNOR).
//   Last layer: outputs the sums s_j; the class is argmax_j (scale_j · s_j + bias_j),
//     the folded batch norm of the last layer (ties go to the lowest index).
//   First layer input: either binarized pixels (pixel >= input_threshold → 1 / +1,
//     else 0 / −1) or bit-serial: the `input_bits` most significant bits of each 8-bit
//     pixel, x = Σ_b 2^b · x_b with x_b ∈ {0,1}, each bit plane applied with AND
//     (HBNN) semantics and the plane sums shifted and added.
//   Supports (optional, per layer; Supported-BinaryNet, cimvp/circuit/supports.h): when
//     support_block = p > 0 the sum uses the layer's support codes,
//       s_j = Σ_k support[j·B + ⌊k/p⌋] · W[j][k] · x_k ,   B = ⌈K/p⌉,
//     with the codes in effect at the run's drop level (effective_supports()); thresholds,
//     flips and the last layer's scale apply to this integer sum unchanged.
//   Conv layers (kind == LayerKind::conv; Tang et al., ASP-DAC 2017; docs/convolution.md):
//     the layer's input is the conv.in_h × in_w × in_c binary map (packed HWC, the previous
//     layer's output map or, for the first layer, the image with in_c = 1); every output
//     pixel computes s_j over its unrolled kernel window exactly as a dense layer computes
//     it over its input vector (K = inputs = conv.window_rows(), M = outputs = conv.out_c,
//     weights M×K with row order (ky, kx, c), padding bits 0), then the threshold/flip gives
//     the output bit, then max pooling (OR) over conv.pool × conv.pool windows gives the
//     output map (pooled_h × pooled_w × out_c, HWC) that the next layer reads.  The last
//     layer is always dense.  A conv first layer with bit-serial input convolves each bit
//     plane (AND semantics) and shift-adds the plane sums, as a dense first layer does.
#pragma once

#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/conv_shape.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// How the first layer receives the image.
enum class InputEncoding : std::uint8_t {
  binarized = 0,   ///< pixel >= input_threshold → 1 (+1), else 0 (−1 in XNOR mode)
  bit_serial = 1,  ///< input_bits MSBs of the 8-bit pixel, one bit plane per array pass
};

struct BnnLayer {
  LayerKind kind = LayerKind::fully_connected;  ///< fully_connected or conv (conv_shape.h)
  ConvShape conv;                     ///< kind == conv only (inputs == conv.window_rows(),
                                      ///< outputs == conv.out_c)
  unsigned inputs = 0;                ///< K
  unsigned outputs = 0;               ///< M
  std::vector<std::int8_t> weights;   ///< M×K row-major (neuron j, input k), each ±1
  std::vector<std::int32_t> threshold;  ///< M, hidden layers only
  std::vector<std::uint8_t> flip;       ///< M, hidden layers only (1 when γ < 0)
  std::vector<float> scale;             ///< M, last layer only
  std::vector<float> bias;              ///< M, last layer only

  // Supports (Supported-BinaryNet); support_block == 0: a plain binary layer.
  unsigned support_block = 0;                ///< p, rows per p×1 block (1..K), 0 = no supports
  unsigned support_bits = 0;                 ///< b_s (1..8) when support_block > 0
  std::vector<std::uint8_t> support;         ///< M×B codes (neuron j, block b), each 0..2^b_s−1
  std::uint8_t support_default = 0;          ///< code of the layer's default support (drop-out)
  float support_step = 1.0f;                 ///< real value of code 1 (informative: folded into
                                             ///< thresholds / scale already)
  bool has_supports() const { return support_block > 0; }
  bool is_conv() const { return kind == LayerKind::conv; }
  /// Bits of the vector or map this layer reads (dense: K; conv: in_h·in_w·in_c).
  std::size_t input_size() const { return is_conv() ? conv.input_bits() : inputs; }
  /// Bits / values this layer hands to the next (dense: M; conv: the pooled map).
  std::size_t output_size() const { return is_conv() ? conv.output_bits() : outputs; }
};

struct BnnNetwork {
  CellMode mode = CellMode::xnor_8t;
  InputEncoding input = InputEncoding::binarized;
  unsigned input_bits = 8;          ///< bit_serial: number of pixel MSBs used (1..8)
  unsigned input_threshold = 128;   ///< binarized: pixel threshold (0..255)
  std::vector<BnnLayer> layers;     ///< hidden layers, then the output layer
  std::string description;          ///< free text (data set, command, seed)
};

}  // namespace cimvp
