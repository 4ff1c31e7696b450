// RRAM crossbar cells (Tang et al., "Binary Convolutional Neural Network on RRAM",
// ASP-DAC 2017; docs/rram.md, "Cells").  Layer 1: plain C++17, no SystemC.
//
// Device: a resistive cell between a row (input) and a column (output) line, optionally with
// an access transistor (1T1R) or without (0T1R, a bare crossbar point).  Its conductance is
// programmed to one of L = 2^cell_bits levels evenly spaced in conductance between the
// high-resistance state G_HRS and the low-resistance state G_LRS:
//     G(l) = G_HRS + l · ΔG,   ΔG = (G_LRS − G_HRS) / (L − 1),   l = 0 .. L − 1
// (binary mode: L = 2, G(0) = G_HRS, G(1) = G_LRS).  Reading with voltage x·V_read on a row
// makes the cell carry x·V_read·G (Ohm's law); a column sums its cells' currents (Kirchhoff).
// Wire resistance and sneak paths are not modelled (ideal virtual-ground column).
//
// Signed weights (one stored weight per crossbar row × logical column):
//  * differential pair (default; 2 cells per weight, 2 physical columns per logical column):
//      w ∈ [−(L−1), L−1] integer, G+ = G(max(w, 0)), G− = G(max(−w, 0)),
//      I = Σ_r x_r · V_read · (G+_r − G−_r) = V_read · ΔG · Σ_r x_r·w_r.
//    ±1 weights (binary mode): +1 → (G_LRS, G_HRS), −1 → (G_HRS, G_LRS).
//  * reference column (option; 1 cell per weight + 1 reference column per crossbar):
//      w ∈ {−(L−1), −(L−3), …, L−1} (w = 2l − (L−1)), G = G(l), every reference cell at
//      G_ref = (G_HRS + G_LRS)/2, the reference column's current is subtracted from every
//      column:  I = Σ_r x_r · V_read · (G_r − G_ref) = V_read · (ΔG/2) · Σ_r x_r·w_r.
//    ±1 weights: +1 → G_LRS, −1 → G_HRS.  The reference cell needs the mid conductance
//    (a multi-level-capable device, or two cells HRS‖LRS at half the read voltage).
// Cost (docs/rram.md): differential: 2·R·C cells and 2·C physical columns for an R×C weight
// block; reference: R·C + R cells and C + 1 physical columns (one extra column's cells and
// one subtraction per column, the current-mirror subtractor of Table III's "8bit SUB").
//
// Normalized partial sum: PS = I / I_unit with I_unit = V_read·ΔG (differential) or
// V_read·ΔG/2 (reference) = Σ_r x_r·w_r exactly for ideal cells.  PS is what the sensing
// stages take (Quantizer::level, column ADC / MLSA of sense.h, column_adc.h).
//
// Multi-bit weights ("signal splitting", Tang et al.): an unsigned magnitude of n bits is
// split into S = ⌈n / b⌉ slices of b = cell_bits bits (slice s = bits [s·b, s·b + b) of the
// magnitude, least significant first), each slice on its own column (pair), and the digital
// side shift-adds:  Σ_s PS_s · 2^(s·b).  A signed n-bit weight on differential pairs stores
// its (n − 1)-bit magnitude (the sign picks the cell of the pair): S = ⌈(n − 1)/b⌉ — the
// seed's variation table stores 8-bit weights on 7-bit cells, 1 slice.
//
// Non-idealities (seeded, reproducible; random.h):
//  * device-to-device variation, log-normal:  G' = G · exp(σ·N(0,1)), σ ∈ [0, 1]; G' > 0
//    whenever G > 0 (never negative); the median is G, the mean G·exp(σ²/2).  One normal
//    deviate per physical cell (row-major over the physical columns, reference column last),
//    from std::mt19937_64(derive_seed(seed, {kStreamRramVariation, layer, rb, cb})).  The
//    factor belongs to the device: it multiplies whatever level is programmed, stuck or not.
//  * stuck-at faults: one 64-bit draw per physical cell (same order) from
//    derive_seed(seed, {kStreamRramStuck, layer, rb, cb}); u = top 53 bits / 2^53; the
//    cell is stuck at HRS when u < rate_hrs, at LRS when rate_hrs ≤ u < rate_hrs + rate_lrs.
//    A stuck cell keeps that conductance whatever is programmed.
//
// Write (SET: toward LRS, RESET: toward HRS): energy and time per pulse are device
// parameters (defaults below, sourced).  Programming counts one SET pulse per cell whose
// level rises and one RESET pulse per cell whose level falls (single pulse per change;
// program-and-verify loops of multi-level cells are not modelled), rows written one after
// the other with all cells of a row pulsed in parallel: time = Σ_rows (t_SET if the row has
// a SET) + (t_RESET if it has a RESET).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cimvp {

/// Random stream ids (first id of derive_seed, random.h).
constexpr std::uint64_t kStreamRramVariation = 8;
constexpr std::uint64_t kStreamRramStuck = 9;

/// RRAM device kinds (Tang et al. Table III): cell area (1 + W/L)·3F² and 0.052 mW (1T1R),
/// 4F² and 0.06 mW (0T1R); the cell math is the same, the kinds differ in cost.
enum class RramDevice : std::uint8_t {
  one_t_one_r = 0,   ///< "1t1r": access transistor + resistor
  zero_t_one_r = 1,  ///< "0t1r": bare crossbar point (selector-less)
};
const char* to_string(RramDevice d);
/// "1t1r" | "0t1r"; throws std::invalid_argument naming the allowed values.
RramDevice parse_rram_device(const std::string& s);

/// How a signed weight is formed from cells (see the file comment).
enum class RramWeightScheme : std::uint8_t {
  differential_pair = 0,  ///< "differential": two cells per weight, I = V·(G+ − G−)
  reference_column = 1,   ///< "reference": one cell per weight + one reference column
};
const char* to_string(RramWeightScheme s);
/// "differential" | "reference"; throws std::invalid_argument naming the allowed values.
RramWeightScheme parse_rram_weight_scheme(const std::string& s);

/// Device and crossbar parameters.  Defaults: an HfOx 1T1R device as reviewed by
/// H.-S. P. Wong et al., "Metal–Oxide RRAM", Proc. IEEE 100(6), 2012 (LRS ≈ 10 kΩ, on/off
/// ≈ 100, switching in ≈ 10 ns at ≈ 100 µA, read well below the switching voltage).
struct RramCellConfig {
  RramDevice device = RramDevice::one_t_one_r;
  RramWeightScheme scheme = RramWeightScheme::differential_pair;
  double g_lrs_us = 100.0;  ///< LRS conductance, µS (10 kΩ); > g_hrs_us
  double g_hrs_us = 1.0;    ///< HRS conductance, µS (1 MΩ); > 0
  double v_read_v = 0.2;    ///< read voltage of an input of 1, V; > 0
  unsigned cell_bits = 1;   ///< bits per cell, 1 (binary mode) .. 8; L = 2^cell_bits levels
  /// SET / RESET pulse: V·I·t with V_SET = 2 V, V_RESET = 1.5 V, 100 µA, 10 ns (Wong 2012).
  double set_energy_pj = 2.0;
  double reset_energy_pj = 1.5;
  double set_time_ns = 10.0;
  double reset_time_ns = 10.0;
  double variation_sigma = 0.0;  ///< σ of ln G (device-to-device), [0, 1]
  double stuck_hrs_rate = 0.0;   ///< fraction of cells stuck at HRS, [0, 1]
  double stuck_lrs_rate = 0.0;   ///< fraction stuck at LRS, [0, 1]; sum of both ≤ 1
  std::uint64_t seed = 1;

  /// Throws std::invalid_argument naming the field, its value and the allowed range, e.g.
  /// "RramCellConfig.variation_sigma = 2: expected 0 .. 1".
  void validate() const;
  unsigned levels() const { return 1u << cell_bits; }
  double on_off_ratio() const { return g_lrs_us / g_hrs_us; }
  /// ΔG between adjacent levels, µS.
  double level_step_us() const { return (g_lrs_us - g_hrs_us) / static_cast<double>(levels() - 1); }
  /// G(l) in µS, l < levels() (throws std::out_of_range otherwise).
  double level_conductance_us(unsigned level) const;
  /// Smallest and largest weight one cell (pair) holds: ±(L−1).
  int weight_max() const { return static_cast<int>(levels()) - 1; }
  /// Reference scheme: weights must have the parity of L − 1 (odd for L ≥ 2).
  bool weight_allowed(int w) const;
  /// Current of one unit product (x = 1, w = 1), µA: V·ΔG (differential) or V·ΔG/2.
  double unit_current_ua() const;
  /// Cells per stored weight (2 or 1) and extra reference columns per crossbar (0 or 1).
  unsigned cells_per_weight() const { return scheme == RramWeightScheme::differential_pair ? 2u : 1u; }
  unsigned reference_columns() const { return scheme == RramWeightScheme::reference_column ? 1u : 0u; }
};

/// Signal splitting: slices of `magnitude_bits` bits on cells of `cell_bits` bits,
/// ⌈magnitude_bits / cell_bits⌉ (≥ 1).  Throws std::invalid_argument for 0 bits.
unsigned weight_slices(unsigned magnitude_bits, unsigned cell_bits);
/// The slices of `magnitude` (< 2^magnitude_bits), least significant first.
std::vector<unsigned> split_weight(std::uint32_t magnitude, unsigned magnitude_bits, unsigned cell_bits);
/// Shift-add of per-slice values: Σ_s v_s · 2^(s·cell_bits).
double shift_add(const std::vector<double>& per_slice, unsigned cell_bits);

/// Keyed per-cell draws of the datapath's RRAM arrays (ArrayBank, layer_banks.h): every
/// physical cell is named by (layer, row, column, side) — row = the layer input k, column =
/// the neuron j (side 0: the G+ cell or the single cell of the reference scheme, side 1: the
/// G− cell of a pair) or the column block cb (side 2: the reference cell of row k in that
/// crossbar) — so a cell's draws do not depend on tiling or call order (except the reference
/// cells, which belong to a crossbar).  Variation: factor exp(σ·z) with z from
/// derive_seed(seed, {kStreamRramVariation, layer, row, column, side}) through one Box–Muller
/// transform (two splitmix64 outputs); 1 when σ = 0.
double rram_variation_factor(const RramCellConfig& cfg, std::uint64_t layer, std::uint64_t row, std::uint64_t column,
                             unsigned side);
/// Stuck state of a keyed cell: u = top 53 bits of splitmix64(derive_seed(seed,
/// {kStreamRramStuck, layer, row, column, side})) / 2^53; −1 (HRS) when u < stuck_hrs_rate,
/// +1 (LRS) when u < stuck_hrs_rate + stuck_lrs_rate, else 0.
int rram_stuck_state(const RramCellConfig& cfg, std::uint64_t layer, std::uint64_t row, std::uint64_t column,
                     unsigned side);

/// The two conductances behind one ±1 weight of the datapath (binary mode, cell_bits = 1)
/// and the partial-sum weight they give:
///   differential: a = G+, b = G−, weight = (a − b) / (G_LRS − G_HRS);
///   reference:    a = G, b = G_ref of row k in column block cb, weight = (a − b) / ((G_LRS − G_HRS)/2).
/// Ideal cells give weight = w exactly (±1); conductances are > 0 always (log-normal factor).
struct RramWeightCells {
  double a_us = 0.0, b_us = 0.0;  ///< conductances, µS (after stuck states and variation)
  double weight = 0.0;            ///< column current / unit_current_ua() per unit input
};
/// w must be ±1 (std::invalid_argument otherwise); cfg.cell_bits must be 1.
RramWeightCells rram_weight_cells(const RramCellConfig& cfg, std::uint64_t layer, unsigned k, unsigned j, unsigned cb,
                                  int w);
/// Multi-level version (full bit-level mode, docs/rram.md "Accuracy under variation"): an
/// integer weight w of a cfg.cell_bits-bit device, L = cfg.levels():
///   differential: |w| ≤ L − 1, G+ = G(max(w, 0)), G− = G(max(−w, 0)), weight = (a − b) / ΔG;
///   reference:    w = 2l − (L − 1) (cfg.weight_allowed), G = G(l), b = G_ref,
///                 weight = (a − b) / (ΔG / 2);
/// each cell's draws keyed exactly as rram_weight_cells (stuck state, then variation factor),
/// so for cell_bits = 1 and w = ±1 both functions give the same cells.  Ideal cells give
/// weight = w up to rounding.  Throws std::invalid_argument for a weight out of range.
RramWeightCells rram_level_weight_cells(const RramCellConfig& cfg, std::uint64_t layer, unsigned k, unsigned j,
                                        unsigned cb, int w);
/// True when cfg has neither variation nor stuck cells (every weight exactly ±1).
inline bool rram_ideal(const RramCellConfig& cfg) {
  return cfg.variation_sigma == 0.0 && cfg.stuck_hrs_rate == 0.0 && cfg.stuck_lrs_rate == 0.0;
}

/// Energy and time of programming a crossbar.
struct RramWriteCost {
  std::size_t sets = 0, resets = 0;
  double energy_pj = 0.0;
  double time_ns = 0.0;
};

/// One crossbar of rows × cols logical weights (physical columns: 2·cols or cols + 1),
/// identified by (layer, rb, cb) for its seeded variation and faults.  Starts erased
/// (every cell at HRS, i.e. weight 0 on a pair, −(L−1) on the reference scheme).
class RramCrossbar {
 public:
  RramCrossbar(const RramCellConfig& cfg, unsigned rows, unsigned cols, std::uint64_t layer = 0, unsigned rb = 0,
               unsigned cb = 0);

  unsigned rows() const { return rows_; }
  unsigned cols() const { return cols_; }
  unsigned physical_columns() const { return phys_cols_; }
  std::size_t cells() const { return std::size_t{rows_} * phys_cols_; }

  /// Programs rows×cols weights (row-major); each must satisfy cfg.weight_allowed, else
  /// std::invalid_argument naming the index and the allowed range.  Returns the cost of
  /// the pulses that change a level (stuck cells are pulsed too: the controller does not
  /// know them).
  RramWriteCost program(const std::vector<int>& weights);

  /// Conductance of physical cell (row, physical column), µS, after variation and faults.
  double conductance_us(unsigned row, unsigned phys_col) const { return g_[std::size_t{row} * phys_cols_ + phys_col]; }
  /// Stuck state of a physical cell: 0 healthy, −1 stuck at HRS, +1 stuck at LRS.
  int stuck(unsigned row, unsigned phys_col) const { return stuck_[std::size_t{row} * phys_cols_ + phys_col]; }

  /// Column currents (µA, one per logical column) for row inputs x (rows() values, in
  /// units of V_read: 0/1 HBNN, ±1 XNOR, DAC codes for multi-bit inputs):
  /// differential I_c = V Σ_r x_r (G_{r,2c} − G_{r,2c+1}); reference I_c = V Σ_r x_r
  /// (G_{r,c} − G_{r,ref}).  Throws std::invalid_argument for a wrong input length.
  std::vector<double> column_currents_ua(const std::vector<double>& x) const;
  /// Normalized partial sums: column_currents_ua(x) / cfg.unit_current_ua().
  std::vector<double> partial_sums(const std::vector<double>& x) const;

 private:
  void apply();  // levels_ → g_ (stuck, variation)

  RramCellConfig cfg_;
  unsigned rows_, cols_, phys_cols_;
  std::vector<unsigned> levels_;    // programmed level per physical cell
  std::vector<double> factor_;      // variation factor per physical cell
  std::vector<std::int8_t> stuck_;  // 0, −1 HRS, +1 LRS
  std::vector<double> g_;           // effective conductance, µS
};

}  // namespace cimvp
