// Matrix splitting of a layer onto RRAM crossbars and the bit length of partial sums
// (Tang et al., "Binary Convolutional Neural Network on RRAM", ASP-DAC 2017, slides
// "Convolver Circuit": column splitting, row splitting, signal splitting, "What is the bit
// length of the partial sum?"; docs/rram.md, "Matrix splitting").  Layer 1: plain C++17.
//
// A layer is a K×M weight matrix: dense K inputs → M outputs, or a conv layer (ConvShape)
// with K = kernel_h·kernel_w·in_c rows (one unrolled window, conv_shape.h) and M = out_c.
// A crossbar has R rows × C physical columns.  Every weight takes S = ⌈m / b⌉ slices
// (signal splitting: m magnitude bits on b-bit cells, rram_cell.h; binary weights: S = 1),
// each slice cells_per_weight cells side by side in one row (differential pair: 2,
// reference column: 1, plus one reference column per crossbar).
//   row splitting:     X_in  = ⌈K / R⌉ row blocks (the last holds K − (X_in − 1)·R rows)
//   column splitting:  X_out = ⌈M·S / m_xb⌉ column blocks, m_xb = ⌊(C − ref) / cells_per_weight⌋
//                      slice columns per crossbar (the cells of one pair never straddle
//                      two crossbars)
//   crossbars = X_in · X_out; cells used = K·M·S·cells_per_weight (+ K·X_out reference
//   cells); cells allocated = crossbars · R · C.
//
// Partial-sum bit length (derivation, docs/rram.md): a column of one row block with R'
// rows computes PS = Σ_{r<R'} x_r·w_r.  With every input x in [x_lo, x_hi] and every slice
// weight w in [w_lo, w_hi] (integers), each product lies in [p_lo, p_hi] = [min, max] of
// the four corner products, so PS ∈ [R'·p_lo, R'·p_hi]; every value of that interval on the
// lattice of the product step g is reachable (g = 2 when both x and w are ±1: x·w = ±1 and
// changing one product changes the sum by 2; g = 1 otherwise), so the column takes
// D = R'·(p_hi − p_lo)/g + 1 distinct values:
//   * code bits  = ⌈log2 D⌉: the resolution of a converter that resolves every reachable PS
//     exactly (what the ADC/SA needs);
//   * word bits  = the two's-complement width holding [PS_lo, PS_hi] (what the digital
//     adder/register needs): the smallest n with −2^(n−1) ≤ PS_lo and PS_hi ≤ 2^(n−1) − 1.
//   For ±1 inputs and ±1 weights: PS ∈ [−R', R'] step 2, D = R' + 1, code bits ⌈log2(R'+1)⌉,
//   word bits ⌈log2(R'+1)⌉ + 1 (magnitude + sign).  For 0/1 inputs and ±1 weights:
//   PS ∈ [−R', R'] step 1, D = 2R' + 1.  For a-bit unsigned DAC inputs (0 .. 2^a − 1) and
//   b-bit slices on differential pairs (−(2^b − 1) .. 2^b − 1): D = 2R'(2^a−1)(2^b−1) + 1.
// The summed result of a column over the X_in row blocks is the same formula with R' = K
// (the digital adder tree's width); after the shift-add over the S slices the weight range
// is the full magnitude ±(2^m − 1).
//
// Sensing resolution chosen (docs/rram.md): a 1-bit sense amplifier when the layer's
// output is binary and the whole column sits in one row block (X_in = 1: the SA compares
// the column current with the folded batch-norm threshold, no partial sum leaves the
// crossbar); otherwise an ADC of min(code bits of one row block, max_adc_bits) bits per
// slice column and row block (exact when code bits ≤ max_adc_bits; default 8, the widest
// converter of Table III).
#pragma once

#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/conv_shape.h"
#include "cimvp/circuit/rram_cell.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace cimvp {

/// Range and bit lengths of the partial sums of a column (see the file comment).
struct PartialSumBits {
  std::int64_t lo = 0, hi = 0;  ///< smallest and largest reachable sum
  std::int64_t step = 1;        ///< lattice step of reachable sums (2 for ±1·±1)
  std::uint64_t values = 1;     ///< D = (hi − lo)/step + 1
  unsigned code_bits = 0;       ///< ⌈log2 D⌉ (0 when D = 1)
  unsigned word_bits = 1;       ///< two's-complement width holding [lo, hi]
};

/// The partial-sum bits of `rows` rows with inputs in [x_lo, x_hi] and weights in
/// [w_lo, w_hi]; `bipolar_both` = inputs and weights are both ±1 only (step 2).  Throws
/// std::invalid_argument for rows = 0, an empty interval or a sum outside ±2^61.
PartialSumBits partial_sum_bits(std::uint64_t rows, std::int64_t x_lo, std::int64_t x_hi, std::int64_t w_lo,
                                std::int64_t w_hi, bool bipolar_both = false);

/// Inputs of a layer as the rows see them.
struct RowInput {
  unsigned bits = 1;  ///< 1: binary (see `kind`); a ≥ 2: unsigned DAC codes 0 .. 2^a − 1
  InputKind kind = InputKind::bipolar;  ///< 1-bit inputs only: {0,1} or ±1
  std::int64_t lo() const;
  std::int64_t hi() const;
};

/// Weights of a layer and the crossbar they are split onto.
struct SplitConfig {
  unsigned xbar_rows = 128;  ///< R, 1 .. 65536
  unsigned xbar_cols = 128;  ///< C physical columns, 1 .. 65536
  /// 1: binary ±1 weights; n ≥ 2: signed n-bit weights, magnitude n − 1 bits (sign on the
  /// pair), 2 .. 16.
  unsigned weight_bits = 1;
  unsigned cell_bits = 1;  ///< bits per RRAM cell, 1 .. 8
  RramWeightScheme scheme = RramWeightScheme::differential_pair;
  RowInput input;
  bool binary_output = true;  ///< the layer's output is thresholded to one bit (BCNN)
  unsigned max_adc_bits = 8;  ///< widest ADC available, 1 .. 16
  /// Throws std::invalid_argument naming the field, its value and the allowed range.
  void validate() const;
  /// Bits of the stored magnitude: 1 for binary weights, weight_bits − 1 otherwise.
  unsigned magnitude_bits() const { return weight_bits == 1 ? 1 : weight_bits - 1; }
  /// Slices per weight: 1 for binary weights, ⌈magnitude_bits / cell_bits⌉ otherwise.
  unsigned slices() const;
};

/// How one K×M matrix splits, and what its sensing needs.
struct MatrixSplit {
  std::size_t k = 0, m = 0;      ///< matrix rows (inputs) and columns (outputs)
  unsigned slices = 1;           ///< S (signal splitting)
  unsigned slice_cols_per_xbar = 0;  ///< m_xb
  unsigned row_blocks = 0;       ///< X_in (row splitting)
  unsigned col_blocks = 0;       ///< X_out (column splitting)
  unsigned last_block_rows = 0;  ///< rows of the last row block
  std::size_t crossbars = 0;     ///< X_in · X_out
  std::size_t cells_used = 0;    ///< K·M·S·cells_per_weight + reference cells
  std::size_t cells_allocated = 0;  ///< crossbars · R · C
  PartialSumBits block_ps;       ///< one slice column of a full row block (R' = min(K, R))
  PartialSumBits column_ps;      ///< one slice column summed over the row blocks (R' = K)
  PartialSumBits result_ps;      ///< the full weight after shift-add, over K rows
  bool sense_amp = false;        ///< a 1-bit SA suffices (binary output, X_in = 1)
  unsigned sense_bits = 1;       ///< chosen SA/ADC resolution
  bool exact = true;             ///< the chosen resolution resolves every block sum
  std::size_t converters = 0;    ///< SA/ADCs: M·S·X_in
  std::size_t row_drivers = 0;   ///< DACs / 1-bit drivers: K·X_out
};

/// Splits a dense K×M layer.  Throws std::invalid_argument (bad config or K, M = 0).
MatrixSplit split_matrix(std::size_t k, std::size_t m, const SplitConfig& cfg);
/// Splits a conv layer: K = kernel_h·kernel_w·in_c, M = out_c (shape.check() must pass).
MatrixSplit split_conv(const ConvShape& shape, const SplitConfig& cfg);

}  // namespace cimvp
