// The CNN-vs-BCNN comparison of Tang et al., ASP-DAC 2017 (LeNet on MNIST) as the rram-bcnn
// platform's job prints it: the RRAM estimate (circuit/rram_ppa.h, estimate_rram_network on
// rram_lenet_mnist(), technology file `rram`, the default RramPpaConfig::cnn() / bcnn(),
// 128×128 crossbars — the values of `cimvp-rram-estimate --network lenet`) beside the
// published 18.39 vs 13.55 µJ/image and 0.054 vs 0.060 mm².  Only the network's shapes are
// used (docs/rram.md).
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace cimvp {

struct RramComparison {
  double cnn_uj = 0, bcnn_uj = 0;     ///< energy per image
  double cnn_mm2 = 0, bcnn_mm2 = 0;   ///< area
  double energy_saving = 0, area_saving = 0;  ///< 1 − BCNN/CNN
  std::string tech;                   ///< technology file used
  std::string report() const;         ///< lines of the job summary
  nlohmann::ordered_json results() const;
};

/// Runs the estimate.  Throws ConfigError when the `rram` technology file does not load.
RramComparison rram_lenet_comparison();

}  // namespace cimvp
