// Golden fixed-point training step of a BNN MLP on the two-way SRAM array (Jiang et al.,
// DAC 2020; docs/two-way-training.md, "Golden training step").
//
// Network: XNOR BNN MLP, widths K_0 → K_1 → … → K_L, binary weights W_l = sign(latent_l)
// (latent ≥ 0 → +1), inputs ±1 (pixel ≥ pixel_threshold → +1), hidden activations
// a = +1 when the pre-activation sum s ≥ 2·T_j, else −1 (T_j the neuron's integer threshold in
// PS units, the macro's threshold word; 0 unless learn_thresholds), the last layer's sums are
// the logits.  All sums are in half PS units (s_half = 2·Σ W·x), as the
// hardware delivers them.  One step on a mini-batch of n samples, integers only:
//   forward     s_l = MappedLayer(W_l).evaluate(x_l)                      (the forward VMMs)
//   output err  e_L[i][j] = sat_b(floor((t_j − s_L[i][j]) / 2^output_shift)),
//               t_j = +target_half for the label, −target_half otherwise  (host: the loss)
//   back-prop   δ_l = TransposedBank(W_l).evaluate(e_l)  (half units, transposed VMMs)
//               e_{l−1}[i][k] = |s_{l−1}[i][k] − 2·T_k| ≤ ste_window_half ? sat_b(floor(δ/2^hidden_shift)) : 0
//               (straight-through estimator of sign(): gradient 1 inside the window, 0 outside)
//   thresholds  (learn_thresholds) g_T[j] = −Σ_i e_l[i][j] of hidden layer l, adam on a latent
//               threshold θ with kThresholdFracBits fraction bits, T = round(θ / 2^F)
//   gradient    G_l[j][k] = Σ_i e_l[i][j]·x_l[i][k]                        (outer products)
//   update      latent_l[j][k] = sat_latent(latent + round(G_l[j][k] / 2^lr_shift))
//               (plain SGD; round = add 2^(lr_shift−1), arithmetic shift), W_l re-derived,
//               the cells whose sign changed listed (the only cells the update writes).
// (error_round: round in place of floor in the error scaling.)
// sat_b clamps to b-bit two's complement [−2^(b−1), 2^(b−1) − 1]; sat_latent to
// [−2^(latent_bits−1), 2^(latent_bits−1) − 1].  Every back-propagation uses the weights of
// the forward pass (updates are applied after the whole backward pass).
#pragma once

#include "cimvp/circuit/mapping.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// Loss of the output layer (host): the output error before scaling, r_j = t_j − s_j with
/// t_j = ±target_half (+ for the label).
enum class TrainLoss : std::uint8_t {
  squared,  ///< r = t − s always (squared error on ±t targets)
  hinge     ///< r = t − s only where the margin is violated (t > 0 and s < t, or t < 0 and s > t), else 0
            ///< (squared hinge loss, as BinaryNet, Courbariaux et al. 2016)
};
/// Latent-weight update rule (host).
enum class TrainOptimizer : std::uint8_t {
  sgd,        ///< Δ = round(G / 2^lr_shift)
  normalized, ///< per layer and step: Δ = round(G · 2^(latent_bits − 1 − lr_shift) / 2^bitlen(a)),
              ///< a = floor(Σ|G| / (M·K)) the layer's mean |G| (bitlen(0) = 0): the mean |Δ| is
              ///< about 2^−lr_shift of the latent half range, whatever the scale of the errors
  adam        ///< per weight (Adam-like, Kingma & Ba 2015, in integers): the layer's G scaled by a power
              ///< of 2 to g (mean |g| in [2^(kAdamGradBits−1), 2^kAdamGradBits), int16), first moment
              ///< m ← m − floor(m / 2^β1) + g (int32), second moment v ← v − floor(v / 2^β2) + g² (int64),
              ///< both set to g·2^β1, g²·2^β2 at the layer's first step (no bias correction needed);
              ///< Δ = round(m · 2^(latent_bits − 1 − lr_shift) / (2^β1 · (isqrt(floor(v / 2^β2)) + 1))):
              ///< every weight moves by about 2^−lr_shift of the latent half range per step
              ///< (β1 = adam_beta1_shift, β2 = adam_beta2_shift; docs/two-way-training.md)
};
/// Gradient scale of the adam optimizer: g = G scaled so the layer's mean |g| has this many bits.
inline constexpr unsigned kAdamGradBits = 8;
/// Fraction bits of a latent threshold θ (int32, PS units · 2^F): T = round(θ / 2^F).
inline constexpr unsigned kThresholdFracBits = 8;
const char* to_string(TrainLoss l);
const char* to_string(TrainOptimizer o);

/// Bit widths and the optimizer of the fixed-point training step.
struct FixedPointTrainConfig {
  unsigned error_bits = 8;        ///< b of every error driven into a transposed read, 1..8
  unsigned latent_bits = 10;      ///< latent weight width (int16 storage), 2..16
  unsigned output_shift = 0;      ///< output error = floor((t − s_half) / 2^output_shift), 0..30
  int target_half = 16;           ///< |t| of the logit targets, half PS units, >= 0
  unsigned hidden_shift = 0;      ///< hidden error = floor(δ_half / 2^hidden_shift), 0..30
  int ste_window_half = 64;       ///< STE window on |s_half| of a hidden layer's pre-activations, >= 0
  /// STE window of the first layer's pre-activations when its input is bit-serial
  /// (input_bits > 0); 0: ste_window_half × (2^input_bits − 1).  >= 0.
  int ste_window_first_half = 0;
  unsigned lr_shift = 4;          ///< learning rate 2^−lr_shift (TrainOptimizer), 0..30
  unsigned pixel_threshold = 128; ///< input binarization (input_bits 0): pixel >= threshold → +1, 0..255
  /// First-layer input: 0 — binarized (±1 at pixel_threshold); 1..8 — bit-serial, the
  /// input_bits MSBs of the pixel (x = pixel >> (8 − input_bits) ∈ [0, 2^input_bits − 1]),
  /// unipolar 0/1 planes weighted 2^p in the forward read, the integer x in the gradient.
  unsigned input_bits = 0;
  /// Dynamic error scaling: the errors of a layer in a step are shifted right by the smallest
  /// s >= 0 that fits all of them into error_bits (floor shift; no saturation), in place of
  /// output_shift / hidden_shift (which are then unused).
  bool error_autoscale = false;
  /// Error scaling rounds (round(v / 2^shift), halves up) instead of flooring (floor(v / 2^shift)),
  /// output and hidden errors alike; saturation as before (with error_autoscale a rounded value
  /// can exceed the b-bit range by one and saturates).  Floor biases every scaled error by −½ LSB
  /// on average, which the non-negative pixels of a bit-serial first layer turn into a drift of
  /// its weights.
  bool error_round = false;
  TrainLoss loss = TrainLoss::squared;
  TrainOptimizer optimizer = TrainOptimizer::sgd;
  /// Momentum as an exponential average of the steps, 0 = off (1..15): per weight
  /// m ← m − floor(m / 2^momentum_shift) + Δ, and the latent weight moves by
  /// round(m / 2^momentum_shift) in place of Δ (the mean step is unchanged, its noise averaged
  /// over about 2^momentum_shift steps).  m: int32 per weight (TwoWayMlp::momentum).
  unsigned momentum_shift = 0;
  /// adam: first-moment average over about 2^adam_beta1_shift steps (β1 = 1 − 2^−shift), 1..15.
  unsigned adam_beta1_shift = 3;
  /// adam: second-moment average over about 2^adam_beta2_shift steps (β2 = 1 − 2^−shift), 1..20.
  unsigned adam_beta2_shift = 10;
  /// Learned per-neuron hidden thresholds (the batch-norm shift, docs/two-way-training.md,
  /// "Learned thresholds"): every hidden neuron j of layer l fires when s ≥ 2·T_j; the step
  /// updates T by adam (optimizer must be adam) on g_T[j] = −Σ_i e_l[i][j] with the weights'
  /// β shifts and a step of about ste_window(l)·2^−lr_shift PS units.  false: T = 0.
  bool learn_thresholds = false;
  /// learn_thresholds: the thresholds' step is 2^threshold_gain_shift × that above, 0..8.
  unsigned threshold_gain_shift = 0;
  /// Throws std::invalid_argument naming the field and the allowed range.
  void validate() const;
  /// STE window (half units) on the pre-activations of layer l (0: the first layer).
  int ste_window(unsigned l) const;
};

/// A cell whose binary weight changed: W_layer[neuron][input] (sub-array row = input).
struct ChangedCell {
  unsigned layer = 0, input = 0, neuron = 0;
  std::int8_t weight = 0;  ///< the new weight, ±1
  bool operator==(const ChangedCell& o) const {
    return layer == o.layer && input == o.input && neuron == o.neuron && weight == o.weight;
  }
};

/// The latent (fixed-point) weights of a BNN MLP; the binary weights are their signs.
struct TwoWayMlp {
  std::vector<unsigned> widths;                  ///< K_0, …, K_L (inputs first), each >= 1
  std::vector<std::vector<std::int16_t>> latent; ///< per layer, M×K row-major (neuron j, input k)
  /// Optimizer state (momentum_shift > 0): per layer, M×K; empty until the first step uses it.
  std::vector<std::vector<std::int32_t>> momentum;
  /// adam state: per layer, M×K first moments m (int32) and second moments v (int64); empty
  /// until the layer's first adam step.
  std::vector<std::vector<std::int32_t>> adam_m;
  std::vector<std::vector<std::int64_t>> adam_v;
  /// Learned thresholds (learn_thresholds): per hidden layer l < L − 1, M_l latent thresholds θ
  /// (int32, PS units · 2^kThresholdFracBits, saturating at ±2^30) and their adam moments
  /// (int32 m, int64 v).  Empty: every threshold 0 (until the first step that learns them).
  std::vector<std::vector<std::int32_t>> threshold_latent, threshold_m;
  std::vector<std::vector<std::int64_t>> threshold_v;

  /// Random latent weights uniform in [−2^(latent_bits−2), 2^(latent_bits−2)] from
  /// std::mt19937_64(seed), layer by layer, row-major.  Throws std::invalid_argument.
  static TwoWayMlp random(const std::vector<unsigned>& widths, unsigned latent_bits, std::uint64_t seed);
  unsigned layers() const { return static_cast<unsigned>(latent.size()); }
  /// Binary weights of layer l: +1 where latent >= 0, else −1 (M×K row-major).
  std::vector<std::int8_t> binary(unsigned l) const;
  /// Integer thresholds T of layer l (M_l, PS units; the macro's int32 threshold words):
  /// round(θ / 2^kThresholdFracBits), halves up; all 0 for the last layer or no θ.
  std::vector<std::int32_t> thresholds(unsigned l) const;
};

/// What one step did.
struct TrainStepResult {
  std::vector<std::vector<std::int32_t>> sums;    ///< per layer, n × M_l pre-activation sums (half units)
  std::vector<std::vector<std::int32_t>> errors;  ///< per layer, n × M_l errors driven into its transposed read
  std::vector<ChangedCell> changed;               ///< sorted by (layer, input, neuron)
  std::size_t correct = 0;                        ///< samples whose largest logit is the label (first max wins)
  std::vector<unsigned> threshold_layers;         ///< learn_thresholds: hidden layers whose integer thresholds changed
};

/// One golden training step on n samples (pixels bytes each, labels < the last width) with the
/// forward and transposed reads of `mapping` (its sensing must not need calibration: ideal /
/// linear MLSA or an ADC over the reachable range).  Updates net.latent.  Throws
/// std::invalid_argument on bad shapes, labels or configuration.
TrainStepResult two_way_train_step(TwoWayMlp& net, const MappingConfig& mapping, const FixedPointTrainConfig& cfg,
                                   const std::uint8_t* images, const std::uint8_t* labels, std::size_t n,
                                   std::size_t pixels);

// The host-side arithmetic of a step, shared by the golden step and the training driver
// (workloads/drivers/two_way_train_driver.cpp), so both compute the same integers.

/// Output errors e_L (n × C) from the last layer's sums (n × C, half units): the loss.
std::vector<std::int32_t> two_way_output_errors(const std::int32_t* sums, const std::uint8_t* labels, std::size_t n,
                                                unsigned classes, const FixedPointTrainConfig& cfg);
/// Samples whose largest logit (first maximum) is the label.
std::size_t two_way_correct(const std::int32_t* sums, const std::uint8_t* labels, std::size_t n, unsigned classes);
/// Hidden errors e_{l−1} (n × K) from the transposed sums δ (half units) and layer l−1's
/// pre-activation sums (`prev_layer` = l − 1 selects the STE window): STE gate on
/// |s − 2·T_k| (T = `thresholds`, K values, PS units; nullptr: 0), floor shift (hidden_shift or
/// the dynamic shift), saturation.
std::vector<std::int32_t> two_way_hidden_errors(const std::int64_t* delta_half, const std::int32_t* prev_sums,
                                                std::size_t count, const FixedPointTrainConfig& cfg,
                                                unsigned prev_layer, const std::int32_t* thresholds = nullptr,
                                                unsigned K = 0);
/// Integer inputs of layer 0 (n × K, K = pixels): ±1 at pixel_threshold (input_bits 0) or
/// pixel >> (8 − input_bits).
std::vector<std::int16_t> two_way_first_inputs(const std::uint8_t* images, std::size_t n, std::size_t pixels,
                                               const FixedPointTrainConfig& cfg);
/// Integer inputs of a hidden layer (n × K): +1 where the previous layer's sum s >= 2·T_k
/// (T = `thresholds`, K values, PS units; nullptr: 0), else −1.
std::vector<std::int16_t> two_way_hidden_inputs(const std::int32_t* prev_sums, std::size_t count,
                                                const std::int32_t* thresholds = nullptr, unsigned K = 0);
/// Gradient outer products of one layer: g (resized to M × K, row-major, neuron j, input k)
/// = Σ_i errors[i][j]·x[i][k] over the n samples (errors n × M, integer inputs x n × K as
/// above).  Exact integers: int16 products summed in int32 when n·max|e|·max|x| < 2^31, else
/// in int64.  The accelerator's GRADIENT command computes the same values (docs/two-way-training.md).
/// Throws std::invalid_argument for an error outside int16.
void two_way_layer_gradient(const std::int32_t* errors, const std::int16_t* x, std::size_t n, unsigned M, unsigned K,
                            std::vector<std::int64_t>& g);
/// The apply part of a step for layer l: the optimizer (TrainOptimizer, momentum) turns the
/// gradient g (M × K, as two_way_layer_gradient) into latent updates (saturating at
/// latent_bits), updating its state in `net` (momentum, or adam_m / adam_v for adam);
/// appends the cells whose sign changed (input-major order).  The training driver calls it
/// with the gradients read from the accelerator, the golden step with its own: same integers.
void two_way_apply_gradient(TwoWayMlp& net, unsigned l, const std::int64_t* g, const FixedPointTrainConfig& cfg,
                            std::vector<ChangedCell>& changed);
/// Threshold step of hidden layer l (learn_thresholds): g_T[j] = −Σ_i errors[i][j] (errors
/// n × M_l, the gated errors of the layer's weight gradient), then adam on θ
/// (docs/two-way-training.md, "Learned thresholds"): g scaled by a power of 2 to a mean |g| of
/// kAdamGradBits bits (int16), moments as the weights', Δθ = round(m · window · 2^F /
/// (2^(β1 + lr_shift) · (isqrt(floor(v / 2^β2)) + 1))), window = ste_window(l), θ saturating at
/// ±2^30.  Returns true when an integer threshold T of the layer changed (the driver then
/// writes the layer's table).  Throws std::invalid_argument unless optimizer is adam.
bool two_way_update_thresholds(TwoWayMlp& net, unsigned l, const std::int32_t* errors, std::size_t n,
                               const FixedPointTrainConfig& cfg);
/// two_way_layer_gradient followed by two_way_apply_gradient.
void two_way_update_layer(TwoWayMlp& net, unsigned l, const std::int32_t* errors, const std::int16_t* x, std::size_t n,
                          const FixedPointTrainConfig& cfg, std::vector<ChangedCell>& changed);

/// Forward pass only: the predicted class of each of n samples (largest logit, first max wins).
std::vector<unsigned> two_way_predict(const TwoWayMlp& net, const MappingConfig& mapping,
                                      const FixedPointTrainConfig& cfg, const std::uint8_t* images, std::size_t n,
                                      std::size_t pixels);

}  // namespace cimvp
