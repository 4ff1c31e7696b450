// Golden reference of BNN inference (docs/circuit.md, "Golden reference").
//
//   (a) exact_inference(): the BNN of bnn.h evaluated with plain integer loops straight
//       from BnnNetwork (no bit packing, no circuit code): an independent oracle.
//   (b) QuantizedNetwork: the same network mapped onto sub-arrays with the MLSA
//       quantization of cimvp::circuit (MappedLayer per layer), i.e. what the hardware
//       must reproduce bit for bit.
// Both report sums in half units (sums_half = 2·s): the exact oracle's are even, the
// quantized ones are the added MLSA level values.
// Conv layers (bnn.h, docs/convolution.md): the windows of every image are rows of one
// BitMatrix per input plane (gather_window), evaluated through the layer's MappedLayer exactly
// as a dense layer's vectors (window (oy, ox) of image i is vector i·windows + oy·out_w + ox),
// each output pixel thresholded (threshold/flip), then max pooling (OR); the next layer reads
// the pooled map.  A conv layer's sums_half holds windows × M values per image (HWC order).
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/mapping.h"
#include "cimvp/workloads/bnn.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// Checks shapes and values of `net` for images of n_pixels pixels (weights ±1, sizes,
/// layer chaining, encoding parameters).  Throws std::invalid_argument naming the layer
/// and the field.
void validate_network(const BnnNetwork& net, std::size_t n_pixels);

struct GoldenResult {
  std::vector<std::uint32_t> predictions;           ///< class of each image
  /// per layer N×M (2·s; conv layers N×windows×M, window-major); empty unless keep_sums
  std::vector<std::vector<std::int32_t>> sums_half;
};

/// The unrolled windows of a conv layer: per plane, maps[p] holds N maps of
/// shape.input_bits() bits (packed HWC); the result holds N·windows() rows of
/// shape.window_rows() bits, row i·windows() + oy·out_w() + ox = gather_window(map i, oy, ox).
/// Throws std::invalid_argument when the map size differs.
std::vector<BitMatrix> conv_windows(const ConvShape& shape, const std::vector<BitMatrix>& maps);
/// The output maps of a conv layer: `fired` holds N·windows() rows of out_c bits (the
/// thresholded output pixels, row as in conv_windows); the result holds N max-pooled maps of
/// shape.output_bits() bits (packed HWC).  Throws std::invalid_argument on a size mismatch.
BitMatrix conv_output_maps(const ConvShape& shape, const BitMatrix& fired);

/// (a) Exact BNN inference with plain integer loops.  images: n_images × n_pixels bytes.
/// Layers with supports use the codes in effect at `drop_permille` (0..1000,
/// effective_supports()): s_j = Σ_k code[j·B + ⌊k/p⌋]·W[j][k]·x_k (bnn.h).
GoldenResult exact_inference(const BnnNetwork& net, const std::uint8_t* images, std::size_t n_images,
                             std::size_t n_pixels, bool keep_sums = false, unsigned drop_permille = 0);

/// (a) again, faster: the same results as exact_inference(net, …, keep_sums) (predictions and
/// sums) for networks without supports, with bit-packed vectors and the blocked binary GEMM
/// of binary_gemm.h over chunks of up to 256 images (conv layers: the windows of conv_windows()
/// as rows, thresholded, then conv_output_maps()): XNOR layers
/// s = K − 2·popcount(x ⊕ w), {0,1} inputs (HBNN layers, bit planes) s = 2·popcount(x ∧ w+) −
/// popcount(x), bit planes shifted and added (docs/performance.md, "Ideal reference").  Not
/// the datapath (SubArray) code: an independent check of it, as exact_inference() is; the
/// unit test [golden] requires equal sums on random networks.  packed_inference_applies()
/// says whether `net` qualifies; otherwise this throws std::invalid_argument.
bool packed_inference_applies(const BnnNetwork& net);
GoldenResult packed_inference(const BnnNetwork& net, const std::uint8_t* images, std::size_t n_images,
                              std::size_t n_pixels, bool keep_sums = false);

/// The supports of layer `L` as the circuit takes them (shape, codes, default).
LayerSupports layer_supports(const BnnLayer& L);

/// How the first layer drives the array: bit-serial planes always use AND (unipolar)
/// semantics, binarized pixels the cell's native input kind.
InputKind first_layer_input_kind(const BnnNetwork& net);
/// Number of bit planes of the first-layer input (input_bits, or 1 when binarized).
unsigned first_layer_planes(const BnnNetwork& net);
/// The first-layer input as packed bit planes, LSB plane first: plane p of a bit-serial
/// input is pixel bit (8 − input_bits + p), so Σ_p 2^p·plane_p = pixel >> (8 − input_bits);
/// a binarized input is the single plane pixel >= input_threshold.
std::vector<BitMatrix> encode_input(const BnnNetwork& net, const std::uint8_t* images, std::size_t n_images,
                                    std::size_t n_pixels);

/// (b) The network mapped onto sub-arrays with quantized sensing.
class QuantizedNetwork {
 public:
  /// cfg.array.mode must equal net.mode.  Layer l's random streams use layer_id l.  Layers
  /// with supports are mapped with their row-DAC drive (cfg.drive must be row_dac) at drop
  /// level 0.
  QuantizedNetwork(const BnnNetwork& net, const MappingConfig& cfg);
  /// Drop level (per mille, 0..1000) of every supported layer (MappedLayer::set_drop_level);
  /// the transfer functions stay as calibrated.
  void set_drop_level(unsigned drop_permille);
  unsigned drop_level() const { return drop_; }
  /// True when some layer carries supports.
  bool has_supports() const;

  std::size_t layers() const { return layers_.size(); }
  const MappedLayer& layer(std::size_t l) const { return layers_.at(l); }
  bool needs_calibration() const;

  /// Calibration pass of nonlinear MLSAs on sample images: layer l is calibrated on the
  /// outputs of the already calibrated, quantized layers 0..l−1.  No-op otherwise.
  void calibrate(const std::uint8_t* images, std::size_t n_images, std::size_t n_pixels);

  /// Quantized inference; events added to *activity when non-null.  Image i is vector
  /// first_vector + i of the run (keys the ADC conversion noise; the macro numbers the
  /// vectors it processes since the network was loaded the same way).
  GoldenResult run(const std::uint8_t* images, std::size_t n_images, std::size_t n_pixels, bool keep_sums = false,
                   ArrayActivity* activity = nullptr, std::uint64_t first_vector = 0) const;

 private:
  BnnNetwork net_;
  MappingConfig cfg_;
  std::vector<MappedLayer> layers_;
  unsigned drop_ = 0;
};

/// Fraction of predictions equal to the labels (0 for an empty set).  Throws
/// std::invalid_argument when the sizes differ.
double accuracy(const std::vector<std::uint32_t>& predictions, const std::vector<std::uint8_t>& labels);

}  // namespace cimvp
