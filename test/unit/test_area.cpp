// Resource counts and area (ppa_area.h): Table II of Tang et al. ASP-DAC 2017 for sample
// LeNet layers, and the SRAM BNN macro resources, all worked out by hand.
#include <catch2/catch.hpp>

#include "cimvp/circuit/ppa_area.h"
#include "cimvp/platform/tech_file.h"

#include <stdexcept>
#include <string>

using namespace cimvp;
using Catch::Matchers::Contains;

namespace {

std::string tech_path(const char* name) {
  return std::string(CIMVP_TEST_DATA) + "/../../platforms/tech/" + name;
}

}  // namespace

TEST_CASE("Table II conv row: LeNet conv 5x5x1 -> 20 on 28x28", "[area][table2]") {
  // h = w = 5, C_in = 1, C_out = 20, W_in = 28, output 24×24, no splitting (X = 1):
  //   cells (5·5·1)·20 = 500; DAC 5·5·1 = 25; SA&ADC 20; feature-map buffer 25;
  //   line buffer 5·28·1 = 140; processing count 24·24 = 576.
  const Table2Resources r = table2_conv({5, 5, 1, 20, 28, 24, 24, 1, 1});
  CHECK(r.rram_cells.amount == 500);
  CHECK(r.dacs.amount == 25);
  CHECK(r.sa_adcs.amount == 20);
  CHECK(r.feature_map_buffer.amount == 25);
  CHECK(r.line_buffer.amount == 140);
  CHECK(r.rram_cells.processing_count == 576);
  CHECK(r.line_buffer.processing_count == 576);
}

TEST_CASE("Table II conv row: LeNet conv 5x5x20 -> 50 on 12x12", "[area][table2]") {
  // window 5·5·20 = 500 rows: cells 500·50 = 25000; DAC 500; SA&ADC 50; FM buffer 500;
  // line buffer 5·12·20 = 1200; output 8×8 → 64 processings.
  const Table2Resources r = table2_conv({5, 5, 20, 50, 12, 8, 8, 1, 1});
  CHECK(r.rram_cells.amount == 25000);
  CHECK(r.dacs.amount == 500);
  CHECK(r.sa_adcs.amount == 50);
  CHECK(r.feature_map_buffer.amount == 500);
  CHECK(r.line_buffer.amount == 1200);
  CHECK(r.dacs.processing_count == 64);
}

TEST_CASE("Table II FC row: FC 800 -> 500", "[area][table2]") {
  // cells 800·500 = 400000; DAC 800; SA&ADC 500; FM buffer 800; processing count 1
  const Table2Resources r = table2_fc({800, 500, 1, 1});
  CHECK(r.rram_cells.amount == 400000);
  CHECK(r.dacs.amount == 800);
  CHECK(r.sa_adcs.amount == 500);
  CHECK(r.feature_map_buffer.amount == 800);
  CHECK(r.line_buffer.amount == 0);
  CHECK(r.rram_cells.processing_count == 1);
}

TEST_CASE("Table II with split factors, as published", "[area][table2]") {
  // FC 800 -> 500 on 128×128 crossbars: X_in = ceil(800/128) = 7, X_out = ceil(500/128) = 4
  const Table2Splits s = table2_splits(800, 500, 128, 128);
  CHECK(s.x_in == 7);
  CHECK(s.x_out == 4);
  const Table2Resources r = table2_fc({800, 500, s.x_in, s.x_out});
  CHECK(r.rram_cells.amount == 800ull * 500 * 4 * 4);  // C_in·C_out·X_out·X_out = 6 400 000
  CHECK(r.dacs.amount == 3200);                        // C_in·X_out
  CHECK(r.sa_adcs.amount == 3500);                     // C_out·X_in
  // conv with X_in = 2, X_out = 3: cells 500·50·9, DAC 500·3, SA&ADC 50·2
  const Table2Resources c = table2_conv({5, 5, 20, 50, 12, 8, 8, 2, 3});
  CHECK(c.rram_cells.amount == 225000);
  CHECK(c.dacs.amount == 1500);
  CHECK(c.sa_adcs.amount == 100);
}

TEST_CASE("Table II pooling line buffer", "[area][table2]") {
  // 2×2 pooling of 24×24×20: line buffer 2·24·20 = 960, output 12×12 = 144 processings
  const Table2Resources r = table2_pool({2, 24, 20, 12, 12});
  CHECK(r.line_buffer.amount == 960);
  CHECK(r.line_buffer.processing_count == 144);
  CHECK(r.rram_cells.amount == 0);
}

TEST_CASE("Table II area of LeNet conv1 with rram.yaml", "[area][table2]") {
  const TechParams t = load_tech_file(tech_path("rram.yaml"));
  const Table2Resources r = table2_conv({5, 5, 1, 20, 28, 24, 24, 1, 1});
  const Table2Area a = table2_area(t, r, {CellKind::rram_1t1r, 1, 1, 1});
  // 1T1R 9F² at F = 45 nm = 0.018225 µm²: 500 cells → 9.1125 µm²
  CHECK(a.cells_um2 == Approx(9.1125));
  // 1-bit DAC by the 2^b law from 3096T · 0.2 µm² = 619.2 µm² at 8 bits: 619.2/128 = 4.8375; ×25
  CHECK(a.dacs_um2 == Approx(120.9375));
  // 1-bit ADC (Table III point): 244T · 0.2 = 48.8 µm²; ×20
  CHECK(a.sa_adcs_um2 == Approx(976.0));
  // buffers, 1 bit per element, 15.8/32 = 0.49375 µm² per bit: 25 and 140 elements
  CHECK(a.feature_map_buffer_um2 == Approx(12.34375));
  CHECK(a.line_buffer_um2 == Approx(69.125));
  CHECK(a.total_um2() == Approx(1187.51875));
}

TEST_CASE("Table II rejects zero dimensions", "[area][table2]") {
  CHECK_THROWS_WITH(table2_conv({5, 5, 0, 20, 28, 24, 24, 1, 1}), Contains("c_in"));
  CHECK_THROWS_WITH(table2_fc({800, 500, 0, 1}), Contains("x_in"));
  CHECK_THROWS_AS(table2_splits(800, 500, 0, 128), std::invalid_argument);
}

TEST_CASE("SRAM macro resources: 784 -> 512 XNOR layer on 64x64, 3-bit MLSA", "[area][macro]") {
  MacroLayerSpec l;
  l.cell = CellKind::sram_8t;
  l.inputs = 784;
  l.outputs = 512;
  const MacroResources r = count_macro_resources(l, 2);
  // ceil(784/64) = 13 row blocks, 512/64 = 8 column blocks, 104 sub-arrays
  CHECK(r.row_blocks == 13);
  CHECK(r.col_blocks == 8);
  CHECK(r.subarrays == 104);
  CHECK(r.cells == 104ull * 64 * 64);   // 425 984 built (padding rows included)
  CHECK(r.used_cells == 784ull * 512);  // 401 408
  CHECK(r.sense_amps == 104ull * 64);   // one MLSA per column per sub-array
  CHECK(r.sense_bits == 3);
  CHECK(r.comparators == 6656ull * 7);
  CHECK(r.wl_drivers == 104ull * 64 * 2);  // WL and WLB per row
  CHECK(r.precharge_columns == 6656);
  CHECK(r.accumulators == 0);               // parallel: one read per evaluation
  CHECK(r.adders == 512ull * 12);           // adder tree over 13 row blocks per column
  CHECK(r.adder_bits == 11);                // |sum| <= 784
  CHECK(r.activations == 512);
  CHECK(r.activation_bits == 11);
}

TEST_CASE("SRAM macro resources: shared MLSAs, row-by-row, odd shapes", "[area][macro]") {
  MacroLayerSpec l;
  l.cell = CellKind::sram_6t;
  l.inputs = 100;
  l.outputs = 37;
  l.mux = 4;
  l.activation = false;
  MacroResources r = count_macro_resources(l, 1);
  // 2 row blocks × 1 column block; 64/4 = 16 MLSAs per sub-array
  CHECK(r.subarrays == 2);
  CHECK(r.sense_amps == 32);
  CHECK(r.comparators == 32 * 7);
  CHECK(r.wl_drivers == 128);
  CHECK(r.adders == 37);         // one adder per column for the 2 row blocks
  CHECK(r.adder_bits == 8);      // |sum| <= 100
  CHECK(r.activations == 0);

  l.mux = 1;
  l.rows_per_read = 1;  // conventional row-by-row
  r = count_macro_resources(l, 1);
  CHECK(r.sense_bits == 1);
  CHECK(r.comparators == 128);     // plain 1-bit SA per column
  CHECK(r.accumulators == 128);    // per-column accumulators, 2 sub-arrays × 64
  CHECK(r.accumulator_bits == 8);

  l.mux = 65;
  CHECK_THROWS_WITH(count_macro_resources(l, 1), Contains("mux"));
  l.mux = 1;
  l.inputs = 0;
  CHECK_THROWS_WITH(count_macro_resources(l, 1), Contains("inputs"));
}

TEST_CASE("SRAM macro area = counts × unit areas of sram65.yaml", "[area][macro]") {
  const TechParams t = load_tech_file(tech_path("sram65.yaml"));
  MacroLayerSpec l;
  l.cell = CellKind::sram_8t;
  l.inputs = 784;
  l.outputs = 512;
  const MacroArea a = macro_area(t, l);
  CHECK(a.cells_um2 == Approx(425984 * 0.70));       // 298 188.8
  CHECK(a.sense_um2 == Approx(46592 * 10.0));        // 465 920
  CHECK(a.wl_drivers_um2 == Approx(13312 * 4.0));    // 53 248
  CHECK(a.precharge_um2 == Approx(6656 * 1.0));
  CHECK(a.accumulators_um2 == 0.0);
  CHECK(a.adders_um2 == Approx(6144 * 11 * 10.0));   // 675 840
  CHECK(a.activations_um2 == Approx(512 * 11 * 4.0));  // 22 528
  CHECK(a.total_um2() == Approx(1522380.8));
  l.cell = CellKind::rram_1t1r;
  CHECK_THROWS_WITH(macro_area(t, l), Contains("no rram_1t1r cell"));
}
