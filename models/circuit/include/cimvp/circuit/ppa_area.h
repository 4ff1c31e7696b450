// Resource counts and area (docs/ppa.md, "Area"):
//  * the per-layer resource formulas of Table II of Tang et al., "Binary Convolutional
//    Neural Network on RRAM", ASP-DAC 2017 (conv, pooling and FC layers);
//  * the resource count of the SRAM BNN macro of Liu et al. DAC 2018 for a K×M layer on
//    R×C sub-arrays with b-bit MLSAs.
// Area = Σ count × unit area (unit areas from TechParams).  Layer 1: plain C++17.
#pragma once

#include "cimvp/circuit/ppa_tech.h"

#include <cstdint>

namespace cimvp {

// ---- Table II (Tang et al. ASP-DAC 2017) -------------------------------------------------

/// A conv layer as Table II names it: kernel h×w, C_in → C_out channels, input width W_in,
/// output H_out×W_out, and the split factors X_in, X_out of the weight matrix.
/// Our reading of the split factors (docs/ppa.md): X_in = number of crossbars splitting the
/// (h·w·C_in) rows (row splitting: each needs its own SA/ADC per output column), X_out =
/// number of crossbars splitting the C_out columns (column splitting: each needs its own
/// DAC per input row).  table2_splits() computes them from a crossbar size.
struct Table2Conv {
  unsigned kernel_h = 0, kernel_w = 0;
  unsigned c_in = 0, c_out = 0;
  unsigned w_in = 0;
  unsigned h_out = 0, w_out = 0;
  unsigned x_in = 1, x_out = 1;
};
/// An FC layer: C_in → C_out with split factors.
struct Table2Fc {
  unsigned c_in = 0, c_out = 0;
  unsigned x_in = 1, x_out = 1;
};
/// A pooling layer: window height h, input width W_in, C_in channels, output H_out×W_out.
struct Table2Pool {
  unsigned pool_h = 0;
  unsigned w_in = 0, c_in = 0;
  unsigned h_out = 0, w_out = 0;
};

/// Amount of a unit and how many times it is used per image (processing count).
struct Table2Entry {
  std::uint64_t amount = 0;
  std::uint64_t processing_count = 0;
};
/// Table II rows of one layer (buffers counted in feature-map elements; entries a layer
/// type does not have are zero).
struct Table2Resources {
  Table2Entry rram_cells, dacs, sa_adcs, feature_map_buffer, line_buffer;
};

/// Split factors for a rows×cols weight matrix on xbar_rows×xbar_cols crossbars:
/// x_in = ceil(rows / xbar_rows), x_out = ceil(cols / xbar_cols).
struct Table2Splits {
  unsigned x_in = 1, x_out = 1;
};
Table2Splits table2_splits(std::uint64_t rows, std::uint64_t cols, unsigned xbar_rows,
                           unsigned xbar_cols);

/// Conv row of Table II, exactly as published:
///   cells  (h·w·C_in)·C_out·X_out·X_out   DAC (h·w·C_in)·X_out   SA&ADC C_out·X_in
///   feature-map buffer h·w·C_in   line buffer h·W_in·C_in;  processing count H_out·W_out.
Table2Resources table2_conv(const Table2Conv& l);
/// FC row: cells C_in·C_out·X_out·X_out, DAC C_in·X_out, SA&ADC C_out·X_in,
/// feature-map buffer C_in; processing count 1.
Table2Resources table2_fc(const Table2Fc& l);
/// Pooling row: line buffer h·W_in·C_in; processing count H_out·W_out.
Table2Resources table2_pool(const Table2Pool& l);

/// Unit choices for pricing Table II counts.
struct Table2Units {
  CellKind cell = CellKind::rram_1t1r;
  unsigned dac_bits = 1;      ///< resolution of each DAC (BCNN: 1)
  unsigned adc_bits = 1;      ///< resolution of each SA&ADC (1 → Table III "1bit ADC")
  unsigned element_bits = 1;  ///< bits of one buffered feature-map element (BCNN: 1)
};
struct Table2Area {
  double cells_um2 = 0, dacs_um2 = 0, sa_adcs_um2 = 0, feature_map_buffer_um2 = 0,
         line_buffer_um2 = 0;
  double total_um2() const {
    return cells_um2 + dacs_um2 + sa_adcs_um2 + feature_map_buffer_um2 + line_buffer_um2;
  }
};
/// Σ amount × unit area: cells × cell area, DACs × DAC(dac_bits) area, SA&ADCs × ADC(adc_bits)
/// area, buffers × element_bits × line-buffer area per bit.
Table2Area table2_area(const TechParams& t, const Table2Resources& r, const Table2Units& u);

// ---- SRAM BNN macro (Liu et al. DAC 2018) ----------------------------------------------

/// A K×M binary layer mapped onto R×C sub-arrays.
struct MacroLayerSpec {
  CellKind cell = CellKind::sram_8t;
  unsigned inputs = 0;   ///< K (rows of the weight matrix)
  unsigned outputs = 0;  ///< M (columns, one per output neuron)
  unsigned rows = 64;    ///< R
  unsigned cols = 64;    ///< C
  unsigned mlsa_bits = 3;      ///< b (used when rows_per_read > 1)
  unsigned rows_per_read = 0;  ///< 0 or R: parallel; 1: row-by-row; g: groups of g rows
  unsigned mux = 1;            ///< columns sharing one sense amplifier
  bool activation = true;      ///< per-neuron threshold units (false for the output layer)
};

/// Instance counts of one mapped layer.
struct MacroResources {
  std::uint64_t row_blocks = 0, col_blocks = 0, subarrays = 0;  ///< ceil(K/R), ceil(M/C), product
  std::uint64_t cells = 0;        ///< subarrays · R · C (padding included: it is built)
  std::uint64_t used_cells = 0;   ///< K · M
  std::uint64_t sense_amps = 0;   ///< subarrays · ceil(C / mux)
  unsigned sense_bits = 0;        ///< b, or 1 for row-by-row
  std::uint64_t comparators = 0;  ///< sense_amps · min(2^sense_bits − 1, levels − 1) (mlsa_comparators_for)
  std::uint64_t wl_drivers = 0;   ///< subarrays · R · wordlines_per_row
  std::uint64_t precharge_columns = 0;  ///< subarrays · C
  std::uint64_t accumulators = 0;  ///< per-column accumulators when a column needs > 1 read
  unsigned accumulator_bits = 0;   ///< signed_bits_for(R)
  std::uint64_t adders = 0;        ///< row-split adder tree: M · (row_blocks − 1)
  unsigned adder_bits = 0;         ///< signed_bits_for(K)
  std::uint64_t activations = 0;   ///< M threshold units (0 when !activation)
  unsigned activation_bits = 0;    ///< = adder_bits
};

/// Counts for `l` with `wordlines_per_row` WL drivers per row (TechParams::bitcell().
/// wordlines_per_row).  Throws std::invalid_argument on zero sizes, mux > C, bad bits.
MacroResources count_macro_resources(const MacroLayerSpec& l, unsigned wordlines_per_row);

struct MacroArea {
  double cells_um2 = 0, sense_um2 = 0, wl_drivers_um2 = 0, precharge_um2 = 0,
         accumulators_um2 = 0, adders_um2 = 0, activations_um2 = 0;
  double total_um2() const {
    return cells_um2 + sense_um2 + wl_drivers_um2 + precharge_um2 + accumulators_um2 +
           adders_um2 + activations_um2;
  }
};
/// Σ count × unit area for the resources of `l` (cell kind from l.cell).
MacroArea macro_area(const TechParams& t, const MacroLayerSpec& l);
MacroArea macro_area(const TechParams& t, CellKind cell, const MacroResources& r);

}  // namespace cimvp
