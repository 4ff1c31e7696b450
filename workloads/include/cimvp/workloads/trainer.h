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
// Determinism: std::mt19937_64 seeded from the config drives initialization and shuffling
// (own integer/float conversions, no <random> distributions), all reductions run in a fixed
// order and no FMA contraction is used (-std=c++17): same seed → bit-identical weights.
#pragma once

#include "cimvp/workloads/bnn.h"
#include "cimvp/workloads/dataset.h"

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
  std::vector<unsigned> layers{784, 512, 512, 10};  ///< widths: input, hidden..., classes
  unsigned epochs = 10;
  unsigned batch = 100;
  float lr = 3e-3f;                 ///< Adam step size of the first epoch
  float lr_final = 3e-4f;           ///< Adam step size of the last epoch
  float init_scale = 0.0f;          ///< latent init U(−a, a); 0 → Glorot a = sqrt(6/(K+M))
  float bn_momentum = 0.1f;         ///< running statistics: r ← (1−m)·r + m·batch
  float bn_epsilon = 1e-4f;
  unsigned shift = 0;               ///< augmentation: random translation by up to ±shift pixels
  std::uint64_t seed = 1;
};

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

  /// Binarized weights and folded batch norm as a BnnNetwork (bnn.h semantics).
  BnnNetwork export_network(const std::string& description) const;

  /// Batch-norm parameters of layer l (for tests): γ, β, running mean, running variance.
  void set_batch_norm(std::size_t layer, const std::vector<float>& gamma, const std::vector<float>& beta,
                      const std::vector<float>& mean, const std::vector<float>& var);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Trains config.epochs epochs; after each, calls on_epoch(result, test accuracy) when set
/// (test accuracy is evaluate(test), or −1 when `test` is empty).
void train_network(BnnTrainer& trainer, const Dataset& train, const Dataset& test,
                   const std::function<void(const EpochResult&, double)>& on_epoch);

/// Exact integer inference of a network (bnn.h semantics), independent of the trainer's
/// float code: the predicted class of every image.
std::vector<unsigned> integer_predict(const BnnNetwork& net, const Dataset& data);
/// Fraction of integer_predict() equal to the labels.
double integer_accuracy(const BnnNetwork& net, const Dataset& data);

}  // namespace cimvp
