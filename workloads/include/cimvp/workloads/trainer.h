// BinaryNet-style trainer for binary MLPs, in plain single-threaded C++ (docs/workloads.md).
//
// Forward: weights binarized by sign (0 → +1); every layer's integer pre-activation
//   s = W_b · x goes through batch norm y = γ (s − μ)/σ + β; hidden layers emit sign(y)
//   as {0,1} (HBNN) or {±1} (XNOR); the last layer's y are the logits of a softmax
//   cross-entropy loss.  First-layer input per bnn.h: binarized pixels, or the integer
//   pixel >> (8 − input_bits) (bit-serial).
// Backward: straight-through estimator (gradient of sign passed where |y| ≤ 1), exact batch
//   norm gradients, Adam on latent float weights (clipped to [−1, 1]) and on γ, β.
// Learning rate decays geometrically per epoch from `lr` (first epoch) to `lr_final` (last).
// Optional augmentation: each training image is translated by a random (dx, dy) in
// [−shift, shift]² (vacated pixels are 0).
// Batch norm uses the mini-batch statistics in training and running averages (momentum
// bn_momentum, unbiased variance) in evaluation and export.
// Export folds the batch norm exactly: a hidden neuron's threshold/flip are the integer
// boundary of the very float predicate evaluate() uses, and the last layer's scale/bias are
// the float values evaluate() multiplies with, so integer inference of the exported network
// reproduces evaluate() prediction for prediction.
// Supports (Supported-BinaryNet, docs/supported-binarynet.md): with support_block = p > 0
//   every layer's binary weight W[j][k] is scaled by the support of its p×1 block,
//   code_{j,⌊k/p⌋}; a latent real support u per block (init 1.0) is quantized to
//   code = min(2^b_s − 1, ⌊u/step + 1/2⌋), step = 2^(1−b_s) (so 1.0 is code 2^(b_s−1), the
//   middle of the range), u clipped to [0, (2^b_s − 1)·step]; straight-through gradient
//   through the rounding.  The layer sums the integer code-weighted products and batch norm
//   acts on that integer sum (it absorbs the step), so export folds it exactly as for a plain
//   layer.  freeze_weights keeps the binary weights (e.g. loaded by init_from_network) and
//   learns supports and batch norm only.
// Convolution (BCNN; Tang et al., ASP-DAC 2017; docs/convolution.md): config.conv lists conv
//   layers that come before the dense ones.  A conv layer unrolls every output pixel's kernel
//   window (im2col, row order (ky, kx, c) as conv_shape.h's gather_window) with the off value
//   in the padding (−1 XNOR / 0 HBNN, 0 for a bit-serial first layer: the hardware's bit 0),
//   multiplies the windows by the binarized M×K weights (one float GEMM over batch·windows
//   rows), applies batch norm per output channel (statistics over batch·windows), the sign
//   activation, then max pooling over pool×pool windows: pooled = sign(max y), identical to
//   threshold-then-OR; the gradient goes to the window's largest y (first in scan order),
//   through the straight-through estimator.  The last conv map (HWC) is the dense tail's input.
// Checkpoints (save_checkpoint / load_checkpoint): the complete training state (latent
//   weights, Adam moments, batch norm, supports, step and epoch counters, the generator's
//   state) with the config it belongs to, so resuming reproduces an uninterrupted run bit for bit.
// Float mode: the full-precision network of the same shape as the reference: real weights
//   (Glorot init, no clipping), the same first-layer input encoding, batch norm on every layer,
//   ReLU on hidden layers; conv layers (Tang et al.'s full bit-level CNN): zero padding, batch
//   norm, ReLU, then max pooling of the real values (the gradient to the window's largest y
//   when it is > 0).  Exported by export_float_network (float_network.h), not as a .bnn.
// Hardware-aware training (docs/workloads.md, "Hardware-aware fine-tuning"): with hw_rows = R > 0
//   every dense layer's forward sum is the platform's sensed sum: K splits into row blocks of R
//   inputs (the sub-array rows; column blocks do not change the math), each block's integer
//   partial sum goes through the transfer function the hardware programs for that row block
//   (cimvp::Quantizer from SenseConfig::nominal / calibrated, bit-line saturation included), the
//   sensed values (half units) are added and the layer sum is their total / 2.  The transfer
//   functions come from the circuit library itself: calibrate_hw() exports the network, maps it
//   with hw_mapping() (QuantizedNetwork) and runs the platform's calibration pass on the first
//   hw_calibration_samples training images, exactly as cimvp's cim_inference job does before
//   it classifies; train_epoch() recalibrates at the end of every epoch (and every
//   hw_recalibrate batches when > 0).  Backward: straight-through, the gradient of the sensed
//   sum is taken as that of the exact sum.  Evaluation then thresholds the sensed (half-unit)
//   sums exactly as the exported integer thresholds do, so predict() equals the golden
//   reference QuantizedNetwork::run() of the exported network image for image.
// Determinism: std::mt19937_64 seeded from the config drives initialization and shuffling
// (own integer/float conversions, no <random> distributions), all reductions run in a fixed
// order and no FMA contraction is used (-std=c++17): same seed → bit-identical weights.
#pragma once

#include "cimvp/circuit/mapping.h"
#include "cimvp/circuit/sense.h"
#include "cimvp/workloads/bnn.h"
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/float_network.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace cimvp {

struct TrainerConfig {
  CellMode mode = CellMode::xnor_8t;
  InputEncoding input = InputEncoding::binarized;
  unsigned input_bits = 8;          ///< bit_serial: pixel MSBs used (1..8)
  unsigned input_threshold = 128;   ///< binarized: pixel >= threshold → 1 / +1
  std::vector<unsigned> layers{784, 512, 512, 10};  ///< dense widths: input, hidden..., classes
  /// Conv layers before the dense ones (empty: an MLP).  conv[0] reads the image (in_c = 1,
  /// in_h·in_w = pixels), conv[i+1].input_bits() == conv[i].output_bits() (same H, W, C), and
  /// layers[0] == conv.back().output_bits() (the dense tail reads the flattened HWC map).
  /// No supports with conv layers.
  std::vector<ConvShape> conv;
  unsigned epochs = 10;
  unsigned batch = 100;
  float lr = 3e-3f;                 ///< Adam step size of the first epoch
  float lr_final = 3e-4f;           ///< Adam step size of the last epoch
  float init_scale = 0.0f;          ///< latent init U(−a, a); 0 → Glorot a = sqrt(6/(K+M))
  float bn_momentum = 0.1f;         ///< running statistics: r ← (1−m)·r + m·batch
  float bn_epsilon = 1e-4f;
  unsigned shift = 0;               ///< augmentation: random translation by up to ±shift pixels
  std::uint64_t seed = 1;
  unsigned support_block = 0;       ///< p (rows per p×1 block) of every layer; 0 = no supports
  unsigned support_bits = 4;        ///< b_s, 1..8 (used when support_block > 0)
  float support_lr_scale = 10.0f;   ///< Adam step of the latent supports = scale × the weights' step
  bool freeze_weights = false;      ///< supports + batch norm only; the binary weights stay
  bool float_mode = false;          ///< full-precision reference MLP (ReLU), not exportable
  /// Hardware-aware training: sub-array rows R (1..1024) whose partial sums are sensed in the
  /// loop; 0 = off (exact sums).  Dense XNOR/HBNN layers with a binarized first-layer input, no
  /// supports, no conv layers, not float mode.
  unsigned hw_rows = 0;
  /// Sense stage of the hardware (kind, bits, quantization, linear_range in PS units with
  /// 0 = unlimited; ADC converter / full_scale / coverage); offsets, noise and dead
  /// converters must be 0 (the trainer models the deterministic transfer function only).
  SenseConfig hw_sense;
  unsigned hw_calibration_samples = 1000;  ///< training images of each calibration pass (>= 1)
  unsigned hw_recalibrate = 0;             ///< batches between recalibrations; 0 = end of each epoch only
};

/// The mapping the hardware-aware trainer senses with (and the golden reference it must match):
/// sub-arrays of config.hw_rows rows (64 columns: column blocks do not change the sums),
/// config.mode cells, parallel access, config.hw_sense; ideal cells.
MappingConfig hw_mapping(const TrainerConfig& config);

/// Real value of support code 1 for b_s bits: 2^(1−b_s) (the init support 1.0 is code 2^(b_s−1)).
float support_step(unsigned bits);
/// Support quantizer: min(2^bits − 1, ⌊u/step + 1/2⌋) for u >= 0 (u < 0 → 0).
std::uint8_t quantize_support(float u, unsigned bits);
/// The layer's default (drop-out) code: ⌊mean code + 1/2⌋ (the code of the layer's mean support).
std::uint8_t default_support_code(const std::vector<std::uint8_t>& codes);

/// Throws std::invalid_argument naming the field when a config value is out of range.
void validate_trainer_config(const TrainerConfig& config);

/// Learning rate of epoch `epoch` (0-based) out of `epochs`: lr·(lr_final/lr)^(epoch/(epochs−1)).
float learning_rate(const TrainerConfig& config, unsigned epoch);

struct EpochResult {
  unsigned epoch = 0;            ///< 1-based number of the epoch just trained
  float lr = 0;                  ///< learning rate used
  double loss = 0;               ///< mean cross-entropy over the training samples
  double train_accuracy = 0;     ///< fraction correct in the training forward passes
  double seconds = 0;            ///< wall time of the epoch
};

/// Augmentation helper: dst[y][x] = src[y − dy][x − dx], 0 where that falls outside the image.
void translate_image(const std::uint8_t* src, unsigned rows, unsigned cols, int dx, int dy, std::uint8_t* dst);

/// Batch-norm fire predicate of a hidden neuron in float arithmetic, exactly as the trainer
/// evaluates it: γ·((s − μ)·inv_std) + β ≥ 0.
bool bn_fires(float s, float gamma, float beta, float mean, float inv_std);

struct FoldedThreshold {
  std::int32_t threshold = 0;
  bool flip = false;
};

/// Folds bn_fires into bnn.h's integer form (flip ? s <= threshold : s >= threshold), exact
/// for every integer s with |s| <= max_abs_sum (the predicate is monotone in s: increasing
/// for γ >= 0, decreasing for γ < 0).  Never-firing neurons get max_abs_sum + 1 (γ >= 0) or
/// −max_abs_sum − 1 (γ < 0).
FoldedThreshold fold_batch_norm(float gamma, float beta, float mean, float inv_std,
                                std::int64_t max_abs_sum);

class BnnTrainer {
 public:
  /// Validates the config and initializes the latent weights from the seed.
  explicit BnnTrainer(const TrainerConfig& config);
  ~BnnTrainer();
  BnnTrainer(const BnnTrainer&) = delete;
  BnnTrainer& operator=(const BnnTrainer&) = delete;

  const TrainerConfig& config() const;
  unsigned epochs_done() const;

  /// One epoch over `train` (shuffled mini-batches) at learning_rate(config, epochs_done()).
  /// Throws std::invalid_argument when the image size is not the first layer width.
  EpochResult train_epoch(const Dataset& train);

  /// Float inference (binarized weights, running-average batch norm): fraction correct.
  double evaluate(const Dataset& data) const;
  /// Predicted classes of evaluate().
  std::vector<unsigned> predict(const Dataset& data) const;

  /// Float mode only (std::invalid_argument otherwise): the real weights (M×K) and the batch
  /// norm folded with the running statistics, scale = γ/sqrt(var + ε), bias = β − mean·scale;
  /// input_max left 0 (calibrate_activation_ranges sets it).
  FloatNetwork export_float_network(const std::string& description) const;

  /// Binarized weights and folded batch norm as a BnnNetwork (bnn.h semantics).
  BnnNetwork export_network(const std::string& description) const;

  /// Starts from a trained plain binary network (same mode, input and layer widths as the
  /// config): latent weights ±0.5 by the network's signs when `freeze_weights`, else ±a/2 (a =
  /// `init_scale` or the Glorot bound of the layer, the mean |w| of a fresh init, so fine-tuned
  /// weights can flip), supports 1.0 (code 2^(b_s−1)), and
  /// batch norm set so the float evaluation reproduces the network's thresholds / scale and
  /// bias exactly, with the batch-norm statistics measured on `calibration` (its first 10,000
  /// images).  Throws std::invalid_argument on a shape or mode mismatch.
  void init_from_network(const BnnNetwork& net, const Dataset& calibration);

  /// Writes the complete training state and the config to `path` (a binary file; docs/convolution.md).
  /// Throws std::runtime_error when the file cannot be written.
  void save_checkpoint(const std::string& path) const;
  /// Restores a state written by save_checkpoint.  Throws std::runtime_error naming the file
  /// when it is not a checkpoint, is truncated / corrupt, or was written for another config
  /// (every TrainerConfig field must be equal).
  void load_checkpoint(const std::string& path);

  /// Replaces the running batch-norm statistics by population statistics (Ioffe & Szegedy 2015,
  /// Algorithm 1 step 10: inference uses E[s] and Var[s] over training data) measured with the
  /// current binarized weights on `data`, layer by layer (each layer sees the layers before with
  /// their new statistics; conv layers: over all windows).  γ, β and the weights stay.  The
  /// running averages of a binary network lag behind its sign flips; this removes that lag
  /// before export.  Throws std::invalid_argument on a shape mismatch or fewer than 2 images.
  void recalibrate_batch_norm(const Dataset& data);

  /// Hardware-aware training (config().hw_rows > 0): places the transfer functions of every
  /// (layer, row block) by the platform's calibration pass (QuantizedNetwork::calibrate on the
  /// exported network, hw_mapping(), the first hw_calibration_samples images of `samples`).
  /// Evaluation and training use them from then on.  Throws std::logic_error when hw_rows
  /// is 0, std::invalid_argument on a shape mismatch.
  void calibrate_hw(const Dataset& samples);
  /// True once calibrate_hw() has placed the transfer functions.
  bool hw_calibrated() const;
  /// Sums of layer l for every image of `data` (N×M, or N·windows×M for a conv layer) as
  /// evaluation computes them: exact W·x, or, after calibrate_hw(), the sensed block sums
  /// (Σ_rb value_half / 2).  Throws std::invalid_argument for a bad layer or data set.
  std::vector<float> layer_sums(const Dataset& data, std::size_t layer) const;

  /// Support codes of layer l (M×B, empty without supports).
  std::vector<std::uint8_t> support_codes(std::size_t layer) const;

  /// Batch-norm parameters of layer l (for tests): γ, β, running mean, running variance.
  void set_batch_norm(std::size_t layer, const std::vector<float>& gamma, const std::vector<float>& beta,
                      const std::vector<float>& mean, const std::vector<float>& var);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Canonical text of every TrainerConfig field (checkpoints compare it).
std::string trainer_config_key(const TrainerConfig& config);

/// Trains config.epochs epochs; after each, calls on_epoch(result, test accuracy) when set
/// (test accuracy is evaluate(test), or −1 when `test` is empty).
void train_network(BnnTrainer& trainer, const Dataset& train, const Dataset& test,
                   const std::function<void(const EpochResult&, double)>& on_epoch);

/// Per supported layer, an order of its M·B supports (flat j·B + b), first dropped first.
using DropOrders = std::vector<std::vector<std::uint32_t>>;

/// Exact integer inference of a network (bnn.h semantics), independent of the trainer's
/// float code: the predicted class of every image.  Supported layers use the codes in effect
/// at `drop_permille` (0..1000): effective_supports() (the data-free order of supports.h), or,
/// when `orders` is given, the first dropped_supports() entries of orders[l] replaced by the
/// layer's default code.
std::vector<unsigned> integer_predict(const BnnNetwork& net, const Dataset& data, unsigned drop_permille = 0,
                                      const DropOrders* orders = nullptr);
/// Fraction of integer_predict() equal to the labels.
double integer_accuracy(const BnnNetwork& net, const Dataset& data, unsigned drop_permille = 0,
                        const DropOrders* orders = nullptr);

/// Data-aware alternative to the data-free drop order (measured, not what the hardware uses):
///   cost_{j,b} = |code_{j,b} − default| · mean_x |Σ_{k∈b} W[j][k]·x_k| / σ_j ,
/// the mean absolute change of neuron j's sum when the support is dropped, relative to the
/// standard deviation σ_j of that sum (batch norm divides by it), over the images of `data`
/// (integer inference, undropped); ascending, ties by the flat index.  Empty entries for
/// layers without supports.
DropOrders data_aware_drop_orders(const BnnNetwork& net, const Dataset& data);

}  // namespace cimvp
