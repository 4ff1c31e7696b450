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
// With ideal sensing sums_half = 2·Σ_k W[j][k]·x_k exactly; with supports read through row
// DACs (support_bank.h) sums_half = 2·Σ_k drive(s_{j,⌊k/p⌋})·W[j][k]·x_k, equal to the exact
// support semantics of bnn.h when the DAC has at least b_s bits and the sensing resolves
// every level.
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/layer_banks.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/sense.h"
#include "cimvp/circuit/sub_array.h"
#include "cimvp/circuit/support_bank.h"

#include <cstdint>
#include <vector>

namespace cimvp {

/// Everything that shapes a mapped layer.
struct MappingConfig {
  SubArrayConfig array;
  SenseConfig sense;
  CellVariationConfig cells;
  DriveKind drive = DriveKind::binary;  ///< row_dac: layers with supports are read through row DACs
  RowDacConfig dac;                     ///< row_dac only
  void validate() const;
};

/// An ArrayBank (cells) + a SenseBank (column sensing) + the calibration histograms: the
/// golden reference's view of a layer, sharing tiling, seeding and quantization with the
/// SystemC stages (layer_banks.h).
class MappedLayer {
 public:
  /// weights: M×K row-major (neuron j, input k), each ±1.  kind: how the inputs drive
  /// the rows (must be supported by cfg.array.mode).  planes: number of input bit planes
  /// (1, or the input bits of a bit-serial first layer: 1..8).  layer_id: separates the
  /// random streams of layers sharing the same seeds.  supports (nullable): the layer's
  /// Supported-BinaryNet supports, read through row DACs (cfg.drive must be row_dac; a
  /// SupportBank at drop level 0, row_dac.h).  Throws std::invalid_argument.
  MappedLayer(unsigned inputs, unsigned outputs, const std::vector<std::int8_t>& weights, InputKind kind,
              unsigned planes, const MappingConfig& cfg, std::uint64_t layer_id = 0,
              const LayerSupports* supports = nullptr);

  unsigned inputs() const { return K_; }
  unsigned outputs() const { return M_; }
  unsigned planes() const { return planes_; }
  InputKind kind() const { return kind_; }
  unsigned row_blocks() const { return nrb_; }
  unsigned col_blocks() const { return ncb_; }
  const MappingConfig& config() const { return cfg_; }

  const SubArray& sub_array(unsigned rb, unsigned cb) const { return arrays_.sub_array(rb, cb); }
  const ArrayBank& arrays() const { return arrays_; }
  const SenseBank& sensing() const { return sense_; }
  bool has_supports() const { return !supports_.empty(); }
  /// The row-DAC drives (empty without supports).
  const SupportBank& supports() const { return supports_; }
  /// Drop level (per mille, 0..1000) of the supports in effect; no-op without supports.
  /// The cells and the transfer functions are unchanged (the ADC full scale is the DAC's).
  void set_drop_level(unsigned drop_permille);
  /// The programmed converters of sub-array (rb, cb) for plane p (throws in row_by_row mode).
  const SenseTable& sense_table(unsigned rb, unsigned cb, unsigned p) const { return sense_.table(rb, cb, p); }
  /// Transfer functions (one per sensing segment) of row block rb, plane p.
  const std::vector<Quantizer>& quantizers(unsigned rb, unsigned p) const { return sense_.quantizers(rb, p); }

  /// True when the sensing needs a calibration pass (nonlinear MLSA, calibrated ADC) that
  /// has not run (and no set_quantizers() covered every row block and plane).
  bool needs_calibration() const { return !sense_.ready(); }

  /// Calibration pass (SenseConfig::needs_calibration()): the ideal partial sums of the
  /// sample inputs are histogrammed per (row block, plane, sensing segment), pooled over all
  /// columns of the row block, and SenseConfig::calibrated() places the references (MLSA)
  /// or the full scale (ADC).  No-op otherwise and for row_by_row access.  planes[p] holds
  /// samples × K bits.
  void calibrate(const std::vector<BitMatrix>& planes);
  /// Programs the transfer functions of row block rb, plane p directly (e.g. references
  /// loaded from a descriptor), one per sensing segment with the matching PsRange.
  /// Counts as calibrated once every (row block, plane) has been set or calibrated.
  void set_quantizers(unsigned rb, unsigned p, std::vector<Quantizer> per_segment);
  /// Histogram of the last calibration, row block rb, plane p, segment s.
  const PsHistogram& histogram(unsigned rb, unsigned p, unsigned s) const;

  /// sums_half (resized to N×M) as in the file comment; planes[p] holds N × K bits.
  /// Adds the events to *activity when non-null.  first_vector: index in the run of the
  /// first input vector (keys the ADC conversion noise, ConversionNoise).
  void evaluate(const std::vector<BitMatrix>& planes, std::vector<std::int32_t>& sums_half,
                ArrayActivity* activity = nullptr, std::uint64_t first_vector = 0) const;
  /// Single-plane convenience overload.
  void evaluate(const BitMatrix& x, std::vector<std::int32_t>& sums_half, ArrayActivity* activity = nullptr,
                std::uint64_t first_vector = 0) const;

 private:
  using Planes = std::vector<const BitMatrix*>;
  Planes check_planes(const std::vector<BitMatrix>& planes) const;
  void evaluate_planes(const Planes& planes, std::vector<std::int32_t>& sums_half, ArrayActivity* activity,
                       std::uint64_t first_vector) const;
  /// Calls f(rb, p, x, stride, n) for every row block and plane of inputs [n0, n0 + n).
  template <typename F>
  void for_blocks(const Planes& planes, std::size_t n0, std::size_t n, std::vector<Word>& buf,
                  F&& f) const;

  unsigned K_, M_, planes_;
  InputKind kind_;
  MappingConfig cfg_;
  unsigned nrb_ = 0, ncb_ = 0;
  std::size_t wpb_ = 1;  ///< words per row block
  ArrayBank arrays_;
  SenseBank sense_;
  SupportBank supports_;
  std::vector<std::vector<PsHistogram>> histograms_;  ///< [rb·planes + p][segment]
};

}  // namespace cimvp
