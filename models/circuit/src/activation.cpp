#include "cimvp/circuit/activation.h"

namespace cimvp {

void threshold_pack(const std::int32_t* sums_half, std::size_t n, std::size_t m, const std::int32_t* threshold,
                    const std::uint8_t* flip, BitMatrix& out) {
  out.resize(n, m);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* h = sums_half + i * m;
    Word* o = out.row(i);
    for (std::size_t j = 0; j < m; ++j) {
      const std::int64_t t2 = 2 * std::int64_t{threshold[j]};
      const bool fire = (flip && flip[j]) ? (h[j] <= t2) : (h[j] >= t2);
      o[j / kWordBits] |= static_cast<Word>(fire) << (j % kWordBits);
    }
  }
}

void argmax_affine(const std::int32_t* sums_half, std::size_t n, std::size_t m, const float* scale,
                   const float* bias, std::vector<std::uint32_t>& classes) {
  classes.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::int32_t* h = sums_half + i * m;
    std::uint32_t best = 0;
    float best_v = 0.0f;
    for (std::size_t j = 0; j < m; ++j) {
      const float s = 0.5f * static_cast<float>(h[j]);
      const float v = scale[j] * s + bias[j];
      if (j == 0 || v > best_v) {
        best_v = v;
        best = static_cast<std::uint32_t>(j);
      }
    }
    classes[i] = best;
  }
}

}  // namespace cimvp
