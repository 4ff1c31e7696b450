#include "cimvp/cim/pipeline/fc_engine.h"

#include "cimvp/circuit/activation.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const FcEngineConfig& checked(const FcEngineConfig& c, const char* name) {
  const std::string who(name);
  if (c.pixel_bits < 1 || c.pixel_bits > 65535)
    throw std::invalid_argument(who + ": pixel_bits " + std::to_string(c.pixel_bits) + " (allowed 1..65535)");
  if (c.inputs < 1 || c.inputs % c.pixel_bits != 0)
    throw std::invalid_argument(who + ": inputs " + std::to_string(c.inputs) + " must be a positive multiple of " +
                                "pixel_bits " + std::to_string(c.pixel_bits));
  if (!c.last() && (c.threshold.size() != c.outputs || c.flip.size() != c.outputs))
    throw std::invalid_argument(who + ": threshold and flip need " + std::to_string(c.outputs) +
                                " entries (outputs) for a hidden layer, or none for the last layer");
  return c;
}
}  // namespace

FcEngine::FcEngine(sc_core::sc_module_name name, const FcEngineConfig& config)
    : PipelineEngine(name, config.time_step, config.record),
      in("in"),
      out("out"),
      result("result"),
      config_(checked(config, this->name())),
      mapped_(config.inputs, config.outputs, config.weights, config.input_kind, 1, config.mapping, config.layer_id),
      x_(1, config.inputs),
      y_(1, config.outputs),
      eval_ev_("eval_ev") {
  in.bind(*this);
  c_vectors_ = counters_.declare("vectors");
  SC_HAS_PROCESS(FcEngine);
  SC_METHOD(evaluate);
  sensitive << eval_ev_;
  dont_initialize();
}

void FcEngine::end_of_elaboration() {
  const bool want_result = config_.last();
  if (want_result != (result.size() == 1) || want_result == (out.size() == 1)) {
    std::ostringstream os;
    os << name() << ": a " << (want_result ? "last" : "hidden") << " FC layer needs its "
       << (want_result ? "result" : "out") << " port bound (and only that one)";
    SC_REPORT_ERROR("cimvp/fc_engine", os.str().c_str());
  }
}

void FcEngine::reset() {
  PipelineEngine::reset();
  x_.resize(1, config_.inputs);
  filled_ = 0;
  image_ = 0;
  jobs_.clear();
  eval_ev_.cancel();
}

void FcEngine::push_padding(std::uint64_t) {
  std::ostringstream os;
  os << name() << ": push_padding: an FC engine takes map pixels only";
  SC_REPORT_ERROR("cimvp/fc_engine", os.str().c_str());
}

void FcEngine::push_pixel(const Word* bits, std::uint64_t ready_step) {
  const unsigned C = config_.pixel_bits;
  const std::size_t base = filled_ * C;
  for (unsigned c = 0; c < C; ++c)
    if ((bits[c / kWordBits] >> (c % kWordBits)) & 1u) x_.set(0, base + c, true);
  if (++filled_ * C < config_.inputs) return;
  const std::uint64_t now = current_step(time_step());
  const std::uint64_t at = std::max(ready_step, now) + 1;  // the step after the map is complete
  jobs_.push_back(Job{image_++, at, std::move(x_)});
  x_ = BitMatrix(1, config_.inputs);
  filled_ = 0;
  eval_ev_.notify(time_step() * static_cast<double>(jobs_.front().step > now ? jobs_.front().step - now : 0));
}

void FcEngine::evaluate() {
  const std::uint64_t now = current_step(time_step());
  while (!jobs_.empty() && jobs_.front().step <= now) {
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    if (mapped_.needs_calibration()) {
      SC_REPORT_ERROR("cimvp/fc_engine", (std::string(name()) + ": the layer's sensing needs a calibration pass "
                                          "(mapped().calibrate) before the simulation").c_str());
      continue;
    }
    mapped_.evaluate(job.x, sums_, &activity_, job.image);
    counters_.add(c_vectors_);
    mark_awake(now);
    if (config_.last()) {
      result->on_result(job.image, sums_, now);
    } else {
      threshold_pack(sums_.data(), 1, config_.outputs, config_.threshold.data(), config_.flip.data(), y_);
      out->push_pixel(y_.row(0), now);
    }
  }
  if (!jobs_.empty()) eval_ev_.notify(time_step() * static_cast<double>(jobs_.front().step - now));
}

}  // namespace cimvp
