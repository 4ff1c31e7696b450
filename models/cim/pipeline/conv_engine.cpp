#include "cimvp/cim/pipeline/conv_engine.h"

#include "cimvp/circuit/activation.h"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const ConvEngineConfig& checked(const ConvEngineConfig& c, const char* name) {
  const std::string e = c.shape.check();
  if (!e.empty()) throw std::invalid_argument(std::string(name) + ": shape: " + e);
  const std::size_t M = c.shape.out_c;
  if (c.threshold.size() != M || c.flip.size() != M)
    throw std::invalid_argument(std::string(name) + ": threshold and flip need " + std::to_string(M) +
                                " entries (out_c), got " + std::to_string(c.threshold.size()) + " and " +
                                std::to_string(c.flip.size()));
  return c;
}
}  // namespace

ConvEngine::ConvEngine(sc_core::sc_module_name name, const ConvEngineConfig& config)
    : PipelineEngine(name, config.time_step, config.record),
      window_in("window_in"),
      out("out"),
      config_(checked(config, this->name())),
      mapped_(static_cast<unsigned>(config.shape.window_rows()), config.shape.out_c, config.weights, config.input_kind,
              1, config.mapping, config.layer_id),
      x_(1, config.shape.window_rows()),
      y_(1, config.shape.out_c) {
  window_in.bind(*this);
  c_windows_ = counters_.declare("windows");
}

void ConvEngine::on_window(std::uint64_t image, unsigned oy, unsigned ox, const Word* window, std::uint64_t step) {
  if (mapped_.needs_calibration()) {
    SC_REPORT_ERROR("cimvp/convolver", (std::string(name()) + ": the layer's sensing needs a calibration pass "
                                        "(mapped().calibrate) before the simulation").c_str());
    return;
  }
  std::copy_n(window, x_.words(), x_.row(0));
  const std::uint64_t index = image * config_.shape.windows() + std::uint64_t{oy} * config_.shape.out_w() + ox;
  mapped_.evaluate(x_, sums_, &activity_, index);
  threshold_pack(sums_.data(), 1, config_.shape.out_c, config_.threshold.data(), config_.flip.data(), y_);
  counters_.add(c_windows_);
  mark_awake(step);
  out->push_pixel(y_.row(0), step);
}

}  // namespace cimvp
