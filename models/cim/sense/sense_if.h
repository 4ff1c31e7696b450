// Interface of the sensing stage of the CIM datapath (docs/cim-macro.md, "Stages"):
// whatever converts a column's analog quantity into a level value — an MLSA, a column
// ADC — implements cim_sense_if and is bound to the array stage's sense port.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/row_dac.h"
#include "cimvp/circuit/sub_array.h"

#include <systemc>

#include <cstddef>
#include <cstdint>
#include <vector>

namespace cimvp {

/// The column quantities of one sub-array read for a batch of n input vectors.  They are
/// handed over as the programmed sub-array plus the word-line vectors that drive it, and the
/// consumer evaluates them (ideal partial sums by popcount, or analog values with per-cell
/// factors) while it senses: the same values as materialising n × C column quantities,
/// without the memory traffic (the fused kernel SubArray::accumulate).
struct ColumnBatch {
  const SubArray* array = nullptr;
  InputKind kind = InputKind::bipolar;
  unsigned layer = 0, row_block = 0, col_block = 0, plane = 0;
  const Word* x = nullptr;    ///< n vectors, x_stride words apart, bit r drives row r
  std::size_t x_stride = 0;
  std::size_t n = 0;
  std::uint64_t first_vector = 0;  ///< index of the first vector since the network was loaded
  /// Row-DAC drive of the sub-array (Supported-BinaryNet), nullptr for binary word lines:
  /// the read then follows the column-group schedule (SubArray::accumulate_supported).
  const SubArrayDrive* drive = nullptr;
};

class cim_sense_if : public virtual sc_core::sc_interface {
 public:
  /// Forgets every programmed layer.
  virtual void clear() = 0;
  /// Declares layer `layer`: the sensing segments of each row block (as the array senses
  /// them), the number of column blocks and bit planes and the input kind.  Nominal transfer
  /// functions; those that need calibration (nonlinear MLSA, calibrated ADC) wait for program().
  /// `drive`: the row-DAC drive range of a supported layer (DriveRange{}: binary word lines),
  /// which the transfer functions must cover (SenseBank).
  virtual void program_layer(unsigned layer, const std::vector<std::vector<Segment>>& segments,
                             unsigned col_blocks, unsigned planes, InputKind kind,
                             const DriveRange& drive = DriveRange{}) = 0;
  /// Programs the transfer functions of (row block, plane): one per segment.
  /// std::invalid_argument when they do not fit the segments or the converter.
  virtual void program(unsigned layer, unsigned row_block, unsigned plane, std::vector<Quantizer> per_segment) = 0;
  /// True when every (row block, plane) of the layer has usable transfer functions.
  virtual bool ready(unsigned layer) const = 0;
  /// Time the converters of one sub-array take for one read of one vector and segment
  /// (mux columns one after the other); the array stage adds it to its read time.
  virtual sc_core::sc_time conversion_time() const = 0;
  /// Senses the column quantities of one read and hands the levels to the accumulator.
  /// Adds the events to `activity` and the sensing latency to `delay`.
  virtual void convert(const ColumnBatch& batch, ArrayActivity& activity, sc_core::sc_time& delay) = 0;
  /// The column batches of one read of several sub-arrays at once (e.g. every column block
  /// of a row block, read at the same time): the same as convert(batches[i], activity[i],
  /// delay[i]) for i = 0, 1, …, count − 1 in that order.  The batches must write disjoint
  /// accumulator ranges.  An implementation may evaluate them on several threads (joined
  /// before it returns); the results must be those of the sequential calls.
  virtual void convert_all(const ColumnBatch* batches, std::size_t count, ArrayActivity* activity,
                           sc_core::sc_time* delay) {
    for (std::size_t i = 0; i < count; ++i) convert(batches[i], activity[i], delay[i]);
  }
  /// Two-pass tiles (docs/cim-macro.md, "Two-pass tiles"), pass 1: senses vectors [v0, v1)
  /// of the batch into the accumulator's tile sums (cim_accumulate_if::target_of) and adds
  /// their events to `activity`; no counters, no latency.  Thread-safe for disjoint vector
  /// ranges.  convert(batch) = evaluate_range(batch, 0, n) + account(batch).
  virtual void evaluate_range(const ColumnBatch& batch, std::size_t v0, std::size_t v1,
                              ArrayActivity& activity) const = 0;
  /// Pass 2: the bookkeeping of a batch whose vectors pass 1 evaluated, given their summed
  /// events `evaluated`: counters, the accumulator's notification, `evaluated` added to
  /// `activity` and the sensing latency to `delay` — as convert() does.
  virtual void account(const ColumnBatch& batch, const ArrayActivity& evaluated, ArrayActivity& activity,
                       sc_core::sc_time& delay) = 0;
};

}  // namespace cimvp
