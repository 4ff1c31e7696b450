// Digital periphery after the accumulators: folded batch-norm thresholds of hidden layers
// and the arg-max of the last layer (docs/circuit.md, "Activation").  Sums are in half
// PS units (sums_half = 2·s), as produced by MappedLayer.
#pragma once

#include "cimvp/circuit/bitpack.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// Hidden layer: out (n × m bits) bit (i, j) = fire where, with h = sums_half[i·m + j],
///   fire = flip[j] ? (h <= 2·threshold[j]) : (h >= 2·threshold[j])
/// (bit 1 = output 1 in HBNN, +1 in XNOR).  flip may be null (no flips).
void threshold_pack(const std::int32_t* sums_half, std::size_t n, std::size_t m, const std::int32_t* threshold,
                    const std::uint8_t* flip, BitMatrix& out);

/// Last layer: classes[i] = argmax_j (scale[j] · (0.5f · h) + bias[j]) evaluated in float,
/// h = sums_half[i·m + j]; ties go to the lowest j.
void argmax_affine(const std::int32_t* sums_half, std::size_t n, std::size_t m, const float* scale,
                   const float* bias, std::vector<std::uint32_t>& classes);

}  // namespace cimvp
