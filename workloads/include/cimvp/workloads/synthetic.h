// Synthetic networks and inputs for shapes no shipped weight file or data set covers
// (docs/convolution.md, "VGG-8 on 32x32x3").  Everything here is SYNTHETIC: seeded random
// ±1 weights and random pixels, for bit-true hardware-vs-golden checks, PPA and simulation
// speed — accuracies on them are meaningless (random labels).
#pragma once

#include "cimvp/workloads/bnn.h"
#include "cimvp/workloads/dataset.h"

#include <cstdint>
#include <random>
#include <string>

namespace cimvp {

/// Name of the synthetic VGG-8 network (cim_inference.weights) and of the synthetic
/// 32×32×3 image set (cim_inference.dataset).
constexpr const char* kSyntheticVgg8 = "synthetic-vgg8";
constexpr const char* kSynthetic32x32x3 = "synthetic-32x32x3";

/// A VGG-8-shaped BCNN on 32×32×3 inputs (the CIFAR-10 VGG-8 of the CIM literature, e.g.
/// NeuroSim's: two 3×3 conv layers per stage, max pool 2 after each stage, two dense layers):
///   32×32×3 → c128k3p1 → c128k3p1,pool2 → c256k3p1 → c256k3p1,pool2 → c512k3p1 →
///   c512k3p1,pool2 (4×4×512 = 8,192) → fc1024 → fc10,
/// XNOR cells, binarized pixels (>= 128).  Weights ±1 uniformly at random from `seed`;
/// hidden thresholds 0 ± a small seeded spread (about half the neurons fire), flips on a
/// quarter of the neurons; last-layer scale 0.5..1.5, bias −2..2.  Deterministic per seed.
BnnNetwork synthetic_vgg8(std::uint64_t seed);

/// A conv layer of shape `s` with ±1 weights uniformly at random from `rng`, thresholds
/// uniform in [−threshold_spread, threshold_spread] (threshold_spread >= 0), flips on a
/// quarter of the outputs — the layers of synthetic_vgg8 (spread 2) and of the tests' random
/// conv networks.
BnnLayer random_conv_layer(const ConvShape& s, std::mt19937_64& rng, int threshold_spread = 2);

/// A K-input, M-output dense layer drawn the same way; `last`: scale 0.5..1.5 and bias −2..2
/// per output instead of thresholds and flips.
BnnLayer random_dense_layer(unsigned K, unsigned M, bool last, std::mt19937_64& rng, int threshold_spread = 2);

/// `n` synthetic images of h×w×c pixels (HWC bytes, uniformly random from `seed`) with random
/// labels 0..9; Dataset::channels = c, name "synthetic-<h>x<w>x<c>/<split>".
Dataset synthetic_images(std::size_t n, unsigned h, unsigned w, unsigned c, std::uint64_t seed,
                         const std::string& split);

/// The synthetic 32×32×3 set by split (load_dataset("synthetic-32x32x3", …)): test 1,000
/// images (seed 1), train 256 images (seed 2).
Dataset synthetic_32x32x3(DatasetSplit split);

}  // namespace cimvp
