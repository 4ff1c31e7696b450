#include "cimvp/platform/rram_comparison.h"

#include "cimvp/circuit/rram_ppa.h"
#include "cimvp/platform/ppa.h"
#include "cimvp/workloads/rram_networks.h"

#include <cstdio>

namespace cimvp {

namespace {
// Published (Tang et al., ASP-DAC 2017, CNN-vs-BCNN table, LeNet on MNIST).
constexpr double kPubCnnUj = 18.39, kPubBcnnUj = 13.55, kPubCnnMm2 = 0.054, kPubBcnnMm2 = 0.060;
}  // namespace

RramComparison rram_comparison_of(const std::vector<RramNetLayer>& net, const std::string& name) {
  RramComparison r;
  r.tech = "rram";
  r.network = name;
  const TechParams tech = load_tech(r.tech);
  // the calibration's stated assumptions (docs/rram.md "Converter sharing", docs/calibration.md
  // rows 30-37): one SA/ADC per crossbar, one DAC per input row
  RramPpaConfig cc = RramPpaConfig::cnn(), bc = RramPpaConfig::bcnn();
  cc.columns_per_converter = bc.columns_per_converter = 0;
  cc.shared_row_dacs = bc.shared_row_dacs = true;
  const RramNetworkPpa c = estimate_rram_network(tech, net, cc);
  const RramNetworkPpa b = estimate_rram_network(tech, net, bc);
  r.cnn_uj = c.energy_pj / 1e6;
  r.bcnn_uj = b.energy_pj / 1e6;
  r.cnn_mm2 = c.area_um2 / 1e6;
  r.bcnn_mm2 = b.area_um2 / 1e6;
  r.energy_saving = rram_saving(r.cnn_uj, r.bcnn_uj);
  r.area_saving = rram_saving(r.cnn_mm2, r.bcnn_mm2);
  // the seed's numbers belong to its LeNet: shown only for the same shapes
  const std::vector<RramNetLayer> lenet = rram_lenet_mnist();
  r.published = net.size() == lenet.size();
  for (std::size_t i = 0; r.published && i < net.size(); ++i) {
    const RramNetLayer &a = net[i], &l = lenet[i];
    const auto same_conv = [](const ConvShape& x, const ConvShape& y) {
      return x.in_h == y.in_h && x.in_w == y.in_w && x.in_c == y.in_c && x.out_c == y.out_c &&
             x.kernel_h == y.kernel_h && x.kernel_w == y.kernel_w && x.stride == y.stride && x.pad == y.pad &&
             x.pool == y.pool;
    };
    r.published = a.kind == l.kind &&
                  (a.kind == LayerKind::conv ? same_conv(a.conv, l.conv)
                   : a.kind == LayerKind::pool
                       ? a.pool.in_h == l.pool.in_h && a.pool.in_w == l.pool.in_w && a.pool.in_c == l.pool.in_c &&
                             a.pool.window == l.pool.window && a.pool.stride == l.pool.stride
                       : a.inputs == l.inputs && a.outputs == l.outputs);
  }
  return r;
}

RramComparison rram_lenet_comparison() { return rram_comparison_of(rram_lenet_mnist(), "LeNet on MNIST (shapes)"); }

std::string RramComparison::report() const {
  char b[768];
  if (published)
    std::snprintf(b, sizeof b,
                  "  CNN vs BCNN     RRAM estimate of this network's shapes = the seed's LeNet/MNIST (tech %s; cimvp-rram-estimate --columns-per-converter 0 --shared-row-dacs): energy "
                  "%.2f vs %.2f uJ/image (saving %.1f %%; published 18.39 vs 13.55, 26.3 %%), area %.3f vs %.3f mm^2 "
                  "(saving %.1f %%; published 0.054 vs 0.060, -11.1 %%)",
                  tech.c_str(), cnn_uj, bcnn_uj, 100 * energy_saving, cnn_mm2, bcnn_mm2, 100 * area_saving);
  else
    std::snprintf(b, sizeof b,
                  "  CNN vs BCNN     RRAM estimate of this network's shapes (%s; tech %s, converters as cimvp-rram-estimate --columns-per-converter 0 --shared-row-dacs): energy "
                  "%.2f vs %.2f uJ/image (saving %.1f %%), area %.3f vs %.3f mm^2 (saving %.1f %%); the seed publishes LeNet/MNIST and AlexNet only",
                  network.c_str(), tech.c_str(), cnn_uj, bcnn_uj, 100 * energy_saving, cnn_mm2, bcnn_mm2, 100 * area_saving);
  return b;
}

nlohmann::ordered_json RramComparison::results() const {
  nlohmann::ordered_json j;
  j["tech"] = tech;
  j["network"] = network;
  j["shapes_are_seed_lenet"] = published;
  j["energy_uj_per_image"] = {{"cnn", cnn_uj}, {"bcnn", bcnn_uj}, {"saving", energy_saving}};
  j["area_mm2"] = {{"cnn", cnn_mm2}, {"bcnn", bcnn_mm2}, {"saving", area_saving}};
  if (published)
    j["published"] = {{"energy_uj_per_image", {{"cnn", kPubCnnUj}, {"bcnn", kPubBcnnUj}}},
                      {"area_mm2", {{"cnn", kPubCnnMm2}, {"bcnn", kPubBcnnMm2}}}};
  return j;
}

}  // namespace cimvp
