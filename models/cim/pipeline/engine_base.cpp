#include "cimvp/cim/pipeline/engine_base.h"

#include "cimvp/cim/linebuffer/linebuffer_if.h"
#include "cimvp/core/trace_util.h"

#include <stdexcept>
#include <string>

namespace cimvp {

namespace {
const sc_core::sc_time& checked_step(const sc_core::sc_time& t, const char* name) {
  if (t <= sc_core::SC_ZERO_TIME) throw std::invalid_argument(std::string(name) + ": time_step must be > 0");
  return t;
}
}  // namespace

PipelineEngine::PipelineEngine(sc_core::sc_module_name name, const sc_core::sc_time& time_step, bool record)
    : sc_core::sc_module(name),
      awake("awake", false),
      step_(checked_step(time_step, this->name())),
      record_(record),
      rise_ev_("rise_ev"),
      fall_ev_("fall_ev") {
  c_wakes_ = counters_.declare("wakes");
  SC_HAS_PROCESS(PipelineEngine);
  SC_METHOD(update_awake);
  sensitive << rise_ev_ << fall_ev_;
  dont_initialize();
}

void PipelineEngine::reset() {
  last_awake_ = ~std::uint64_t{0};
  wake_log_.clear();
  rise_ev_.cancel();
  fall_ev_.cancel();
  awake.write(false);
}

void PipelineEngine::trace(sc_core::sc_trace_file* tf) const { trace_member(tf, awake, *this, "awake"); }

void PipelineEngine::mark_awake(std::uint64_t step) {
  if (step == last_awake_) return;
  last_awake_ = step;
  counters_.add(c_wakes_);
  if (record_) wake_log_.push_back(step);
  rise_ev_.notify(sc_core::SC_ZERO_TIME);
  fall_ev_.notify(step_);
}

void PipelineEngine::update_awake() { awake.write(last_awake_ == current_step(step_)); }

}  // namespace cimvp
