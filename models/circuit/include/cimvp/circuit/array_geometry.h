// Per-event energy and latency of an SRAM sub-array derived from its geometry and the
// technology's device and wire parameters (docs/ppa.md, "Array costs from geometry").
//
// The model is the lumped-capacitance / RC model the established CIM estimators use
// (NeuroSim: Chen, Peng, Yu, "NeuroSim: A Circuit-Level Macro Model for Benchmarking
// Neuro-Inspired Architectures in Online Learning", IEEE TCAD 2018; Peng, Huang, Yu,
// "DNN+NeuroSim", IEDM 2019): a bit line is a wire running over R cells, loaded by one
// access junction per cell; a word line runs over C cells, loaded by the access gates of
// every cell; energies are C·ΔV·V_DD of the nodes that swing, delays are RC and C·ΔV/I.
//
// Layer 1: plain C++17, no SystemC, no YAML.  Units in every name: fF, V, µA, Ω, kΩ, µm,
// fJ, ns (fF·V/µA = ns; µA·ns·V = fJ; kΩ·fF = ps; Ω·fF = 10⁻⁶ ns).
#pragma once

namespace cimvp {

/// Device and wire parameters of one SRAM bitcell kind and its column / row periphery
/// (technology file `bitcells.<kind>.geometry`, docs/ppa.md).  All > 0 unless noted.
struct ArrayGeometry {
  bool present = false;            ///< the technology file gives a geometry for this cell
  double cell_width_um = 0.0;      ///< cell pitch along a word line (one column)
  double cell_height_um = 0.0;     ///< cell pitch along a bit line (one row)
  double bl_junction_ff = 0.0;     ///< access-transistor drain junction(s) one cell hangs on one bit line
  double bl_fixed_ff = 0.0;        ///< per bit line, independent of R: sense-amp input, precharge, load
  double wl_gate_ff = 0.0;         ///< one access-transistor gate on a word line
  unsigned wl_gates_per_cell = 2;  ///< access gates of one cell on one word line (6T: 2)
  double wire_cap_ff_per_um = 0.0;     ///< bit-/word-line wire capacitance
  double wire_res_ohm_per_um = 0.0;    ///< word-line wire resistance
  // parallel (multi-row) read, current-mode sensing
  double wl_voltage_v = 0.0;       ///< under-driven word-line voltage of a parallel read
  double read_current_ua = 0.0;    ///< one cell's read current at wl_voltage_v
  double bl_swing_v = 0.0;         ///< full-scale bit-line (pair) swing of a parallel read
  unsigned linear_range_rows = 0;  ///< conducting cells a bit line sums linearly (0 = unlimited)
  // conventional row-by-row read: one word line at V_DD, 1-bit voltage sense
  double full_read_current_ua = 0.0;  ///< one cell's read current with the word line at V_DD
  double sense_swing_v = 0.0;         ///< bit-line differential a 1-bit sense amplifier needs
  // periphery
  double precharge_gate_fj = 0.0;   ///< precharge / equalize gates of one column, per precharge
  double driver_overhead = 0.0;     ///< word-line driver internal capacitance / C_WL (>= 0)
  double driver_res_kohm = 0.0;     ///< on-resistance of a precharge or write-driver device
  double min_precharge_ns = 0.0;    ///< shortest precharge phase the clock schedule allows (>= 0)
  double min_evaluate_ns = 0.0;     ///< shortest word-line pulse of a parallel read (>= 0)
};

/// Bit-line capacitance of a column of R cells:
///   C_BL(R) = R · (C_junction + c_wire · cell_height) + C_fixed      [fF]
double bitline_cap_ff(const ArrayGeometry& g, unsigned rows);
/// Word-line capacitance of a row of C cells:
///   C_WL(C) = C · (gates_per_cell · C_gate + c_wire · cell_width)      [fF]
double wordline_cap_ff(const ArrayGeometry& g, unsigned cols);
/// Elmore delay of the distributed word-line RC (driven from one end):
///   t_WL(C) = ½ · (r_wire · cell_width · C) · C_WL(C)                  [ns]
double wordline_delay_ns(const ArrayGeometry& g, unsigned cols);
/// Precharge phase: max(min_precharge, 3 · R_drv · C_BL(R)) (3 RC: settled to 95 %)   [ns]
double precharge_time_ns(const ArrayGeometry& g, unsigned rows);

/// One parallel read of an R-row, C-column sub-array (every quantity per event).
struct ParallelReadCost {
  double precharge_fj = 0.0;     ///< per column per read: C_BL · ΔV_fs · V_DD + E_gates
  double wordline_fj = 0.0;      ///< per word-line activation: C_WL · V_WL · V_DD · (1 + overhead)
  double cell_fj = 0.0;          ///< per conducting cell: I_cell · t_eval · V_DD
  double precharge_ns = 0.0;     ///< precharge_time_ns
  double wordline_ns = 0.0;      ///< wordline_delay_ns (inside the pulse)
  double evaluate_ns = 0.0;      ///< word-line pulse: max(min_evaluate, t_WL + C_BL · ΔV_fs / I_cell)
  double latency_ns() const { return precharge_ns + evaluate_ns; }
};
ParallelReadCost parallel_read_cost(const ArrayGeometry& g, double vdd_v, unsigned rows, unsigned cols);

/// One conventional row-by-row read (one word line at V_DD, 1-bit voltage sense): the
/// accessed cell discharges its bit line by the sense swing, which the next precharge
/// restores, so the cell's energy is inside the precharge term.
struct RowReadCost {
  double precharge_fj = 0.0;     ///< per column per read: C_BL · ΔV_sense · V_DD + E_gates
  double wordline_fj = 0.0;      ///< per activation: C_WL · V_DD² · (1 + overhead)
  double cell_fj = 0.0;          ///< 0 (see above)
  double precharge_ns = 0.0;     ///< precharge_time_ns
  double wordline_ns = 0.0;      ///< wordline_delay_ns (inside the pulse)
  double evaluate_ns = 0.0;      ///< t_WL + C_BL · ΔV_sense / I_full (no schedule floor)
  double latency_ns() const { return precharge_ns + evaluate_ns; }
};
RowReadCost row_read_cost(const ArrayGeometry& g, double vdd_v, unsigned rows, unsigned cols);

/// Writing one row of C cells: per column one of BL/BLB is driven from V_DD to 0 and
/// restored (C_BL · V_DD²) plus the precharge gates, and the word line is raised to V_DD
/// (C_WL · V_DD² · (1 + overhead)).  Time: precharge + word-line RC + the write driver
/// pulling the bit line down, 2.2 · R_drv · C_BL (10–90 %).
struct RowWriteCost {
  double energy_fj = 0.0;   ///< one row of `cols` cells: cols · column_fj + wordline_fj
  double column_fj = 0.0;   ///< one cell written: its bit line driven and restored, C_BL · V_DD² + E_gates
  double wordline_fj = 0.0; ///< the row's word line raised once: C_WL · V_DD² · (1 + overhead)
  double latency_ns = 0.0;
};
RowWriteCost row_write_cost(const ArrayGeometry& g, double vdd_v, unsigned rows, unsigned cols);

/// The geometry seen by a transposed read of a two-way array (Jiang et al., DAC 2020;
/// docs/two-way-training.md): the driven line runs along a column (over R cells at the row
/// pitch cell_height_um) and the sensed line along a row (over C cells at the column pitch
/// cell_width_um), so the two pitches swap; junctions and gates per cell are those of the
/// same read port, used in the other direction.  Call the read formulas with (cols, rows).
ArrayGeometry transposed_geometry(const ArrayGeometry& g);
/// Throws std::invalid_argument naming the field ("<prefix>.cell_width_um: expected > 0, got 0")
/// when a geometry is present and a parameter is out of range.
void validate_geometry(const ArrayGeometry& g, const char* prefix);

}  // namespace cimvp
