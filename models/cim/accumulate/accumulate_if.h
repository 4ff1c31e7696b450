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
  /// Counts the additions of one converted read of bit plane `plane` (the adds overlap the
  /// sensing: no delay; a plane above 0 is a shift-add).
  virtual void accumulated(const ArrayActivity& activity, unsigned plane) = 0;
  /// Ends the layer: adds its digital latency to `delay`; a hidden layer writes its
  /// activations for the n vectors to `out` (stride words per vector, the row-block layout
  /// of cim_blocked_words for row blocks of `next_rows` rows; the words are overwritten).
  virtual void finish(Word* out, std::size_t out_stride, unsigned next_rows, sc_core::sc_time& delay) = 0;
  /// The sums of the current layer: n × M, half PS units.
  virtual const std::int32_t* sums() const = 0;

  // ---- Two-pass tiles (docs/cim-macro.md, "Two-pass tiles") --------------------------------
  // Pass 1 runs vector ranges of a tile of n vectors through every layer on several threads;
  // its calls are thread-safe as long as the threads' vector ranges are disjoint.  Pass 2,
  // on the SystemC thread, replays the layers for the whole tile with resume() and
  // finish_accounting() in place of begin() and finish(): counters and latency only.

  /// Sizes the sums for tiles of n vectors of every programmed layer (before pass 1).
  virtual void reserve(std::size_t n) = 0;
  /// Pass 1: clears the sums of vectors [v0, v1) of layer `layer` in a tile of n vectors.
  /// std::logic_error when the layer is not programmed or reserve(n) was not called.
  virtual void clear_range(unsigned layer, std::size_t n, std::size_t v0, std::size_t v1) = 0;
  /// Pass 1: destination of column block cb, plane `plane` of layer `layer` in a tile of n
  /// vectors (vector 0; vector i at sums + i · stride) — the target() of begin(layer, n).
  virtual AccumulatorTarget target_of(unsigned layer, std::size_t n, unsigned col_block, unsigned plane) const = 0;
  /// Pass 1: the activations of vectors [v0, v1) of hidden layer `layer` in a tile of n
  /// vectors, written as finish() writes them (out = vector 0's words).
  virtual void activate_range(unsigned layer, std::size_t n, std::size_t v0, std::size_t v1, Word* out,
                              std::size_t out_stride, unsigned next_rows) const = 0;
  /// Pass 2: as begin(layer, n), but the sums pass 1 computed are kept.
  virtual void resume(unsigned layer, std::size_t n) = 0;
  /// Pass 2: as finish() without writing activations (latency and counters only).
  virtual void finish_accounting(sc_core::sc_time& delay) = 0;
};

}  // namespace cimvp
