// Full-precision (float) networks and their multi-bit RRAM evaluation: the "full bit-level
// mode" of the accuracy table of Tang et al., "Binary Convolutional Neural Network on RRAM",
// ASP-DAC 2017 (docs/rram.md, "Accuracy under variation").  Plain C++17, no SystemC.
//
// FloatNetwork: what cimvp-train --float writes (BnnTrainer::export_float_network, trainer.h):
// real weights W[j][k] (M×K row-major per layer, k in the window order (ky, kx, c) of a conv
// layer, HWC maps, as the BCNN), the batch norm folded into y_j = scale_j·s_j + bias_j with
// s_j = Σ_k W[j][k]·x_k, ReLU on every hidden layer (a conv layer: ReLU, then max pooling over
// pool×pool windows), the last layer's y are the logits (argmax).  Conv padding is 0.  The
// first layer reads the trainer's input encoding as numbers: bit-serial b bits → the integer
// pixel >> (8 − b), binarized → 1 / low (low −1 for xnor, 0 for hbnn).
// input_max[l] (l ≥ 1): the largest input of layer l (a ReLU output) measured by
// calibrate_activation_ranges on training images; it sets the activation quantizer's scale.
//
// The .fnn file (little-endian):
//   0  8  magic "CIMVPFNN";  8 4 u32 version (1);  12 1 u8 mode (0 hbnn, 1 xnor);
//   13 1 u8 input encoding (0 binarized, 1 bit-serial); 14 1 u8 input_bits; 15 1 u8 threshold;
//   16 4 u32 layer count L (1..64);  20 4 u32 description length D (≤ 65536);  D bytes text;
//   per layer: u8 kind (0 dense, 1 conv), u8 kernel_h, u8 kernel_w, u8 pad, u16 in_h, u16 in_w,
//     u16 in_c, u16 stride, u16 pool, u16 reserved (0), u32 K, u32 M, f32 input_max,
//     M·K f32 weights, M f32 scale, M f32 bias (all finite);
//   end 4 u32 CRC-32 (zlib) of every preceding byte.
// load_float_network rejects anything else with NetworkFileError naming the file and field.
//
// Crossbar size: `rows` sets the partial sums that are rounded; `cols` only which reference
// column a weight's column shares (reference scheme).
// Multi-bit RRAM evaluation (rram_quantized_predict), the stated assumptions:
//  * weights: n bits signed, symmetric per-layer scale s_w = max|W| / q_max, q_max = 2^(n−1) − 1,
//    q = clamp(round(W / s_w), −q_max, q_max) (round half away from zero); the sign selects the
//    cell of a differential pair, the (n − 1)-bit magnitude |q| is one level of an (n − 1)-bit
//    device (2^(n−1) levels from HRS to LRS; one slice, no signal splitting): the seed's
//    "RRAM 7/5/3/1 bits" for 8/6/4/2-bit weights.  Its conductances and variation come from
//    the circuit model, rram_level_weight_cells (rram_cell.h), keyed by (layer, k, j).
//  * activations: a_bits-bit unsigned DAC codes (0 = not quantized).  Layer 0 reads the encoded
//    input as is (8-bit pixels are 8-bit codes); layer l ≥ 1 reads
//    code = min(2^a − 1, round(a / s_a)), s_a = input_max[l] / (2^a − 1).
//  * sensing: per crossbar of `rows` rows, the column's analog partial sum in units of one unit
//    product (V_read·ΔG × one code step) is rounded to the nearest integer (ideal ADC, as the
//    binary mode's ideal MLSA) and the row blocks are added digitally; then
//    y_j = scale_j · s_w · s_a · S_j + bias_j.  With ideal cells S_j = Σ_k q_jk·code_k exactly,
//    so rram_quantized_predict equals quantized_reference_predict image for image.
#pragma once

#include "cimvp/circuit/rram_cell.h"
#include "cimvp/workloads/bnn.h"
#include "cimvp/workloads/dataset.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

struct FloatLayer {
  bool conv = false;
  ConvShape shape;                   ///< conv layers only
  unsigned inputs = 0, outputs = 0;  ///< K (window rows for conv), M
  std::vector<float> weights;        ///< M×K, weights[j·K + k]
  std::vector<float> scale, bias;    ///< M each: folded batch norm
  float input_max = 0.0f;            ///< calibrated largest input (layers ≥ 1), 0 = not calibrated
};

struct FloatNetwork {
  CellMode mode = CellMode::xnor_8t;
  InputEncoding input = InputEncoding::bit_serial;
  unsigned input_bits = 8;
  unsigned input_threshold = 128;
  std::string description;
  std::vector<FloatLayer> layers;
};

constexpr char kFnnMagic[9] = "CIMVPFNN";
constexpr std::uint32_t kFnnFormatVersion = 1;

/// Checks shapes and chaining; throws std::invalid_argument naming the layer and field.
void validate_float_network(const FloatNetwork& net);
std::string serialize_float_network(const FloatNetwork& net);
/// Parses serialize_float_network's bytes; `path` names the source in errors (NetworkFileError).
FloatNetwork parse_float_network(const std::string& bytes, const std::string& path);
void save_float_network(const std::string& path, const FloatNetwork& net);
/// Throws NetworkFileError naming the file for missing files, bad magic/version/fields/CRC.
FloatNetwork load_float_network(const std::string& path);

/// The encoded first-layer input of one image (pixels() values; see the file comment).
std::vector<double> encode_float_input(const FloatNetwork& net, const std::uint8_t* pixels, std::size_t n);

/// Sets input_max of layers ≥ 1 to the largest value that layer reads over `data` (float inference).
void calibrate_activation_ranges(FloatNetwork& net, const Dataset& data);

/// Float inference (double arithmetic): the predicted class of every image.
std::vector<unsigned> float_predict(const FloatNetwork& net, const Dataset& data);

/// Symmetric per-layer weight quantizer: s_w = max|W| / (2^(bits−1) − 1) (1 when all W are 0),
/// q = clamp(round(W / s_w), ±(2^(bits−1) − 1)); bits 2..8, else std::invalid_argument.
struct QuantizedWeights {
  double scale = 1.0;
  std::vector<int> q;  ///< same order as the input
};
QuantizedWeights quantize_weights(const std::vector<float>& w, unsigned bits);
/// Activation code: min(2^bits − 1, round(a / step)) for a ≥ 0 (a < 0 → 0), round half up.
unsigned quantize_activation(double a, double step, unsigned bits);

struct RramQuantConfig {
  unsigned weight_bits = 8;   ///< n, 2..8; the device has n − 1 bits (cell.cell_bits is set from it)
  unsigned act_bits = 8;      ///< 1..16, or 0 (activations not quantized)
  unsigned rows = 128;        ///< crossbar rows per partial sum
  unsigned cols = 128;        ///< crossbar columns (the reference scheme's column block j / cols)
  RramCellConfig cell;        ///< conductances, scheme, variation, faults, seed
  /// Throws std::invalid_argument naming the field and allowed range.
  void validate() const;
};

/// Integer-exact reference of the quantized network (no cells): S_j = Σ q·code in integers.
std::vector<unsigned> quantized_reference_predict(const FloatNetwork& net, const Dataset& data, const RramQuantConfig& cfg);
/// The quantized network on RRAM cells (rram_level_weight_cells) with the crossbar partial sums
/// rounded as stated in the file comment.
std::vector<unsigned> rram_quantized_predict(const FloatNetwork& net, const Dataset& data, const RramQuantConfig& cfg);

}  // namespace cimvp
