#include "cimvp/cim/linebuffer/pool_line_buffer.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const PoolLineBufferConfig& checked(const PoolLineBufferConfig& c) {
  if (c.pool < 1 || c.pool > 255 || c.pool > c.in_h || c.pool > c.in_w)
    throw std::invalid_argument("PoolLineBuffer: pool " + std::to_string(c.pool) + " (allowed 1.." +
                                std::to_string(std::min(255u, std::min(c.in_h, c.in_w))) + " for a " +
                                std::to_string(c.in_h) + "x" + std::to_string(c.in_w) + " map)");
  return c;
}
}  // namespace

PoolLineBuffer::PoolLineBuffer(sc_core::sc_module_name name, const PoolLineBufferConfig& config)
    : LineBuffer(name, LineBufferGeometry::pool(config.in_h, config.in_w, config.in_c, checked(config).pool),
                 PaddingSource::generated, config.time_step, config.record, "cimvp/pool_linebuffer"),
      config_(config) {}

}  // namespace cimvp
