// Closed-form macro read estimator (ppa_energy.h): hand-computed toy cases, and the
// calibration targets of Liu et al. DAC 2018 with platforms/tech/sram65.yaml.
#include <catch2/catch.hpp>

#include "cimvp/circuit/ppa_energy.h"
#include "cimvp/platform/tech_file.h"

#include <stdexcept>
#include <string>

using namespace cimvp;
using Catch::Matchers::Contains;

namespace {

TechParams toy_tech() {
  TechParams t;
  t.node = "toy";
  t.feature_size_nm = 65;
  t.supply_v = 1.0;
  t.clock_period_ns = 5.0;
  for (CellKind k : {CellKind::sram_6t, CellKind::sram_8t}) {
    BitcellTech& c = t.bitcell(k);
    c.present = true;
    c.read = {0.03, 3.0, k == CellKind::sram_6t ? 0.5 : 0.75};
    c.precharge = {0.01, 1.0, 1.0};
    c.wl_driver = {0.02, 0.0, 4.0};
    c.wordlines_per_row = k == CellKind::sram_6t ? 1 : 2;
  }
  t.mlsa_comparator = {0.02, 1.0, 10.0};
  t.adc.reference = {8, {5.12, 8.0, 5000.0}};
  t.dac.reference = {4, {0.032, 1.0, 52.0}};
  t.adder_bit = {0.008, 0.03, 10.0};
  t.activation_bit = {0.004, 0.03, 4.0};
  t.leakage_nw_per_um2 = 2.0;
  t.clock_cycle = {1.0, 0.0, 0.0};
  return t;
}

std::string tech_path(const char* name) {
  return std::string(CIMVP_TEST_DATA) + "/../../platforms/tech/" + name;
}

}  // namespace

TEST_CASE("parallel XNOR read of a 64x64 sub-array, by hand", "[tech][estimate]") {
  const TechParams t = toy_tech();
  MacroReadSpec s;
  s.mode = CellMode::xnor_8t;
  const MacroReadEstimate e = estimate_macro_read(t, s);
  // every row drives one word line: 64 WL × 0.02 = 1.28 pJ; 64·64 cells × 0.03 = 122.88;
  // precharge 64 × 0.01 = 0.64; 64 MLSAs × 7 comparators × 0.02 = 8.96;
  // latency 1 + 0 + 3 + 1 = 5 ns = 1 cycle → clock 1.0 pJ;
  // area 4096·0.75 + 64·70 + 128·4 + 64·1 = 8128 µm² → leakage 8128 · 2 nW · 5 ns = 0.08128 pJ;
  // total 1.28 + 122.88 + 0.64 + 8.96 + 1.0 + 0.08128 = 134.84128 pJ
  CHECK(e.reads == 1);
  CHECK(e.sense_bits == 3);
  CHECK(e.conversions == 64);
  CHECK(e.accumulations == 0);
  CHECK(e.wl_activations == Approx(64));
  CHECK(e.e_wl_pj == Approx(1.28));
  CHECK(e.e_cells_pj == Approx(122.88));
  CHECK(e.e_precharge_pj == Approx(0.64));
  CHECK(e.e_sense_pj == Approx(8.96));
  CHECK(e.e_accumulate_pj == 0.0);
  CHECK(e.latency_ns == Approx(5.0));
  CHECK(e.cycles == 1);
  CHECK(e.e_clock_pj == Approx(1.0));
  CHECK(e.area_um2 == Approx(8128.0));
  CHECK(e.e_leakage_pj == Approx(0.08128));
  CHECK(e.energy_pj == Approx(134.84128));
  CHECK(e.ops == Approx(8192));
  CHECK(e.tops_per_w() == Approx(8192 / 134.84128));
  CHECK(e.tops() == Approx(8192 / 5.0 * 1e-3));  // 1.6384 TOPS
}

TEST_CASE("a shared MLSA serializes its columns", "[tech][estimate]") {
  const TechParams t = toy_tech();
  MacroReadSpec s;
  s.mode = CellMode::xnor_8t;
  s.mux = 4;
  const MacroReadEstimate e = estimate_macro_read(t, s);
  // 1 + 3 + 4 conversions × 1 ns = 8 ns → 2 cycles; 16 MLSAs → area 3072 + 1120 + 512 + 64
  CHECK(e.latency_ns == Approx(8.0));
  CHECK(e.cycles == 2);
  CHECK(e.conversions == 64);  // still one conversion per column
  CHECK(e.area_um2 == Approx(4768.0));
  CHECK(e.energy_pj == Approx(1.28 + 122.88 + 0.64 + 8.96 + 2.0 + 4768 * 2 * 8e-6));
}

TEST_CASE("group access: reads of g rows accumulated digitally, HBNN input activity", "[tech][estimate]") {
  const TechParams t = toy_tech();
  MacroReadSpec s;
  s.mode = CellMode::hbnn_6t;
  s.rows_per_read = 16;
  s.input_one_fraction = 0.5;
  const MacroReadEstimate e = estimate_macro_read(t, s);
  // 4 reads; half the rows on: 32 WL × 0.02 = 0.64, 2048 cells × 0.03 = 61.44;
  // precharge 4 × 64 × 0.01 = 2.56; 256 conversions × 0.14 = 35.84;
  // 256 accumulations of signed_bits_for(64) = 8 bits × 0.008 = 16.384;
  // latency 4 × 5 + 8 × 0.03 = 20.24 ns → 5 cycles;
  // area 2048 + 4480 + 256 + 64 + 64 accumulators × 80 = 11968 µm²
  CHECK(e.reads == 4);
  CHECK(e.accumulations == 256);
  CHECK(e.accumulator_bits == 8);
  CHECK(e.e_wl_pj == Approx(0.64));
  CHECK(e.e_cells_pj == Approx(61.44));
  CHECK(e.e_precharge_pj == Approx(2.56));
  CHECK(e.e_sense_pj == Approx(35.84));
  CHECK(e.e_accumulate_pj == Approx(16.384));
  CHECK(e.latency_ns == Approx(20.24));
  CHECK(e.cycles == 5);
  CHECK(e.area_um2 == Approx(11968.0));
  CHECK(e.energy_pj == Approx(0.64 + 61.44 + 2.56 + 35.84 + 16.384 + 5.0 + 11968 * 2 * 20.24e-6));
}

TEST_CASE("estimator rejects impossible specs", "[tech][estimate]") {
  TechParams t = toy_tech();
  MacroReadSpec s;
  s.rows_per_read = 65;
  CHECK_THROWS_WITH(estimate_macro_read(t, s), Contains("rows_per_read"));
  s = {};
  s.mux = 0;
  CHECK_THROWS_WITH(estimate_macro_read(t, s), Contains("mux"));
  s = {};
  s.mlsa_bits = 0;
  CHECK_THROWS_WITH(estimate_macro_read(t, s), Contains("1..16"));
  s = {};
  s.input_one_fraction = 1.5;
  CHECK_THROWS_WITH(estimate_macro_read(t, s), Contains("input_one_fraction"));
  t.bitcell(CellKind::sram_8t).present = false;
  s = {};
  CHECK_THROWS_WITH(estimate_macro_read(t, s), Contains("no sram_8t cell"));
}

// Liu et al. DAC 2018: > 100 TOPS/W (HBNN) and > 50 TOPS/W (XNOR) at 64x64, 3-bit MLSA.
// Expected values worked out by hand from the geometry in sram65.yaml (docs/ppa.md, "Array
// costs from geometry"; per-event figures at 64x64: 6T precharge 17.8 fF·0.4 V·1 V + 2 fJ =
// 9.12 fJ, word line 30.72 fF·0.6 V·1 V·1.2 = 22.1184 fJ; 8T 24.2 fF → 11.68 fJ, 34.56 fF →
// 24.8832 fJ; cell 10 µA·3 ns·1 V = 30 fJ; read 1 + 3 ns):
//  HBNN parallel, input ones 50 %: 32·0.0221184 = 0.7077888; 2048·0.030 = 61.44;
//    64·0.00912 = 0.58368; 448 comparators·0.020 = 8.96; 1 cycle·1.0 = 1.0;
//    area 4096·0.52 + 448·10 + 64·4 + 64·1 = 6929.92 µm² → leak 6929.92·2·5e-6 = 0.0693;
//    E = 72.760768 pJ → 8192 / 72.760768 = 112.588 TOPS/W.
//  XNOR parallel: 64·0.0248832 = 1.5925248; 4096·0.030 = 122.88; 64·0.01168 = 0.74752; 8.96;
//    1.0; area 4096·0.70 + 4480 + 128·4 + 64 = 7923.2 → leak 0.079232; E = 135.259277 →
//    60.565 TOPS/W.
//  Row-by-row (every row read with its word line at V_DD, small-swing 1-bit sense, 8-bit
//    accumulate per column and row).  One read: precharge 1 ns + word-line RC
//    ½·(1.3·1.2·64 Ω)·30.72 fF = 1.53354 ps + 17.8 fF·0.1 V / 40 µA = 44.5 ps, + 1 ns SA
//    = 2.04603354 ns (8T: 24.2 fF → 60.5 ps, RC ½·124.8 Ω·34.56 fF = 2.15654 ps:
//    2.06265654 ns); latency 64 reads + 8·0.03 = 131.18615 ns (8T 132.25002), 27 cycles.
//    HBNN: 64·36.864 fJ (C_WL·V_DD²·1.2) + 4096·3.78 fJ (17.8·0.1 + 2) + 4096·0.020 +
//          4096·8·0.008 + 27 + (2129.92 + 640 + 256 + 64 + 5120)·2·131.18615e-6 = 391.0602 pJ
//    XNOR: 64·41.472 fJ + 4096·4.42 fJ + 81.92 + 262.144 + 27
//          + (2867.2 + 640 + 512 + 64 + 5120)·2·132.25002e-6 = 394.2568 pJ
TEST_CASE("sram65.yaml meets the DAC 2018 macro efficiencies", "[tech][estimate][calibration]") {
  const TechParams t = load_tech_file(tech_path("sram65.yaml"));
  MacroReadSpec s;
  s.rows = 64;
  s.cols = 64;
  s.mlsa_bits = 3;

  s.mode = CellMode::hbnn_6t;
  const MacroReadEstimate hbnn = estimate_macro_read(t, s);
  CHECK(hbnn.energy_pj == Approx(72.760768).epsilon(1e-6));
  CHECK(hbnn.tops_per_w() == Approx(112.588).epsilon(1e-4));
  CHECK(hbnn.tops_per_w() > 100.0);

  s.mode = CellMode::xnor_8t;
  const MacroReadEstimate xnor = estimate_macro_read(t, s);
  CHECK(xnor.energy_pj == Approx(135.259277).epsilon(1e-6));
  CHECK(xnor.tops_per_w() == Approx(60.565).epsilon(1e-4));
  CHECK(xnor.tops_per_w() > 50.0);
  // both within 25 % of the published figures
  CHECK(hbnn.tops_per_w() < 125.0);
  CHECK(xnor.tops_per_w() < 62.5);
}

TEST_CASE("sram65.yaml row-by-row vs parallel ratios", "[tech][estimate][calibration]") {
  const TechParams t = load_tech_file(tech_path("sram65.yaml"));
  MacroReadSpec par, rbr;
  rbr.rows_per_read = 1;
  for (CellMode m : {CellMode::hbnn_6t, CellMode::xnor_8t}) {
    par.mode = rbr.mode = m;
    const MacroReadEstimate p = estimate_macro_read(t, par);
    const MacroReadEstimate r = estimate_macro_read(t, rbr);
    CHECK(r.reads == 64);
    CHECK(r.sense_bits == 1);
    CHECK(r.cycles == 27);
    // latency ratio < R: 64 short small-swing reads against one 5 ns parallel read
    if (m == CellMode::hbnn_6t) {
      CHECK(r.latency_ns == Approx(131.18615).epsilon(1e-6));
      CHECK(r.latency_ns / p.latency_ns == Approx(26.2372).epsilon(1e-5));
      CHECK(r.energy_pj == Approx(391.0602).epsilon(1e-5));
      CHECK(r.energy_pj / p.energy_pj == Approx(391.0602 / 72.760768).epsilon(1e-5));  // 5.37
    } else {
      CHECK(r.latency_ns == Approx(132.25002).epsilon(1e-6));
      CHECK(r.energy_pj == Approx(394.2568).epsilon(1e-5));
      CHECK(r.energy_pj / p.energy_pj == Approx(394.2568 / 135.259277).epsilon(1e-5));  // 2.91
    }
  }
}
