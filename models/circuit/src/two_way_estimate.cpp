#include "cimvp/circuit/two_way_estimate.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace cimvp {

std::vector<NamedConv> resnet18_imagenet() {
  std::vector<NamedConv> v;
  v.push_back({"conv1", square_conv(224, 224, 3, 64, 7, 2, 3, 1)});  // → 112×112, then 3×3/2 max pool → 56
  unsigned size = 56, ch = 64;
  for (unsigned stage = 0; stage < 4; ++stage) {
    const unsigned out = 64u << stage;
    const std::string s = "layer" + std::to_string(stage + 1);
    const unsigned stride = stage == 0 ? 1 : 2;
    v.push_back({s + ".0.conv1", square_conv(size, size, ch, out, 3, stride, 1, 1)});
    const unsigned o = (size + 2 - 3) / stride + 1;
    v.push_back({s + ".0.conv2", square_conv(o, o, out, out, 3, 1, 1, 1)});
    if (stride != 1) v.push_back({s + ".0.downsample", square_conv(size, size, ch, out, 1, stride, 0, 1)});
    v.push_back({s + ".1.conv1", square_conv(o, o, out, out, 3, 1, 1, 1)});
    v.push_back({s + ".1.conv2", square_conv(o, o, out, out, 3, 1, 1, 1)});
    size = o;
    ch = out;
  }
  v.push_back({"fc", square_conv(1, 1, 512, 1000, 1, 1, 0, 1)});  // after global average pooling
  return v;
}

TwoWayTrainingEstimate estimate_two_way_training(const std::vector<NamedConv>& layers, const TwoWayOpCosts& c,
                                                 const TwoWayEstimateAssumptions& a) {
  if (a.rows == 0 || a.cols == 0) throw std::invalid_argument("estimate_two_way_training: rows and cols must be >= 1");
  if (!(a.write_fraction >= 0) || !(c.forward_read_pj >= 0) || !(c.backward_read_pj >= 0) ||
      !(c.write_cell_pj >= 0) || !(c.forward_read_ns >= 0) || !(c.backward_read_ns >= 0) || !(c.write_row_ns >= 0))
    throw std::invalid_argument("estimate_two_way_training: costs and write_fraction must be >= 0");
  TwoWayTrainingEstimate e;
  for (std::size_t i = 0; i < layers.size(); ++i) {
    const ConvShape& s = layers[i].shape;
    if (const std::string p = s.check(); !p.empty())
      throw std::invalid_argument("estimate_two_way_training: layer " + layers[i].name + ": " + p);
    TwoWayLayerEstimate L;
    L.name = layers[i].name;
    const double K = static_cast<double>(s.window_rows()), M = s.out_c;
    L.windows = static_cast<double>(s.windows());
    L.subarrays = std::ceil(K / a.rows) * std::ceil(M / a.cols);
    L.weights = K * M;
    L.forward_macs = L.windows * K * M;
    L.backward_macs = i == 0 ? 0.0 : L.windows * K * M;  // no input gradient of the first layer
    L.gradient_macs = L.windows * K * M;
    const double written = a.write_fraction * L.weights;
    // a layer row k is written when any of its M cells changed; the sub-arrays of a row block
    // write in parallel, so the rows of a layer are written one after the other
    const double rows_written = K * (1.0 - std::pow(1.0 - std::min(1.0, a.write_fraction), M));
    const double fwd_pj = L.windows * L.subarrays * c.forward_read_pj;
    const double bwd_pj = i == 0 ? 0.0 : L.windows * L.subarrays * c.backward_read_pj;
    const double wr_pj = written * c.write_cell_pj;
    L.energy_pj = fwd_pj + bwd_pj + wr_pj;
    L.time_ns = L.windows * (c.forward_read_ns + (i == 0 ? 0.0 : c.backward_read_ns)) + rows_written * c.write_row_ns;
    e.forward_macs += L.forward_macs;
    e.backward_macs += L.backward_macs;
    e.gradient_macs += L.gradient_macs;
    e.subarrays += L.subarrays;
    e.weights += L.weights;
    e.cells_written += written;
    e.forward_pj += fwd_pj;
    e.backward_pj += bwd_pj;
    e.write_pj += wr_pj;
    e.image_ns = std::max(e.image_ns, L.time_ns);
    e.layers.push_back(L);
  }
  return e;
}

}  // namespace cimvp
