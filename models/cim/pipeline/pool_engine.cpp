#include "cimvp/cim/pipeline/pool_engine.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const PoolEngineConfig& checked(const PoolEngineConfig& c, const char* name) {
  if (c.channels < 1 || c.channels > 65535)
    throw std::invalid_argument(std::string(name) + ": channels " + std::to_string(c.channels) + " (allowed 1..65535)");
  if (c.pool < 1 || c.pool > 255)
    throw std::invalid_argument(std::string(name) + ": pool " + std::to_string(c.pool) + " (allowed 1..255)");
  if (c.latency > 16)
    throw std::invalid_argument(std::string(name) + ": latency " + std::to_string(c.latency) + " (allowed 0..16 steps)");
  return c;
}
}  // namespace

PoolEngine::PoolEngine(sc_core::sc_module_name name, const PoolEngineConfig& config)
    : PipelineEngine(name, config.time_step, config.record),
      window_in("window_in"),
      out("out"),
      config_(checked(config, this->name())),
      y_(words_for_bits(config.channels), 0) {
  window_in.bind(*this);
  c_windows_ = counters_.declare("windows");
}

void PoolEngine::on_window(std::uint64_t, unsigned, unsigned, const Word* window, std::uint64_t step) {
  const unsigned C = config_.channels, n = config_.pool * config_.pool;
  std::fill(y_.begin(), y_.end(), Word{0});
  for (unsigned k = 0; k < n; ++k)
    for (unsigned c = 0; c < C; ++c) {
      const std::size_t b = std::size_t{k} * C + c;
      if ((window[b / kWordBits] >> (b % kWordBits)) & 1u) y_[c / kWordBits] |= Word{1} << (c % kWordBits);
    }
  counters_.add(c_windows_);
  mark_awake(step);
  out->push_pixel(y_.data(), step + config_.latency);
}

}  // namespace cimvp
