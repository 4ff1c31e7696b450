// The CNN-vs-BCNN comparison of the rram-bcnn job on the shapes of the network it runs
// (platforms/.../rram_comparison.h, workloads/rram_networks.h rram_layers_of).
#include <catch2/catch.hpp>

#include "cimvp/platform/rram_comparison.h"
#include "cimvp/workloads/network_io.h"
#include "cimvp/workloads/rram_networks.h"
#include "cimvp/workloads/synthetic.h"

using namespace cimvp;

namespace {
bool same(const RramNetLayer& a, const RramNetLayer& b) {
  if (a.kind != b.kind || a.name != b.name) return false;
  if (a.kind == LayerKind::conv)
    return a.conv.in_h == b.conv.in_h && a.conv.in_w == b.conv.in_w && a.conv.in_c == b.conv.in_c &&
           a.conv.out_c == b.conv.out_c && a.conv.kernel_h == b.conv.kernel_h && a.conv.kernel_w == b.conv.kernel_w &&
           a.conv.stride == b.conv.stride && a.conv.pad == b.conv.pad && a.conv.pool == b.conv.pool;
  if (a.kind == LayerKind::pool)
    return a.pool.in_h == b.pool.in_h && a.pool.in_w == b.pool.in_w && a.pool.in_c == b.pool.in_c &&
           a.pool.window == b.pool.window && a.pool.stride == b.pool.stride;
  return a.inputs == b.inputs && a.outputs == b.outputs;
}
}  // namespace

TEST_CASE("rram_layers_of: the shipped LeNet-like BCNN has the seed's LeNet shapes", "[rram]") {
  const BnnNetwork net = load_network(std::string(CIMVP_SOURCE_DIR) + "/workloads/weights/mnist-bcnn.bnn");
  const auto got = rram_layers_of(net);
  const auto lenet = rram_lenet_mnist();
  REQUIRE(got.size() == 6);  // conv1 pool1 conv2 pool2 fc1 fc2
  REQUIRE(got.size() == lenet.size());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(same(got[i], lenet[i]));
  // pool1 sees conv1's 24×24×20 map (28 − 5 + 1 = 24), pool2 conv2's 8×8×50
  CHECK(got[1].pool.in_h == 24);
  CHECK(got[1].pool.in_c == 20);
  CHECK(got[3].pool.in_h == 8);
  CHECK(got[3].pool.in_c == 50);

  const RramComparison r = rram_comparison_of(got, "job");
  const RramComparison ref = rram_lenet_comparison();
  CHECK(r.published);
  CHECK(r.cnn_uj == ref.cnn_uj);
  CHECK(r.bcnn_uj == ref.bcnn_uj);
  CHECK(r.report().find("published 18.39 vs 13.55") != std::string::npos);
}

TEST_CASE("rram_comparison_of: another network is estimated on its own shapes, without published values", "[rram]") {
  const BnnNetwork vgg = synthetic_vgg8(1);
  const auto layers = rram_layers_of(vgg);
  // 6 conv + 3 pool + 2 fc
  CHECK(layers.size() == 11);
  const RramComparison r = rram_comparison_of(layers, "vgg8");
  const RramComparison lenet = rram_lenet_comparison();
  CHECK_FALSE(r.published);
  CHECK(r.bcnn_uj > lenet.bcnn_uj);  // a VGG-8 on 32×32×3 has far more MACs than LeNet
  CHECK(r.report().find("published 18.39") == std::string::npos);
  CHECK(r.report().find("vgg8") != std::string::npos);
  CHECK_FALSE(r.results().contains("published"));
}
