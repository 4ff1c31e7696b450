// Firmware-like training driver of the two-way SRAM array (Jiang et al., DAC 2020;
// docs/two-way-training.md, "Training driver"), written only against the Hal.
//
// One step on a mini-batch, bit-true to two_way_train_step() (two_way_train.h) when the
// macro's mapping (CimMacroConfig::mapping()) is the golden step's MappingConfig:
//   1. the images go to memory; START|KEEP runs the forward VMMs and writes every layer's
//      pre-activation sums (KEEP);
//   2. the host computes the output error (the loss) from the last layer's sums;
//   3. for l = L−1 … 1: the errors go to memory as int8, BACKWARD reads the transposed sums of
//      layer l, the host gates them with the straight-through estimator on layer l−1's kept
//      sums (two_way_hidden_errors);
//   4. per layer: the errors (int8) and the layer's inputs (int16: the pixels as the forward
//      read took them, or the signs of the kept sums) go to memory, GRADIENT forms the outer
//      products G = Σ_i e_iᵀ x_i in the macro's gradient unit and writes them (int32, in row
//      chunks that fit the output buffer) back to memory (two_way_layer_gradient's integers);
//   5. the layer's latent weights (int16, in the latent store in memory, written by load())
//      are moved to the driver's working buffer, the optimizer (two_way_apply_gradient) runs
//      on the driver, and the weights go back to the store;
//   6. for every layer with changed cells, one row record per changed input k (the new
//      binary column W[:, k]) goes to memory and UPDATE writes the changed cells;
//   7. learn_thresholds: the host steps every hidden layer's thresholds
//      (two_way_update_thresholds) and, when an integer threshold changed, the layer's table
//      (M int32) goes to memory and THRESHOLDS writes it into the macro's activation unit.
// Split: VMMs (forward, transposed), gradient outer products and the cell writes on the
// accelerator; loss, STE gate and the optimizer's per-weight arithmetic on the driver.
//
// Transfers (TwoWayTrainDriverConfig::use_dma): false — the macro's own bus master reads
// INPUT and writes OUTPUT / KEEP in memory; true — every operand moves through the HostDma
// between the scratch memory and the macro's activation buffer (IO_MODE input and output
// buffer): mini-batch images in, kept pre-activation sums and logits out (forward), errors
// in and transposed sums out (backward), errors and layer inputs in and gradients out
// (gradient), the latent weights store → working buffer → store and row records in
// (update).  The host reads and
// writes only the scratch memory (DRAM).  Results are the same integers either way.
#pragma once

#include "cimvp/core/hal.h"
#include "cimvp/workloads/bnn_driver.h"
#include "cimvp/workloads/two_way_train.h"

#include <cstdint>
#include <functional>
#include <vector>

namespace cimvp {

/// Phases of a training step (and of an evaluation), as reported to the phase hook.
enum class TrainPhase { forward, backward, gradient, update, evaluate, idle };
const char* to_string(TrainPhase p);

struct TwoWayTrainDriverConfig {
  std::uint64_t macro_base = 0x50000000;  ///< MMIO window of the macro
  unsigned irq_line = 1;                  ///< host interrupt line of the macro
  std::uint64_t image_base = 0x1000;      ///< where the network image is written (8-aligned)
  std::uint64_t buffer_base = 0;          ///< scratch memory: images, sums, errors, records (8-aligned)
  std::uint64_t buffer_bytes = 0;         ///< its size
  bool use_dma = false;                   ///< operands through the HostDma and the activation buffer
  std::uint64_t dma_base = 0x40000000;    ///< MMIO window of the HostDma (use_dma)
  unsigned dma_irq_line = 0;              ///< host interrupt line of the HostDma (use_dma)
  std::uint64_t abuf_base = 0x50100000;   ///< bus address of the activation buffer window (use_dma)
  /// Called with the phase about to start (forward, backward, gradient, update; evaluate for
  /// predict(); idle at the end of a step or evaluation).  May be empty.
  std::function<void(TrainPhase)> on_phase;
};

/// The network image's view of net: binary weights sign(latent), hidden thresholds
/// net.thresholds(l) (0 unless learned) and no flips, input binarized at cfg.pixel_threshold or bit-serial with cfg.input_bits planes,
/// last layer scale 1 / bias 0 (raw sums).
BnnNetwork two_way_bnn(const TwoWayMlp& net, const FixedPointTrainConfig& cfg);

class TwoWayTrainDriver {
 public:
  TwoWayTrainDriver(Hal& hal, const TwoWayTrainDriverConfig& config);
  /// Writes the network image of net's binary weights (two_way_bnn: net's hidden thresholds, no
  /// flips, the input encoding of cfg), loads it, checks CAP_TWO_WAY and writes net's latent
  /// weights to their store at buffer_base.  Throws CimDriverError.
  void load(const TwoWayMlp& net, const FixedPointTrainConfig& cfg);
  /// One training step through the accelerator (see the file comment).  The latent weights
  /// come from the store in memory (written by load()): net.latent is overwritten with them,
  /// updated and written back; net.momentum (optimizer state) stays on the host.
  /// Throws CimDriverError (macro errors, scratch memory too small) or std::invalid_argument.
  TrainStepResult step(TwoWayMlp& net, const FixedPointTrainConfig& cfg, const std::uint8_t* images,
                       const std::uint8_t* labels, std::size_t n, std::size_t pixels);
  /// Forward VMMs only (START): the predicted class (largest logit, first maximum wins) of
  /// each of n images, in chunks of at most `chunk` images.  Throws as step().
  std::vector<unsigned> predict(const std::uint8_t* images, std::size_t n, std::size_t pixels, std::size_t chunk);
  /// Largest mini-batch (or predict chunk) whose operands fit the scratch memory and, with
  /// use_dma, the activation buffer (its halves read from CAP_BUF_IN / CAP_BUF_OUT by load()).
  std::size_t max_batch(const std::vector<unsigned>& widths) const {
    return max_batch(widths, cfg_, half_in_, half_out_);
  }
  /// The same for a driver of `config` on a macro with activation-buffer halves of
  /// half_in / half_out bytes (checked by the platform job before the simulation).
  static std::size_t max_batch(const std::vector<unsigned>& widths, const TwoWayTrainDriverConfig& config,
                               std::uint64_t half_in, std::uint64_t half_out);

 private:
  void command(std::uint32_t ctrl, const char* what);
  void set64(std::uint32_t lo_reg, std::uint64_t v);
  void phase(TrainPhase p);
  /// use_dma: one HostDma copy, waited for; throws CimDriverError on a DMA error.
  void dma(std::uint64_t src, std::uint64_t dst, std::uint64_t len, const char* what);
  /// Operand `len` bytes at scratch address `mem` to the macro: returns the address the macro
  /// reads (mem itself, or input-buffer offset `buf_off` after the DMA).
  std::uint64_t to_macro(std::uint64_t mem, std::uint64_t buf_off, std::uint64_t len, const char* what);
  /// After the macro wrote `len` bytes at output-buffer offset `buf_off`: DMA them to `mem`.
  void from_macro(std::uint64_t buf_off, std::uint64_t mem, std::uint64_t len, const char* what);
  /// Scratch memory addresses of the latent-weight store (one int16 M × K block per layer),
  /// the working buffer of the update (the largest layer), the gradients (int32, the
  /// largest layer) and the first address of the step's operands.
  struct LatentLayout {
    std::vector<std::uint64_t> layer;
    std::uint64_t work = 0, grad = 0, operands = 0;
  };
  static LatentLayout latent_layout(const std::vector<unsigned>& widths, std::uint64_t base);
  LatentLayout latent_;
  std::uint64_t half_in_ = 0, half_out_ = 0;  // activation buffer halves (use_dma)
  unsigned classes_ = 0;                      // outputs of the loaded network
  Hal& hal_;
  TwoWayTrainDriverConfig cfg_;
};

}  // namespace cimvp
