// Digital periphery of the CIM macro: accumulators, shift-add and the batch-norm threshold
// activation (docs/cim-macro.md, "Accumulator").
#pragma once

#include "cimvp/cim/accumulate/accumulate_if.h"
#include "cimvp/cim/controller/cim_types.h"
#include "cimvp/cim/stage.h"
#include "cimvp/core/counters.h"
#include "cimvp/core/priced.h"

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/sub_array.h"

#include <systemc>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// Accumulators (one per column of the widest layer, × the vectors of a tile), shift-add of
/// bit planes, batch-norm threshold activation into packed outputs; the last layer keeps its
/// sums for the host.  Semantics exactly those of circuit::threshold_pack:
///   fire_j = flip_j ? (h_j <= 2·threshold_j) : (h_j >= 2·threshold_j),  h = sums_half.
/// Timing (annotated by finish()): the adder tree (1 + ⌈log2 row_blocks⌉ stages of
/// accumulate_ns) and the threshold unit (activation_ns, hidden layers) are pipelined behind
/// the array reads, one vector per stage time.  With T = the layer's read time so far (the
/// `delay` handed to finish) and n vectors, the layer ends at
///   max(T, n · max(accumulate_ns, activation_ns)) + (1 + ⌈log2 row_blocks⌉) · accumulate_ns
///   + activation_ns  (the last term for hidden layers only).
class Accumulator : public sc_core::sc_module, public cim_accumulate_if, public CimStage {
 public:
  sc_core::sc_export<cim_accumulate_if> target_export;
  /// Cumulative accumulations, updated by publish() (for VCD).
  sc_core::sc_signal<std::uint64_t> accumulations;

  /// `array` = the sub-array geometry and access mode; the timing fields come from `timing`.
  Accumulator(sc_core::sc_module_name name, const SubArrayConfig& array, const CimTimingConfig& timing);

  // cim_accumulate_if
  void clear() override;
  void program_layer(unsigned layer, unsigned inputs, unsigned outputs, unsigned row_blocks, unsigned planes, bool last,
                     const std::int32_t* thresholds, const std::uint8_t* flips) override;
  void write_thresholds(unsigned layer, const std::int32_t* thresholds) override;
  void begin(unsigned layer, std::size_t n) override;
  AccumulatorTarget target(unsigned col_block, unsigned plane) override;
  void accumulated(const ArrayActivity& activity, unsigned plane) override;
  void finish(Word* out, std::size_t out_stride, unsigned next_rows, sc_core::sc_time& delay) override;
  /// Row-major n × M view (built from the column-block buffer when asked; see blocks_).
  const std::int32_t* sums() const override;
  void reserve(std::size_t n) override;
  void clear_range(unsigned layer, std::size_t n, std::size_t v0, std::size_t v1) override;
  AccumulatorTarget target_of(unsigned layer, std::size_t n, unsigned col_block, unsigned plane) const override;
  void activate_range(unsigned layer, std::size_t n, std::size_t v0, std::size_t v1, Word* out,
                      std::size_t out_stride, unsigned next_rows) const override;
  void resume(unsigned layer, std::size_t n) override;
  void finish_accounting(sc_core::sc_time& delay) override;

  // CimStage
  void reset() override { clear(); }
  /// Writes the cumulative counters to the traced signals (call from one process only).
  void publish() override;
  void trace(sc_core::sc_trace_file* tf) const override;
  /// accumulations, shift_adds, activations (threshold compares), vectors, layer_passes,
  /// threshold_words (threshold registers written by write_thresholds).
  const CounterSet& counters() const override { return counters_; }
  /// Width of layer `layer`'s sums: signed_bits_for(2 · K · (2^planes − 1)) (half PS units).
  unsigned sum_bits(unsigned layer) const;
  /// Scope macro: `accumulate` (adds of sum_bits into the layer's sums: one per column,
  /// sub-array read set and vector; shift_adds are a subset, the shift is wiring),
  /// `column_accumulate` (group / row_by_row only: every sensed value is first added into
  /// its column's signed_bits_for(R)-bit accumulator), `activation` (threshold compare of
  /// sum_bits), `threshold_write` (only when thresholds were written: per 32-bit threshold
  /// word written by write_thresholds, a 32-bit register write of the technology's `reg`
  /// storage, as an MMIO register write); area items
  /// from the counts of count_macro_resources per layer: `accumulator_bits` (group /
  /// row_by_row per-column accumulators of signed_bits_for(R) bits), `adder_bits`
  /// (row-block adder tree) and `activation_bits` (threshold units), both sum_bits wide;
  /// layer rows (energy).  docs/ppa.md.
  void price(const TechParams& tech, PpaLedger& ledger) const override;

 private:
  struct Layer {
    unsigned inputs = 0, outputs = 0, row_blocks = 0, planes = 1;
    bool last = false;
    std::vector<std::int64_t> threshold2;  ///< 2·threshold
    std::vector<std::uint8_t> flip;
  };
  /// Events of one layer index over the run (kept across clear()).
  struct LayerStats {
    std::uint64_t tree_adds = 0, column_adds = 0, activations = 0;
  };
  const SubArrayConfig array_;
  const unsigned cols_;
  sc_core::sc_time t_acc_, t_act_;
  std::vector<Layer> layers_;
  std::vector<LayerStats> stats_;
  const Layer* cur_ = nullptr;
  unsigned cur_index_ = 0;
  std::size_t n_ = 0;
  // The sums, column-block major: block cb holds n vectors × cols_ sums (row stride cols_) at
  // cb · n · cols_, so each column block's accumulators are one contiguous range.  The sense
  // stage's threads each write whole column blocks; with the row-major n × M layout the
  // blocks of two threads interleave every M sums and a read on two threads ran no faster
  // than on one (docs/performance.md, "Threads").  The layout depends on n only, not on
  // the layer, so the threads of a two-pass tile may be in different layers at once.
  std::vector<std::int32_t> blocks_;
  mutable std::vector<std::int32_t> rows_;  // row-major copy for sums()
  mutable bool rows_valid_ = false;
  /// Vector i's M sums of layer L in a tile of n into h (row-major).
  void gather_row(const Layer& L, std::size_t n, std::size_t i, std::int32_t* h) const;
  const Layer& programmed(unsigned layer, const char* what) const;
  CounterSet counters_;
  std::size_t c_accumulations_, c_shift_adds_, c_activations_, c_vectors_, c_layer_passes_, c_threshold_words_;
};

}  // namespace cimvp
