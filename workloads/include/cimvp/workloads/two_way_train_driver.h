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
//   4. the host forms the gradient outer products and updates the latent weights
//      (two_way_update_layer) with the inputs re-derived from the kept sums;
//   5. for every layer with changed cells, one row record per changed input k (the new
//      binary column W[:, k]) goes to memory and UPDATE writes the changed cells.
// Split: VMMs (forward, transposed) and the cell writes on the accelerator; loss, STE gate,
// gradients and optimizer on the host (the accelerator has no outer-product unit yet).
#pragma once

#include "cimvp/core/hal.h"
#include "cimvp/workloads/bnn_driver.h"
#include "cimvp/workloads/two_way_train.h"

#include <cstdint>

namespace cimvp {

struct TwoWayTrainDriverConfig {
  std::uint64_t macro_base = 0x50000000;  ///< MMIO window of the macro
  unsigned irq_line = 1;                  ///< host interrupt line of the macro
  std::uint64_t image_base = 0x1000;      ///< where the network image is written (8-aligned)
  std::uint64_t buffer_base = 0;          ///< scratch memory: images, sums, errors, records (8-aligned)
  std::uint64_t buffer_bytes = 0;         ///< its size
};

class TwoWayTrainDriver {
 public:
  TwoWayTrainDriver(Hal& hal, const TwoWayTrainDriverConfig& config);
  /// Writes the network image of net's binary weights (hidden thresholds 0, no flips, input
  /// binarized at pixel_threshold), loads it and checks CAP_TWO_WAY.  Throws CimDriverError.
  void load(const TwoWayMlp& net, unsigned pixel_threshold);
  /// One training step through the accelerator (see the file comment); updates net.latent.
  /// Throws CimDriverError (macro errors, scratch memory too small) or std::invalid_argument.
  TrainStepResult step(TwoWayMlp& net, const FixedPointTrainConfig& cfg, const std::uint8_t* images,
                       const std::uint8_t* labels, std::size_t n, std::size_t pixels);

 private:
  void command(std::uint32_t ctrl, const char* what);
  void set64(std::uint32_t lo_reg, std::uint64_t v);
  Hal& hal_;
  TwoWayTrainDriverConfig cfg_;
};

}  // namespace cimvp
