// Pricing of counted events (energy, latency, area) from a TechParams, and a closed-form
// estimator of one BNN macro read (docs/ppa.md).
//
// Every module prices its own counters with these functions: there is no central switch
// on module types.  All functions are pure; the per-event ones are inline and cheap.
// Counts are std::uint64_t, results double; units are in the names.
#pragma once

#include "cimvp/circuit/ppa_tech.h"

#include <cstdint>

namespace cimvp {

// ---- bitcell array -------------------------------------------------------------------

/// Energy of cells conducting in a read: (active word lines × columns) cell events.
inline double bitcell_read_energy_pj(const TechParams& t, CellKind k, std::uint64_t cell_events) {
  return static_cast<double>(cell_events) * t.bitcell(k).read.energy_pj;
}
/// Energy of precharging `columns` columns once each.
inline double precharge_energy_pj(const TechParams& t, CellKind k, std::uint64_t columns) {
  return static_cast<double>(columns) * t.bitcell(k).precharge.energy_pj;
}
/// Energy of `activations` word-line activations.
inline double wl_driver_energy_pj(const TechParams& t, CellKind k, std::uint64_t activations) {
  return static_cast<double>(activations) * t.bitcell(k).wl_driver.energy_pj;
}
/// Latency of one array read: precharge, then word lines on while the bit lines develop.
/// (The file's constants; array_read_costs() gives the latency of a given R×C.)
inline double array_read_latency_ns(const TechParams& t, CellKind k) {
  const BitcellTech& c = t.bitcell(k);
  return c.precharge.latency_ns + c.wl_driver.latency_ns + c.read.latency_ns;
}

/// Per-event costs of reading one R×C sub-array of cell kind k (docs/ppa.md, "Array costs
/// from geometry").  With a geometry in the technology (BitcellTech::geometry) they are
/// derived for this R and C: parallel reads from parallel_read_cost(), row-by-row reads
/// (`row_by_row`: one word line at V_DD, 1-bit sense) from row_read_cost().  Without one
/// (RRAM Table III, hand-built technologies) the file's per-event constants are used for
/// every size and both schemes.  Throws std::invalid_argument for R or C of 0.
struct ArrayEventCosts {
  double wordline_pj = 0.0;   ///< one word-line activation
  double cell_pj = 0.0;       ///< one conducting cell (active word line × column)
  double precharge_pj = 0.0;  ///< one column precharged for one read
  double latency_ns = 0.0;    ///< one read: precharge + word line + evaluate
  bool derived = false;       ///< true when computed from the geometry
};
ArrayEventCosts array_read_costs(const TechParams& t, CellKind k, unsigned rows, unsigned cols, bool row_by_row);

/// Per-event costs of a transposed read of an R×C two-way sub-array (column lines driven,
/// row lines sensed; docs/two-way-training.md): with a geometry, array_read_costs' formulas on
/// transposed_geometry() with R and C exchanged — `wordline_pj` is one column-line drive,
/// `precharge_pj` one row line precharged, `cell_pj` one conducting cell; without one, the
/// file's per-event constants (the same in both directions).  Throws as array_read_costs.
ArrayEventCosts transposed_read_costs(const TechParams& t, CellKind k, unsigned rows, unsigned cols, bool row_by_row);

/// Weight update of a two-way array, where only the cells whose bit changes are written:
/// `cell_pj` per cell written (its bit line driven and restored), `row_pj` per row write (the
/// word line), `row_latency_ns` per row write.  With a geometry: row_write_cost()'s column_fj,
/// wordline_fj and latency; without one, the file's `cell_write` (energy per cell, latency
/// per row; row_pj 0), all zero when it gives none.
struct CellWriteCosts {
  double cell_pj = 0.0;
  double row_pj = 0.0;
  double row_latency_ns = 0.0;
  bool derived = false;  ///< true when computed from the geometry
};
CellWriteCosts array_cell_write_costs(const TechParams& t, CellKind k, unsigned rows, unsigned cols);

/// Writing one row of an R×C sub-array (C cells): energy and latency from
/// row_write_cost() of the cell's geometry; {0, 0, 0} when the technology has no geometry
/// for the cell (no write model: the count is reported, priced 0).
EventCost array_row_write_cost(const TechParams& t, CellKind k, unsigned rows, unsigned cols);

/// Conducting cells a bit line sums linearly in a parallel read (geometry
/// linear_range_rows); 0 = not limited (no geometry, or not given).
unsigned linear_range_rows(const TechParams& t, CellKind k);

// ---- sensing ---------------------------------------------------------------------------

/// Distinct partial sums one column segment of `rows` driven rows can produce (the levels an
/// exact sense must resolve): unipolar inputs (HBNN x ∈ {0,1}, one bit plane of a multi-bit
/// input) with weights ±1 give every integer in [−rows, rows]: 2·rows + 1 levels; bipolar
/// inputs (XNOR x ∈ {±1}) give −rows, −rows + 2, …, rows: rows + 1 levels.
std::uint64_t reachable_partial_sums(unsigned rows, bool bipolar);
/// Comparators of a flash / multi-level sense amplifier that resolves every reachable partial
/// sum: levels − 1.
inline std::uint64_t exact_sense_comparators(unsigned rows, bool bipolar) {
  return reachable_partial_sums(rows, bipolar) - 1;
}
/// Comparators a b-bit flash MLSA needs on a segment of `rows` rows: min(2^b − 1, levels − 1)
/// (references beyond the reachable partial sums decide nothing and are not built).
std::uint64_t mlsa_comparators_for(unsigned bits, unsigned rows, bool bipolar);
/// Bits of a binary code with `levels` codes: max(1, ⌈log2(levels)⌉).
unsigned code_bits_for(std::uint64_t levels);
/// Bits of a binary-coded converter (SAR) that resolves every reachable partial sum:
/// code_bits_for(reachable_partial_sums(rows, bipolar)).
unsigned exact_sense_bits(unsigned rows, bool bipolar);

/// Comparators of a b-bit multi-level sense amplifier: 2^b − 1 (b = 1: a plain SA).
/// Throws std::invalid_argument outside 1..16.
std::uint64_t mlsa_comparators(unsigned bits);
/// Energy of one b-bit MLSA conversion: (2^b − 1) comparator decisions.
inline double mlsa_conversion_energy_pj(const TechParams& t, unsigned bits) {
  return static_cast<double>(mlsa_comparators(bits)) * t.mlsa_comparator.energy_pj;
}
/// Latency of one MLSA conversion: flash, all comparators decide at once (independent of b).
inline double mlsa_conversion_latency_ns(const TechParams& t, unsigned /*bits*/) {
  return t.mlsa_comparator.latency_ns;
}
/// Area of one b-bit MLSA.
inline double mlsa_area_um2(const TechParams& t, unsigned bits) {
  return static_cast<double>(mlsa_comparators(bits)) * t.mlsa_comparator.area_um2;
}

/// Cost of one b-bit conversion of a converter (see ConverterTech for the law).
/// Throws std::invalid_argument for b outside 1..16.
EventCost converter_cost(const ConverterTech& c, unsigned bits);
inline EventCost adc_cost(const TechParams& t, unsigned bits) { return converter_cost(t.adc, bits); }
inline EventCost dac_cost(const TechParams& t, unsigned bits) { return converter_cost(t.dac, bits); }

// ---- digital periphery -----------------------------------------------------------------

/// One add/accumulate of `width_bits` bits (energy and area ∝ width, ripple latency ∝ width).
inline EventCost adder_cost(const TechParams& t, unsigned width_bits) {
  const double w = width_bits;
  return {w * t.adder_bit.energy_pj, w * t.adder_bit.latency_ns, w * t.adder_bit.area_um2};
}
/// One threshold compare (activation) of a `width_bits`-bit sum.
inline EventCost activation_cost(const TechParams& t, unsigned width_bits) {
  const double w = width_bits;
  return {w * t.activation_bit.energy_pj, w * t.activation_bit.latency_ns,
          w * t.activation_bit.area_um2};
}
inline double storage_read_energy_pj(const StorageTech& s, std::uint64_t bits) {
  return static_cast<double>(bits) * s.read_energy_pj_per_bit;
}
inline double storage_write_energy_pj(const StorageTech& s, std::uint64_t bits) {
  return static_cast<double>(bits) * s.write_energy_pj_per_bit;
}
inline double storage_area_um2(const StorageTech& s, std::uint64_t bits) {
  return static_cast<double>(bits) * s.area_um2_per_bit;
}

// ---- data movement, leakage, clock ----------------------------------------------------

inline double dma_energy_pj(const TechParams& t, std::uint64_t bytes) {
  return static_cast<double>(bytes) * t.dma_byte.energy_pj;
}
inline double dram_energy_pj(const TechParams& t, std::uint64_t accesses, std::uint64_t bytes) {
  return static_cast<double>(accesses) * t.dram_access.energy_pj +
         static_cast<double>(bytes) * t.dram_byte.energy_pj;
}
/// Static energy of `area_um2` over `time_ns`: P = leakage_nw_per_um2 · A; nW · ns = 1e-6 pJ.
inline double leakage_energy_pj(const TechParams& t, double area_um2, double time_ns) {
  return t.leakage_nw_per_um2 * area_um2 * time_ns * 1e-6;
}
inline double clock_energy_pj(const TechParams& t, std::uint64_t cycles) {
  return static_cast<double>(cycles) * t.clock_cycle.energy_pj;
}

/// Width of a two's-complement integer holding every value in [−max_abs, +max_abs].
unsigned signed_bits_for(std::uint64_t max_abs);

// ---- closed-form macro read ------------------------------------------------------------

/// One R×C sub-array evaluating one input vector (all R rows, all C columns).
struct MacroReadSpec {
  CellMode mode = CellMode::xnor_8t;
  unsigned rows = 64;       ///< R
  unsigned cols = 64;       ///< C
  unsigned mlsa_bits = 3;   ///< b, used when rows_per_read > 1
  /// Rows whose word lines are on together in one read: 0 or R = parallel access,
  /// 1 = conventional row-by-row (plain 1-bit SA, digital multiply and accumulate),
  /// g in between = groups of g rows (b-bit MLSA per group, levels accumulated digitally).
  unsigned rows_per_read = 0;
  unsigned mux = 1;  ///< columns sharing one sense amplifier (conversions serialized)
  /// Fraction of inputs equal to 1 (HBNN: rows whose WL turns on).  XNOR drives one of the
  /// two word lines of every row whatever the input, so it does not use this.
  double input_one_fraction = 0.5;
};

/// Energy, latency and efficiency of one MacroReadSpec evaluation (docs/ppa.md).
struct MacroReadEstimate {
  std::uint64_t reads = 0;            ///< array reads (ceil(R / rows_per_read))
  double wl_activations = 0;          ///< expected word-line activations
  double cell_events = 0;             ///< expected (active WL × column) cell events
  std::uint64_t conversions = 0;      ///< sense-amplifier conversions (C per read)
  std::uint64_t accumulations = 0;    ///< digital accumulate ops (C per read when reads > 1)
  unsigned sense_bits = 0;            ///< resolution of each conversion
  unsigned accumulator_bits = 0;      ///< width of the per-column accumulator
  double e_wl_pj = 0, e_cells_pj = 0, e_precharge_pj = 0, e_sense_pj = 0, e_accumulate_pj = 0,
         e_clock_pj = 0, e_leakage_pj = 0;
  double energy_pj = 0;   ///< sum of the e_* terms
  double latency_ns = 0;  ///< reads × (array read + mux · conversion) + accumulate tail
  std::uint64_t cycles = 0;  ///< ceil(latency / clock period)
  double area_um2 = 0;    ///< sub-array + sensing + WL drivers + precharge + accumulators
  double ops = 0;         ///< 2 · R · C (one multiply and one add per cell)
  double tops_per_w() const { return energy_pj > 0 ? ops / energy_pj : 0.0; }  ///< ops/pJ = TOPS/W
  double tops() const { return latency_ns > 0 ? ops / latency_ns * 1e-3 : 0.0; }
};

/// Closed-form estimate of one sub-array evaluation (docs/ppa.md, "Macro read estimator").
/// Throws std::invalid_argument for bad dimensions, bits, mux, or a cell the tech lacks.
MacroReadEstimate estimate_macro_read(const TechParams& t, const MacroReadSpec& spec);

}  // namespace cimvp
