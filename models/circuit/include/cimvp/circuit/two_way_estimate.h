// Training estimate of a convolutional network on two-way SRAM arrays (Jiang et al., DAC
// 2020; docs/two-way-training.md, "ResNet-18 training estimate").  Synthetic: no images
// are computed; the network is a list of layer shapes and every cost is per array
// operation, measured on the cimvp platform (the two_way_training job measures them on an
// MLP, platforms/src/two_way_training.cpp) or given.
//
// Model (every assumption is a field or stated here):
//   * weight-stationary: every layer's binary weights are resident in its own sub-arrays
//     (R×C each, ⌈K/R⌉·⌈M/C⌉ per layer, K = window rows, M = output channels), all
//     sub-arrays of a layer read at the same time (the platform's macro does the same);
//   * forward: one forward read of every sub-array of layer l per window (output pixel):
//     windows_l · S_l sub-array reads; MACs = windows_l · K_l · M_l;
//   * backward (input gradients, transposed reads): one transposed read (all b error bit
//     planes) of every sub-array per window, for every layer but the first (its input
//     gradient is not needed); MACs = windows_l · K_l · M_l;
//   * weight gradients (outer products, windows_l · K_l · M_l MACs): counted, not priced and
//     not timed (the digital periphery that forms them is not modelled, as in the MLP job);
//   * update: cells written per image = write_fraction × weights (the fraction of cells the
//     platform run wrote per trained image, over all cells);
//   * time: layers form a pipeline over images (each layer's sub-arrays work on a different
//     image), so an image leaves every max_l t_l, t_l = windows_l · (forward_read_ns +
//     backward_read_ns) + rows written per image · write_row_ns; FPS = 1 / max_l t_l;
//   * TOPS/W = 2 · (forward + backward MACs) / (forward + backward + write energy).
// Units: pJ, ns; MACs and ops per image.
#pragma once

#include "cimvp/circuit/conv_shape.h"

#include <string>
#include <vector>

namespace cimvp {

/// Per-operation costs of the two-way macro (one vector, one R×C sub-array).
struct TwoWayOpCosts {
  double forward_read_pj = 0;   ///< one forward read (rows driven, columns converted)
  double backward_read_pj = 0;  ///< one transposed read, all error bit planes
  double write_cell_pj = 0;     ///< one cell written
  double forward_read_ns = 0;   ///< one forward read of a layer (its sub-arrays in parallel)
  double backward_read_ns = 0;  ///< one transposed read of a layer, all planes
  double write_row_ns = 0;      ///< one row write
};

struct TwoWayEstimateAssumptions {
  unsigned rows = 64, cols = 64;  ///< sub-array R × C
  double write_fraction = 0;      ///< cells written per trained image / all cells, >= 0
};

/// One layer's share of an image.
struct TwoWayLayerEstimate {
  std::string name;
  double windows = 0, subarrays = 0, weights = 0;
  double forward_macs = 0, backward_macs = 0, gradient_macs = 0;
  double energy_pj = 0, time_ns = 0;
};

struct TwoWayTrainingEstimate {
  std::vector<TwoWayLayerEstimate> layers;
  double forward_macs = 0, backward_macs = 0, gradient_macs = 0;  ///< per image
  double subarrays = 0, weights = 0, cells_written = 0;           ///< cells written per image
  double forward_pj = 0, backward_pj = 0, write_pj = 0;           ///< per image
  double image_ns = 0;  ///< pipeline interval: max over layers of the layer time
  double ops() const { return 2 * (forward_macs + backward_macs); }
  double energy_pj() const { return forward_pj + backward_pj + write_pj; }
  double tops_per_w() const { return energy_pj() > 0 ? ops() / energy_pj() : 0.0; }  ///< ops/pJ
  double fps() const { return image_ns > 0 ? 1e9 / image_ns : 0.0; }
};

/// A named conv layer (a dense layer is a 1×1 conv on a 1×1 map).
struct NamedConv {
  std::string name;
  ConvShape shape;
};

/// ResNet-18 for ImageNet (He et al., CVPR 2016, Table 1): 224×224×3 input, conv1 7×7/2
/// 64, four stages of two basic blocks (3×3 convs; 64, 128, 256, 512 channels; the first
/// conv of stages 2–4 has stride 2, with a 1×1/2 projection shortcut), fc 512 → 1000.
/// Pooling (3×3/2 max after conv1, global average before fc) is outside the arrays:
/// the shapes below give the map each conv sees.  21 layers, 1.81·10^9 forward MACs.
std::vector<NamedConv> resnet18_imagenet();

/// The estimate (see the file comment).  Throws std::invalid_argument for an invalid shape
/// (ConvShape::check), zero rows/cols or negative costs.
TwoWayTrainingEstimate estimate_two_way_training(const std::vector<NamedConv>& layers, const TwoWayOpCosts& costs,
                                                 const TwoWayEstimateAssumptions& assumptions);

}  // namespace cimvp
