// Output side of the layer pipeline (docs/line-buffers.md).
#pragma once

#include <systemc>

#include <cstdint>
#include <vector>

namespace cimvp {

/// Receiver of the last layer's sums (half PS units, sums_half = 2·s, as MappedLayer
/// produces them), one call per image in the step the last FC engine evaluates.
class pipeline_result_if : public virtual sc_core::sc_interface {
 public:
  virtual void on_result(std::uint64_t image, const std::vector<std::int32_t>& sums_half, std::uint64_t step) = 0;
};

}  // namespace cimvp
