// The ResNet-18 training estimate on two-way arrays (circuit/two_way_estimate.h): the
// network's published size and a hand-computed two-layer case.
#include <catch2/catch.hpp>

#include "cimvp/circuit/two_way_estimate.h"

#include <algorithm>
#include <stdexcept>

using namespace cimvp;

TEST_CASE("ResNet-18 has the published multiply-accumulates and weights", "[two_way][estimate]") {
  const auto net = resnet18_imagenet();
  REQUIRE(net.size() == 21);  // conv1, 16 3x3 convs, 3 projection shortcuts, fc
  TwoWayOpCosts c;
  const TwoWayTrainingEstimate e = estimate_two_way_training(net, c, TwoWayEstimateAssumptions{});
  // He et al. CVPR 2016, Table 1: 1.8 x 10^9 FLOPs (multiply-adds) for ResNet-18; 11.7 M
  // parameters (weights; batch-norm parameters not counted here)
  CHECK(e.forward_macs == Approx(1.8e9).epsilon(0.01));
  CHECK(e.weights == Approx(11.7e6).epsilon(0.01));
  // conv1 (224x224x3, 7x7/2, 64): 112 x 112 windows of 147 rows
  CHECK(e.layers.front().windows == 112.0 * 112.0);
  CHECK(e.layers.front().forward_macs == 112.0 * 112.0 * 147 * 64);
  // no input gradient of the first layer
  CHECK(e.layers.front().backward_macs == 0);
  CHECK(e.backward_macs == e.forward_macs - 112.0 * 112.0 * 147 * 64);
  CHECK(e.layers.back().forward_macs == 512.0 * 1000);
}

TEST_CASE("two-way training estimate of a hand-computed network", "[two_way][estimate]") {
  // sub-arrays of 2 rows x 4 columns
  // layer a: 2x2x3 map, 1x1 conv -> 5 channels: 4 windows, K = 3, M = 5 -> ceil(3/2) x ceil(5/4) = 4 sub-arrays.
  // layer b: 1x1x5 -> 2 (dense): 1 window, K = 5, M = 2 -> 3 x 1 = 3 sub-arrays.
  std::vector<NamedConv> net = {{"a", square_conv(2, 2, 3, 5, 1, 1, 0, 1)}, {"b", square_conv(1, 1, 5, 2, 1, 1, 0, 1)}};
  TwoWayOpCosts c;
  c.forward_read_pj = 1.0;
  c.backward_read_pj = 10.0;
  c.write_cell_pj = 100.0;
  c.forward_read_ns = 2.0;
  c.backward_read_ns = 3.0;
  c.write_row_ns = 7.0;
  TwoWayEstimateAssumptions a;
  a.rows = 2;
  a.cols = 4;
  a.write_fraction = 0.5;
  const TwoWayTrainingEstimate e = estimate_two_way_training(net, c, a);
  REQUIRE(e.layers.size() == 2);
  CHECK(e.layers[0].subarrays == 4);
  CHECK(e.layers[1].subarrays == 3);
  CHECK(e.forward_macs == 4 * 3 * 5 + 1 * 5 * 2);   // 70
  CHECK(e.backward_macs == 1 * 5 * 2);              // layer a (first) has none
  CHECK(e.forward_pj == 4 * 4 * 1.0 + 1 * 3 * 1.0); // windows x sub-arrays x pJ = 19
  CHECK(e.backward_pj == 1 * 3 * 10.0);             // 30
  CHECK(e.write_pj == 0.5 * (15 + 10) * 100.0);     // 1250
  // layer times: a = 4 x 2 + rows written 3 x (1 - 0.5^5) x 7; b = 1 x (2 + 3) + 5 x (1 - 0.5^2) x 7
  const double ta = 8 + 3 * (1 - 1.0 / 32) * 7, tb = 5 + 5 * 0.75 * 7;
  CHECK(e.layers[0].time_ns == Approx(ta));
  CHECK(e.layers[1].time_ns == Approx(tb));
  CHECK(e.image_ns == Approx(std::max(ta, tb)));
  CHECK(e.fps() == Approx(1e9 / std::max(ta, tb)));
  CHECK(e.tops_per_w() == Approx(2.0 * (70 + 10) / (19 + 30 + 1250)));
  a.rows = 0;
  CHECK_THROWS_AS(estimate_two_way_training(net, c, a), std::invalid_argument);
}
