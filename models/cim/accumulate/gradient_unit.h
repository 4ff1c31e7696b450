// Gradient outer-product unit of the two-way training macro's digital periphery (Jiang et
// al., DAC 2020; docs/two-way-training.md, "Gradient outer products").
#pragma once

#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"

#include <systemc>

#include <cstddef>
#include <cstdint>

namespace cimvp {

/// `lanes` multiply-accumulate lanes (one per column of a sub-array), each an
/// error_bits × x_bits multiplier and a 32-bit accumulator, one MAC per lane and macro clock.
/// accumulate() adds the outer products of a tile of n samples into rows [j0, j0 + rows) of
/// a gradient G (rows × K, int64 here; the command checks that every value fits int32):
///   acc[(j − j0)·K + k] += Σ_i e[i·M + j] · x[i·K + k].
/// Latency: ⌈n · rows · K / lanes⌉ clocks.  Plain integers: the values equal
/// two_way_layer_gradient (workloads/two_way_train.h).
class GradientUnit : public sc_core::sc_module, public Counted, public Priced {
 public:
  /// lanes >= 1, clock_period_ns > 0; throws std::invalid_argument otherwise.
  GradientUnit(sc_core::sc_module_name name, unsigned lanes, double clock_period_ns);

  /// One tile: errors e (n × M), inputs x (n × K), rows j0 .. j0 + rows − 1; x_bits = the
  /// multiplier width of the inputs (1 for ±1 or 0/1 inputs: a conditional add / subtract,
  /// no multiplier; b for b-bit unsigned inputs), error_bits = ERROR_BITS.  Adds the latency
  /// to `delay`.
  void accumulate(const std::int32_t* e, unsigned M, unsigned j0, unsigned rows, const std::int16_t* x, unsigned K,
                  std::size_t n, unsigned x_bits, unsigned error_bits, std::int64_t* acc, sc_core::sc_time& delay);

  unsigned lanes() const { return lanes_; }
  /// Accumulator width of a lane (the int32 gradient).
  static constexpr unsigned kAccumulatorBits = 32;
  /// gradient_macs (error × input products accumulated), gradient_adder_bits (full-adder
  /// bit operations: per MAC error_bits · x_bits for the multiplier when x_bits > 1, plus the
  /// 32-bit accumulate), gradient_tiles, gradient_cycles.
  const CounterSet& counters() const override { return counters_; }
  /// Scope macro: `gradient_mac` = gradient_adder_bits × adder bit energy (adder_cost);
  /// area `gradient_lanes` = lanes × (8·8 + 32) adder bits (sized for 8-bit errors and
  /// inputs).  docs/two-way-training.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;
  void reset() {}

 private:
  const unsigned lanes_;
  const sc_core::sc_time clock_;
  CounterSet counters_;
  std::size_t c_macs_, c_adder_bits_, c_tiles_, c_cycles_;
};

}  // namespace cimvp
