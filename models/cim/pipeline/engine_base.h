// Common part of the pipeline's engines (convolver, pooling circuit, FC engine;
// docs/line-buffers.md): the sleep/awake state the seed's dataflow tables show (A/S), as a
// signal for VCD and as a log of the steps in which the engine was awake.
#pragma once

#include "cimvp/core/counters.h"

#include <systemc>

#include <cstdint>
#include <vector>

namespace cimvp {

/// `awake` is true during the steps in which the engine computes and false otherwise
/// (the value at the end of each time step; no per-step process: the engine schedules the
/// fall itself).  Counters: the derived engine's, plus "wakes" (steps awake).
class PipelineEngine : public sc_core::sc_module, public Counted {
 public:
  sc_core::sc_signal<bool> awake;

  /// Steps in which the engine was awake, in order (record only).
  const std::vector<std::uint64_t>& wake_log() const { return wake_log_; }
  const sc_core::sc_time& time_step() const { return step_; }
  /// Clears the wake log and the awake signal (counters are kept, as for every module).
  virtual void reset();
  virtual void trace(sc_core::sc_trace_file* tf) const;
  const CounterSet& counters() const override { return counters_; }

 protected:
  /// Throws std::invalid_argument when time_step <= 0.
  PipelineEngine(sc_core::sc_module_name name, const sc_core::sc_time& time_step, bool record);
  /// The engine computes in `step` (the current step).
  void mark_awake(std::uint64_t step);

  CounterSet counters_;

 private:
  void update_awake();  // SC_METHOD: the only writer of `awake`

  const sc_core::sc_time step_;
  const bool record_;
  std::uint64_t last_awake_ = ~std::uint64_t{0};
  std::vector<std::uint64_t> wake_log_;
  sc_core::sc_event rise_ev_, fall_ev_;
  std::size_t c_wakes_;
};

}  // namespace cimvp
