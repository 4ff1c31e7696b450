// The two halves of a binary layer mapped onto sub-arrays (docs/circuit.md, "Mapping"):
// the cells (ArrayBank) and the column sensing (SenseBank).  They are the single definition
// of tiling, seeding and quantization: circuit::MappedLayer (the golden reference) is an
// ArrayBank + a SenseBank, the SystemC array stage holds ArrayBanks and the sense stages
// hold SenseBanks, so the hardware and the reference cannot drift apart.
//
// Tiling: a layer y = W·x, W ∈ {±1}^{M×K}, splits into ⌈K/R⌉ row blocks × ⌈M/C⌉ column
// blocks; sub-array (rb, cb) holds inputs [rb·R, rb·R + R) on its rows and neurons
// [cb·C, cb·C + C) on its columns (padding beyond K and M).
// Seeds (random streams, first id of derive_seed): cell factors {kStreamCellFactor, layer,
// rb, cb}; converter offsets and noise as SenseConfig::offsets / ConversionNoise say;
// stuck cells {kStreamStuckCell, ...} (ArrayBank) and dead converters {kStreamDeadSense,
// ...} (SenseBank) as faults.h says.
// RRAM cells (CellVariationConfig::kind = rram, docs/rram.md): each ±1 weight W[j][k] is a
// differential pair (or a cell against the crossbar's reference column) of binary RRAM
// cells; its normalized column current rram_weight_cells(...).weight (rram_cell.h) becomes
// the SubArray cell factor w·weight, so the sensing gets PS = I / I_unit = Σ_k x_k·weight.
// Variation (stream 8) and stuck HRS/LRS cells (stream 9) are keyed per (layer, k, j, side),
// independent of the tiling; ideal RRAM cells set no factor and give the SRAM results exactly.
// Layer 1: plain C++17, no SystemC.
#pragma once

#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/row_dac.h"
#include "cimvp/circuit/sense.h"
#include "cimvp/circuit/sub_array.h"

#include <cstdint>
#include <vector>

namespace cimvp {

/// The programmed sub-arrays of one layer.
class ArrayBank {
 public:
  ArrayBank() = default;
  /// weights: M×K row-major (neuron j, input k), each ±1.  kind must be supported by
  /// array.mode.  Cell factors 1 + N(0, σ) per sub-array from derive_seed(cells.seed,
  /// {kStreamCellFactor, layer_id, rb, cb}) when cells.sigma > 0; stuck cells
  /// (cells.faults, faults.h stuck_cells) override the programmed weights.  Throws
  /// std::invalid_argument.  cells.kind = rram: cells.rram replaces the SRAM variation and
  /// faults (see the file comment).
  ArrayBank(unsigned inputs, unsigned outputs, const std::int8_t* weights, InputKind kind, const SubArrayConfig& array,
            const CellVariationConfig& cells, std::uint64_t layer_id);

  unsigned inputs() const { return K_; }
  unsigned outputs() const { return M_; }
  InputKind kind() const { return kind_; }
  /// Cell technology the bank was built with.
  ArrayKind cell_kind() const { return cell_kind_; }
  unsigned row_blocks() const { return nrb_; }
  unsigned col_blocks() const { return ncb_; }
  bool empty() const { return arrays_.empty(); }
  const SubArrayConfig& config() const { return array_; }
  const SubArray& sub_array(unsigned rb, unsigned cb) const { return arrays_.at(std::size_t{rb} * ncb_ + cb); }
  /// Sensing segments of each row block (as its sub-arrays sense them).
  std::vector<std::vector<Segment>> segments() const;

  /// Events of one row write (weight update of the two-way array, docs/two-way-training.md).
  struct RowWrite {
    std::uint64_t rows = 0;           ///< sub-array rows written (column blocks with a written cell)
    std::uint64_t cells_written = 0;  ///< cells whose target differed from the stored bit (driven)
    std::uint64_t cells_changed = 0;  ///< cells whose stored bit changed (written minus stuck cells)
    RowWrite& operator+=(const RowWrite& o);
  };
  /// Writes the weights of input k (layer row k: W[j][k] for every neuron j, given as
  /// column[j], M values ±1) into row k mod R of the sub-arrays of row block k / R.  Only
  /// the cells whose stored bit differs from the target are written; stuck cells (faults.h)
  /// keep their value.  Throws std::out_of_range (k >= K), std::invalid_argument (not ±1) or
  /// std::logic_error (an rram bank: RRAM row writes are not modelled).
  RowWrite write_row(unsigned k, const std::int8_t* column);

 private:
  unsigned K_ = 0, M_ = 0, nrb_ = 0, ncb_ = 0;
  InputKind kind_ = InputKind::bipolar;
  ArrayKind cell_kind_ = ArrayKind::sram;
  SubArrayConfig array_;
  std::vector<SubArray> arrays_;  ///< [rb·ncb + cb]
  std::vector<std::vector<std::int8_t>> stuck_;  ///< [rb·ncb + cb] R×C stuck values, empty without faults
};

/// The programmed column sensing of one layer: a transfer function per (row block, plane,
/// segment), static offsets per sub-array (rb, cb), compiled into SenseTables per
/// (rb, cb, plane).  row_by_row access has no converter (digital(): 1-bit SAs, exact).
class SenseBank {
 public:
  SenseBank() = default;
  /// segments[rb]: the sensing segments of row block rb; cols: C.  Nominal transfer
  /// functions (SenseConfig::nominal) everywhere; when sense.needs_calibration() a
  /// (rb, plane) is usable only after calibrate() or program().  drive: the row-DAC drive
  /// range of a supported layer (row_dac.h); its segments then reach drive_range(rows, kind,
  /// drive) and the transfer functions cover that range.  A nonlinear MLSA cannot be used
  /// with supports (its calibration is O(L·D²) over D = 2·rows·FS/LSB + 1 values, and a few
  /// levels cannot resolve the support-weighted sums: the design senses with the column ADC).
  /// Throws std::invalid_argument.
  SenseBank(std::vector<std::vector<Segment>> segments, unsigned col_blocks, unsigned planes, InputKind kind,
            unsigned cols, AccessMode access, const SenseConfig& sense, std::uint64_t layer_id,
            const DriveRange& drive = DriveRange{});

  unsigned row_blocks() const { return static_cast<unsigned>(segments_.size()); }
  unsigned col_blocks() const { return ncb_; }
  unsigned planes() const { return planes_; }
  InputKind kind() const { return kind_; }
  bool empty() const { return segments_.empty(); }
  bool digital() const { return access_ == AccessMode::row_by_row; }
  const SenseConfig& config() const { return cfg_; }
  const std::vector<Segment>& segments(unsigned rb) const { return segments_.at(rb); }
  const DriveRange& drive() const { return drive_; }
  /// Reachable partial sums of a segment of `rows` rows (drive_range()).
  PsRange range(unsigned rows) const { return drive_range(rows, kind_, drive_); }
  /// PS units of one fully driven row: 1 for binary drive, the row DAC's full scale for a
  /// supported layer (SenseConfig::nominal: the bit line's linear range scales with it).
  unsigned row_scale() const { return drive_.supported() ? drive_.full_scale : 1u; }

  /// Transfer functions of (rb, plane), one per segment.
  const std::vector<Quantizer>& quantizers(unsigned rb, unsigned plane) const;
  bool usable(unsigned rb, unsigned plane) const;
  /// Every (rb, plane) usable.
  bool ready() const;
  /// Calibrates (rb, plane) on one histogram per segment (SenseConfig::calibrated).
  void calibrate(unsigned rb, unsigned plane, const std::vector<PsHistogram>& per_segment);
  /// Programs (rb, plane) directly (e.g. a reference table from a descriptor): one transfer
  /// function per segment, range matching the segment, at most SenseConfig::max_references()
  /// references.  Returns the number of references programmed.  Throws std::invalid_argument.
  std::uint64_t program(unsigned rb, unsigned plane, std::vector<Quantizer> per_segment);
  /// Compiled tables of sub-array (rb, cb), plane p; throws std::logic_error when digital().
  const SenseTable& table(unsigned rb, unsigned cb, unsigned plane) const;
  /// Noise of a read of sub-array (rb, cb), plane p whose first vector is `first_vector`
  /// (sigma 0 unless SenseConfig::noisy()).
  ConversionNoise noise(unsigned rb, unsigned cb, unsigned plane, std::uint64_t first_vector) const;
  /// Sense tables compiled so far (for counters).
  std::uint64_t tables_built() const { return tables_built_; }

 private:
  void build(unsigned rb, unsigned plane);
  std::vector<std::vector<Segment>> segments_;
  unsigned ncb_ = 0, planes_ = 1, cols_ = 0;
  InputKind kind_ = InputKind::bipolar;
  AccessMode access_ = AccessMode::parallel;
  SenseConfig cfg_;
  DriveRange drive_;
  std::uint64_t layer_ = 0, tables_built_ = 0;
  std::vector<std::vector<Quantizer>> q_;  ///< [rb·planes + p][segment]
  std::vector<std::uint8_t> usable_;       ///< [rb·planes + p]
  std::vector<MlsaOffsets> offsets_;       ///< [rb·ncb + cb]
  std::vector<std::vector<std::uint8_t>> dead_;  ///< [rb·ncb + cb]: dead column converters (faults.h)
  std::vector<SenseTable> tables_;         ///< [(rb·ncb + cb)·planes + p]
};

}  // namespace cimvp
