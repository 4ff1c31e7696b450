#include "cimvp/circuit/ppa_energy.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cimvp {

namespace {

void check_bits(const char* what, unsigned bits) {
  if (bits < 1 || bits > 16)
    throw std::invalid_argument(std::string(what) + ": expected 1..16 bits, got " +
                                std::to_string(bits));
}

}  // namespace

std::uint64_t mlsa_comparators(unsigned bits) {
  check_bits("MLSA resolution", bits);
  return (std::uint64_t{1} << bits) - 1;
}

EventCost converter_cost(const ConverterTech& c, unsigned bits) {
  check_bits("converter resolution", bits);
  for (const auto& p : c.points)
    if (p.bits == bits) return p.cost;
  const unsigned ref = c.reference.bits;
  if (ref < 1) throw std::invalid_argument("converter: no reference point");
  const double scale = std::ldexp(1.0, static_cast<int>(bits) - static_cast<int>(ref));
  EventCost out;
  out.energy_pj = c.reference.cost.energy_pj * scale;
  out.area_um2 = c.reference.cost.area_um2 * scale;
  out.latency_ns = c.latency_law == LatencyLaw::per_bit
                       ? c.reference.cost.latency_ns * bits / static_cast<double>(ref)
                       : c.reference.cost.latency_ns;
  return out;
}

namespace {
void require_size(const char* what, unsigned rows, unsigned cols) {
  if (rows < 1 || cols < 1)
    throw std::invalid_argument(std::string(what) + ": rows and cols must be >= 1, got " + std::to_string(rows) + "x" +
                                std::to_string(cols));
}
}  // namespace

ArrayEventCosts array_read_costs(const TechParams& t, CellKind k, unsigned rows, unsigned cols, bool row_by_row) {
  require_size("array read costs", rows, cols);
  const BitcellTech& c = t.bitcell(k);
  ArrayEventCosts a;
  if (!c.geometry.present) {
    a.wordline_pj = c.wl_driver.energy_pj;
    a.cell_pj = c.read.energy_pj;
    a.precharge_pj = c.precharge.energy_pj;
    a.latency_ns = c.precharge.latency_ns + c.wl_driver.latency_ns + c.read.latency_ns;
    return a;
  }
  a.derived = true;
  if (row_by_row) {
    const RowReadCost r = row_read_cost(c.geometry, t.supply_v, rows, cols);
    a.wordline_pj = r.wordline_fj * 1e-3;
    a.cell_pj = r.cell_fj * 1e-3;
    a.precharge_pj = r.precharge_fj * 1e-3;
    a.latency_ns = r.latency_ns();
  } else {
    const ParallelReadCost r = parallel_read_cost(c.geometry, t.supply_v, rows, cols);
    a.wordline_pj = r.wordline_fj * 1e-3;
    a.cell_pj = r.cell_fj * 1e-3;
    a.precharge_pj = r.precharge_fj * 1e-3;
    a.latency_ns = r.latency_ns();
  }
  return a;
}

ArrayEventCosts transposed_read_costs(const TechParams& t, CellKind k, unsigned rows, unsigned cols, bool row_by_row) {
  const BitcellTech& c = t.bitcell(k);
  if (!c.geometry.present) return array_read_costs(t, k, rows, cols, row_by_row);
  TechParams swapped = t;
  swapped.bitcell(k).geometry = transposed_geometry(c.geometry);
  return array_read_costs(swapped, k, cols, rows, row_by_row);
}

CellWriteCosts array_cell_write_costs(const TechParams& t, CellKind k, unsigned rows, unsigned cols) {
  require_size("cell write costs", rows, cols);
  const BitcellTech& c = t.bitcell(k);
  CellWriteCosts w;
  if (!c.geometry.present) {
    w.cell_pj = c.cell_write.energy_pj;
    w.row_latency_ns = c.cell_write.latency_ns;
    return w;
  }
  const RowWriteCost r = row_write_cost(c.geometry, t.supply_v, rows, cols);
  w.cell_pj = r.column_fj * 1e-3;
  w.row_pj = r.wordline_fj * 1e-3;
  w.row_latency_ns = r.latency_ns;
  w.derived = true;
  return w;
}

EventCost array_row_write_cost(const TechParams& t, CellKind k, unsigned rows, unsigned cols) {
  const BitcellTech& c = t.bitcell(k);
  if (!c.geometry.present || rows < 1 || cols < 1) return {};
  const RowWriteCost w = row_write_cost(c.geometry, t.supply_v, rows, cols);
  return {w.energy_fj * 1e-3, w.latency_ns, 0.0};
}

unsigned linear_range_rows(const TechParams& t, CellKind k) {
  const BitcellTech& c = t.bitcell(k);
  return c.geometry.present ? c.geometry.linear_range_rows : 0;
}

std::uint64_t reachable_partial_sums(unsigned rows, bool bipolar) {
  return bipolar ? std::uint64_t{rows} + 1 : 2 * std::uint64_t{rows} + 1;
}

std::uint64_t mlsa_comparators_for(unsigned bits, unsigned rows, bool bipolar) {
  return std::min(mlsa_comparators(bits), exact_sense_comparators(rows, bipolar));
}

unsigned code_bits_for(std::uint64_t levels) {
  unsigned b = 1;
  while (b < 64 && (std::uint64_t{1} << b) < levels) ++b;
  return b;
}

unsigned exact_sense_bits(unsigned rows, bool bipolar) { return code_bits_for(reachable_partial_sums(rows, bipolar)); }

unsigned signed_bits_for(std::uint64_t max_abs) {
  unsigned w = 1;
  while (w < 64 && ((std::uint64_t{1} << (w - 1)) - 1) < max_abs) ++w;
  return w;
}

MacroReadEstimate estimate_macro_read(const TechParams& t, const MacroReadSpec& s) {
  if (s.rows < 1 || s.cols < 1)
    throw std::invalid_argument("macro read: rows and cols must be >= 1, got " +
                                std::to_string(s.rows) + "x" + std::to_string(s.cols));
  if (s.rows_per_read > s.rows)
    throw std::invalid_argument("macro read: rows_per_read " + std::to_string(s.rows_per_read) +
                                " exceeds rows " + std::to_string(s.rows));
  if (s.mux < 1 || s.mux > s.cols)
    throw std::invalid_argument("macro read: mux must be in 1.." + std::to_string(s.cols) +
                                ", got " + std::to_string(s.mux));
  if (!(s.input_one_fraction >= 0.0 && s.input_one_fraction <= 1.0))
    throw std::invalid_argument("macro read: input_one_fraction must be in [0, 1], got " +
                                std::to_string(s.input_one_fraction));
  const CellKind kind = cell_kind_for(s.mode);
  if (!t.has(kind))
    throw std::invalid_argument("macro read: technology '" + t.node + "' has no " +
                                to_string(kind) + " cell");
  const BitcellTech& cell = t.bitcell(kind);
  const unsigned g = s.rows_per_read == 0 ? s.rows : s.rows_per_read;
  const double R = s.rows, C = s.cols;

  MacroReadEstimate e;
  e.reads = (s.rows + g - 1) / g;
  e.sense_bits = g == 1 ? 1u : s.mlsa_bits;
  check_bits("macro read: mlsa_bits", e.sense_bits);
  // Row-by-row reads every stored weight (one WL per read, the input is applied in the
  // digital periphery).  Multi-row reads turn on only the rows the input selects: every row
  // in XNOR mode (WL for +1, WLB for −1), the rows with x = 1 in HBNN mode.
  const double activity =
      g == 1 ? 1.0 : (s.mode == CellMode::xnor_8t ? 1.0 : s.input_one_fraction);
  e.wl_activations = activity * R;
  e.cell_events = activity * R * C;
  e.conversions = e.reads * static_cast<std::uint64_t>(s.cols);
  e.accumulations = e.reads > 1 ? e.conversions : 0;
  e.accumulator_bits = signed_bits_for(s.rows);
  const EventCost acc = adder_cost(t, e.accumulator_bits);

  // per-event costs for this R×C (derived from the geometry when the technology has one);
  // g = 1 is the conventional read (one word line at V_DD, 1-bit sense)
  const ArrayEventCosts ev = array_read_costs(t, kind, s.rows, s.cols, g == 1);
  e.e_wl_pj = e.wl_activations * ev.wordline_pj;
  e.e_cells_pj = e.cell_events * ev.cell_pj;
  e.e_precharge_pj = static_cast<double>(e.reads) * C * ev.precharge_pj;
  // comparators that decide something: at most one per reachable level step of g rows
  const double comparators = static_cast<double>(
      mlsa_comparators_for(e.sense_bits, g, s.mode == CellMode::xnor_8t));
  e.e_sense_pj = static_cast<double>(e.conversions) * comparators * t.mlsa_comparator.energy_pj;
  e.e_accumulate_pj = static_cast<double>(e.accumulations) * acc.energy_pj;

  const double per_read =
      ev.latency_ns + s.mux * mlsa_conversion_latency_ns(t, e.sense_bits);
  e.latency_ns = static_cast<double>(e.reads) * per_read + (e.reads > 1 ? acc.latency_ns : 0.0);
  e.cycles = static_cast<std::uint64_t>(std::ceil(e.latency_ns / t.clock_period_ns - 1e-9));
  e.e_clock_pj = clock_energy_pj(t, e.cycles);

  const double sense_amps = std::ceil(C / s.mux);
  e.area_um2 = R * C * cell.read.area_um2 + sense_amps * comparators * t.mlsa_comparator.area_um2 +
               R * cell.wordlines_per_row * cell.wl_driver.area_um2 +
               C * cell.precharge.area_um2 + (e.reads > 1 ? C * acc.area_um2 : 0.0);
  e.e_leakage_pj = leakage_energy_pj(t, e.area_um2, e.latency_ns);

  e.energy_pj = e.e_wl_pj + e.e_cells_pj + e.e_precharge_pj + e.e_sense_pj + e.e_accumulate_pj +
                e.e_clock_pj + e.e_leakage_pj;
  e.ops = 2.0 * R * C;
  return e;
}

}  // namespace cimvp
