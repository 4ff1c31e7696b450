#include "cimvp/workloads/synthetic.h"

#include <random>

namespace cimvp {

BnnLayer random_conv_layer(const ConvShape& s, std::mt19937_64& rng, int threshold_spread) {
  BnnLayer L;
  L.kind = LayerKind::conv;
  L.conv = s;
  L.inputs = static_cast<unsigned>(s.window_rows());
  L.outputs = s.out_c;
  L.weights.resize(std::size_t{L.inputs} * L.outputs);
  for (auto& w : L.weights) w = (rng() & 1) ? 1 : -1;
  for (unsigned j = 0; j < L.outputs; ++j) {
    L.threshold.push_back(static_cast<std::int32_t>(rng() % (2 * threshold_spread + 1)) - threshold_spread);
    L.flip.push_back((rng() % 4) == 0 ? 1 : 0);
  }
  return L;
}

BnnLayer random_dense_layer(unsigned K, unsigned M, bool last, std::mt19937_64& rng, int threshold_spread) {
  BnnLayer L;
  L.inputs = K;
  L.outputs = M;
  L.weights.resize(std::size_t{K} * M);
  for (auto& w : L.weights) w = (rng() & 1) ? 1 : -1;
  std::uniform_real_distribution<float> scale(0.5f, 1.5f), bias(-2.0f, 2.0f);
  for (unsigned j = 0; j < M; ++j) {
    if (last) {
      L.scale.push_back(scale(rng));
      L.bias.push_back(bias(rng));
    } else {
      L.threshold.push_back(static_cast<std::int32_t>(rng() % (2 * threshold_spread + 1)) - threshold_spread);
      L.flip.push_back((rng() % 4) == 0 ? 1 : 0);
    }
  }
  return L;
}

BnnNetwork synthetic_vgg8(std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  BnnNetwork net;
  net.mode = CellMode::xnor_8t;
  net.input = InputEncoding::binarized;
  net.input_threshold = 128;
  struct Stage {
    unsigned out_c;
    unsigned pool;
  };
  const Stage stages[] = {{128, 1}, {128, 2}, {256, 1}, {256, 2}, {512, 1}, {512, 2}};
  unsigned h = 32, w = 32, c = 3;
  for (const Stage& st : stages) {
    const ConvShape s = square_conv(h, w, c, st.out_c, 3, 1, 1, st.pool);
    net.layers.push_back(random_conv_layer(s, rng));
    h = s.pooled_h();
    w = s.pooled_w();
    c = s.out_c;
  }
  const unsigned flat = h * w * c;  // 4·4·512 = 8,192
  net.layers.push_back(random_dense_layer(flat, 1024, false, rng));
  net.layers.push_back(random_dense_layer(1024, 10, true, rng));
  net.description = "SYNTHETIC VGG-8-shaped BCNN on 32x32x3 (random +-1 weights, seed " + std::to_string(seed) +
                    "): c128k3p1,c128k3p1,pool2,c256k3p1,c256k3p1,pool2,c512k3p1,c512k3p1,pool2,fc1024,fc10";
  return net;
}

Dataset synthetic_images(std::size_t n, unsigned h, unsigned w, unsigned c, std::uint64_t seed,
                         const std::string& split) {
  std::mt19937_64 rng(seed);
  Dataset d;
  d.name = "synthetic-" + std::to_string(h) + "x" + std::to_string(w) + "x" + std::to_string(c) + "/" + split;
  d.rows = h;
  d.cols = w;
  d.channels = c;
  d.images.resize(n * d.pixels());
  for (auto& p : d.images) p = static_cast<std::uint8_t>(rng() & 0xFF);
  d.labels.resize(n);
  for (auto& l : d.labels) l = static_cast<std::uint8_t>(rng() % kDatasetClasses);
  return d;
}

Dataset synthetic_32x32x3(DatasetSplit split) {
  return split == DatasetSplit::test ? synthetic_images(1000, 32, 32, 3, 1, "test")
                                     : synthetic_images(256, 32, 32, 3, 2, "train");
}

}  // namespace cimvp
