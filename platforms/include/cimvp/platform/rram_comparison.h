// The CNN-vs-BCNN comparison of Tang et al., ASP-DAC 2017 as the rram-bcnn platform's job
// prints it: the RRAM estimate (circuit/rram_ppa.h, estimate_rram_network, technology file
// `rram`, RramPpaConfig::cnn() / bcnn() with one SA/ADC per crossbar and shared row DACs,
// 128×128 crossbars — the values of `cimvp-rram-estimate --columns-per-converter 0
// --shared-row-dacs`) for the shapes of the network the job runs.  When those shapes are the
// seed's LeNet on MNIST (rram_lenet_mnist()), the published 18.39 vs 13.55 µJ/image and 0.054
// vs 0.060 mm² are shown beside it.  Only the network's shapes are used (docs/rram.md).
#pragma once

#include "cimvp/circuit/rram_ppa.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace cimvp {

struct RramComparison {
  double cnn_uj = 0, bcnn_uj = 0;     ///< energy per image
  double cnn_mm2 = 0, bcnn_mm2 = 0;   ///< area
  double energy_saving = 0, area_saving = 0;  ///< 1 − BCNN/CNN
  std::string tech;                   ///< technology file used
  std::string network;                ///< what was estimated ("LeNet on MNIST (shapes)", or the job's shapes)
  bool published = false;             ///< the shapes are the seed's LeNet: published values apply
  std::string report() const;         ///< lines of the job summary
  nlohmann::ordered_json results() const;
};

/// Runs the estimate on the seed's LeNet shapes.  Throws ConfigError when the `rram`
/// technology file does not load.
RramComparison rram_lenet_comparison();

/// The same estimate on the shapes of `layers` (conv layers with their pooling, dense layers;
/// described as `name`).  Throws ConfigError as above, std::invalid_argument on bad shapes.
RramComparison rram_comparison_of(const std::vector<RramNetLayer>& layers, const std::string& name);

}  // namespace cimvp
