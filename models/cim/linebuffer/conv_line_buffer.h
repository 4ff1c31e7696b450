// Conv line buffer (Tang et al., ASP-DAC 2017, "Line Buffer & Pipeline", Table II
// "Line Buffer, Conv: h·W_in·C_in"; docs/line-buffers.md): kernel_h rows of W_in pixels of
// C_in bits in front of a convolver; hands out every stride-th window of every stride-th
// row, padding bits 0, in gather_window order (conv_shape.h).  Timing: LineBuffer.
#pragma once

#include "cimvp/cim/linebuffer/line_buffer.h"
#include "cimvp/cim/linebuffer/line_buffer_config.h"

namespace cimvp {

class ConvLineBuffer : public LineBuffer {
 public:
  /// Throws std::invalid_argument naming the bad field ("ConvLineBuffer: kernel …").
  ConvLineBuffer(sc_core::sc_module_name name, const ConvLineBufferConfig& config);
  const ConvLineBufferConfig& config() const { return config_; }

 private:
  const ConvLineBufferConfig config_;
};

}  // namespace cimvp
