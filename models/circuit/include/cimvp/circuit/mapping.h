// Mapping of a binary layer onto sub-arrays (docs/circuit.md, "Mapping").
//
// A layer y = W·x with W ∈ {±1}^{M×K} is split over ⌈K/R⌉ row blocks × ⌈M/C⌉ column
// blocks of R×C sub-arrays.  Sub-array (rb, cb) holds inputs k ∈ [rb·R, rb·R + R) on its
// rows and neurons j ∈ [cb·C, cb·C + C) on its columns; rows and columns beyond K and M
// are padding.  The sensed values of the row blocks are added digitally, and for a
// bit-serial input the plane sums are shifted and added (plane p weighs 2^p):
//
//   sums_half[n·M + j] = Σ_p 2^p · Σ_rb sensed_{rb,p}(n, j)        (half PS units)
//
// With ideal sensing sums_half = 2·Σ_k W[j][k]·x_k exactly.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/sub_array.h"

#include <cstdint>
#include <vector>

namespace cimvp {

/// Everything that shapes a mapped layer.
struct MappingConfig {
  SubArrayConfig array;
  MlsaConfig mlsa;
  CellVariationConfig cells;
  void validate() const;
};

class MappedLayer {
 public:
  /// weights: M×K row-major (neuron j, input k), each ±1.  kind: how the inputs drive
  /// the rows (must be supported by cfg.array.mode).  planes: number of input bit planes
  /// (1, or the input bits of a bit-serial first layer: 1..8).  layer_id: separates the
  /// random streams of layers sharing the same seeds.  Throws std::invalid_argument.
  MappedLayer(unsigned inputs, unsigned outputs, const std::vector<std::int8_t>& weights, InputKind kind,
              unsigned planes, const MappingConfig& cfg, std::uint64_t layer_id = 0);

  unsigned inputs() const { return K_; }
  unsigned outputs() const { return M_; }
  unsigned planes() const { return planes_; }
  InputKind kind() const { return kind_; }
  unsigned row_blocks() const { return nrb_; }
  unsigned col_blocks() const { return ncb_; }
  const MappingConfig& config() const { return cfg_; }

  const SubArray& sub_array(unsigned rb, unsigned cb) const { return arrays_.at(std::size_t{rb} * ncb_ + cb); }
  /// The programmed MLSAs of sub-array (rb, cb) for plane p (empty in row_by_row mode).
  const SenseTable& sense_table(unsigned rb, unsigned cb, unsigned p) const;
  /// Nominal transfer functions (one per sensing segment) of row block rb, plane p.
  const std::vector<Quantizer>& quantizers(unsigned rb, unsigned p) const { return nominal_.at(std::size_t{rb} * planes_ + p); }

  /// True when the MLSAs are nonlinear and calibrate() has not run yet.
  bool needs_calibration() const;

  /// Calibration pass for nonlinear MLSAs: the ideal partial sums of the sample inputs
  /// are histogrammed per (row block, plane, sensing segment), pooled over all columns
  /// of the row block, and Quantizer::nonlinear() places the references.  No-op for
  /// linear / ideal MLSAs and row_by_row access.  planes[p] holds samples × K bits.
  void calibrate(const std::vector<BitMatrix>& planes);
  /// Programs the transfer functions of row block rb, plane p directly (e.g. references
  /// loaded from a descriptor), one per sensing segment with the matching PsRange.
  /// Counts as calibrated once every (row block, plane) has been set or calibrated.
  void set_quantizers(unsigned rb, unsigned p, std::vector<Quantizer> per_segment);
  /// Histogram of the last calibration, row block rb, plane p, segment s.
  const PsHistogram& histogram(unsigned rb, unsigned p, unsigned s) const;

  /// sums_half (resized to N×M) as in the file comment; planes[p] holds N × K bits.
  /// Adds the events to *activity when non-null.
  void evaluate(const std::vector<BitMatrix>& planes, std::vector<std::int32_t>& sums_half,
                ArrayActivity* activity = nullptr) const;
  /// Single-plane convenience overload.
  void evaluate(const BitMatrix& x, std::vector<std::int32_t>& sums_half, ArrayActivity* activity = nullptr) const;

 private:
  using Planes = std::vector<const BitMatrix*>;
  Planes check_planes(const std::vector<BitMatrix>& planes) const;
  void evaluate_planes(const Planes& planes, std::vector<std::int32_t>& sums_half, ArrayActivity* activity) const;
  void build_tables();
  /// Calls f(rb, p, x, stride, n) for every row block and plane of inputs [n0, n0 + n).
  template <typename F>
  void for_blocks(const Planes& planes, std::size_t n0, std::size_t n, std::vector<Word>& buf,
                  F&& f) const;

  unsigned K_, M_, planes_;
  InputKind kind_;
  MappingConfig cfg_;
  unsigned nrb_ = 0, ncb_ = 0;
  std::size_t wpb_ = 1;  ///< words per row block
  bool calibrated_ = false;
  std::vector<std::uint8_t> programmed_;              ///< [rb·planes + p]: set by set_quantizers()
  std::vector<SubArray> arrays_;                      ///< [rb·ncb + cb]
  std::vector<MlsaOffsets> offsets_;                  ///< [rb·ncb + cb]
  std::vector<std::vector<Quantizer>> nominal_;       ///< [rb·planes + p][segment]
  std::vector<std::vector<PsHistogram>> histograms_;  ///< [rb·planes + p][segment]
  std::vector<SenseTable> tables_;                    ///< [(rb·ncb + cb)·planes + p]
};

}  // namespace cimvp
