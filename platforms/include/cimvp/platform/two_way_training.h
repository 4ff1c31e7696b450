// The `two_way_training` job: on-chip training of a BNN MLP on the two-way SRAM array
// (Jiang et al., DAC 2020; docs/two-way-training.md, "Platform job").
//
// Before the simulation (constructor): the data set is loaded, the network widths and the
// fixed-point settings are checked against the platform (cim.two_way.enabled, xnor_8t cells,
// sensing without calibration, capacity, buffers), the random initial latent weights are
// drawn (TwoWayMlp::random, seed `seed`) and the memory is laid out (network image, then the
// driver's scratch memory).  In the simulation (run): the firmware-like TwoWayTrainDriver
// loads the binary weights and runs `epochs` epochs of mini-batch steps (forward START|KEEP,
// BACKWARD per layer, GRADIENT outer products per layer, the latent weights moved from their
// store in memory to the driver's optimizer and back, UPDATE of the changed cells), every operand
// moving through the HostDma (transfer: dma), and evaluates the test split on chip (forward
// VMMs) after every epoch.  With `golden` set, the golden fixed-point step
// (two_way_train_step, same MappingConfig) runs beside every step and the job fails unless
// sums, errors, changed cells and latent weights are bit-identical, and the golden test
// predictions are compared with the chip's.
//
// Training PPA: the driver reports its phase changes (TrainPhase); the job attributes the
// simulated time and the dynamic energy of every priced module (macro scope and whole
// platform) spent between two changes to the phase, and counts the operations of each
// phase analytically (forward: n·Σ K_l·M_l binary MACs; backward: n·Σ_{l≥1} K_l·M_l MACs of
// a b-bit error and a ±1 weight; gradient: n·Σ K_l·M_l outer-product MACs in the macro's
// gradient unit; update: cells written).  Training TOPS/W counts forward + backward +
// gradient ops.  Units: energy pJ, time ns, ops = 2 · MACs.
#pragma once

#include "cimvp/circuit/mapping.h"
#include "cimvp/circuit/ppa_tech.h"
#include "cimvp/circuit/two_way_estimate.h"
#include "cimvp/platform/job.h"
#include "cimvp/platform/platform_config.h"
#include "cimvp/workloads/dataset.h"
#include "cimvp/workloads/two_way_train.h"

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

struct TwoWayTrainingConfig {
  std::string dataset = "fashion-mnist";  ///< fashion-mnist | mnist
  std::string layers = "784-512-512-10";  ///< widths, inputs first; inputs = pixels, last = 10 classes
  unsigned epochs = 1;                    ///< 1..1000
  unsigned batch = 50;                    ///< mini-batch size
  std::uint64_t train_images = 0;         ///< first n training images (0 = all)
  std::uint64_t test_images = 0;          ///< first n test images (0 = all)
  std::uint64_t seed = 1;                 ///< initial latent weights and the shuffling
  unsigned lr_shift = 8;                  ///< FixedPointTrainConfig fields (two_way_train.h)
  unsigned error_bits = 8;
  unsigned latent_bits = 10;
  int target_half = 64;
  unsigned output_shift = 1;
  unsigned hidden_shift = 4;
  int ste_window_half = 64;
  unsigned pixel_threshold = 128;
  unsigned lr_shift_final = 0;            ///< lr_shift of the last epoch (linear in between); 0 = lr_shift
  unsigned input_bits = 0;                ///< 0 binarized, 1..8 bit-serial first layer
  int ste_window_first_half = 0;
  bool error_autoscale = false;
  bool error_round = false;               ///< round the scaled errors (else floor)
  std::string loss = "squared";           ///< squared | hinge
  std::string optimizer = "sgd";          ///< sgd | normalized | adam
  unsigned momentum_shift = 0;
  unsigned adam_beta1_shift = 3;          ///< optimizer adam: β1 = 1 − 2^−shift
  unsigned adam_beta2_shift = 10;         ///< optimizer adam: β2 = 1 − 2^−shift
  bool learn_thresholds = false;          ///< learned hidden thresholds (THRESHOLDS command; adam only)
  unsigned threshold_gain_shift = 0;      ///< learned thresholds: step × 2^shift
  std::string transfer = "dma";  ///< dma (HostDma + activation buffer) | master (the macro's master)
  bool golden = true;            ///< run and compare the golden step beside every step
  bool progress = true;          ///< progress bar on stderr when it is a terminal (else plain lines)
};

/// Parses "784-512-512-10"; ConfigError naming two_way_training.layers.
std::vector<unsigned> parse_widths(const std::string& text);

class TwoWayTraining : public Job {
 public:
  /// Throws ConfigError (exit 2) naming the key: platform without a two-way macro, widths
  /// that do not match the data set or the macro, buffers or memory too small, bad settings.
  TwoWayTraining(const TwoWayTrainingConfig& config, const PlatformConfig& platform);

  std::string name() const override { return "two_way_training"; }
  void attach(Platform& platform) override;
  void run(Hal& hal) override;
  bool passed() const override;
  std::string verdict() const override;
  bool classifies() const override { return true; }
  double accuracy_fraction() const override { return epochs_.empty() ? 0.0 : epochs_.back().test_chip; }
  std::string summary() const override;
  nlohmann::ordered_json results() const override;

  /// One epoch's figures.
  struct EpochResult {
    unsigned lr_shift = 0;     ///< the epoch's lr_shift (lr_shift_final schedule)
    double train_chip = 0;     ///< running training accuracy of the epoch's steps (before each update)
    double test_chip = 0;      ///< test accuracy, forward VMMs on chip after the epoch
    double test_golden = -1;   ///< golden forward pass of the golden network (-1: golden off)
    std::size_t test_agree = 0;///< test predictions chip == golden
    std::size_t steps = 0, steps_identical = 0;
    std::uint64_t cells_written = 0;
    double sim_ns = 0, wall_s = 0;
  };
  /// Per-phase figures over the whole run (phases: forward, backward, gradient, update, evaluate).
  struct PhaseResult {
    double time_ns = 0, macro_pj = 0, platform_pj = 0;
    double macs = 0;            ///< MACs of the phase (0 for update and evaluate)
    std::uint64_t events = 0;   ///< update: cells written; other phases: vectors
    std::uint64_t dma_bytes = 0;///< bytes the HostDma moved during the phase
    double wall_s = 0;          ///< wall-clock seconds of the simulation spent in the phase (profile)
  };
  const std::vector<EpochResult>& epochs() const { return epochs_; }
  const std::array<PhaseResult, 5>& phases() const { return phases_; }
  std::uint64_t trained_images() const { return trained_; }
  /// Per-operation costs measured in this run (macro-scope energy of a phase over its
  /// sub-array reads / cells written; read and write times from the macro's timing keys).
  TwoWayOpCosts measured_costs() const;
  /// The ResNet-18 / ImageNet training estimate (two_way_estimate.h) with measured_costs()
  /// and this run's fraction of cells written per image.
  TwoWayTrainingEstimate resnet18_estimate() const;

 private:
  /// lr_shift of epoch e (0-based): lr_shift + round(e·(lr_shift_final − lr_shift) / (epochs − 1)).
  unsigned epoch_lr_shift(unsigned e) const;
  std::string phase_table() const;
  std::string estimate_text() const;
  TwoWayTrainingConfig config_;
  std::vector<unsigned> widths_;
  FixedPointTrainConfig fp_;
  MappingConfig mapping_;
  Dataset train_, test_;
  TwoWayMlp initial_;
  std::uint64_t macro_base_ = 0, dma_base_ = 0, abuf_base_ = 0;
  std::uint64_t image_base_ = 0, scratch_base_ = 0, scratch_bytes_ = 0;
  std::vector<EpochResult> epochs_;
  std::array<PhaseResult, 5> phases_{};
  std::uint64_t trained_ = 0;
  double fwd_read_ns_ = 0, bwd_read_ns_ = 0, row_write_ns_ = 0;  // one read / write, from the timing keys
  unsigned rows_ = 64, cols_ = 64;
  std::uint64_t fwd_reads_per_vector_ = 0, bwd_reads_per_vector_ = 0, weights_ = 0;
  bool ran_ = false, identical_ = true;
  std::string error_, mismatch_;
  std::vector<std::string> warnings_;  ///< reported (cimvp/two_way_training) when the job runs
  double wall_s_ = 0, golden_wall_s_ = 0;  // whole run; the golden steps and predictions beside it
  TechParams tech_;
  bool has_tech_ = false;
  class Platform* platform_ = nullptr;
};

}  // namespace cimvp
