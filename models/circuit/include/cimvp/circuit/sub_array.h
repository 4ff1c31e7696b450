// One R×C sub-array of the parallel SRAM BNN macro and its column sensing
// (docs/circuit.md, "Sub-array").
//
// Column c of a sub-array holds the weights of one output neuron over the R rows the
// sub-array covers.  An evaluation drives the word lines with a batch of N input vectors
// and yields N×C sensed values, in three separable steps:
//   1. array contents + inputs → analog column quantity per sensing segment
//      (partial_sums(): ideal integer PS; analog_partial_sums(): with per-cell factors),
//   2. sensing: the MLSA of each column maps it to a level (SenseTable / Quantizer),
//   3. digital: level values (half PS units) are added (accumulate()).
// accumulate() fuses the three steps; without cell variation its inner loop is one
// XOR/AND + popcount + table look-up + add per (input, column).
#pragma once

#include "cimvp/circuit/bitpack.h"
#include "cimvp/circuit/cell_mode.h"
#include "cimvp/circuit/faults.h"
#include "cimvp/circuit/quantizer.h"
#include "cimvp/circuit/random.h"
#include "cimvp/circuit/rram_cell.h"

#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

class SubArrayDrive;

/// How the rows of a sub-array are read.
enum class AccessMode : std::uint8_t {
  parallel = 0,    ///< all active rows at once, one MLSA conversion per column
  group = 1,       ///< groups of group_rows rows, one MLSA conversion per group and column
  row_by_row = 2,  ///< conventional: one row per read, 1-bit sensing, exact digital MAC
};

const char* to_string(AccessMode a);
/// Parses "parallel" | "group" | "row_by_row"; throws std::invalid_argument otherwise.
AccessMode parse_access_mode(const std::string& s);

constexpr unsigned kMaxSubArrayRows = 1024;
constexpr unsigned kMaxSubArrayCols = 4096;

struct SubArrayConfig {
  unsigned rows = 64;                    ///< R, 1..1024
  unsigned cols = 64;                    ///< C, 1..4096
  CellMode mode = CellMode::xnor_8t;
  AccessMode access = AccessMode::parallel;
  unsigned group_rows = 8;               ///< g for AccessMode::group, 1..rows
  /// Throws std::invalid_argument naming the field and the allowed range.
  void validate() const;
};

/// Largest relative σ of the cell current accepted (CellVariationConfig::validate).
constexpr double kMaxCellSigma = kMaxRelativeSigma;

/// Per-cell current variation: each cell's contribution is scaled by a factor drawn from
/// 1 + N(0, sigma) truncated to (0, ∞) (redrawn while <= 0), so that no cell conducts a
/// negative current.  The truncated mean is 1 + σ·φ(1/σ)/Φ(1/σ) (1.0000 at σ = 0.25, 1.29 at
/// σ = 1); docs/circuit.md.
/// Cell technology of the array stage (`cim.array.kind`, docs/rram.md): SRAM bitcells
/// (Liu et al. DAC 2018) or RRAM cells (Tang et al. ASP-DAC 2017, rram_cell.h) holding the
/// same ±1 weights; ideal cells of either give the same integer partial sums.
enum class ArrayKind : std::uint8_t {
  sram = 0,  ///< "sram": 6T / 8T bitcells; variation `sigma`, stuck cells `faults`
  rram = 1,  ///< "rram": binary RRAM cells (HRS/LRS) on differential pairs or a reference column
};
const char* to_string(ArrayKind k);
/// "sram" | "rram"; throws std::invalid_argument naming the allowed values.
ArrayKind parse_array_kind(const std::string& s);

struct CellVariationConfig {
  double sigma = 0.0;        ///< relative σ of the cell current, 0..kMaxCellSigma; 0 = ideal cells (sram only)
  std::uint64_t seed = 1;
  CellFaultConfig faults;    ///< stuck-at cells (faults.h), applied by ArrayBank (sram only)
  ArrayKind kind = ArrayKind::sram;
  /// rram only: device, weight scheme, conductances, variation σ of ln G, stuck HRS/LRS rates
  /// and their seed (rram_cell.h; cell_bits must be 1: the datapath stores ±1 weights).
  RramCellConfig rram;
  /// Throws std::invalid_argument; for rram also when sigma > 0 or faults are set (the RRAM
  /// device has its own variation_sigma and stuck rates).
  void validate() const;
};

/// Events of an evaluation, for the SystemC counters and the PPA model.
struct ArrayActivity {
  std::uint64_t array_reads = 0;           ///< read cycles of one sub-array
  std::uint64_t wordline_activations = 0;  ///< word lines driven (WL or WLB)
  std::uint64_t mlsa_conversions = 0;      ///< multi-level conversions (one column, one read)
  std::uint64_t sa_reads = 0;              ///< 1-bit sense-amplifier reads (row_by_row)
  std::uint64_t accumulations = 0;         ///< sensed values added into digital sums
  std::uint64_t binary_macs = 0;           ///< useful binary multiply-accumulates (active cells × inputs)
  // Row DAC (Supported-BinaryNet, row_dac.h); 0 with binary word lines.
  std::uint64_t dac_programmings = 0;      ///< row-DAC programmings (column groups × read calls)
  std::uint64_t dac_conversions = 0;       ///< row DACs whose input changed (row_dac.h)
  std::uint64_t support_reads = 0;         ///< support codes read from the support buffer

  ArrayActivity& operator+=(const ArrayActivity& o) {  // inline: summed per read and per tile
    array_reads += o.array_reads;
    wordline_activations += o.wordline_activations;
    mlsa_conversions += o.mlsa_conversions;
    sa_reads += o.sa_reads;
    accumulations += o.accumulations;
    binary_macs += o.binary_macs;
    dac_programmings += o.dac_programmings;
    dac_conversions += o.dac_conversions;
    support_reads += o.support_reads;
    return *this;
  }
  bool operator==(const ArrayActivity& o) const;
  bool operator!=(const ArrayActivity& o) const { return !(*this == o); }
};

/// Per-conversion noise of one read of one sub-array (column ADC, docs/column-adc.md): every
/// conversion of column c, sensing segment s, for input n adds adc_noise(sigma, seed, layer,
/// row_block, col_block, plane, s·kMaxSubArrayCols + c, first_vector + n) to the analog value
/// before sensing.  sigma = 0: no noise.
struct ConversionNoise {
  double sigma = 0.0;             ///< PS units
  std::uint64_t seed = 0;         ///< AdcConfig::seed
  unsigned layer = 0, row_block = 0, col_block = 0, plane = 0;
  std::uint64_t first_vector = 0; ///< index in the run of the read's first input vector
};

/// Rows [first_row, first_row + rows) sensed together in one read.
struct Segment {
  unsigned first_row = 0;
  unsigned rows = 0;
};

/// Random reference offsets of the MLSAs of one sub-array: one MLSA per column, each
/// with `refs` comparators, offset N(0, sigma) each (PS units), drawn column by column.
class MlsaOffsets {
 public:
  MlsaOffsets() = default;
  MlsaOffsets(unsigned cols, unsigned refs, double sigma, std::uint64_t seed);
  /// Given offsets: values[c·refs + k] shifts reference k of column c (PS units), e.g. one
  /// input-referred offset per column ADC repeated over its references (adc_offsets()).
  /// Throws std::invalid_argument unless values.size() == cols·refs and all are finite.
  static MlsaOffsets from_values(unsigned cols, unsigned refs, std::vector<double> values);
  bool empty() const { return v_.empty(); }
  unsigned cols() const { return cols_; }
  unsigned refs() const { return refs_; }
  /// The offsets of column c's comparators, nullptr when empty().
  const double* column(unsigned c) const { return v_.empty() ? nullptr : v_.data() + std::size_t{c} * refs_; }

 private:
  unsigned cols_ = 0;
  unsigned refs_ = 0;
  std::vector<double> v_;
};

/// The programmed MLSAs of one sub-array for one evaluation: a nominal transfer function
/// per sensing segment, shifted per column by that column's MLSA offsets, compiled into
/// look-up tables lut(s, c)[t] (t = LUT index of the PS, see PsRange).
class SenseTable {
 public:
  SenseTable() = default;
  SenseTable(std::vector<Quantizer> per_segment, unsigned cols, const MlsaOffsets& offsets = MlsaOffsets());

  unsigned segments() const { return static_cast<unsigned>(q_.size()); }
  unsigned cols() const { return cols_; }
  const Quantizer& quantizer(unsigned s) const { return q_[s]; }
  const std::int32_t* lut(unsigned s, unsigned c) const { return lut_.data() + lut_start_[std::size_t{s} * cols_ + c]; }
  /// Where each column's table of segment s starts, in entries from column 0's: lut(s, c) =
  /// lut(s, 0) + lut_offsets(s)[c] (the gather indices of the SIMD kernels; cols() entries).
  const std::int32_t* lut_offsets(unsigned s) const { return lut_rel_.data() + std::size_t{s} * cols_; }
  /// Sensed value (half units) of an analog value on column c, segment s.
  std::int32_t sense(unsigned s, unsigned c, double analog) const;
  /// Kills the converters of the flagged columns (dead[c] != 0, faults.h): whatever the bit
  /// line carries they output the lowest (or highest) level value of their segment's
  /// transfer function, in the LUT and in sense().
  void set_dead_columns(const std::vector<std::uint8_t>& dead, DeadLevel level);

 private:
  std::vector<Quantizer> q_;
  unsigned cols_ = 0;
  unsigned refs_per_col_ = 0;
  std::vector<double> offsets_;  ///< cols × refs_per_col_, or empty
  std::vector<std::int32_t> lut_;
  std::vector<std::uint32_t> lut_start_;
  std::vector<std::int32_t> lut_rel_;  ///< lut_start_ minus the segment's column 0 entry
  void index_luts();
  std::vector<std::uint8_t> dead_;  ///< per column, empty when none is dead
  DeadLevel dead_level_ = DeadLevel::low;
};

/// Instruction set of the parallel-access read kernels of SubArray::accumulate (one word per
/// column, i.e. rows <= 64; docs/performance.md, "Kernels"): scalar = the blocked scalar
/// kernels (compiled with and without POPCNT, picked by the loader), avx2 = 8 columns per
/// step with the nibble-table popcount (VPSHUFB/VPSADBW) and gathered look-ups (VPGATHERDD),
/// avx512 = the same with the 8 columns' words in one register and one VPOPCNTQ (AVX-512F/VL
/// + VPOPCNTDQ).  Every path gives the same integers (unit test [kernels] runs each
/// available one).  Ordered: a CPU offering one offers those before it.
enum class KernelIsa : std::uint8_t { scalar, avx2, avx512 };
/// The best path this CPU offers (detected once at load time); the default.
KernelIsa best_kernel_isa();
/// The path accumulate() uses now.
KernelIsa kernel_isa();
/// Selects the path for every SubArray (tests, benchmarks).  Throws std::invalid_argument
/// when `isa` exceeds best_kernel_isa().  Call while no read runs.
void set_kernel_isa(KernelIsa isa);
const char* to_string(KernelIsa isa);

class SubArray {
 public:
  explicit SubArray(const SubArrayConfig& cfg);

  const SubArrayConfig& config() const { return cfg_; }

  /// Stores the weights: cell (r, c) = w[c·col_stride + r] (±1) for r < n_rows,
  /// c < n_cols.  Other cells are padding: their word lines are never driven and their
  /// columns never sensed.  Throws on bad sizes or values.
  void program(const std::int8_t* w, unsigned n_rows, unsigned n_cols, std::size_t col_stride);
  unsigned active_rows() const { return n_rows_; }
  unsigned active_cols() const { return n_cols_; }
  /// Stored weight (±1), 0 for a padding cell.
  int weight(unsigned r, unsigned c) const;
  /// Writes one active cell (weight update of the two-way array, two_way.h): stores v (±1)
  /// in cell (r, c) and returns true when the stored value changed.  Cell factors stay
  /// attached to the cell.  Throws std::out_of_range for a padding or out-of-range cell and
  /// std::invalid_argument for v not ±1.
  bool write_cell(unsigned r, unsigned c, std::int8_t v);
  std::size_t words_per_column() const { return wpc_; }
  const Word* column_bits(unsigned c) const { return wbits_.data() + c * wpc_; }

  /// The sensing segments of the active rows for the access mode (parallel: one;
  /// group: ⌈n/g⌉ of g rows, the last may be shorter; row_by_row: one per row).
  const std::vector<Segment>& segments() const { return segs_; }

  /// Per-cell current factors 1 + N(0, sigma) truncated to (0, ∞) (a draw <= 0 is redrawn),
  /// drawn row-major over all R×C cells from std::mt19937_64(seed).  sigma == 0 restores
  /// ideal cells; sigma outside [0, kMaxCellSigma] throws std::invalid_argument.
  void set_cell_variation(double sigma, std::uint64_t seed);
  /// Arbitrary per-cell factors (R×C row-major; e.g. RRAM conductance spread).  Empty = ideal.
  void set_cell_factors(std::vector<double> factors);
  bool has_cell_factors() const { return !factors_.empty(); }
  double cell_factor(unsigned r, unsigned c) const { return factors_.empty() ? 1.0 : factors_[std::size_t{r} * cfg_.cols + c]; }

  // Inputs: x points at n_inputs packed vectors, x_stride words apart, each holding at
  // least words_per_column() words; bit r drives row r (bits of padding rows are ignored).

  /// Step 1, ideal: ps[(n·S + s)·active_cols() + c] = Σ_{r in segment s} w[r][c]·x_n[r].
  void partial_sums(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                    std::vector<std::int32_t>& ps) const;
  /// Step 1, analog: as partial_sums() with each driven cell contributing
  /// w·x·factor(r, c)·row_gain[r] (row_gain nullable = all 1).
  void analog_partial_sums(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                           const double* row_gain, std::vector<double>& out) const;

  /// Steps 1–3: for every input n and active column c,
  ///   acc[n·acc_stride + c] += 2^shift · Σ_s sensed(n, s, c)        (half PS units)
  /// parallel / group: sensed = sense.lut(s, c)[t(PS)], or the MLSA applied to the analog
  /// value when cell factors are set; row_by_row: the exact 2·PS (digital, `sense` unused).
  /// Adds the events to *activity when non-null.  With `noise` (sigma > 0) every conversion
  /// senses the analog value plus its keyed noise (analog path, no look-up tables).
  void accumulate(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                  const SenseTable& sense, unsigned shift, std::int32_t* acc, std::size_t acc_stride,
                  ArrayActivity* activity, const ConversionNoise* noise = nullptr) const;

  /// Supported-BinaryNet read (row_dac.h): as accumulate() with every driven row r of column
  /// c weighted by its drive d.level(c, piece(r)) (× d.gains()[r] and the cell factor on the
  /// analog path), i.e. PS_c = Σ_r drive·w·x per segment; `sense` must be built for
  /// drive_range(segment rows, kind, d.range()).  Integer path (no gains, no cell factors, no
  /// noise): PS by popcount per support piece, then the table look-up.  Counts the column-
  /// select schedule: array_reads n·S·G, conversions n·S·C, word lines per read as
  /// accumulate() × G, dac_programmings G, dac_conversions and support_reads of d.
  /// Throws std::invalid_argument for row_by_row access or a drive of another sub-array.
  void accumulate_supported(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                            const SubArrayDrive& d, const SenseTable& sense, unsigned shift, std::int32_t* acc,
                            std::size_t acc_stride, ArrayActivity* activity,
                            const ConversionNoise* noise = nullptr) const;
  /// Ideal integer supported partial sums (drive levels, no gains): ps[(n·S + s)·C + c].
  void supported_partial_sums(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind,
                              const SubArrayDrive& d, std::vector<std::int32_t>& ps) const;

  /// The events accumulate() would count, without evaluating.
  ArrayActivity activity(const Word* x, std::size_t x_stride, std::size_t n_inputs, InputKind kind) const;

  /// Transposed read (two-way SRAM extension, ideal digital model): columns driven by
  /// signed multi-bit inputs e, rows sensed:
  ///   out[n·out_stride + r] = Σ_{c < active_cols} w[r][c]·e[n·e_stride + c],  r < active_rows.
  void transposed_mac(const std::int32_t* e, std::size_t e_stride, std::size_t n_inputs, std::int64_t* out,
                      std::size_t out_stride) const;

  /// One (word, mask) piece of a segment's rows.
  struct Piece {
    std::uint32_t word;
    Word mask;
  };

 private:
  void check_kind(InputKind kind) const;
  void check_sense(InputKind kind, const SenseTable& sense, const SubArrayDrive* d = nullptr) const;
  void check_drive(const SubArrayDrive& d) const;
  void rebuild_weights();

  SubArrayConfig cfg_;
  std::size_t wpc_ = 1;                    ///< words per column
  unsigned n_rows_ = 0, n_cols_ = 0;       ///< active rows / columns
  std::vector<Word> wbits_;                ///< C × wpc, column-major, bit 1 = +1
  std::vector<std::int8_t> w_;             ///< R × C row-major, ±1 (0 = padding)
  std::vector<Word> active_mask_;          ///< wpc words: active rows
  std::vector<Segment> segs_;
  std::vector<PsRange> seg_ranges_[2];  ///< PsRange::of(segment rows, kind), by InputKind
  std::vector<std::vector<Piece>> seg_pieces_;
  std::vector<double> factors_;            ///< R × C row-major, or empty
  std::vector<double> g_;                  ///< R × C row-major effective weight w·factor (when factors set)
};

}  // namespace cimvp
