// Configuration of the conv and pooling line buffers (docs/line-buffers.md).  Plain
// structs; the platform fills them.
#pragma once

#include "cimvp/circuit/conv_shape.h"

#include <systemc>

namespace cimvp {

/// Where the padding slots of a buffer's frame come from.
enum class PaddingSource {
  /// The buffer makes them: a padding slot that completes a window takes one step (the
  /// convolver computes that window then), one that completes none takes no time.  The
  /// buffers between layers.
  generated,
  /// The producer streams them (push_padding), one slot per step like a pixel: the first
  /// layer, whose input stream is the zero-padded frame of the seed's T_pip first term.
  streamed,
};
const char* to_string(PaddingSource p);

struct ConvLineBufferConfig {
  ConvShape shape;  ///< in_h, in_w, in_c, kernel, stride, pad (out_c and pool are not used)
  PaddingSource padding = PaddingSource::generated;
  sc_core::sc_time time_step = sc_core::sc_time(10, sc_core::SC_NS);  ///< > 0
  bool record = false;  ///< keep the occupancy log (occupancy_log())
};

struct PoolLineBufferConfig {
  unsigned in_h = 0, in_w = 0, in_c = 0;  ///< the conv output map
  unsigned pool = 2;                      ///< pool × pool windows, stride pool, no padding
  sc_core::sc_time time_step = sc_core::sc_time(10, sc_core::SC_NS);
  bool record = false;
};

}  // namespace cimvp
