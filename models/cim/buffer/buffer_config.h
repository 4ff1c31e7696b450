// Configuration of the accelerator's on-chip activation buffers (cimvp::ActivationBuffer,
// docs/cim-macro.md "Activation buffers").  Plain C++: no SystemC, so the platform layer,
// the driver and CimMacroConfig share it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace cimvp {

/// Double-buffered input and output activation buffers seen as one bus window:
///   [0, I)           input half 0      [I, 2I)             input half 1
///   [2I, 2I + O)     output half 0     [2I + O, 2I + 2O)   output half 1
/// with I = input_half_bytes and O = output_half_bytes.
struct ActivationBufferConfig {
  /// Bytes of one input half: 128 KiB hold 167 Fashion-MNIST images (784 bytes each).
  std::uint64_t input_half_bytes = 128 * 1024;
  /// Bytes of one output half: 8 KiB hold the int32 sums of 204 vectors of a 10-class layer.
  std::uint64_t output_half_bytes = 8 * 1024;
  /// Bytes per clock of the buffer's ports (bus side and macro side).
  unsigned port_bytes = 64;
  /// Clocks of fixed latency per access (bus transaction, DMI access or macro access).
  unsigned access_cycles = 1;
  /// Grant DMI to bus initiators.  Off by default: DMI accesses bypass the buffer's
  /// counters, so its read/write energy would be lost (and a DMA would price them as DRAM).
  bool dmi = false;

  std::uint64_t input_offset(unsigned half) const { return half * input_half_bytes; }
  std::uint64_t output_offset(unsigned half) const { return 2 * input_half_bytes + half * output_half_bytes; }
  /// Size of the bus window: 2 · (input_half_bytes + output_half_bytes).
  std::uint64_t window_bytes() const { return 2 * (input_half_bytes + output_half_bytes); }

  /// Throws std::invalid_argument naming the field.
  void validate() const {
    constexpr std::uint64_t kMaxHalf = 1ull << 30;
    if (input_half_bytes == 0 || input_half_bytes > kMaxHalf || input_half_bytes % 8 != 0)
      throw std::invalid_argument("buffer.input_bytes: expected a multiple of 8 in 8.." + std::to_string(kMaxHalf) +
                                  ", got " + std::to_string(input_half_bytes));
    if (output_half_bytes == 0 || output_half_bytes > kMaxHalf || output_half_bytes % 8 != 0)
      throw std::invalid_argument("buffer.output_bytes: expected a multiple of 8 in 8.." + std::to_string(kMaxHalf) +
                                  ", got " + std::to_string(output_half_bytes));
    if (port_bytes == 0) throw std::invalid_argument("buffer.port_bytes: must be at least 1");
  }
};

}  // namespace cimvp
