// Pooling line buffer (Tang et al., ASP-DAC 2017, "Line Buffer & Pipeline", Table II
// "Line Buffer, Pooling"; docs/line-buffers.md): pool rows of the conv output map (W × C,
// binary after the threshold) in front of the pooling circuit; hands out the pool × pool
// windows (stride pool, no padding; rows and columns that fill no whole window are dropped,
// the floor of conv_shape.h).  Timing: LineBuffer (no padding slots).
#pragma once

#include "cimvp/cim/linebuffer/line_buffer.h"
#include "cimvp/cim/linebuffer/line_buffer_config.h"

namespace cimvp {

class PoolLineBuffer : public LineBuffer {
 public:
  /// Throws std::invalid_argument naming the bad field ("PoolLineBuffer: pool …").
  PoolLineBuffer(sc_core::sc_module_name name, const PoolLineBufferConfig& config);
  const PoolLineBufferConfig& config() const { return config_; }

 private:
  const PoolLineBufferConfig config_;
};

}  // namespace cimvp
