#include "cimvp/cim/linebuffer/conv_line_buffer.h"

namespace cimvp {

ConvLineBuffer::ConvLineBuffer(sc_core::sc_module_name name, const ConvLineBufferConfig& config)
    : LineBuffer(name, LineBufferGeometry::conv(config.shape), config.padding, config.time_step, config.record,
                 "cimvp/linebuffer"),
      config_(config) {}

}  // namespace cimvp
