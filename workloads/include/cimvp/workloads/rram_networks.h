// Layer shapes of the two networks of the CNN-vs-BCNN comparison of Tang et al., "Binary
// Convolutional Neural Network on RRAM", ASP-DAC 2017 (docs/rram.md): the estimate
// (circuit/rram_ppa.h) needs only shapes, no weights and no data.
#pragma once

#include "cimvp/circuit/rram_ppa.h"
#include "cimvp/workloads/bnn.h"

#include <vector>

namespace cimvp {

/// LeNet on MNIST (the Caffe LeNet the seed names "LeNet"): 28×28×1 → conv 5×5 → 20,
/// max-pool 2 → conv 5×5 → 50, max-pool 2 → FC 800 → 500 → FC 500 → 10.
std::vector<RramNetLayer> rram_lenet_mnist();

/// AlexNet on ImageNet (Krizhevsky et al., NIPS 2012, single tower, no grouping):
/// 227×227×3 → conv 11×11/4 → 96, pool 3/2, conv 5×5 pad 2 → 256, pool 3/2,
/// conv 3×3 pad 1 → 384, → 384, → 256, pool 3/2, FC 9216 → 4096 → 4096 → 1000.
/// ImageNet-shaped inputs are synthetic here: only the shapes are used.
std::vector<RramNetLayer> rram_alexnet_imagenet();

/// The shapes of a loaded network as the estimate sees them: each conv layer, then (when it
/// pools) a P×P / stride P pool layer on its output map; each dense layer as fully connected.
/// Names conv1, pool1, …, fc1, ….  The seed's LeNet written as a BnnNetwork
/// (c20k5,pool2,c50k5,pool2,fc500,fc10 on 28×28×1) gives exactly rram_lenet_mnist()'s shapes.
std::vector<RramNetLayer> rram_layers_of(const BnnNetwork& net);

}  // namespace cimvp
