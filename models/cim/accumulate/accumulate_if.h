// Interface of the accumulate stage of the CIM datapath (docs/cim-macro.md, "Stages"):
// adders over row blocks, shift-add over bit planes, the batch-norm threshold activation.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/sub_array.h"

#include <systemc>

#include <cstddef>
#include <cstdint>

namespace cimvp {

/// Where the sensed levels of one column block go: level values of vector i, column c are
/// added, multiplied by 2^shift, to sums[i·stride + c] (half PS units).
struct AccumulatorTarget {
  std::int32_t* sums = nullptr;
  std::size_t stride = 0;
  unsigned shift = 0;
};

/// Interface of the accumulator / activation unit (exported by Accumulator).
class cim_accumulate_if : public virtual sc_core::sc_interface {
 public:
  /// Forgets every programmed layer.
  virtual void clear() = 0;
  /// Programs layer `layer`: K inputs, M outputs, ⌈K/R⌉ row blocks, `planes` bit planes; a
  /// hidden layer gets M thresholds and M flips (0/1), the last layer none (nullptr).
  virtual void program_layer(unsigned layer, unsigned inputs, unsigned outputs, unsigned row_blocks, unsigned planes,
                             bool last, const std::int32_t* thresholds, const std::uint8_t* flips) = 0;
  /// Replaces the M thresholds of programmed hidden layer `layer` (the THRESHOLDS command of a
  /// two-way macro, learned thresholds; flips unchanged).  Throws std::invalid_argument for
  /// an unprogrammed or last layer.
  virtual void write_thresholds(unsigned layer, const std::int32_t* thresholds) = 0;
  /// Starts layer `layer` for n vectors: its sums are cleared.
  virtual void begin(unsigned layer, std::size_t n) = 0;
  /// Destination of the levels of column block cb (of C columns), bit plane `plane`.
  virtual AccumulatorTarget target(unsigned col_block, unsigned plane) = 0;
  /// Counts the additions of one converted read (the adds overlap the sensing: no delay).
  virtual void accumulated(const ArrayActivity& activity) = 0;
  /// Ends the layer: adds its digital latency to `delay`; a hidden layer writes its
  /// activations for the n vectors to `out` (stride words per vector, the row-block layout
  /// of cim_blocked_words for row blocks of `next_rows` rows; the words are overwritten).
  virtual void finish(Word* out, std::size_t out_stride, unsigned next_rows, sc_core::sc_time& delay) = 0;
  /// The sums of the current layer: n × M, half PS units.
  virtual const std::int32_t* sums() const = 0;
};

}  // namespace cimvp
