#include "cimvp/circuit/array_geometry.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>

namespace cimvp {

double bitline_cap_ff(const ArrayGeometry& g, unsigned rows) {
  return rows * (g.bl_junction_ff + g.wire_cap_ff_per_um * g.cell_height_um) + g.bl_fixed_ff;
}

double wordline_cap_ff(const ArrayGeometry& g, unsigned cols) {
  return cols * (g.wl_gates_per_cell * g.wl_gate_ff + g.wire_cap_ff_per_um * g.cell_width_um);
}

double wordline_delay_ns(const ArrayGeometry& g, unsigned cols) {
  const double r_ohm = g.wire_res_ohm_per_um * g.cell_width_um * cols;
  return 0.5 * r_ohm * wordline_cap_ff(g, cols) * 1e-6;  // Ω·fF = 1e-15 s = 1e-6 ns
}

double precharge_time_ns(const ArrayGeometry& g, unsigned rows) {
  return std::max(g.min_precharge_ns, 3.0 * g.driver_res_kohm * bitline_cap_ff(g, rows) * 1e-3);  // kΩ·fF = ps
}

ParallelReadCost parallel_read_cost(const ArrayGeometry& g, double vdd_v, unsigned rows, unsigned cols) {
  const double c_bl = bitline_cap_ff(g, rows);
  ParallelReadCost r;
  r.precharge_fj = c_bl * g.bl_swing_v * vdd_v + g.precharge_gate_fj;
  r.wordline_fj = wordline_cap_ff(g, cols) * g.wl_voltage_v * vdd_v * (1.0 + g.driver_overhead);
  r.precharge_ns = precharge_time_ns(g, rows);
  r.wordline_ns = wordline_delay_ns(g, cols);
  // the word-line pulse covers the word line's RC rise and the bit line's slew over the
  // full-scale swing with one cell's current (fF·V/µA = ns), at least the schedule's pulse
  r.evaluate_ns = std::max(g.min_evaluate_ns, r.wordline_ns + c_bl * g.bl_swing_v / g.read_current_ua);
  r.cell_fj = g.read_current_ua * r.evaluate_ns * vdd_v;                                // µA·ns·V = fJ
  return r;
}

RowReadCost row_read_cost(const ArrayGeometry& g, double vdd_v, unsigned rows, unsigned cols) {
  const double c_bl = bitline_cap_ff(g, rows);
  RowReadCost r;
  r.precharge_fj = c_bl * g.sense_swing_v * vdd_v + g.precharge_gate_fj;
  r.wordline_fj = wordline_cap_ff(g, cols) * vdd_v * vdd_v * (1.0 + g.driver_overhead);
  r.cell_fj = 0.0;
  r.precharge_ns = precharge_time_ns(g, rows);
  r.wordline_ns = wordline_delay_ns(g, cols);
  r.evaluate_ns = r.wordline_ns + c_bl * g.sense_swing_v / g.full_read_current_ua;
  return r;
}

RowWriteCost row_write_cost(const ArrayGeometry& g, double vdd_v, unsigned rows, unsigned cols) {
  const double c_bl = bitline_cap_ff(g, rows);
  RowWriteCost w;
  w.column_fj = c_bl * vdd_v * vdd_v + g.precharge_gate_fj;
  w.wordline_fj = wordline_cap_ff(g, cols) * vdd_v * vdd_v * (1.0 + g.driver_overhead);
  w.energy_fj = cols * w.column_fj + w.wordline_fj;
  w.latency_ns = precharge_time_ns(g, rows) + wordline_delay_ns(g, cols) + 2.2 * g.driver_res_kohm * c_bl * 1e-3;
  return w;
}

ArrayGeometry transposed_geometry(const ArrayGeometry& g) {
  ArrayGeometry t = g;
  std::swap(t.cell_width_um, t.cell_height_um);
  return t;
}

void validate_geometry(const ArrayGeometry& g, const char* prefix) {
  if (!g.present) return;
  auto fail = [&](const char* field, const char* expected, double got) {
    std::ostringstream os;
    os << prefix << "." << field << ": expected " << expected << ", got " << got;
    throw std::invalid_argument(os.str());
  };
  auto positive = [&](const char* field, double v) {
    if (!(std::isfinite(v) && v > 0.0)) fail(field, "a finite number > 0", v);
  };
  auto non_negative = [&](const char* field, double v) {
    if (!(std::isfinite(v) && v >= 0.0)) fail(field, "a finite number >= 0", v);
  };
  positive("cell_width_um", g.cell_width_um);
  positive("cell_height_um", g.cell_height_um);
  positive("bl_junction_ff", g.bl_junction_ff);
  non_negative("bl_fixed_ff", g.bl_fixed_ff);
  positive("wl_gate_ff", g.wl_gate_ff);
  if (g.wl_gates_per_cell < 1 || g.wl_gates_per_cell > 4) fail("wl_gates_per_cell", "1..4", g.wl_gates_per_cell);
  positive("wire_cap_ff_per_um", g.wire_cap_ff_per_um);
  positive("wire_res_ohm_per_um", g.wire_res_ohm_per_um);
  positive("wl_voltage_v", g.wl_voltage_v);
  positive("read_current_ua", g.read_current_ua);
  positive("bl_swing_v", g.bl_swing_v);
  positive("full_read_current_ua", g.full_read_current_ua);
  positive("sense_swing_v", g.sense_swing_v);
  non_negative("precharge_gate_fj", g.precharge_gate_fj);
  non_negative("driver_overhead", g.driver_overhead);
  positive("driver_res_kohm", g.driver_res_kohm);
  non_negative("min_precharge_ns", g.min_precharge_ns);
  non_negative("min_evaluate_ns", g.min_evaluate_ns);
}

}  // namespace cimvp
