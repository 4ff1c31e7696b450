// The support-parameter buffer of the row DAC (Supported-BinaryNet, Fig. 4 of the seed:
// "support parameters … are stored in the buffer of row digital-to-analog converter"):
// an SRAM of `capacity` bytes holding one byte per support code of every loaded layer,
// filled when the network is loaded (through the descriptor path) and read at every DAC
// programming.  Plain C++ (the RowDac that owns it is the SystemC module).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

class SupportBuffer {
 public:
  explicit SupportBuffer(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}
  std::size_t capacity() const { return capacity_; }
  std::size_t used() const { return used_; }
  /// Stores the codes of `layer` (replacing what it held).  Throws std::invalid_argument
  /// (naming the sizes) when the buffer cannot hold every layer's codes.
  void store(unsigned layer, const std::vector<std::uint8_t>& codes);
  /// Codes of `layer` (empty when none).
  const std::vector<std::uint8_t>& codes(unsigned layer) const;
  void clear() {
    layers_.clear();
    used_ = 0;
  }

 private:
  std::size_t capacity_ = 0, used_ = 0;
  std::vector<std::vector<std::uint8_t>> layers_;
};

}  // namespace cimvp
