#include "cimvp/circuit/supports.h"

#include <algorithm>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace cimvp {

unsigned SupportShape::rows(unsigned b) const {
  const unsigned first = b * block_rows;
  if (block_rows == 0 || first >= inputs) return 0;
  return std::min(block_rows, inputs - first);
}

void validate_supports(const SupportShape& shape, const std::vector<std::uint8_t>& codes,
                       std::uint8_t default_code, const char* what) {
  const std::string w(what);
  if (shape.outputs < 1 || shape.inputs < 1)
    throw std::invalid_argument(w + ": layer shape " + std::to_string(shape.outputs) + "x" +
                                std::to_string(shape.inputs) + " (outputs and inputs must be >= 1)");
  if (shape.block_rows < 1 || shape.block_rows > shape.inputs)
    throw std::invalid_argument(w + ": block rows p = " + std::to_string(shape.block_rows) + " (allowed 1.." +
                                std::to_string(shape.inputs) + ", the layer's inputs)");
  if (shape.bits < 1 || shape.bits > kMaxSupportBits)
    throw std::invalid_argument(w + ": support bits = " + std::to_string(shape.bits) + " (allowed 1.." +
                                std::to_string(kMaxSupportBits) + ")");
  const std::uint64_t n = std::uint64_t{shape.outputs} * shape.blocks();
  if (codes.size() != n)
    throw std::invalid_argument(w + ": " + std::to_string(codes.size()) + " support codes, expected outputs x blocks = " +
                                std::to_string(n));
  const unsigned top = shape.max_code();
  if (default_code > top)
    throw std::invalid_argument(w + ": default code " + std::to_string(default_code) + " (allowed 0.." +
                                std::to_string(top) + ")");
  for (std::size_t i = 0; i < codes.size(); ++i)
    if (codes[i] > top)
      throw std::invalid_argument(w + ": support code " + std::to_string(codes[i]) + " at neuron " +
                                  std::to_string(i / shape.blocks()) + ", block " + std::to_string(i % shape.blocks()) +
                                  " (allowed 0.." + std::to_string(top) + ")");
}

std::vector<std::uint32_t> support_drop_order(const SupportShape& shape, const std::vector<std::uint8_t>& codes,
                                              std::uint8_t default_code) {
  validate_supports(shape, codes, default_code);
  const unsigned B = shape.blocks();
  std::vector<std::uint32_t> order(codes.size());
  std::vector<std::uint32_t> cost(codes.size());
  for (std::size_t i = 0; i < codes.size(); ++i) {
    order[i] = static_cast<std::uint32_t>(i);
    cost[i] = static_cast<std::uint32_t>(std::abs(int{codes[i]} - int{default_code})) *
              shape.rows(static_cast<unsigned>(i % B));
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return cost[a] < cost[b]; });
  return order;
}

std::uint64_t dropped_supports(const SupportShape& shape, unsigned drop_permille) {
  if (drop_permille > kDropLevelScale)
    throw std::invalid_argument("drop level " + std::to_string(drop_permille) + " per mille (allowed 0..1000)");
  return std::uint64_t{shape.outputs} * shape.blocks() * drop_permille / kDropLevelScale;
}

std::vector<std::uint8_t> effective_supports(const SupportShape& shape, const std::vector<std::uint8_t>& codes,
                                             std::uint8_t default_code, unsigned drop_permille) {
  const std::uint64_t n = dropped_supports(shape, drop_permille);
  std::vector<std::uint8_t> out(codes);
  if (n == 0) {
    validate_supports(shape, codes, default_code);
    return out;
  }
  const std::vector<std::uint32_t> order = support_drop_order(shape, codes, default_code);
  for (std::uint64_t i = 0; i < n; ++i) out[order[i]] = default_code;
  return out;
}

}  // namespace cimvp
