#include "cimvp/circuit/ppa_area.h"

#include "cimvp/circuit/ppa_energy.h"

#include <stdexcept>
#include <string>

namespace cimvp {

namespace {

using u64 = std::uint64_t;

u64 ceil_div(u64 a, u64 b) { return (a + b - 1) / b; }

void require_positive(const char* what, const char* field, u64 v) {
  if (v == 0) throw std::invalid_argument(std::string(what) + ": " + field + " must be >= 1, got 0");
}

}  // namespace

Table2Splits table2_splits(u64 rows, u64 cols, unsigned xbar_rows, unsigned xbar_cols) {
  require_positive("table2_splits", "rows", rows);
  require_positive("table2_splits", "cols", cols);
  require_positive("table2_splits", "xbar_rows", xbar_rows);
  require_positive("table2_splits", "xbar_cols", xbar_cols);
  return {static_cast<unsigned>(ceil_div(rows, xbar_rows)),
          static_cast<unsigned>(ceil_div(cols, xbar_cols))};
}

Table2Resources table2_conv(const Table2Conv& l) {
  const char* w = "table2_conv";
  require_positive(w, "kernel_h", l.kernel_h);
  require_positive(w, "kernel_w", l.kernel_w);
  require_positive(w, "c_in", l.c_in);
  require_positive(w, "c_out", l.c_out);
  require_positive(w, "w_in", l.w_in);
  require_positive(w, "h_out", l.h_out);
  require_positive(w, "w_out", l.w_out);
  require_positive(w, "x_in", l.x_in);
  require_positive(w, "x_out", l.x_out);
  const u64 window = u64{l.kernel_h} * l.kernel_w * l.c_in;  // h·w·C_in
  const u64 count = u64{l.h_out} * l.w_out;                  // H_out·W_out
  Table2Resources r;
  r.rram_cells = {window * l.c_out * l.x_out * l.x_out, count};
  r.dacs = {window * l.x_out, count};
  r.sa_adcs = {u64{l.c_out} * l.x_in, count};
  r.feature_map_buffer = {window, count};
  r.line_buffer = {u64{l.kernel_h} * l.w_in * l.c_in, count};
  return r;
}

Table2Resources table2_fc(const Table2Fc& l) {
  const char* w = "table2_fc";
  require_positive(w, "c_in", l.c_in);
  require_positive(w, "c_out", l.c_out);
  require_positive(w, "x_in", l.x_in);
  require_positive(w, "x_out", l.x_out);
  Table2Resources r;
  r.rram_cells = {u64{l.c_in} * l.c_out * l.x_out * l.x_out, 1};
  r.dacs = {u64{l.c_in} * l.x_out, 1};
  r.sa_adcs = {u64{l.c_out} * l.x_in, 1};
  r.feature_map_buffer = {l.c_in, 1};
  return r;
}

Table2Resources table2_pool(const Table2Pool& l) {
  const char* w = "table2_pool";
  require_positive(w, "pool_h", l.pool_h);
  require_positive(w, "w_in", l.w_in);
  require_positive(w, "c_in", l.c_in);
  require_positive(w, "h_out", l.h_out);
  require_positive(w, "w_out", l.w_out);
  Table2Resources r;
  r.line_buffer = {u64{l.pool_h} * l.w_in * l.c_in, u64{l.h_out} * l.w_out};
  return r;
}

Table2Area table2_area(const TechParams& t, const Table2Resources& r, const Table2Units& u) {
  if (r.rram_cells.amount > 0 && !t.has(u.cell))
    throw std::invalid_argument("table2_area: technology '" + t.node + "' has no " +
                                to_string(u.cell) + " cell");
  Table2Area a;
  a.cells_um2 = static_cast<double>(r.rram_cells.amount) * t.bitcell(u.cell).read.area_um2;
  a.dacs_um2 = r.dacs.amount ? static_cast<double>(r.dacs.amount) * dac_cost(t, u.dac_bits).area_um2 : 0.0;
  a.sa_adcs_um2 =
      r.sa_adcs.amount ? static_cast<double>(r.sa_adcs.amount) * adc_cost(t, u.adc_bits).area_um2 : 0.0;
  a.feature_map_buffer_um2 =
      storage_area_um2(t.line_buffer, r.feature_map_buffer.amount * u.element_bits);
  a.line_buffer_um2 = storage_area_um2(t.line_buffer, r.line_buffer.amount * u.element_bits);
  return a;
}

MacroResources count_macro_resources(const MacroLayerSpec& l, unsigned wordlines_per_row) {
  const char* w = "macro resources";
  require_positive(w, "inputs", l.inputs);
  require_positive(w, "outputs", l.outputs);
  require_positive(w, "rows", l.rows);
  require_positive(w, "cols", l.cols);
  require_positive(w, "mux", l.mux);
  require_positive(w, "wordlines_per_row", wordlines_per_row);
  if (l.mux > l.cols)
    throw std::invalid_argument("macro resources: mux " + std::to_string(l.mux) +
                                " exceeds cols " + std::to_string(l.cols));
  if (l.rows_per_read > l.rows)
    throw std::invalid_argument("macro resources: rows_per_read " +
                                std::to_string(l.rows_per_read) + " exceeds rows " +
                                std::to_string(l.rows));
  const unsigned g = l.rows_per_read == 0 ? l.rows : l.rows_per_read;
  MacroResources r;
  r.row_blocks = ceil_div(l.inputs, l.rows);
  r.col_blocks = ceil_div(l.outputs, l.cols);
  r.subarrays = r.row_blocks * r.col_blocks;
  r.cells = r.subarrays * l.rows * l.cols;
  r.used_cells = u64{l.inputs} * l.outputs;
  r.sense_amps = r.subarrays * ceil_div(l.cols, l.mux);
  r.sense_bits = g == 1 ? 1u : l.mlsa_bits;
  // comparators that decide something: min(2^b − 1, reachable levels − 1) of a g-row segment
  // (docs/ppa.md, "Sensing levels"; the 8T XNOR cell has bipolar rows, the 6T HBNN unipolar)
  r.comparators = r.sense_amps * mlsa_comparators_for(r.sense_bits, g, l.cell == CellKind::sram_8t);
  r.wl_drivers = r.subarrays * l.rows * wordlines_per_row;
  r.precharge_columns = r.subarrays * l.cols;
  const bool multi_read = g < l.rows;
  r.accumulators = multi_read ? r.subarrays * l.cols : 0;
  r.accumulator_bits = signed_bits_for(l.rows);
  r.adders = u64{l.outputs} * (r.row_blocks - 1);
  r.adder_bits = signed_bits_for(l.inputs);
  r.activations = l.activation ? l.outputs : 0;
  r.activation_bits = r.adder_bits;
  return r;
}

MacroArea macro_area(const TechParams& t, CellKind cell, const MacroResources& r) {
  if (!t.has(cell))
    throw std::invalid_argument("macro area: technology '" + t.node + "' has no " +
                                to_string(cell) + " cell");
  const BitcellTech& c = t.bitcell(cell);
  MacroArea a;
  a.cells_um2 = static_cast<double>(r.cells) * c.read.area_um2;
  a.sense_um2 = static_cast<double>(r.comparators) * t.mlsa_comparator.area_um2;
  a.wl_drivers_um2 = static_cast<double>(r.wl_drivers) * c.wl_driver.area_um2;
  a.precharge_um2 = static_cast<double>(r.precharge_columns) * c.precharge.area_um2;
  a.accumulators_um2 =
      static_cast<double>(r.accumulators) * r.accumulator_bits * t.adder_bit.area_um2;
  a.adders_um2 = static_cast<double>(r.adders) * r.adder_bits * t.adder_bit.area_um2;
  a.activations_um2 =
      static_cast<double>(r.activations) * r.activation_bits * t.activation_bit.area_um2;
  return a;
}

MacroArea macro_area(const TechParams& t, const MacroLayerSpec& l) {
  if (!t.has(l.cell))
    throw std::invalid_argument("macro area: technology '" + t.node + "' has no " +
                                to_string(l.cell) + " cell");
  return macro_area(t, l.cell, count_macro_resources(l, t.bitcell(l.cell).wordlines_per_row));
}

}  // namespace cimvp
