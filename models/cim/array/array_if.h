// Interface of the array stage of the CIM datapath (docs/cim-macro.md, "Stages"): the
// bitcell arrays that hold a layer's weights and are read by word-line vectors.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/sub_array.h"

#include <systemc>

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace cimvp {

/// One read of one row block of a layer for a batch: the word lines of every sub-array of
/// row block `row_block` (all column blocks, read at the same time) are driven by n vectors.
struct ArrayRead {
  unsigned layer = 0, row_block = 0, plane = 0;
  const Word* x = nullptr;  ///< n vectors, x_stride words apart; bit r drives row r of the block
  std::size_t x_stride = 0;
  std::size_t n = 0;
  std::uint64_t first_vector = 0;  ///< index of the first vector since the network was loaded
};

/// One transposed read of a whole layer (two-way array, docs/two-way-training.md): n signed
/// error vectors e[i·M + j] (b-bit two's complement) drive the columns of every sub-array,
/// bit-serially; the rows' sensed sums are shift-added and added into
/// out_half[i·K + k] (half PS units; circuit::TransposedBank::evaluate).
struct TransposedArrayRead {
  unsigned layer = 0;
  const std::int32_t* e = nullptr;  ///< n × M errors
  std::size_t n = 0;
  unsigned error_bits = 8;          ///< b, 1..8
  std::int64_t* out_half = nullptr; ///< n × K, accumulated into
};

/// Interface of the bitcell arrays (exported by BitcellArray).
class cim_array_if : public virtual sc_core::sc_interface {
 public:
  /// Erases every programmed layer (the sub-arrays become free).
  virtual void clear() = 0;
  /// Programs layer `layer` (weight-stationary): K inputs, M outputs, weights M×K row-major
  /// ±1, inputs of kind `kind`.  std::invalid_argument on bad shapes or values.
  virtual void program_layer(unsigned layer, unsigned inputs, unsigned outputs, InputKind kind,
                             const std::int8_t* weights) = 0;
  /// The programmed sub-arrays of a layer (the drive stage derives its drives from them).
  virtual const ArrayBank& bank(unsigned layer) const = 0;
  /// The sensing segments of each row block of a programmed layer.
  virtual std::vector<std::vector<Segment>> segments(unsigned layer) const = 0;
  /// One read (see ArrayRead): every column block's column quantities go to the MLSAs
  /// (sense_port); the read latency (all column blocks in parallel) is added to `delay`.
  virtual void read(const ArrayRead& read, sc_core::sc_time& delay) = 0;
  /// Two-pass tiles (docs/cim-macro.md, "Two-pass tiles"): true when the reads of layer
  /// `layer` can be split into evaluate() on vector ranges and one account() (the default:
  /// false; never with a row-DAC drive, whose events are counted per read).
  virtual bool splits_reads(unsigned /*layer*/) const { return false; }
  /// Pass 1: senses vectors [v0, v1) of the read on the sub-arrays of column blocks
  /// [cb0, cb1) into the accumulator's tile sums and adds column block cb's events to
  /// per_cb[cb]; no counters, no latency.  Thread-safe for disjoint vector ranges.
  /// std::out_of_range when cb1 exceeds the layer's column blocks.  The default throws
  /// std::logic_error.
  virtual void evaluate(const ArrayRead& /*read*/, std::size_t /*v0*/, std::size_t /*v1*/, unsigned /*cb0*/,
                        unsigned /*cb1*/, ArrayActivity* /*per_cb*/) const {
    throw std::logic_error("this array stage cannot split its reads");
  }
  /// Pass 2: the rest of read() for a read whose vectors pass 1 evaluated, per_cb holding
  /// each column block's summed events: drive, latency (added to `delay`), counters and the
  /// sense stage's accounting.  read() = evaluate(vectors [0, n), every column block) +
  /// account().  The default throws.
  virtual void account(const ArrayRead& /*read*/, const ArrayActivity* /*per_cb*/, sc_core::sc_time& /*delay*/) {
    throw std::logic_error("this array stage cannot split its reads");
  }
  /// Transposed read of a programmed layer (two-way arrays only; the default throws
  /// std::logic_error): the read latency is added to `delay`.
  virtual void read_transposed(const TransposedArrayRead& /*read*/, sc_core::sc_time& /*delay*/) {
    throw std::logic_error("this array stage has no transposed read (two-way arrays only)");
  }
  /// Weight update (two-way arrays only; the default throws std::logic_error): writes the
  /// weights of input k of layer `layer` (column[j] = W[j][k], M values ±1) into its row;
  /// only cells whose stored bit differs are written.  The write latency is added to `delay`.
  virtual ArrayBank::RowWrite write_row(unsigned /*layer*/, unsigned /*k*/, const std::int8_t* /*column*/,
                                        sc_core::sc_time& /*delay*/) {
    throw std::logic_error("this array stage cannot write rows (two-way arrays only)");
  }
};

}  // namespace cimvp
