// A tiny linearly separable data set for trainer tests (test_trainer*.cpp).
//
// 8×8 images; label 1 when the top half has more bright pixels (>= 200) than the bottom half,
// else 0; dark pixels are < 100 so any binarization threshold in 100..200 sees the same
// pattern.  Samples whose halves differ by fewer than 3 bright pixels are skipped (margin).
// A single ±1 neuron (+1 on the top half, −1 on the bottom) separates the classes.
#pragma once

#include "cimvp/workloads/dataset.h"

#include <cstdint>
#include <random>
#include <string>

inline cimvp::Dataset separable_dataset(std::size_t n, std::uint64_t seed, const std::string& name = "separable") {
  std::mt19937_64 rng(seed);
  cimvp::Dataset d;
  d.name = name;
  d.rows = 8;
  d.cols = 8;
  while (d.size() < n) {
    std::uint8_t px[64];
    int top = 0, bottom = 0;
    for (int i = 0; i < 64; ++i) {
      const bool bright = (rng() % 100) < 40;
      px[i] = static_cast<std::uint8_t>(bright ? 200 + rng() % 56 : rng() % 100);
      if (bright) (i < 32 ? top : bottom) += 1;
    }
    if (top - bottom < 3 && bottom - top < 3) continue;
    d.images.insert(d.images.end(), px, px + 64);
    d.labels.push_back(top > bottom ? 1 : 0);
  }
  return d;
}
