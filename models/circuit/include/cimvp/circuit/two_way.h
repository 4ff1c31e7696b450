// Two-way 8T SRAM array (Jiang et al., "A Two-way SRAM Array based Accelerator for Deep
// Neural Network On-chip Training", DAC 2020; docs/two-way-training.md, "Circuit").
//
// The two-way cell stores one ±1 weight and is read in both directions from the same bits:
//   forward     y = W·x   — inputs on the rows (word lines), sums on the columns: the
//               existing SubArray path (SubArray::accumulate, MappedLayer), unchanged;
//   transposed  δ = Wᵀ·e  — inputs on the columns (the cell's column-direction read port),
//               sums on the rows, one converter per row.
// The cell kind is therefore not a third CellMode: a two-way array is an xnor_8t / hbnn_6t
// array whose forward behaviour is unchanged plus the column-driven port modelled here.
//
// Signed multi-bit inputs (back-propagated errors, b = 1..8 bits, two's complement,
// e ∈ [−2^(b−1), 2^(b−1) − 1]) are applied bit-serially on the driven columns: plane p
// drives column c when bit p of e_c's two's-complement code is 1, and the row's partial
// sum of that plane is sensed and shift-added with the plane weight
//   ω_p = 2^p (p < b − 1),   ω_{b−1} = −2^(b−1)   (the sign plane),
// so Σ_p ω_p·bit_p(e) = e exactly (two's-complement identity).  Why two's complement and
// not sign-magnitude in two passes: the sign plane is just one more plane with a negative
// digital weight, so a b-bit error costs b planes (sign-magnitude needs b − 1 magnitude
// planes twice, a positive and a negative pass, 2(b − 1) reads), every plane drives the
// column lines with the same unipolar 0/1 code, and the only change to the periphery is
// the sign of one shift-add coefficient.  The abstract of Jiang et al. names "a novel
// solution of signed number multiplication" without details; this is the inference
// documented in docs/two-way-training.md.
// Cost of one transposed read of one sub-array for n errors: b planes × n vectors ×
// S column segments array reads, one conversion per active row per read, shift-add of b
// plane values per row.
//
// Sensing (one converter per row, the datapath's SenseConfig kind and bits): plane p of
// row r, column segment s has the integer partial sum PS = Σ_{c ∈ s, bit_p(e_c) = 1} w[r][c]
// ∈ PsRange::of(|s|, unipolar); the converter's nominal transfer function for that range
// (SenseConfig::nominal: ideal / linear MLSA, ADC over the reachable range; a nonlinear MLSA
// or a calibrated ADC is programmed linear / reachable in the transposed direction, which
// has no calibration pass) maps it to a level value in half PS units.  Column segments
// follow the access mode: parallel — all active columns at once; group — groups of
// group_rows columns; row_by_row — one column per read, 1-bit sense amplifiers, exact.
// Result: out_half[n·K + k] = Σ_p ω_p · Σ_cb Σ_s sensed(p, cb, s, k), equal to
// 2·Σ_j W[j][k]·e_j exactly when every partial sum is resolved (ideal MLSA, or an ADC with
// 2^bits − 1 >= 2·|s| references, or row_by_row), quantized otherwise.
// Static converter offsets (SenseConfig::offset_sigma) of the row converters are drawn
// from random stream 10: derive_seed(seed, {kStreamTransposedSense, layer, rb, cb}), one
// converter per row.  Cell factors (CellVariationConfig) act as in the forward read
// (analog path).  Not modelled in the transposed direction: per-conversion ADC noise,
// dead converters.
//
// Tiling: a layer W (M×K, neuron j, input k) on ⌈K/R⌉ × ⌈M/C⌉ sub-arrays (layer_banks.h);
// the transposed read drives sub-array (rb, cb)'s columns with errors e_j, j ∈ [cb·C,
// cb·C + C), and its rows produce the partial δ_k, k ∈ [rb·R, rb·R + R): the column blocks
// are the summed dimension.
// Layer 1: plain C++17, no SystemC.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/sense.h"
#include "cimvp/circuit/sub_array.h"

#include <cstdint>
#include <vector>

namespace cimvp {

/// Random stream of the row converters' offsets of the transposed read (first id of derive_seed).
constexpr std::uint64_t kStreamTransposedSense = 10;
/// Widest signed error the column drivers take (bits, two's complement).
constexpr unsigned kMaxErrorBits = 8;

/// Digital weight of plane p of a b-bit two's-complement input: 2^p, or −2^(b−1) for the
/// sign plane p = b − 1.  Throws std::invalid_argument unless 1 <= b <= 8 and p < b.
int error_plane_weight(unsigned p, unsigned bits);
/// Smallest / largest value of a b-bit two's-complement error.
constexpr int error_min(unsigned bits) { return -(1 << (bits - 1)); }
constexpr int error_max(unsigned bits) { return (1 << (bits - 1)) - 1; }

/// The column-driven read port of one programmed sub-array.  Holds a row-major copy of the
/// sub-array's stored bits (refresh() after writes).
class TransposedPort {
 public:
  TransposedPort() = default;
  explicit TransposedPort(const SubArray& a) { refresh(a); }
  /// Re-reads the stored bits and cell factors of `a` (after SubArray::write_cell).
  void refresh(const SubArray& a);
  /// Re-reads row r only (after writes to cells of that row): the same state as refresh(a)
  /// when nothing else changed.  Throws std::out_of_range for r >= rows().
  void refresh_row(const SubArray& a, unsigned r);

  unsigned rows() const { return rows_; }   ///< active rows (outputs of the transposed read)
  unsigned cols() const { return cols_; }   ///< active columns (driven by errors)
  AccessMode access() const { return access_; }
  std::size_t words_per_row() const { return wpr_; }
  /// Column segments summed in one read (Segment::first_row / rows name columns here).
  const std::vector<Segment>& segments() const { return segs_; }

  // Inputs: x points at n packed column vectors (one bit plane), x_stride words apart, each
  // holding at least words_per_row() words; bit c drives column c (padding bits ignored).

  /// Ideal: ps[(n·S + s)·rows() + r] = Σ_{c ∈ segment s, bit c of x_n} w[r][c].
  void partial_sums(const Word* x, std::size_t x_stride, std::size_t n, std::vector<std::int32_t>& ps) const;
  /// acc[n·acc_stride + r] += mul · Σ_s sensed(n, s, r)  (half PS units).  parallel / group:
  /// sensed = sense.lut(s, r)[t(PS)], or sense.sense(s, r, analog) with cell factors;
  /// row_by_row: 2·PS (digital, `sense` unused).  Counts the events into *activity
  /// (wordline_activations = driven column lines).  Throws std::invalid_argument when the
  /// sense table does not match the segments.
  void accumulate(const Word* x, std::size_t x_stride, std::size_t n, const SenseTable& sense, std::int32_t mul,
                  std::int64_t* acc, std::size_t acc_stride, ArrayActivity* activity) const;

 private:
  unsigned rows_ = 0, cols_ = 0;
  AccessMode access_ = AccessMode::parallel;
  std::size_t wpr_ = 1;
  std::vector<Word> rbits_;     ///< rows × wpr, bit c = 1 when w[r][c] = +1
  std::vector<Segment> segs_;
  std::vector<Word> seg_mask_;  ///< S × wpr: the columns of each segment
  std::vector<double> g_;       ///< rows × cols effective weights w·factor, empty for ideal cells
};

/// The transposed read of one mapped layer: a TransposedPort and the row converters of
/// every sub-array of an ArrayBank.  The golden reference (evaluate()) and the SystemC
/// array stage (read_block()) run the same code.
class TransposedBank {
 public:
  TransposedBank() = default;
  /// error_bits: b (1..8).  Throws std::invalid_argument (bad bits, bad sense config).
  TransposedBank(const ArrayBank& arrays, const SenseConfig& sense, unsigned error_bits, std::uint64_t layer_id);

  unsigned error_bits() const { return bits_; }
  unsigned inputs() const { return K_; }   ///< K: outputs of the transposed read
  unsigned outputs() const { return M_; }  ///< M: errors driven
  unsigned row_blocks() const { return nrb_; }
  unsigned col_blocks() const { return ncb_; }
  bool empty() const { return ports_.empty(); }
  const TransposedPort& port(unsigned rb, unsigned cb) const { return ports_.at(std::size_t{rb} * ncb_ + cb); }
  /// Row converters of sub-array (rb, cb) (throws std::logic_error for row_by_row access).
  const SenseTable& table(unsigned rb, unsigned cb) const;
  /// True when every partial sum is resolved (the transposed read is exact).
  bool exact() const { return exact_; }
  /// Re-reads sub-array (rb, cb) of `arrays` after a write (ArrayBank::write_row).
  void refresh(const ArrayBank& arrays, unsigned rb, unsigned cb);
  /// Re-reads input row k (sub-array row k mod R of every sub-array of row block k / R)
  /// after ArrayBank::write_row(k, …): a row write costs one row per sub-array, not a refresh.
  void refresh_input_row(const ArrayBank& arrays, unsigned k);

  /// Words per plane vector of one column block (⌈C / 64⌉).
  std::size_t words_per_vector() const { return wpv_; }
  /// Bit planes of n errors e[i·M + j] (two's complement, each in [error_min(b), error_max(b)];
  /// std::invalid_argument naming the first one out of range):
  /// planes[((p·ncb + cb)·n + i)·words_per_vector() + w] — bit c is bit p of e[i·M + cb·C + c].
  void encode(const std::int32_t* e, std::size_t n, std::vector<Word>& planes) const;
  /// One read of sub-array (rb, cb) with plane p of n encoded errors:
  /// out_half[i·K + rb·R + r] += ω_p · Σ_s sensed(i, s, r).
  void read_block(const std::vector<Word>& planes, std::size_t n, unsigned rb, unsigned cb, unsigned p,
                  std::int64_t* out_half, ArrayActivity* activity) const;
  /// Golden transposed VMM: out_half (resized to n × K) = Σ over every (rb, cb, p) of read_block().
  void evaluate(const std::int32_t* e, std::size_t n, std::vector<std::int64_t>& out_half,
                ArrayActivity* activity = nullptr) const;

 private:
  unsigned K_ = 0, M_ = 0, R_ = 0, C_ = 0, nrb_ = 0, ncb_ = 0, bits_ = 8;
  std::size_t wpv_ = 1;
  bool exact_ = true;
  SenseConfig sense_;
  std::uint64_t layer_ = 0;
  std::vector<TransposedPort> ports_;  ///< [rb·ncb + cb]
  std::vector<SenseTable> tables_;     ///< [rb·ncb + cb], empty for row_by_row
  void build_table(unsigned rb, unsigned cb);
};

}  // namespace cimvp
