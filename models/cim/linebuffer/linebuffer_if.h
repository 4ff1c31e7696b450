// Interfaces between line buffers, the engines that read their windows and the next
// layer's buffer (docs/line-buffers.md).  Time is counted in steps of the pipeline's
// `time_step`: step t is the simulated time t·time_step.
#pragma once

#include "cimvp/circuit/bitpack.h"

#include <systemc>

#include <cstdint>

namespace cimvp {

/// Step index of the current simulated time (time_step > 0; times not on a step boundary
/// round down).
inline std::uint64_t current_step(const sc_core::sc_time& time_step) {
  return sc_core::sc_time_stamp().value() / time_step.value();
}

/// Input side of a line buffer or a feature-map buffer: one pixel (C bits) per call, in
/// raster order.  `ready_step` is the step from which the pixel may enter the buffer
/// (≥ the current step: a producer with output latency passes a later step).
class pixel_in_if : public virtual sc_core::sc_interface {
 public:
  /// `bits`: words_for_bits(C) words, bit c = channel c.
  virtual void push_pixel(const Word* bits, std::uint64_t ready_step) = 0;
  /// A padding slot of a streamed frame (only buffers that take their padding from the
  /// stream, PaddingSource::streamed, accept it).
  virtual void push_padding(std::uint64_t ready_step) = 0;
};

/// Reader of a line buffer's windows (a convolver or a pooling circuit).  Called in the
/// step the window completes; `window` holds window_bits() bits in gather_window order
/// (row (ky·kernel_w + kx)·C + c), valid during the call only.
class window_sink_if : public virtual sc_core::sc_interface {
 public:
  virtual void on_window(std::uint64_t image, unsigned oy, unsigned ox, const Word* window, std::uint64_t step) = 0;
};

}  // namespace cimvp
